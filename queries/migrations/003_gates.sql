-- Gate decisions (PRODUCT C7): an append-only audit log. tollgate never updates or deletes
-- these rows (no UPDATE or DELETE statement for this table exists; a test checks that).
-- value and threshold are the breach's numbers when the decision was taken.
CREATE TABLE gate_decisions (
    id          BIGINT PRIMARY KEY,
    breach_id   VARCHAR NOT NULL,
    gate        VARCHAR NOT NULL,
    subject     VARCHAR NOT NULL,
    month       VARCHAR NOT NULL,
    decision    VARCHAR NOT NULL,
    "by"        VARCHAR NOT NULL,
    note        VARCHAR,
    decided_at  TIMESTAMP NOT NULL,
    value       DECIMAL(18, 2) NOT NULL,
    threshold   DECIMAL(18, 2) NOT NULL
);
CREATE INDEX gate_decisions_breach ON gate_decisions (breach_id);

-- Approved G3 baselines, also append-only: an `approved` decision on a G3 breach of month M
-- sets that month's value as the baseline months from M + 1 on are judged against. Until the
-- first approval the baseline is the config's gates.approved_baseline_usd.
CREATE TABLE gate_baselines (
    effective_from  VARCHAR NOT NULL,
    baseline_usd    DECIMAL(18, 2) NOT NULL,
    decision_id     BIGINT NOT NULL,
    set_at          TIMESTAMP NOT NULL
);
