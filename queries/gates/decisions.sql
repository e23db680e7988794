-- The audit log, oldest first: the latest decision on a breach is the one with the highest id.
SELECT id, breach_id, gate, subject, month, decision, "by", note,
       strftime(decided_at, '%Y-%m-%d %H:%M:%S'),
       value, threshold
FROM gate_decisions
ORDER BY id
