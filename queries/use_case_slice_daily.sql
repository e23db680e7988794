-- Needs Store::refresh_allocation (ledger_alloc). One slice of one use case day by day: allocated
-- cost, tokens and requests for ChargePeriodStart in [?, ?), use case ? ('unallocated' for rows
-- no rule matches), provider ?, item ? (named as in use_case_slices.sql) and API key ? ('' for
-- rows without one).
SELECT strftime(ChargePeriodStart, '%Y-%m-%d') AS day,
       CAST(sum(x_AllocatedCost) AS VARCHAR) AS cost,
       CAST(sum(CASE WHEN lower(ConsumedUnit) = 'tokens'
                     THEN CAST(ConsumedQuantity AS DECIMAL(38, 6)) * x_Share END) AS VARCHAR) AS tokens,
       CAST(sum(CAST(x_Requests AS DECIMAL(38, 0)) * x_Share) AS VARCHAR) AS requests
FROM ledger_alloc
WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
  AND coalesce(x_UseCase, 'unallocated') = ?
  AND ProviderName = ?
  AND coalesce(nullif(x_Model, ''), nullif(ResourceId, ''), ServiceName) = ?
  AND coalesce(x_ApiKeyId, '') = ?
GROUP BY day
ORDER BY day
