-- The days on which each dimension split by gateway data has rows (from the daily rollup).
SELECT d.x_DimKey, d.day
FROM ledger_daily d
JOIN weighted_dims w ON w.x_DimKey = d.x_DimKey
GROUP BY d.x_DimKey, d.day
ORDER BY d.x_DimKey, d.day
