-- Records one pack; the id is the next after the largest.
INSERT INTO export_packs
SELECT COALESCE(max(id), 0) + 1, ?, ?, ?, now()::TIMESTAMP, ?, CAST(? AS TIMESTAMP), ?, ?
FROM export_packs
RETURNING id
