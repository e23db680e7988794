-- Needs Store::refresh_allocation (daily_alloc). Allocated cost per day and category over the
-- days in [?, ?); feeds the Overview's sparklines.
SELECT day, x_Category, sum(x_AllocatedCost)
FROM daily_alloc
WHERE day >= ? AND day < ?
GROUP BY day, x_Category
