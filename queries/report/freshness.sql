-- How far the ledger reaches: the latest ChargePeriodEnd of any row (NULL when empty).
SELECT strftime(max(ChargePeriodEnd), '%Y-%m-%d %H:%M:%S') FROM ledger
