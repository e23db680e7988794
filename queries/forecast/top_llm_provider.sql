-- Needs Store::refresh_allocation (the ledger_alloc view). The LLM API provider with the most
-- spend in [?, ?) (the cockpit's "price x2" what-if); ties go to the first name.
SELECT ProviderName
FROM ledger_alloc
WHERE x_Category = 'llm_api' AND ChargePeriodStart >= ? AND ChargePeriodStart < ?
GROUP BY ProviderName
HAVING sum(x_AllocatedCost) > 0
ORDER BY sum(x_AllocatedCost) DESC, ProviderName
LIMIT 1
