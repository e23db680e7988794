-- One price row: provider, model, token_type, tier, usd_per_mtok (text, cast exactly),
-- effective_from, effective_to, source, origin, loaded_at.
INSERT INTO prices
VALUES (?, ?, ?, ?, CAST(? AS DECIMAL(18, 9)), ?, ?, ?, ?, ?)
