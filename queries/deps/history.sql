-- Every review of one dependency, oldest first.
SELECT dep_key, class, note, reviewer, reviewed_at
FROM dependency_reviews
WHERE dep_key = ?
ORDER BY reviewed_at, rowid
