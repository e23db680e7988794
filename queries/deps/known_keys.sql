-- Needs Store::refresh_allocation (the ledger_alloc view). Every dependency key the ledger has ever had, and every key already reviewed.
SELECT DISTINCT coalesce(l.x_UseCase, 'unallocated') || '/' || l.ProviderName || '/' ||
       coalesce(nullif(l.x_Model, ''), nullif(l.ResourceId, ''), l.ServiceName) AS dep_key
FROM ledger_alloc l
UNION
SELECT dep_key FROM dependency_reviews
ORDER BY dep_key
