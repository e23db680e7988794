-- The ledger rolled up per source, day (of ChargePeriodStart) and dimension, with the same
-- columns as ledger_monthly, kept by every write (queries/ledger_daily_rebuild.sql) so views of
-- days (the Overview's sparklines and projection, the drill-down, spikes, dependencies) read one
-- row per dimension and day instead of every hourly or per-request row.
CREATE TABLE ledger_daily (
    x_Source          VARCHAR NOT NULL,
    day               DATE NOT NULL,
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
-- Backfill: every (source, day) of the ledger, by the rebuilds every write runs (the monthly
-- rollup of migration 6 is rebuilt from this one).
CREATE TEMP TABLE rollup_scope AS
SELECT DISTINCT x_Source, CAST(ChargePeriodStart AS DATE) AS day,
       CAST(date_trunc('month', ChargePeriodStart) AS DATE) AS month
FROM ledger;
