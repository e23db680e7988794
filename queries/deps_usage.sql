-- Needs Store::refresh_allocation (the ledger_alloc view). Dependencies (use case x provider x item, item =
-- model, else resource, else service) seen in rows with ChargePeriodStart before the window's
-- end, with their allocated cost, requests and tokens in the window [?, ?). Unallocated rows
-- get the use case 'unallocated'. `used_ever`: the item has reported requests or tokens at some
-- point, so "no requests in the window" means something for it.
WITH w AS (SELECT CAST(? AS TIMESTAMP) AS w_start, CAST(? AS TIMESTAMP) AS w_end)
SELECT coalesce(l.x_UseCase, 'unallocated') AS use_case,
       l.ProviderName AS provider,
       coalesce(nullif(l.x_Model, ''), nullif(l.ResourceId, ''), l.ServiceName) AS item,
       CAST(coalesce(sum(l.x_AllocatedCost) FILTER (WHERE l.ChargePeriodStart >= w_start), 0) AS VARCHAR) AS cost_30d,
       CAST(coalesce(sum(CAST(l.x_Requests AS DECIMAL(38, 0)) * l.x_Share) FILTER (WHERE l.ChargePeriodStart >= w_start), 0) AS VARCHAR) AS requests_30d,
       CAST(coalesce(sum(CAST(l.ConsumedQuantity AS DECIMAL(38, 6)) * l.x_Share) FILTER (WHERE l.ChargePeriodStart >= w_start AND lower(l.ConsumedUnit) = 'tokens'), 0) AS VARCHAR) AS tokens_30d,
       bool_or(l.ChargePeriodStart >= w_start) AS in_window,
       bool_or(coalesce(l.x_Requests, 0) > 0 OR (lower(l.ConsumedUnit) = 'tokens' AND coalesce(l.ConsumedQuantity, 0) > 0)) AS used_ever
FROM ledger_alloc l, w
WHERE l.ChargePeriodStart < w_end
GROUP BY ALL
