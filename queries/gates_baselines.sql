-- Approved G3 baselines in the order they were set.
SELECT effective_from, CAST(baseline_usd AS VARCHAR), decision_id
FROM gate_baselines
ORDER BY decision_id
