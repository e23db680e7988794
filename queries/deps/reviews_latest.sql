-- The latest review of every dependency (history is kept; latest reviewed_at wins, then the
-- latest written).
SELECT dep_key, class, note, reviewer, reviewed_at
FROM dependency_reviews
QUALIFY row_number() OVER (PARTITION BY dep_key ORDER BY reviewed_at DESC, rowid DESC) = 1
