-- What the gateway captured per provider on the days in [?, ?): the priced records' cost from
-- the daily rollup (gateway_daily). No row at all: the gateway recorded nothing in those days.
SELECT provider, sum(cost_usd) AS captured
FROM gateway_daily
WHERE day >= ? AND day < ?
GROUP BY provider
ORDER BY provider
