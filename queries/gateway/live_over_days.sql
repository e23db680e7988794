-- Live spend: the gateway-captured cost of requests started in [?, ?) (timestamps) AFTER the
-- last billed data of their provider (the latest ChargePeriodEnd of the provider's ledger rows;
-- every request of a provider with no billed rows), per use case (NULL = unallocated) and
-- provider, with that provider's billed-through time. Billed rows end where these begin, so a
-- cost is never counted twice; when the bill arrives, its rows replace these. Priced records
-- only (an unpriced request's cost is unknown, not $0). Reads gateway_requests and ledger.
WITH billed AS (
    SELECT ProviderName AS provider, max(ChargePeriodEnd) AS through
    FROM ledger
    GROUP BY ProviderName
)
SELECT g.use_case, g.provider, b.through, sum(g.cost_usd)::DECIMAL(38, 18) AS cost
FROM gateway_requests g
LEFT JOIN billed b ON b.provider = g.provider
WHERE g.started_at >= ? AND g.started_at < ?
  AND g.cost_usd IS NOT NULL
  AND (b.through IS NULL OR g.started_at >= b.through)
GROUP BY g.use_case, g.provider, b.through
ORDER BY g.provider, g.use_case
