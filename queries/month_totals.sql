-- Totals over the days in [?, ?) (the daily rollup).
SELECT
    CAST(COALESCE(sum(EffectiveCost), 0) AS VARCHAR) AS effective,
    CAST(COALESCE(sum(BilledCost), 0) AS VARCHAR) AS billed,
    CAST(COALESCE(sum(x_RowCount), 0) AS BIGINT) AS row_count,
    CAST(COALESCE(sum(UnpricedQuantity), 0) AS VARCHAR) AS unpriced_tokens,
    COALESCE(min(BillingCurrency), 'USD') AS currency,
    count(DISTINCT BillingCurrency) AS currencies
FROM ledger_daily
WHERE day >= ? AND day < ?
