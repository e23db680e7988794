-- Spool records on their way into gateway_requests (queries/gateway/insert_new.sql), filled by
-- the Appender in native types (src/gateway/ingest.rs). The columns of gateway_requests, in its
-- order, without its key, so a record read twice in one sync is dropped by insert_new.sql.
CREATE OR REPLACE TEMP TABLE gateway_staging AS SELECT * FROM gateway_requests LIMIT 0;
