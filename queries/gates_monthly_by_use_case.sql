-- Needs Store::refresh_allocation (monthly_alloc). Allocated cost per month and use case of the
-- whole months in [?, ?) (both bounds are month starts); x_UseCase NULL is unallocated.
SELECT strftime(month, '%Y-%m') AS m, x_UseCase,
       CAST(sum(x_AllocatedCost) AS VARCHAR)
FROM monthly_alloc
WHERE month >= CAST(? AS DATE) AND month < CAST(? AS DATE)
GROUP BY month, x_UseCase
ORDER BY month, x_UseCase NULLS LAST
