-- Needs Store::refresh_allocation (the ledger_alloc view). Allocated cost and quantities per day, use case
-- and row group (provider, item, token type, consumed unit, API key) for ChargePeriodStart in
-- [$1, $2), of use case $3 (every use case when NULL). Unallocated rows get the use case
-- 'unallocated'. Quantities are scaled by the share, like the cost, so split rows count once
-- in total. Money and quantities come back as DECIMAL (read exactly, no text round trip), in no
-- particular order (the caller keys everything by day and group).
SELECT CAST(l.ChargePeriodStart AS DATE) AS day,
       coalesce(l.x_UseCase, 'unallocated') AS use_case,
       l.ProviderName AS provider,
       coalesce(nullif(l.x_Model, ''), nullif(l.ResourceId, ''), l.ServiceName) AS item,
       coalesce(l.x_TokenType, '') AS token_type,
       coalesce(l.ConsumedUnit, '') AS unit,
       coalesce(l.x_ApiKeyId, '') AS api_key,
       sum(l.x_AllocatedCost) AS cost,
       coalesce(sum(CAST(l.ConsumedQuantity AS DECIMAL(38, 6)) * l.x_Share), 0) AS quantity,
       coalesce(sum(CAST(l.x_Requests AS DECIMAL(38, 0)) * l.x_Share), 0) AS requests,
       bool_or(l.ConsumedQuantity IS NOT NULL) AS has_quantity,
       bool_or(l.x_Requests IS NOT NULL) AS has_requests
FROM ledger_alloc l
WHERE l.ChargePeriodStart >= $1 AND l.ChargePeriodStart < $2
  AND ($3 IS NULL OR coalesce(l.x_UseCase, 'unallocated') = $3)
GROUP BY ALL
