-- Needs Store::refresh_allocation (monthly_alloc). The first day each use case has ledger rows
-- ('unallocated' for rows no rule matches): days before it are not history.
SELECT coalesce(x_UseCase, 'unallocated') AS use_case,
       strftime(min(x_FirstStart), '%Y-%m-%d') AS first_day
FROM monthly_alloc
GROUP BY ALL
