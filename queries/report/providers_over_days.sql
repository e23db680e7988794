-- Cost per provider over the days in [?, ?) (the daily rollup joined to its dimensions).
SELECT d.ProviderName, sum(r.EffectiveCost)
FROM ledger_daily r
JOIN ledger_dims d ON d.x_DimKey = r.x_DimKey
WHERE r.day >= ? AND r.day < ?
GROUP BY d.ProviderName
ORDER BY sum(r.EffectiveCost) DESC, d.ProviderName
