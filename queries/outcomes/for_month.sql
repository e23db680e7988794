-- Outcome values of the month $1 (every month when NULL).
SELECT month, use_case, metric, value
FROM outcomes
WHERE $1 IS NULL OR month = $1
ORDER BY month, use_case, metric
