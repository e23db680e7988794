-- Allocation of each dimension: shares add up to exactly 1 per x_DimKey (and month, for rules
-- that split by usage); use_case NULL is unallocated; month NULL means every month.
CREATE OR REPLACE TEMP TABLE dim_alloc (
    x_DimKey  VARCHAR NOT NULL,
    month     VARCHAR,
    use_case  VARCHAR,
    share     DECIMAL(7, 6) NOT NULL,
    category  VARCHAR NOT NULL
);
CREATE OR REPLACE TEMP TABLE dim_alloc_stage (
    x_DimKey  VARCHAR,
    month     VARCHAR,
    use_case  VARCHAR,
    share     VARCHAR,
    category  VARCHAR
);
-- Every ledger row once per use case it is allocated to, with its allocated cost. Every query
-- that needs allocation reads this view, so fixed and usage-weighted splits are treated alike.
CREATE OR REPLACE TEMP VIEW ledger_alloc AS
SELECT l.*,
       a.use_case AS x_UseCase,
       a.share AS x_Share,
       a.category AS x_Category,
       CAST(l.EffectiveCost AS DECIMAL(38, 9)) * a.share AS x_AllocatedCost
FROM ledger l
JOIN dim_alloc a
  ON a.x_DimKey = l.x_DimKey
 AND (a.month IS NULL OR a.month = strftime(l.ChargePeriodStart, '%Y-%m'));
-- The same allocation over the daily rollup (ledger_daily): what views of days read (ranges of
-- whole days). Sums equal those of ledger_alloc over the same days exactly, as for
-- monthly_alloc below. The dimension's attributes are in ledger_dims.
CREATE OR REPLACE TEMP VIEW daily_alloc AS
SELECT d.*,
       a.use_case AS x_UseCase,
       a.share AS x_Share,
       a.category AS x_Category,
       d.EffectiveCost * a.share AS x_AllocatedCost
FROM ledger_daily d
JOIN dim_alloc a
  ON a.x_DimKey = d.x_DimKey
 AND (a.month IS NULL OR a.month = strftime(d.day, '%Y-%m'));
-- The same allocation over the monthly rollup (ledger_monthly): what reports of whole months
-- read. Sums of x_AllocatedCost equal those of ledger_alloc over the same months exactly
-- (share x sum = sum of share x cost, no rounding). The dimension's attributes (provider,
-- model, ...) are in ledger_dims, joined by the queries that need them.
CREATE OR REPLACE TEMP VIEW monthly_alloc AS
SELECT m.*,
       a.use_case AS x_UseCase,
       a.share AS x_Share,
       a.category AS x_Category,
       m.EffectiveCost * a.share AS x_AllocatedCost
FROM ledger_monthly m
JOIN dim_alloc a
  ON a.x_DimKey = m.x_DimKey
 AND (a.month IS NULL OR a.month = strftime(m.month, '%Y-%m'));
