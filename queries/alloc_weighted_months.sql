-- The months in which each usage-weighted dimension has rows.
SELECT l.x_DimKey, strftime(l.ChargePeriodStart, '%Y-%m') AS month
FROM ledger l
JOIN weighted_dims w ON w.x_DimKey = l.x_DimKey
GROUP BY l.x_DimKey, month
ORDER BY l.x_DimKey, month
