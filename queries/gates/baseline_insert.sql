-- A new approved G3 baseline: effective_from (YYYY-MM), baseline_usd (text), decision_id, set_at.
INSERT INTO gate_baselines VALUES (?, CAST(? AS DECIMAL(18, 2)), ?, ?)
