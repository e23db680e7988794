-- totals_over_days.sql over the monthly rollup: totals of the whole months in [?, ?) (both bounds
-- are month starts).
SELECT
    COALESCE(sum(EffectiveCost), 0) AS effective,
    COALESCE(sum(BilledCost), 0) AS billed,
    CAST(COALESCE(sum(x_RowCount), 0) AS BIGINT) AS row_count,
    COALESCE(sum(UnpricedQuantity), 0) AS unpriced_tokens,
    COALESCE(min(BillingCurrency), 'USD') AS currency,
    count(DISTINCT BillingCurrency) AS currencies
FROM ledger_monthly
WHERE month >= CAST(? AS DATE) AND month < CAST(? AS DATE)
