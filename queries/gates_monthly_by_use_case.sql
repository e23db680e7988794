-- Needs dim_alloc (Store::refresh_allocation). Allocated cost per month and use case of the
-- rows whose ChargePeriodStart is in [?, ?); use_case NULL is unallocated.
SELECT strftime(l.ChargePeriodStart, '%Y-%m') AS month, a.use_case,
       CAST(sum(l.EffectiveCost * a.share) AS VARCHAR)
FROM ledger l JOIN dim_alloc a USING (x_DimKey)
WHERE l.ChargePeriodStart >= ? AND l.ChargePeriodStart < ?
GROUP BY month, a.use_case
ORDER BY month, a.use_case NULLS LAST
