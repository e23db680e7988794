-- Needs Store::refresh_allocation (ledger_alloc). x_UseCase NULL is unallocated.
SELECT x_UseCase, CAST(sum(x_AllocatedCost) AS VARCHAR)
FROM ledger_alloc
WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
GROUP BY x_UseCase
ORDER BY x_UseCase NULLS LAST
