-- Needs Store::refresh_allocation (monthly_alloc). Every month's allocated cost per use case and
-- category; x_UseCase NULL is unallocated.
SELECT month, x_UseCase, x_Category, sum(x_AllocatedCost) AS cost
FROM monthly_alloc
GROUP BY ALL
