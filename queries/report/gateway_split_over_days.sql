-- Needs Store::refresh_allocation (daily_alloc). What rules with split_by = "gateway" did over
-- the days in [?, ?): per basis ('split': by the day's gateway-captured cost shares,
-- 'fallback': a day without gateway data, to the rule's use_case or unallocated) and use case
-- ('unallocated' for none), the days and the allocated cost.
SELECT x_GatewayBasis AS basis,
       coalesce(x_UseCase, 'unallocated') AS use_case,
       count(DISTINCT day) AS days,
       sum(x_AllocatedCost) AS cost
FROM daily_alloc
WHERE x_GatewayBasis IS NOT NULL AND day >= ? AND day < ?
GROUP BY ALL
ORDER BY basis, use_case
