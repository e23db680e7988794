-- Needs Store::refresh_allocation (the alloc_daily aggregate). Allocated cost and
-- quantities per day, use case and row group (provider, item, token type, consumed unit, API key)
-- for days in [?, ?). Unallocated rows get the use case 'unallocated'. Quantities are scaled by
-- the share, like the cost, so split rows count once in total.
SELECT strftime(d.day, '%Y-%m-%d') AS day,
       coalesce(d.use_case, 'unallocated') AS use_case,
       d.provider,
       d.item,
       d.token_type,
       d.unit,
       d.api_key,
       CAST(sum(d.cost) AS VARCHAR) AS cost,
       CAST(coalesce(sum(d.quantity), 0) AS VARCHAR) AS quantity,
       CAST(coalesce(sum(d.requests), 0) AS VARCHAR) AS requests,
       bool_or(d.has_quantity) AS has_quantity,
       bool_or(d.has_requests) AS has_requests
FROM alloc_daily d
WHERE d.day >= CAST(? AS DATE) AND d.day < CAST(? AS DATE)
GROUP BY ALL
ORDER BY day, use_case, provider, item, token_type, unit, api_key
