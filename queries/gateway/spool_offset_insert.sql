-- Records how far a spool file has been read. Parameters: source, file, bytes_done,
-- lines_done, head_sha256, synced_at.
INSERT INTO gateway_spool_files VALUES (?, ?, ?, ?, ?, ?);
