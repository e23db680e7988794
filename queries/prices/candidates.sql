-- Price rows that could price (provider, model, token type, tier): the model itself and every
-- model whose name is a prefix of it (dated snapshots); Rust picks among them.
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
WHERE lower(provider) = lower($1)
  AND token_type = $3
  AND tier = $4
  AND starts_with(lower($2), lower(model))
ORDER BY provider, model, token_type, tier, effective_from, loaded_at
