-- Token usage of the rows whose ChargePeriodStart is in [?, ?), by provider, model, token
-- type and day: the grain prices apply at. Billed cost rides along so that billed and
-- usage x price cover exactly the same rows.
SELECT
    ProviderName,
    x_Model,
    x_TokenType,
    CAST(ChargePeriodStart AS DATE) AS day,
    sum(ConsumedQuantity) AS tokens,
    sum(BilledCost) AS billed
FROM ledger
WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
  AND x_Model IS NOT NULL
  AND x_TokenType IS NOT NULL
  AND ConsumedQuantity IS NOT NULL
GROUP BY ALL
ORDER BY 1, 2, 3, 4
