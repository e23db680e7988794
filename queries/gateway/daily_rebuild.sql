-- Rebuilds gateway_daily for the days of the staged records (gateway_staging): every source's
-- rows of those days, from gateway_requests. Runs after insert_new.sql, in the same
-- transaction. The model is the response's, else the requested one (the one the proxy priced).
DELETE FROM gateway_daily
WHERE day IN (SELECT DISTINCT day FROM gateway_staging);
INSERT INTO gateway_daily
SELECT
    day, source, use_case, provider,
    COALESCE(model, model_requested) AS model,
    key_hint,
    count(*) AS requests,
    count(DISTINCT user_pseudonym) AS users,
    COALESCE(sum(input_tokens), 0),
    COALESCE(sum(cached_input_tokens), 0),
    COALESCE(sum(cache_write_tokens), 0),
    COALESCE(sum(cache_write_1h_tokens), 0),
    COALESCE(sum(output_tokens), 0),
    COALESCE(sum(reasoning_tokens), 0),
    COALESCE(sum(cost_usd), 0)::DECIMAL(38, 18),
    count(*) FILTER (WHERE outcome = 'refused'),
    count(*) FILTER (WHERE NOT priced AND (input_tokens IS NOT NULL OR output_tokens IS NOT NULL))
FROM gateway_requests
WHERE day IN (SELECT DISTINCT day FROM gateway_staging)
GROUP BY ALL
ORDER BY day;
