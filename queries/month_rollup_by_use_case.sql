-- Needs Store::refresh_allocation (monthly_alloc). month_by_use_case.sql over the monthly
-- rollup: the whole months in [?, ?); x_UseCase NULL is unallocated.
SELECT x_UseCase, CAST(sum(x_AllocatedCost) AS VARCHAR)
FROM monthly_alloc
WHERE month >= CAST(? AS DATE) AND month < CAST(? AS DATE)
GROUP BY x_UseCase
ORDER BY x_UseCase NULLS LAST
