-- Needs dim_alloc (Store::refresh_allocation). use_case NULL is unallocated.
SELECT a.use_case, CAST(sum(l.EffectiveCost * a.share) AS VARCHAR)
FROM ledger l JOIN dim_alloc a USING (x_DimKey)
WHERE l.ChargePeriodStart >= ? AND l.ChargePeriodStart < ?
GROUP BY a.use_case
ORDER BY a.use_case NULLS LAST
