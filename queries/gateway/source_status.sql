-- One gateway source's live figures for the Sources tab: requests and refused requests in the
-- hour before now, its request records, the newest record's start. Parameters: $1 source,
-- $2 an hour before now, $3 now.
SELECT count(*) FILTER (WHERE started_at >= $2 AND started_at < $3) AS requests_last_hour,
       count(*) FILTER (WHERE started_at >= $2 AND started_at < $3 AND outcome = 'refused') AS refused_last_hour,
       count(*) AS records,
       max(started_at) AS newest
FROM gateway_requests
WHERE source = $1
