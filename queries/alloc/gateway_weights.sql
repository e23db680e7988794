-- The weights of rules that split by gateway data (split_by = "gateway"): the gateway-captured
-- cost per day, provider, model, key_hint and use case (NULL: the request had none), from the
-- request records' daily rollup (gateway_daily). Priced records only; not the billed ledger.
SELECT day, provider, model, key_hint, use_case, sum(cost_usd) AS cost
FROM gateway_daily
WHERE cost_usd > 0
GROUP BY day, provider, model, key_hint, use_case
ORDER BY day
