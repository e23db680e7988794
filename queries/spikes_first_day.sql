-- Needs Store::refresh_allocation (the ledger_alloc view). The first day each use case has ledger rows ('unallocated' for rows no rule
-- matches): days before it are not history.
SELECT coalesce(l.x_UseCase, 'unallocated') AS use_case,
       strftime(min(l.ChargePeriodStart), '%Y-%m-%d') AS first_day
FROM ledger_alloc l
GROUP BY ALL
