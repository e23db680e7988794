SELECT strftime(ChargePeriodStart, '%Y-%m') AS month, CAST(sum(EffectiveCost) AS VARCHAR)
FROM ledger
GROUP BY month
ORDER BY month
