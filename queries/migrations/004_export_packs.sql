-- Business-review packs written by `tollgate export` (PRODUCT C12), one row per pack.
-- digest holds the pack's key numbers as JSON, so the next pack can say what changed.
CREATE TABLE export_packs (
    id                BIGINT PRIMARY KEY,
    month             VARCHAR NOT NULL,
    as_of             DATE NOT NULL,
    out_dir           VARCHAR NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    tollgate_version  VARCHAR NOT NULL,
    data_watermark    TIMESTAMP,
    manifest_sha256   VARCHAR NOT NULL,
    digest            VARCHAR NOT NULL
);
