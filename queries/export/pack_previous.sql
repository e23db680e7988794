-- The latest pack of a month before the given one: the previous business review.
SELECT id, month, digest
FROM export_packs
WHERE month < ?
ORDER BY month DESC, id DESC
LIMIT 1
