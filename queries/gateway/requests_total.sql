-- The gateway's requests in total over a filter (as requests_per_day.sql filters): requests,
-- distinct pseudonymous users over the whole span (not a sum of days), tokens, captured cost,
-- refused, and latency p50/p95 in ms (quantile_disc: observed values) of the requests the proxy
-- forwarded (refusals left out). Parameters: $1 first day (NULL: all), $2 use case id or
-- 'unallocated' (NULL: all), $3 first day after (NULL: none).
SELECT count(*) AS requests,
       count(DISTINCT user_pseudonym) AS users,
       coalesce(sum(input_tokens), 0) AS input_tokens,
       coalesce(sum(output_tokens), 0) AS output_tokens,
       coalesce(sum(cost_usd), 0) AS cost_usd,
       count(*) FILTER (WHERE outcome = 'refused') AS refused,
       quantile_disc(latency_ms, 0.5) FILTER (WHERE outcome <> 'refused') AS latency_p50_ms,
       quantile_disc(latency_ms, 0.95) FILTER (WHERE outcome <> 'refused') AS latency_p95_ms
FROM gateway_requests
WHERE ($1 IS NULL OR day >= $1)
  AND ($2 IS NULL OR coalesce(use_case, 'unallocated') = $2)
  AND ($3 IS NULL OR day < $3)
