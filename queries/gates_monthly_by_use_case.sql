-- Needs Store::refresh_allocation (the alloc_daily aggregate). Allocated cost per month and
-- use case of the days in [?, ?); use_case NULL is unallocated.
SELECT strftime(day, '%Y-%m') AS month, use_case,
       CAST(sum(cost) AS VARCHAR)
FROM alloc_daily
WHERE day >= CAST(? AS DATE) AND day < CAST(? AS DATE)
GROUP BY month, use_case
ORDER BY month, use_case NULLS LAST
