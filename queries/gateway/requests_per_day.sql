-- The gateway's requests per UTC day and use case ('unallocated' for requests without one):
-- requests, distinct pseudonymous users, input and output tokens, captured cost (priced
-- records), refused requests. Not the billed ledger. Parameters: $1 first day (NULL: all),
-- $2 use case id or 'unallocated' (NULL: all), $3 first day after (NULL: none).
SELECT day,
       coalesce(use_case, 'unallocated') AS use_case,
       count(*) AS requests,
       count(DISTINCT user_pseudonym) AS users,
       coalesce(sum(input_tokens), 0) AS input_tokens,
       coalesce(sum(output_tokens), 0) AS output_tokens,
       coalesce(sum(cost_usd), 0) AS cost_usd,
       count(*) FILTER (WHERE outcome = 'refused') AS refused
FROM gateway_requests
WHERE ($1 IS NULL OR day >= $1)
  AND ($2 IS NULL OR coalesce(use_case, 'unallocated') = $2)
  AND ($3 IS NULL OR day < $3)
GROUP BY day, coalesce(use_case, 'unallocated')
ORDER BY day, use_case
