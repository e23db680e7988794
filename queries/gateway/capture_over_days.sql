-- Capture of one gateway source over days [$2, $3): per provider the gateway recorded requests
-- for and the ledger has a bill for in those days, the billed cost (EffectiveCost, daily rollup)
-- and the captured cost (priced records) on the days up to and including the provider's last
-- billed day, so a bill that lags the gateway does not inflate the rate and a provider without
-- a bill is left out. Returns the sums over those providers and the last billed day.
-- Parameter $1: source.
WITH billed AS (
    SELECT lower(m.ProviderName) AS provider, max(d.day) AS through, sum(d.EffectiveCost) AS cost
    FROM ledger_daily d
    JOIN ledger_dims m ON m.x_DimKey = d.x_DimKey
    WHERE d.day >= $2 AND d.day < $3
      AND lower(m.ProviderName) IN (
          SELECT DISTINCT lower(provider) FROM gateway_daily
          WHERE source = $1 AND day >= $2 AND day < $3)
    GROUP BY 1
)
SELECT (SELECT sum(cost) FROM billed) AS billed,
       (SELECT max(through) FROM billed) AS billed_through,
       (SELECT sum(g.cost_usd)
          FROM gateway_daily g
          JOIN billed b ON b.provider = lower(g.provider)
         WHERE g.source = $1 AND g.day >= $2 AND g.day <= b.through) AS captured
