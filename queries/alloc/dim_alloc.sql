-- Allocation of each dimension: shares add up to exactly 1 per x_DimKey (and month, for rules
-- that split by usage; and day, for rules that split by gateway data); use_case NULL is
-- unallocated; month NULL means every month; day NULL means every day. A dimension has either
-- day rows only (split_by = "gateway": one set per day it has rows) or none.
-- `gateway_basis`: for day rows, 'split' (the day's gateway-captured cost shares) or
-- 'fallback' (no gateway data that day: the rule's use_case, else unallocated).
CREATE OR REPLACE TEMP TABLE dim_alloc (
    x_DimKey       VARCHAR NOT NULL,
    month          VARCHAR,
    day            DATE,
    use_case       VARCHAR,
    share          DECIMAL(7, 6) NOT NULL,
    category       VARCHAR NOT NULL,
    gateway_basis  VARCHAR
);
CREATE OR REPLACE TEMP TABLE dim_alloc_stage (
    x_DimKey       VARCHAR,
    month          VARCHAR,
    day            DATE,
    use_case       VARCHAR,
    share          VARCHAR,
    category       VARCHAR,
    gateway_basis  VARCHAR
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
 AND (a.month IS NULL OR a.month = strftime(l.ChargePeriodStart, '%Y-%m'))
 AND (a.day IS NULL OR a.day = CAST(l.ChargePeriodStart AS DATE));
-- The same allocation over the daily rollup (ledger_daily): what views of days read (ranges of
-- whole days). Sums equal those of ledger_alloc over the same days exactly, as for
-- monthly_alloc below. The dimension's attributes are in ledger_dims.
-- x_GatewayBasis: 'split' or 'fallback' on days of a split_by = "gateway" rule, else NULL.
CREATE OR REPLACE TEMP VIEW daily_alloc AS
SELECT d.*,
       a.use_case AS x_UseCase,
       a.share AS x_Share,
       a.category AS x_Category,
       d.EffectiveCost * a.share AS x_AllocatedCost,
       a.gateway_basis AS x_GatewayBasis
FROM ledger_daily d
JOIN dim_alloc a
  ON a.x_DimKey = d.x_DimKey
 AND (a.month IS NULL OR a.month = strftime(d.day, '%Y-%m'))
 AND (a.day IS NULL OR a.day = d.day);
-- The same allocation over the monthly rollup (ledger_monthly): what reports of whole months
-- read. Sums of x_AllocatedCost equal those of ledger_alloc over the same months exactly
-- (share x sum = sum of share x cost, no rounding). The dimension's attributes (provider,
-- model, ...) are in ledger_dims, joined by the queries that need them. Dimensions split per
-- day (split_by = "gateway") come from their daily rows summed per month and use case: the
-- columns are the sums over the days the use case has a share, x_AllocatedCost is exact, and
-- x_Share is the cost-weighted share over those days (for scaling quantities).
CREATE OR REPLACE TEMP VIEW monthly_alloc AS
SELECT m.*,
       a.use_case AS x_UseCase,
       a.share AS x_Share,
       a.category AS x_Category,
       m.EffectiveCost * a.share AS x_AllocatedCost
FROM ledger_monthly m
JOIN dim_alloc a
  ON a.x_DimKey = m.x_DimKey
 AND a.day IS NULL
 AND (a.month IS NULL OR a.month = strftime(m.month, '%Y-%m'))
UNION ALL
SELECT d.x_Source,
       CAST(date_trunc('month', d.day) AS DATE) AS month,
       d.x_DimKey, d.ResourceId, d.x_TokenType, d.ConsumedUnit, d.BillingCurrency,
       sum(d.EffectiveCost), sum(d.BilledCost), sum(d.ConsumedQuantity), sum(d.x_Requests),
       sum(d.UnpricedQuantity), sum(d.x_RowCount), min(d.x_FirstStart), bool_or(d.x_Used),
       a.use_case,
       CAST(CASE WHEN sum(d.EffectiveCost) <> 0
                 THEN sum(d.EffectiveCost * a.share) / sum(d.EffectiveCost)
                 ELSE avg(a.share) END AS DECIMAL(7, 6)),
       a.category,
       sum(d.EffectiveCost * a.share)
FROM ledger_daily d
JOIN dim_alloc a
  ON a.x_DimKey = d.x_DimKey
 AND a.day = d.day
GROUP BY d.x_Source, CAST(date_trunc('month', d.day) AS DATE), d.x_DimKey, d.ResourceId,
         d.x_TokenType, d.ConsumedUnit, d.BillingCurrency, a.use_case, a.category;
