-- Moves the staged records whose request_id gateway_requests does not have yet into it: the
-- first staged copy of each (by file, then line) wins; later copies and records already
-- ingested are dropped, so ingesting is idempotent by request_id. Reads gateway_staging
-- (queries/gateway/staging.sql). Returns the number of rows inserted.
INSERT INTO gateway_requests
SELECT * EXCLUDE (copy)
FROM (
    SELECT s.*, row_number() OVER (PARTITION BY s.request_id ORDER BY s.spool_file, s.spool_line) AS copy
    FROM gateway_staging s
    ANTI JOIN gateway_requests r ON r.request_id = s.request_id
)
WHERE copy = 1
ORDER BY started_at;
