-- The ledger's distinct dimensions, kept by every write (queries/ledger_dims_rebuild.sql).
CREATE TABLE ledger_dims (
    x_DimKey            VARCHAR PRIMARY KEY,
    x_Source            VARCHAR,
    ProviderName        VARCHAR,
    ServiceName         VARCHAR,
    ServiceCategory     VARCHAR,
    ServiceSubcategory  VARCHAR,
    SubAccountId        VARCHAR,
    SubAccountName      VARCHAR,
    x_ApiKeyId          VARCHAR,
    x_ApiKeyName        VARCHAR,
    x_Model             VARCHAR,
    Tags                VARCHAR,
    PricingCategory     VARCHAR
);
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
    any_value(PricingCategory)
FROM ledger
GROUP BY x_DimKey;
