-- Backfill of migration 7, frozen: the daily and then the monthly rollup rebuilt for every
-- (source, day) in rollup_scope, as queries/rollups/{daily,monthly}_rebuild.sql read when this
-- migration was written. Later changes to those files do not change what this migration runs.

-- Rebuilds the daily rollup rows (ledger_daily) of the (source, day) pairs in the temp table
-- `rollup_scope` (x_Source, day, month; repeats allowed): those a write touched, inside its
-- transaction. Runs before ledger_monthly_rebuild.sql, which drops `rollup_scope`. Rows are
-- stored in day order, so a query over a few weeks skips the row groups of other days.
DELETE FROM ledger_daily d
USING (SELECT DISTINCT x_Source, day FROM rollup_scope) s
WHERE d.x_Source = s.x_Source AND d.day = s.day;
INSERT INTO ledger_daily
SELECT
    l.x_Source,
    CAST(l.ChargePeriodStart AS DATE) AS day,
    l.x_DimKey, l.ResourceId, l.x_TokenType, l.ConsumedUnit, l.BillingCurrency,
    sum(l.EffectiveCost),
    sum(l.BilledCost),
    sum(l.ConsumedQuantity),
    sum(l.x_Requests),
    sum(CASE WHEN l.x_Unpriced THEN l.ConsumedQuantity END),
    count(*),
    min(l.ChargePeriodStart),
    coalesce(bool_or(coalesce(l.x_Requests, 0) > 0
                     OR (lower(l.ConsumedUnit) = 'tokens' AND coalesce(l.ConsumedQuantity, 0) > 0)), false)
FROM ledger l
JOIN (SELECT DISTINCT x_Source, day FROM rollup_scope) s
  ON s.x_Source = l.x_Source
 AND s.day = CAST(l.ChargePeriodStart AS DATE)
WHERE l.ChargePeriodStart >= (SELECT min(day) FROM rollup_scope)
  AND l.ChargePeriodStart < (SELECT max(day) FROM rollup_scope) + INTERVAL 1 DAY
GROUP BY ALL
ORDER BY day;

-- Rebuilds the rollup rows (ledger_monthly) of the (source, month) pairs in the temp table
-- `rollup_scope` (x_Source, day, month; repeats allowed): those a write touched (rows deleted or
-- inserted), inside its transaction. Sums the daily rollup, so it runs after
-- ledger_daily_rebuild.sql has brought those days up to date.
DELETE FROM ledger_monthly m
USING rollup_scope s
WHERE m.x_Source = s.x_Source AND m.month = s.month;
INSERT INTO ledger_monthly
SELECT
    d.x_Source,
    CAST(date_trunc('month', d.day) AS DATE) AS month,
    d.x_DimKey, d.ResourceId, d.x_TokenType, d.ConsumedUnit, d.BillingCurrency,
    sum(d.EffectiveCost),
    sum(d.BilledCost),
    sum(d.ConsumedQuantity),
    sum(d.x_Requests),
    sum(d.UnpricedQuantity),
    sum(d.x_RowCount),
    min(d.x_FirstStart),
    bool_or(d.x_Used)
FROM ledger_daily d
JOIN (SELECT DISTINCT x_Source, month FROM rollup_scope) s
  ON s.x_Source = d.x_Source
 AND s.month = CAST(date_trunc('month', d.day) AS DATE)
WHERE d.day >= (SELECT min(month) FROM rollup_scope)
  AND d.day < (SELECT max(month) FROM rollup_scope) + INTERVAL 1 MONTH
GROUP BY ALL;
DROP TABLE rollup_scope;
