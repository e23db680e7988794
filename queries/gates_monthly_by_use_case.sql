-- Needs Store::refresh_allocation (ledger_alloc). Allocated cost per month and use case of the
-- rows whose ChargePeriodStart is in [?, ?); x_UseCase NULL is unallocated.
SELECT strftime(ChargePeriodStart, '%Y-%m') AS month, x_UseCase,
       CAST(sum(x_AllocatedCost) AS VARCHAR)
FROM ledger_alloc
WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
GROUP BY month, x_UseCase
ORDER BY month, x_UseCase NULLS LAST
