-- Every price row, oldest statement first (lookups let later ones win).
SELECT
    provider,
    model,
    token_type,
    tier,
    CAST(usd_per_mtok AS VARCHAR) AS usd_per_mtok,
    effective_from,
    effective_to,
    source,
    origin
FROM prices
ORDER BY provider, model, token_type, tier, effective_from, loaded_at
