-- Spool records on their way into gateway_requests (queries/gateway/insert_new.sql), filled by
-- the Appender in native types (src/gateway/ingest.rs). Same columns, in the same order, as
-- gateway_requests; no key, so a record read twice in one sync is dropped by insert_new.sql.
CREATE OR REPLACE TEMP TABLE gateway_staging (
    request_id             VARCHAR NOT NULL,
    source                 VARCHAR NOT NULL,
    provider_request_id    VARCHAR,
    key_hint               VARCHAR,
    started_at             TIMESTAMP NOT NULL,
    ended_at               TIMESTAMP NOT NULL,
    day                    DATE NOT NULL,
    provider               VARCHAR NOT NULL,
    endpoint               VARCHAR NOT NULL,
    model_requested        VARCHAR,
    model                  VARCHAR,
    use_case               VARCHAR,
    user_pseudonym         VARCHAR,
    tags                   VARCHAR NOT NULL,
    status                 INTEGER NOT NULL,
    outcome                VARCHAR NOT NULL,
    stream                 BOOLEAN NOT NULL,
    input_tokens           BIGINT,
    cached_input_tokens    BIGINT,
    cache_write_tokens     BIGINT,
    cache_write_1h_tokens  BIGINT,
    output_tokens          BIGINT,
    reasoning_tokens       BIGINT,
    cost_usd               DECIMAL(38, 18),
    priced                 BOOLEAN NOT NULL,
    latency_ms             DOUBLE NOT NULL,
    ttft_ms                DOUBLE,
    spool_file             VARCHAR NOT NULL,
    spool_line             BIGINT NOT NULL
);
