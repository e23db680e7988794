-- Ledger total per month (from the monthly rollup).
SELECT strftime(month, '%Y-%m') AS m, CAST(sum(EffectiveCost) AS VARCHAR)
FROM ledger_monthly
GROUP BY month
ORDER BY month
