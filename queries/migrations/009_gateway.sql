-- The gateway's request records (PRODUCT C13, issue 15): one row per spool line that
-- `tollgate sync` ingested from a `gateway` source, keyed by the proxy's request_id, so
-- re-reading a file, two instances' files in any order or a line copied into another file
-- never add a row twice. NOT part of the billed ledger: the provider's bill stays the cost of
-- record; these rows are evidence for attribution (split_by = "gateway"), outcomes (WAU),
-- reconcile (capture rate) and live spend. Timestamps are UTC without a zone, like the ledger.
-- IF NOT EXISTS: a DB whose schema_migrations lost rows (the migration tests) re-runs this.
-- Fields are the spool record's (src/proxy/record.rs, CONTRACTS.md "tollgate proxy").
CREATE TABLE IF NOT EXISTS gateway_requests (
    request_id             VARCHAR PRIMARY KEY,
    -- The `[sources.NAME]` (kind "gateway") that first ingested the record.
    source                 VARCHAR NOT NULL,
    provider_request_id    VARCHAR,
    -- The key as the provider's admin API redacts it (`sk-…abcd`); never the key.
    key_hint               VARCHAR,
    started_at             TIMESTAMP NOT NULL,
    ended_at               TIMESTAMP NOT NULL,
    -- The UTC day of started_at: the day the request counts on (as ChargePeriodStart's for the ledger).
    day                    DATE NOT NULL,
    provider               VARCHAR NOT NULL,
    endpoint               VARCHAR NOT NULL,
    model_requested        VARCHAR,
    -- The response's model (the dated snapshot), NULL when the response named none.
    model                  VARCHAR,
    -- A configured use case id, NULL when the request had none (unallocated).
    use_case               VARCHAR,
    -- The HMAC-SHA256 pseudonym of the end user (64 hex chars); the raw id never exists here.
    user_pseudonym         VARCHAR,
    -- The request's tags as a JSON object string (`{}` when none).
    tags                   VARCHAR NOT NULL,
    status                 INTEGER NOT NULL,
    -- ok | upstream_error | client_closed | refused | usage_missing
    outcome                VARCHAR NOT NULL,
    stream                 BOOLEAN NOT NULL,
    -- Token counts as recorded: NULL when the request had no usage. input_tokens counts every
    -- prompt-side token, of which cached_input_tokens and the cache writes; output_tokens every
    -- completion-side token, of which reasoning_tokens.
    input_tokens           BIGINT,
    cached_input_tokens    BIGINT,
    cache_write_tokens     BIGINT,
    cache_write_1h_tokens  BIGINT,
    output_tokens          BIGINT,
    reasoning_tokens       BIGINT,
    -- Exact (tokens x price per million has up to 15 decimals); NULL when unpriced or no usage.
    cost_usd               DECIMAL(38, 18),
    priced                 BOOLEAN NOT NULL,
    latency_ms             DOUBLE NOT NULL,
    ttft_ms                DOUBLE,
    -- Where the record was first read: the spool file's path and its 1-based line.
    spool_file             VARCHAR NOT NULL,
    spool_line             BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS gateway_requests_day ON gateway_requests (day);

-- The request records rolled up per UTC day, source, use case, provider, model (the response's,
-- else the requested one), key_hint: kept by every gateway ingest for the days it touched
-- (queries/gateway/daily_rebuild.sql). NULL use_case = unallocated; NULL model / key_hint = none
-- recorded. `users` counts distinct pseudonyms within the row only (not additive across rows).
CREATE TABLE IF NOT EXISTS gateway_daily (
    day                    DATE NOT NULL,
    source                 VARCHAR NOT NULL,
    use_case               VARCHAR,
    provider               VARCHAR NOT NULL,
    model                  VARCHAR,
    key_hint               VARCHAR,
    requests               BIGINT NOT NULL,
    users                  BIGINT NOT NULL,
    input_tokens           BIGINT NOT NULL,
    cached_input_tokens    BIGINT NOT NULL,
    cache_write_tokens     BIGINT NOT NULL,
    cache_write_1h_tokens  BIGINT NOT NULL,
    output_tokens          BIGINT NOT NULL,
    reasoning_tokens       BIGINT NOT NULL,
    -- Sum of the priced records' cost (0 when none was priced).
    cost_usd               DECIMAL(38, 18) NOT NULL,
    -- Records with outcome `refused` (by the proxy itself, never sent upstream).
    refused                BIGINT NOT NULL,
    -- Records with tokens but no price (`priced = false`): their cost is missing, not $0.
    unpriced               BIGINT NOT NULL
);

-- How far each spool file has been read, so a re-sync reads only what was appended. An
-- optimisation only: request_id is the key, so a lost or wrong offset never duplicates or
-- loses a record. `head_sha256` is the SHA-256 of the file's first `bytes_done` bytes up to
-- 4 KiB: a file replaced by another is read again from the start.
CREATE TABLE IF NOT EXISTS gateway_spool_files (
    source       VARCHAR NOT NULL,
    file         VARCHAR NOT NULL,
    bytes_done   BIGINT NOT NULL,
    lines_done   BIGINT NOT NULL,
    head_sha256  VARCHAR NOT NULL,
    synced_at    TIMESTAMP NOT NULL
);
