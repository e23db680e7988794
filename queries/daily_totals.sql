SELECT CAST(ChargePeriodStart AS DATE) AS day, CAST(sum(EffectiveCost) AS VARCHAR)
FROM ledger
WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
GROUP BY day
ORDER BY day
