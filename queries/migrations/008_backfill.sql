-- Backfill of migration 8, frozen: ledger_dims rebuilt as queries/rollups/dims_rebuild.sql read
-- when this migration was written.

-- Rebuilds the ledger's distinct dimensions (what allocation rules and categories are evaluated
-- on) after a write, inside the write's transaction, so building an allocation reads this small
-- table instead of grouping the whole ledger on every open.
DELETE FROM ledger_dims;
INSERT INTO ledger_dims
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
    any_value(PricingCategory),
    any_value(SkuId),
    any_value(SkuPriceDetails)
FROM ledger
GROUP BY x_DimKey;
