-- The first and last day of the gateway's request records (NULLs when it has none).
SELECT min(day), max(day) FROM gateway_requests
