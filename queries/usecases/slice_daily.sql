-- Needs Store::refresh_allocation (daily_alloc). One slice of one use case day by day: allocated
-- cost, tokens and requests over the days in [?, ?), use case ? ('unallocated' for rows no rule
-- matches), provider ?, item ? (named as in usecases/slices.sql) and API key ? ('' for rows
-- without one).
SELECT a.day,
       sum(a.x_AllocatedCost) AS cost,
       sum(CASE WHEN lower(a.ConsumedUnit) = 'tokens'
                     THEN a.ConsumedQuantity * a.x_Share END) AS tokens,
       sum(a.x_Requests * a.x_Share) AS requests
FROM daily_alloc a
JOIN ledger_dims d ON d.x_DimKey = a.x_DimKey
WHERE a.day >= ? AND a.day < ?
  AND coalesce(a.x_UseCase, 'unallocated') = ?
  AND d.ProviderName = ?
  AND coalesce(nullif(d.x_Model, ''), nullif(a.ResourceId, ''), d.ServiceName) = ?
  AND coalesce(d.x_ApiKeyId, '') = ?
GROUP BY a.day
