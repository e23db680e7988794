-- List prices in USD per million tokens, with the dates they are in force and where they come
-- from. A price is in force on day d when effective_from <= d and (effective_to IS NULL or
-- d < effective_to): effective_to is the first day it no longer applies.
-- origin: 'shipped' rows come from tollgate's own table (prices/list_prices.toml) and are
-- replaced when that table changes; 'import' rows (e.g. LiteLLM) are the user's and are kept.
-- When several rows are in force on a day, the latest effective_from wins, then the latest load.
CREATE TABLE prices (
    provider        VARCHAR NOT NULL,
    model           VARCHAR NOT NULL,
    token_type      VARCHAR NOT NULL,
    tier            VARCHAR NOT NULL,
    usd_per_mtok    DECIMAL(18, 9) NOT NULL,
    effective_from  DATE NOT NULL,
    effective_to    DATE,
    source          VARCHAR NOT NULL,
    origin          VARCHAR NOT NULL,
    loaded_at       TIMESTAMP NOT NULL
);
CREATE INDEX prices_model ON prices (model, token_type);
