-- Needs Store::refresh_allocation (monthly_alloc). month_by_category.sql over the monthly
-- rollup: the whole months in [?, ?).
SELECT x_Category, CAST(sum(x_AllocatedCost) AS VARCHAR)
FROM monthly_alloc
WHERE month >= CAST(? AS DATE) AND month < CAST(? AS DATE)
GROUP BY x_Category
ORDER BY x_Category
