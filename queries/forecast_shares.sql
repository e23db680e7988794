SELECT ProviderName, x_Model, CAST(sum(EffectiveCost) AS VARCHAR)
FROM ledger
WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
GROUP BY ProviderName, x_Model
ORDER BY ProviderName, x_Model
