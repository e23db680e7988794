-- Tokens and requests per month and use case from the rows already allocated (fixed rules):
-- the weights of rules that split shared rows by usage (split_by). Reads the monthly rollup,
-- whose quantities are sums per month, dimension and unit.
SELECT strftime(month, '%Y-%m') AS month,
       x_UseCase,
       COALESCE(sum(CASE WHEN ConsumedUnit ILIKE '%token%' THEN CAST(ConsumedQuantity AS DECIMAL(38, 6)) * x_Share END), 0),
       COALESCE(sum(CAST(x_Requests AS DECIMAL(38, 0)) * x_Share), 0)
FROM monthly_alloc
WHERE x_UseCase IS NOT NULL
GROUP BY month, x_UseCase
