-- Needs Store::refresh_allocation (daily_alloc). Allocated cost per category over the days in
-- [?, ?).
SELECT x_Category, sum(x_AllocatedCost)
FROM daily_alloc
WHERE day >= ? AND day < ?
GROUP BY x_Category
ORDER BY x_Category
