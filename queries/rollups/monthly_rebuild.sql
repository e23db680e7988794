-- Rebuilds the rollup rows (ledger_monthly) of the (source, month) pairs in the temp table
-- `rollup_scope` (x_Source, day, month; repeats allowed): those a write touched (rows deleted or
-- inserted), inside its transaction. Sums the daily rollup, so it runs after
-- daily_rebuild.sql has brought those days up to date.
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
