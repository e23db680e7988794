-- Needs dim_alloc (Store::refresh_allocation).
SELECT a.category, CAST(sum(l.EffectiveCost * a.share) AS VARCHAR)
FROM ledger l JOIN dim_alloc a USING (x_DimKey)
WHERE l.ChargePeriodStart >= ? AND l.ChargePeriodStart < ?
GROUP BY a.category
ORDER BY a.category
