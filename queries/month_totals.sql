-- Totals of the rows whose ChargePeriodStart is in [?, ?).
SELECT
    CAST(COALESCE(sum(EffectiveCost), 0) AS VARCHAR) AS effective,
    CAST(COALESCE(sum(BilledCost), 0) AS VARCHAR) AS billed,
    count(*) AS row_count,
    CAST(COALESCE(sum(CASE WHEN x_Unpriced THEN ConsumedQuantity END), 0) AS VARCHAR) AS unpriced_tokens,
    COALESCE(min(BillingCurrency), 'USD') AS currency,
    count(DISTINCT BillingCurrency) AS currencies
FROM ledger
WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
