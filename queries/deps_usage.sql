-- Needs Store::refresh_allocation (ledger_alloc, monthly_alloc). Dependencies (use case x
-- provider x item, item = model, else resource, else service) seen in rows with
-- ChargePeriodStart before the window's end, with their allocated cost, requests and tokens in
-- the window [?, ?). Unallocated rows get the use case 'unallocated'. `used_ever`: the item has
-- reported requests or tokens at some point, so "no requests in the window" means something
-- for it. Whole months before the window end's month come from the monthly rollup; the rest
-- (the window, and the end's month up to the end) from the ledger rows.
WITH w AS (
    SELECT CAST(? AS TIMESTAMP) AS w_start, CAST(? AS TIMESTAMP) AS w_end,
           CAST(date_trunc('month', CAST(? AS TIMESTAMP)) AS TIMESTAMP) AS w_month
),
seen AS (
    SELECT coalesce(m.x_UseCase, 'unallocated') AS use_case,
           d.ProviderName AS provider,
           coalesce(nullif(d.x_Model, ''), nullif(m.ResourceId, ''), d.ServiceName) AS item,
           CAST(NULL AS DECIMAL(38, 15)) AS cost,
           CAST(NULL AS DECIMAL(38, 6)) AS requests,
           CAST(NULL AS DECIMAL(38, 12)) AS tokens,
           false AS in_window,
           m.x_Used AS used
    FROM monthly_alloc m
    JOIN ledger_dims d ON d.x_DimKey = m.x_DimKey, w
    WHERE m.month < CAST(w_month AS DATE)
    UNION ALL
    SELECT coalesce(l.x_UseCase, 'unallocated'),
           l.ProviderName,
           coalesce(nullif(l.x_Model, ''), nullif(l.ResourceId, ''), l.ServiceName),
           CASE WHEN l.ChargePeriodStart >= w_start THEN l.x_AllocatedCost END,
           CASE WHEN l.ChargePeriodStart >= w_start THEN CAST(l.x_Requests AS DECIMAL(38, 0)) * l.x_Share END,
           CASE WHEN l.ChargePeriodStart >= w_start AND lower(l.ConsumedUnit) = 'tokens'
                THEN CAST(l.ConsumedQuantity AS DECIMAL(38, 6)) * l.x_Share END,
           l.ChargePeriodStart >= w_start,
           coalesce(coalesce(l.x_Requests, 0) > 0
                    OR (lower(l.ConsumedUnit) = 'tokens' AND coalesce(l.ConsumedQuantity, 0) > 0), false)
    FROM ledger_alloc l, w
    WHERE l.ChargePeriodStart >= least(w_start, w_month) AND l.ChargePeriodStart < w_end
)
SELECT use_case, provider, item,
       CAST(coalesce(sum(cost), 0) AS VARCHAR) AS cost_30d,
       CAST(coalesce(sum(requests), 0) AS VARCHAR) AS requests_30d,
       CAST(coalesce(sum(tokens), 0) AS VARCHAR) AS tokens_30d,
       bool_or(in_window) AS in_window,
       bool_or(used) AS used_ever
FROM seen
GROUP BY ALL
