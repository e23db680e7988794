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
-- Backfilled by queries/ledger_dims_rebuild.sql, the statement every write runs.
