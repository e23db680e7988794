-- AI systems the gateway saw, for the AI Act inventory: per use case (NULL = none), provider
-- and model (the response's, else the requested one), the requests of the days in
-- [start, end) and the first and last day seen before end. Parameters: start, end, start.
SELECT
    use_case,
    provider,
    COALESCE(model, model_requested) AS model,
    count(*) FILTER (WHERE day >= ?) AS requests,
    min(day) AS first_seen,
    max(day) AS last_seen
FROM gateway_requests
WHERE day < ? AND COALESCE(model, model_requested) IS NOT NULL
GROUP BY ALL
HAVING count(*) FILTER (WHERE day >= ?) > 0
ORDER BY 1, 2, 3
