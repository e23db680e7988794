-- Needs dim_alloc. Every dependency key the ledger has ever had, and every key already reviewed.
SELECT DISTINCT coalesce(a.use_case, 'unallocated') || '/' || l.ProviderName || '/' ||
       coalesce(nullif(l.x_Model, ''), nullif(l.ResourceId, ''), l.ServiceName) AS dep_key
FROM ledger l JOIN dim_alloc a USING (x_DimKey)
UNION
SELECT dep_key FROM dependency_reviews
ORDER BY dep_key
