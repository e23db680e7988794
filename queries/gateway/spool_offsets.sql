-- How far each spool file of a gateway source has been read. Parameter: the source name.
SELECT file, bytes_done, lines_done, head_sha256
FROM gateway_spool_files
WHERE source = ?;
