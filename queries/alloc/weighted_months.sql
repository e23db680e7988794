-- The months in which each usage-weighted dimension has rows (from the monthly rollup).
SELECT m.x_DimKey, strftime(m.month, '%Y-%m') AS month
FROM ledger_monthly m
JOIN weighted_dims w ON w.x_DimKey = m.x_DimKey
GROUP BY m.x_DimKey, m.month
ORDER BY m.x_DimKey, month
