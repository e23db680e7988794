-- Every month's ledger total and tokens without a price (the monthly rollup), and its billing
-- currency ('USD' when the month has none).
SELECT month,
       sum(EffectiveCost) AS cost,
       coalesce(sum(UnpricedQuantity), 0) AS unpriced_tokens,
       coalesce(min(BillingCurrency), 'USD') AS currency
FROM ledger_monthly
GROUP BY month
