-- Needs dim_alloc. The first day each use case has ledger rows ('unallocated' for rows no rule
-- matches): days before it are not history.
SELECT coalesce(a.use_case, 'unallocated') AS use_case,
       strftime(min(l.ChargePeriodStart), '%Y-%m-%d') AS first_day
FROM ledger l JOIN dim_alloc a USING (x_DimKey)
GROUP BY ALL
