-- month_by_provider.sql over the monthly rollup: the whole months in [?, ?).
SELECT d.ProviderName, CAST(sum(m.EffectiveCost) AS VARCHAR)
FROM ledger_monthly m
JOIN ledger_dims d ON d.x_DimKey = m.x_DimKey
WHERE m.month >= CAST(? AS DATE) AND m.month < CAST(? AS DATE)
GROUP BY d.ProviderName
ORDER BY sum(m.EffectiveCost) DESC, d.ProviderName
