-- Distinct pseudonymous users per ISO week (Monday first) and use case, from the gateway's
-- request records (gateway_requests) of the days in [?, ?). Refused requests (never sent
-- upstream) do not make a user active. A row with use_case NULL and users 0 can appear: every
-- week with any record is listed, so the caller knows which weeks the gateway saw at all.
SELECT
    CAST(date_trunc('week', day) AS DATE) AS week,
    use_case,
    count(DISTINCT user_pseudonym) FILTER (WHERE outcome <> 'refused') AS users
FROM gateway_requests
WHERE day >= ? AND day < ?
GROUP BY ALL
ORDER BY 1, 2
