-- Per source, how far a month's rows reach: [?, ?) are the month's bounds.
SELECT x_Source,
       count(*) AS row_count,
       strftime(min(ChargePeriodStart), '%Y-%m-%d %H:%M:%S') AS first_start,
       strftime(max(ChargePeriodEnd), '%Y-%m-%d %H:%M:%S') AS last_end
FROM ledger
WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
GROUP BY x_Source
ORDER BY x_Source
