-- The distinct dimensions of the ledger, which allocation rules and categories are evaluated on.
SELECT
    x_DimKey,
    any_value(x_Source),
    any_value(ProviderName),
    any_value(ServiceName),
    any_value(ServiceCategory),
    any_value(ServiceSubcategory),
    any_value(SubAccountId),
    max(SubAccountName),
    any_value(x_ApiKeyId),
    max(x_ApiKeyName),
    any_value(x_Model),
    any_value(Tags),
    any_value(PricingCategory)
FROM ledger
GROUP BY x_DimKey
ORDER BY x_DimKey
