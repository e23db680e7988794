-- Cost per provider over the days in [?, ?) (the daily rollup joined to its dimensions).
SELECT d.ProviderName, CAST(sum(r.EffectiveCost) AS VARCHAR)
FROM ledger_daily r
JOIN ledger_dims d ON d.x_DimKey = r.x_DimKey
WHERE r.day >= ? AND r.day < ?
GROUP BY d.ProviderName
ORDER BY sum(r.EffectiveCost) DESC, d.ProviderName
