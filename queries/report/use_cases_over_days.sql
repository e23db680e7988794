-- Needs Store::refresh_allocation (daily_alloc). Allocated cost per use case over the days in
-- [?, ?); x_UseCase NULL is unallocated.
SELECT x_UseCase, sum(x_AllocatedCost)
FROM daily_alloc
WHERE day >= ? AND day < ?
GROUP BY x_UseCase
ORDER BY x_UseCase NULLS LAST
