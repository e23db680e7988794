-- Records a gateway sync in ingest_runs (kind `spool`; `file` lists the spool dirs).
-- Parameters: source, dirs, rows_written (new records), started_at, finished_at, status, error.
INSERT INTO ingest_runs
SELECT COALESCE(max(id), 0) + 1, ?, 'spool', NULL, NULL, ?, NULL, ?, ?, ?, ?, ?
FROM ingest_runs;
