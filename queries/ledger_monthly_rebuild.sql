-- Rebuilds the rollup rows (ledger_monthly) of the (source, month) pairs in the temp table
-- `rollup_scope` (x_Source, day, month; repeats allowed): those a write touched (rows deleted or
-- inserted), inside its transaction.
DELETE FROM ledger_monthly m
USING rollup_scope s
WHERE m.x_Source = s.x_Source AND m.month = s.month;
INSERT INTO ledger_monthly
SELECT
    l.x_Source,
    CAST(date_trunc('month', l.ChargePeriodStart) AS DATE) AS month,
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
JOIN (SELECT DISTINCT x_Source, month FROM rollup_scope) s
  ON s.x_Source = l.x_Source
 AND s.month = CAST(date_trunc('month', l.ChargePeriodStart) AS DATE)
WHERE l.ChargePeriodStart >= (SELECT min(month) FROM rollup_scope)
  AND l.ChargePeriodStart < (SELECT max(month) FROM rollup_scope) + INTERVAL 1 MONTH
GROUP BY ALL;
DROP TABLE rollup_scope;
