-- The latest monthly pack of a month before the given one: the previous business review.
-- Board packs (month `YYYY-Qn`) are not monthly reviews and are skipped.
SELECT id, month, digest
FROM export_packs
WHERE month < ? AND month NOT LIKE '%Q%'
ORDER BY month DESC, id DESC
LIMIT 1
