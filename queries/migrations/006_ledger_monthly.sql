-- The ledger rolled up per source, month and dimension (plus the row attributes reports group
-- by that the dimension key leaves out), kept by every write (queries/ledger_monthly_rebuild.sql)
-- so reports of whole months read a few thousand rows instead of the whole ledger.
CREATE TABLE ledger_monthly (
    x_Source          VARCHAR NOT NULL,
    month             DATE NOT NULL,
    x_DimKey          VARCHAR NOT NULL,
    ResourceId        VARCHAR,
    x_TokenType       VARCHAR,
    ConsumedUnit      VARCHAR,
    BillingCurrency   VARCHAR NOT NULL,
    EffectiveCost     DECIMAL(38, 9) NOT NULL,
    BilledCost        DECIMAL(38, 9) NOT NULL,
    -- NULL when no row of the group reported one, as sum() over the ledger rows gives.
    ConsumedQuantity  DECIMAL(38, 6),
    x_Requests        DECIMAL(38, 0),
    UnpricedQuantity  DECIMAL(38, 6),
    x_RowCount        BIGINT NOT NULL,
    x_FirstStart      TIMESTAMP NOT NULL,
    -- Some row of the group reported requests or tokens.
    x_Used            BOOLEAN NOT NULL
);
-- Backfilled by migration 7, from the daily rollup it builds.
