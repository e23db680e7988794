-- Needs Store::refresh_allocation (the alloc_daily aggregate). Allocated cost per use case
-- of the days in [?, ?); use_case NULL is unallocated.
SELECT use_case, CAST(sum(cost) AS VARCHAR)
FROM alloc_daily
WHERE day >= CAST(? AS DATE) AND day < CAST(? AS DATE)
GROUP BY use_case
ORDER BY use_case NULLS LAST
