-- How many ledger rows have ChargePeriodStart in [?, ?) (row groups outside are skipped).
SELECT count(*) FROM ledger WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
