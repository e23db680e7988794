-- Needs Store::refresh_allocation (the ledger_alloc view). Allocated cost and quantities per day, use case
-- and row group (provider, item, token type, consumed unit, API key) for ChargePeriodStart in
-- [?, ?). Unallocated rows get the use case 'unallocated'. Quantities are scaled by the share,
-- like the cost, so split rows count once in total.
SELECT strftime(l.ChargePeriodStart, '%Y-%m-%d') AS day,
       coalesce(l.x_UseCase, 'unallocated') AS use_case,
       l.ProviderName AS provider,
       coalesce(nullif(l.x_Model, ''), nullif(l.ResourceId, ''), l.ServiceName) AS item,
       coalesce(l.x_TokenType, '') AS token_type,
       coalesce(l.ConsumedUnit, '') AS unit,
       coalesce(l.x_ApiKeyId, '') AS api_key,
       CAST(sum(l.x_AllocatedCost) AS VARCHAR) AS cost,
       CAST(coalesce(sum(CAST(l.ConsumedQuantity AS DECIMAL(38, 6)) * l.x_Share), 0) AS VARCHAR) AS quantity,
       CAST(coalesce(sum(CAST(l.x_Requests AS DECIMAL(38, 0)) * l.x_Share), 0) AS VARCHAR) AS requests,
       bool_or(l.ConsumedQuantity IS NOT NULL) AS has_quantity,
       bool_or(l.x_Requests IS NOT NULL) AS has_requests
FROM ledger_alloc l
WHERE l.ChargePeriodStart >= ? AND l.ChargePeriodStart < ?
GROUP BY ALL
ORDER BY day, use_case, provider, item, token_type, unit, api_key
