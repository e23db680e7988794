-- Needs Store::refresh_allocation (ledger_alloc). Allocated cost per day and category, rows whose
-- ChargePeriodStart is in [?, ?); feeds the Overview's sparklines.
SELECT strftime(ChargePeriodStart, '%Y-%m-%d') AS day, x_Category,
       CAST(sum(x_AllocatedCost) AS VARCHAR)
FROM ledger_alloc
WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
GROUP BY day, x_Category
ORDER BY day, x_Category
