-- Needs Store::refresh_allocation (monthly_alloc). Allocated cost of the whole months in
-- [?, ?) (both bounds are month starts) per use case and category; x_UseCase NULL is
-- unallocated. Summed per use case it is month_by_use_case.sql, per category
-- month_by_category.sql, over the same rows.
SELECT x_UseCase, x_Category, CAST(sum(x_AllocatedCost) AS VARCHAR)
FROM monthly_alloc
WHERE month >= CAST(? AS DATE) AND month < CAST(? AS DATE)
GROUP BY x_UseCase, x_Category
