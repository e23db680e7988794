-- Every month's cost per provider (the monthly rollup joined to its dimensions).
SELECT m.month, coalesce(d.ProviderName, '') AS provider, sum(m.EffectiveCost) AS cost
FROM ledger_monthly m
JOIN ledger_dims d ON d.x_DimKey = m.x_DimKey
GROUP BY ALL
