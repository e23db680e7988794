-- Needs Store::refresh_allocation (ledger_alloc). Allocated cost per day and use case
-- ('unallocated' for rows no rule matches), rows whose ChargePeriodStart is in [?, ?); feeds the
-- Use cases tab's sparklines.
SELECT strftime(ChargePeriodStart, '%Y-%m-%d') AS day,
       coalesce(x_UseCase, 'unallocated') AS use_case,
       CAST(sum(x_AllocatedCost) AS VARCHAR) AS cost
FROM ledger_alloc
WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
GROUP BY ALL
ORDER BY day, use_case
