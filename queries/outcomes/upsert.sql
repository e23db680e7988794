-- One outcome value: month (YYYY-MM), use_case, metric, value (text, cast exactly), source.
-- The same (month, use_case, metric) replaces the earlier value.
INSERT OR REPLACE INTO outcomes (month, use_case, metric, value, source)
VALUES (?, ?, ?, CAST(? AS DECIMAL(28, 6)), ?)
