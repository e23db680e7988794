-- Needs Store::refresh_allocation (the alloc_daily aggregate). The first day each use case
-- has ledger rows ('unallocated' for rows no rule matches): days before it are not history.
SELECT coalesce(d.use_case, 'unallocated') AS use_case,
       strftime(min(d.day), '%Y-%m-%d') AS first_day
FROM alloc_daily d
GROUP BY ALL
