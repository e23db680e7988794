-- Sets a setting.
INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)
