-- Appends one decision: breach_id, gate, subject, month, decision, by, note, decided_at,
-- value, threshold (money as text, cast exactly). Returns the new id.
INSERT INTO gate_decisions
SELECT COALESCE(max(id), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?,
       CAST(? AS DECIMAL(18, 2)), CAST(? AS DECIMAL(18, 2))
FROM gate_decisions
RETURNING id
