SELECT strftime(min(ChargePeriodStart), '%Y-%m-%d')
FROM ledger
