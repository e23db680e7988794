-- Needs Store::refresh_allocation (ledger_alloc). Allocated cost per day and use case
-- ('unallocated' for rows no rule matches), rows whose ChargePeriodStart is in [?, ?); feeds the
-- Use cases tab's sparklines.
SELECT CAST(ChargePeriodStart AS DATE) AS day,
       coalesce(x_UseCase, 'unallocated') AS use_case,
       sum(x_AllocatedCost) AS cost
FROM ledger_alloc
WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
GROUP BY ALL
