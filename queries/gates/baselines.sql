-- Approved G3 baselines in the order they were set.
SELECT effective_from, baseline_usd, decision_id
FROM gate_baselines
ORDER BY decision_id
