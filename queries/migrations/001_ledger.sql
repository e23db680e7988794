-- The FOCUS 1.2-aligned cost ledger. Money is DECIMAL(18,9): exact to a nano-dollar,
-- up to a billion dollars per row. Timestamps are UTC, stored without a zone.
CREATE TABLE ledger (
    BilledCost          DECIMAL(18, 9) NOT NULL,
    EffectiveCost       DECIMAL(18, 9) NOT NULL,
    ListCost            DECIMAL(18, 9) NOT NULL,
    ContractedCost      DECIMAL(18, 9) NOT NULL,
    BillingAccountId    VARCHAR NOT NULL,
    BillingAccountName  VARCHAR,
    BillingCurrency     VARCHAR NOT NULL,
    BillingPeriodStart  TIMESTAMP NOT NULL,
    BillingPeriodEnd    TIMESTAMP NOT NULL,
    ChargeCategory      VARCHAR NOT NULL,
    ChargeClass         VARCHAR,
    ChargeDescription   VARCHAR,
    ChargeFrequency     VARCHAR,
    ChargePeriodStart   TIMESTAMP NOT NULL,
    ChargePeriodEnd     TIMESTAMP NOT NULL,
    ConsumedQuantity    DECIMAL(28, 6),
    ConsumedUnit        VARCHAR,
    PricingQuantity     DECIMAL(28, 6),
    PricingUnit         VARCHAR,
    PricingCategory     VARCHAR,
    ListUnitPrice       DECIMAL(28, 12),
    InvoiceIssuerName   VARCHAR NOT NULL,
    ProviderName        VARCHAR NOT NULL,
    PublisherName       VARCHAR NOT NULL,
    RegionId            VARCHAR,
    ResourceId          VARCHAR,
    ResourceName        VARCHAR,
    ResourceType        VARCHAR,
    ServiceCategory     VARCHAR NOT NULL,
    ServiceSubcategory  VARCHAR,
    ServiceName         VARCHAR NOT NULL,
    SkuId               VARCHAR,
    SkuPriceDetails     VARCHAR,
    SubAccountId        VARCHAR,
    SubAccountName      VARCHAR,
    Tags                VARCHAR,
    x_Source            VARCHAR NOT NULL,
    x_SourceFile        VARCHAR,
    x_RowKey            VARCHAR NOT NULL,
    x_DimKey            VARCHAR NOT NULL,
    x_Model             VARCHAR,
    x_TokenType         VARCHAR,
    x_Requests          BIGINT,
    x_ApiKeyId          VARCHAR,
    x_ApiKeyName        VARCHAR,
    x_RawUsageType      VARCHAR,
    x_Unpriced          BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX ledger_source_period ON ledger (x_Source, ChargePeriodStart);

-- Outcome values per use case and period (month), for cost per outcome.
CREATE TABLE outcomes (
    month     VARCHAR NOT NULL,
    use_case  VARCHAR NOT NULL,
    metric    VARCHAR NOT NULL,
    value     DECIMAL(28, 6) NOT NULL,
    source    VARCHAR NOT NULL,
    PRIMARY KEY (month, use_case, metric)
);

-- Settings stored with a DB, e.g. the demo's own config.
CREATE TABLE settings (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- One row per ingest (sync window or file import).
CREATE TABLE ingest_runs (
    id            BIGINT NOT NULL,
    source        VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    window_start  TIMESTAMP,
    window_end    TIMESTAMP,
    file          VARCHAR,
    file_sha256   VARCHAR,
    rows_written  BIGINT NOT NULL,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP NOT NULL,
    status        VARCHAR NOT NULL,
    error         VARCHAR
);

-- Reviews of dependencies (use case x provider x item); history kept, latest wins.
CREATE TABLE dependency_reviews (
    dep_key      VARCHAR NOT NULL,
    class        VARCHAR NOT NULL,
    note         VARCHAR,
    reviewer     VARCHAR NOT NULL,
    reviewed_at  TIMESTAMP NOT NULL
);
