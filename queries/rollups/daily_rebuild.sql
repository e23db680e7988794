-- Rebuilds the daily rollup rows (ledger_daily) of the (source, day) pairs in the temp table
-- `rollup_scope` (x_Source, day, month; repeats allowed): those a write touched, inside its
-- transaction. Runs before monthly_rebuild.sql, which drops `rollup_scope`. Rows are
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
