-- AI systems on the bill for the AI Act inventory: per use case (NULL = unallocated), provider
-- and model, the allocated cost of [start, end) and the first and last day charged before end.
-- Parameters: start, end, start. Needs the allocation (ledger_alloc).
SELECT
    x_UseCase,
    ProviderName,
    x_Model,
    COALESCE(sum(x_AllocatedCost) FILTER (WHERE ChargePeriodStart >= ?), 0) AS spend,
    min(CAST(ChargePeriodStart AS DATE)) AS first_seen,
    max(CAST(ChargePeriodStart AS DATE)) AS last_seen
FROM ledger_alloc
WHERE x_Model IS NOT NULL AND ChargePeriodStart < ?
GROUP BY ALL
HAVING count(*) FILTER (WHERE ChargePeriodStart >= ?) > 0
ORDER BY 1, 2, 3
