-- Needs Store::refresh_allocation (ledger_alloc). One use case's allocated cost, tokens and
-- requests by provider, item (model, else resource, else service: as spikes_daily_cells.sql
-- names it) and API key, rows whose ChargePeriodStart is in [?, ?) and whose use case is ?
-- ('unallocated' for rows no rule matches). Quantities are scaled by the share, like the cost.
SELECT ProviderName AS provider,
       coalesce(nullif(x_Model, ''), nullif(ResourceId, ''), ServiceName) AS item,
       coalesce(x_ApiKeyId, '') AS api_key,
       coalesce(max(x_ApiKeyName), '') AS api_key_name,
       CAST(sum(x_AllocatedCost) AS VARCHAR) AS cost,
       CAST(sum(CASE WHEN lower(ConsumedUnit) = 'tokens'
                     THEN CAST(ConsumedQuantity AS DECIMAL(38, 6)) * x_Share END) AS VARCHAR) AS tokens,
       CAST(sum(CAST(x_Requests AS DECIMAL(38, 0)) * x_Share) AS VARCHAR) AS requests
FROM ledger_alloc
WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
  AND coalesce(x_UseCase, 'unallocated') = ?
GROUP BY provider, item, api_key
ORDER BY sum(x_AllocatedCost) DESC, provider, item, api_key
