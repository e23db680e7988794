SELECT strftime(max(ChargePeriodStart), '%Y-%m'), strftime(min(ChargePeriodStart), '%Y-%m') FROM ledger
