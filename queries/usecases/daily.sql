-- Needs Store::refresh_allocation (daily_alloc). Allocated cost per day and use case
-- ('unallocated' for rows no rule matches) over the days in [?, ?); feeds the Use cases tab's
-- sparklines.
SELECT day,
       coalesce(x_UseCase, 'unallocated') AS use_case,
       sum(x_AllocatedCost) AS cost
FROM daily_alloc
WHERE day >= ? AND day < ?
GROUP BY ALL
