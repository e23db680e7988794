SELECT ProviderName, CAST(sum(EffectiveCost) AS VARCHAR)
FROM ledger
WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
GROUP BY ProviderName
ORDER BY sum(EffectiveCost) DESC, ProviderName
