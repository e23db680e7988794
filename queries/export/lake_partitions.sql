-- The lake's partitions: one per BillingPeriod month and source, with its rows, exact sums and
-- a digest of every column of every row (to tell which partitions changed since the last
-- export). ? = the first month to include ('YYYY-MM'), or NULL for all. No allocation needed.
SELECT
    strftime(BillingPeriodStart, '%Y-%m') AS billing_period,
    x_Source,
    count(*) AS row_count,
    sum(BilledCost) AS billed_cost,
    sum(EffectiveCost) AS effective_cost,
    bit_xor(hash(l)) AS digest
FROM ledger l
WHERE CAST(? AS VARCHAR) IS NULL OR strftime(BillingPeriodStart, '%Y-%m') >= CAST(? AS VARCHAR)
GROUP BY ALL
ORDER BY ALL
