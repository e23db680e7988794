-- Needs Store::refresh_allocation (daily_alloc, monthly_alloc). Dependencies (use case x
-- provider x item, item = model, else resource, else service) seen in rows before the window's
-- end, with their allocated cost, requests and tokens over the window's days [?, ?).
-- Unallocated rows get the use case 'unallocated'. `used_ever`: the item has reported requests
-- or tokens at some point, so "no requests in the window" means something for it. Whole months
-- before the window end's month come from the monthly rollup; the rest (the window, and the
-- end's month up to the end) from the daily rollup.
WITH w AS (
    SELECT CAST(? AS DATE) AS w_start, CAST(? AS DATE) AS w_end,
           CAST(date_trunc('month', CAST(? AS DATE)) AS DATE) AS w_month
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
    WHERE m.month < w_month
    UNION ALL
    SELECT coalesce(a.x_UseCase, 'unallocated'),
           d.ProviderName,
           coalesce(nullif(d.x_Model, ''), nullif(a.ResourceId, ''), d.ServiceName),
           CASE WHEN a.day >= w_start THEN a.x_AllocatedCost END,
           CASE WHEN a.day >= w_start THEN a.x_Requests * a.x_Share END,
           CASE WHEN a.day >= w_start AND lower(a.ConsumedUnit) = 'tokens'
                THEN a.ConsumedQuantity * a.x_Share END,
           a.day >= w_start,
           a.x_Used
    FROM daily_alloc a
    JOIN ledger_dims d ON d.x_DimKey = a.x_DimKey, w
    WHERE a.day >= least(w_start, w_month) AND a.day < w_end
)
SELECT use_case, provider, item,
       coalesce(sum(cost), 0) AS cost_30d,
       coalesce(sum(requests), 0) AS requests_30d,
       coalesce(sum(tokens), 0) AS tokens_30d,
       bool_or(in_window) AS in_window,
       bool_or(used) AS used_ever
FROM seen
GROUP BY ALL
