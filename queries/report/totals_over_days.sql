-- Totals over the days in [?, ?) (the daily rollup).
SELECT
    COALESCE(sum(EffectiveCost), 0) AS effective,
    COALESCE(sum(BilledCost), 0) AS billed,
    CAST(COALESCE(sum(x_RowCount), 0) AS BIGINT) AS row_count,
    COALESCE(sum(UnpricedQuantity), 0) AS unpriced_tokens,
    COALESCE(min(BillingCurrency), 'USD') AS currency,
    count(DISTINCT BillingCurrency) AS currencies
FROM ledger_daily
WHERE day >= ? AND day < ?
