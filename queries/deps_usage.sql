-- Needs Store::refresh_allocation (the alloc_daily aggregate). Dependencies (use case x
-- provider x item, item = model, else resource, else service) seen on days before the window's
-- end, with their allocated cost, requests and tokens in the window of days [?, ?). Unallocated
-- rows get the use case 'unallocated'. `used_ever`: the item has reported requests or tokens at
-- some point, so "no requests in the window" means something for it.
WITH w AS (SELECT CAST(? AS DATE) AS w_start, CAST(? AS DATE) AS w_end)
SELECT coalesce(d.use_case, 'unallocated') AS use_case,
       d.provider,
       d.item,
       CAST(coalesce(sum(d.cost) FILTER (WHERE d.day >= w_start), 0) AS VARCHAR) AS cost_30d,
       CAST(coalesce(sum(d.requests) FILTER (WHERE d.day >= w_start), 0) AS VARCHAR) AS requests_30d,
       CAST(coalesce(sum(d.quantity) FILTER (WHERE d.day >= w_start AND lower(d.unit) = 'tokens'), 0) AS VARCHAR) AS tokens_30d,
       bool_or(d.day >= w_start) AS in_window,
       bool_or(d.used) AS used_ever
FROM alloc_daily d, w
WHERE d.day < w_end
GROUP BY ALL
