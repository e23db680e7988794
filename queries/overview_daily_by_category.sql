-- Needs Store::refresh_allocation (ledger_alloc). Allocated cost per day and category, rows whose
-- ChargePeriodStart is in [?, ?); feeds the Overview's sparklines.
SELECT CAST(ChargePeriodStart AS DATE) AS day, x_Category,
       sum(x_AllocatedCost)
FROM ledger_alloc
WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
GROUP BY day, x_Category
