SELECT ProviderName, x_Model, sum(EffectiveCost)
FROM ledger
WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
GROUP BY ProviderName, x_Model
ORDER BY ProviderName, x_Model
