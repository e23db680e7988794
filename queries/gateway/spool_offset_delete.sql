-- Forgets a spool file's offset before spool_offset_insert.sql writes the new one.
-- Parameters: source, file.
DELETE FROM gateway_spool_files WHERE source = ? AND file = ?;
