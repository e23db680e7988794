-- A setting's value.
SELECT value FROM settings WHERE key = ?
