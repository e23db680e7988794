-- Needs Store::refresh_allocation (ledger_alloc).
SELECT x_Category, CAST(sum(x_AllocatedCost) AS VARCHAR)
FROM ledger_alloc
WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
GROUP BY x_Category
ORDER BY x_Category
