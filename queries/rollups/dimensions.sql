-- The distinct dimensions of the ledger, which allocation rules and categories are evaluated on
-- (kept by every write: queries/rollups/dims_rebuild.sql).
SELECT
    x_DimKey, x_Source, ProviderName, ServiceName, ServiceCategory, ServiceSubcategory,
    SubAccountId, SubAccountName, x_ApiKeyId, x_ApiKeyName, x_Model, Tags, PricingCategory,
    SkuId, SkuPriceDetails
FROM ledger_dims
ORDER BY x_DimKey
