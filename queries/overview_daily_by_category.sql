-- Needs dim_alloc (Store::refresh_allocation). Allocated cost per day and category, rows whose
-- ChargePeriodStart is in [?, ?); feeds the Overview's sparklines.
SELECT strftime(l.ChargePeriodStart, '%Y-%m-%d') AS day, a.category,
       CAST(sum(l.EffectiveCost * a.share) AS VARCHAR)
FROM ledger l JOIN dim_alloc a USING (x_DimKey)
WHERE l.ChargePeriodStart >= ? AND l.ChargePeriodStart < ?
GROUP BY day, a.category
ORDER BY day, a.category
