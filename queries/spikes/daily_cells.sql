-- Needs Store::refresh_allocation (daily_alloc). Allocated cost and quantities per day, use case
-- and row group (provider, item, token type, consumed unit, API key, category) over the days in [$1, $2),
-- of use case $3 (every use case when NULL): one row per daily rollup row and use case, which
-- the caller sums per day and group (a group can span several dimensions). Unallocated rows get
-- the use case 'unallocated'. Quantities are scaled by the share, like the cost, so split rows
-- count once in total. Money and quantities come back as DECIMAL (read exactly, no text round
-- trip), in no particular order.
SELECT a.day,
       coalesce(a.x_UseCase, 'unallocated') AS use_case,
       d.ProviderName AS provider,
       coalesce(nullif(d.x_Model, ''), nullif(a.ResourceId, ''), d.ServiceName) AS item,
       coalesce(a.x_TokenType, '') AS token_type,
       coalesce(a.ConsumedUnit, '') AS unit,
       coalesce(d.x_ApiKeyId, '') AS api_key,
       a.x_AllocatedCost AS cost,
       coalesce(a.ConsumedQuantity * a.x_Share, 0) AS quantity,
       coalesce(a.x_Requests * a.x_Share, 0) AS requests,
       a.ConsumedQuantity IS NOT NULL AS has_quantity,
       a.x_Requests IS NOT NULL AS has_requests,
       a.x_Category AS category
FROM daily_alloc a
JOIN ledger_dims d ON d.x_DimKey = a.x_DimKey
WHERE a.day >= $1 AND a.day < $2
  AND ($3 IS NULL OR coalesce(a.x_UseCase, 'unallocated') = $3)
