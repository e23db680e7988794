-- Needs Store::refresh_allocation (monthly_alloc). Every use case's allocated cost, tokens and
-- requests by provider, item (model, else resource, else service: as spikes/daily_cells.sql
-- names it) and API key, over the whole months in [?, ?) (both bounds are month starts);
-- 'unallocated' for rows no rule matches. Quantities are scaled by the share, like the cost.
-- Each use case's slices come largest first.
SELECT coalesce(a.x_UseCase, 'unallocated') AS use_case,
       d.ProviderName AS provider,
       coalesce(nullif(d.x_Model, ''), nullif(a.ResourceId, ''), d.ServiceName) AS item,
       coalesce(d.x_ApiKeyId, '') AS api_key,
       coalesce(max(d.x_ApiKeyName), '') AS api_key_name,
       sum(a.x_AllocatedCost) AS cost,
       sum(CASE WHEN lower(a.ConsumedUnit) = 'tokens'
                     THEN a.ConsumedQuantity * a.x_Share END) AS tokens,
       sum(a.x_Requests * a.x_Share) AS requests
FROM monthly_alloc a
JOIN ledger_dims d ON d.x_DimKey = a.x_DimKey
WHERE a.month >= ? AND a.month < ?
GROUP BY use_case, provider, item, api_key
ORDER BY use_case, sum(a.x_AllocatedCost) DESC, provider, item, api_key
