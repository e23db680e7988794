-- Month totals by provider, category and use case for every month, over the FOCUS Parquet lake
-- (`tollgate export --lake`), in Spark SQL. Views: `ledger` = the lake's partitions
-- (BillingPeriod=YYYY-MM/x_Source=NAME/*.parquet), `allocation` = _allocation/*.parquet.
-- Exact: DECIMAL(18,9) costs times DECIMAL(7,6) shares, summed as DECIMAL; a row belongs to the
-- month of its ChargePeriodStart (UTC), as in tollgate. Each line is the exact sum; tollgate's
-- report shows them rounded to cents so the parts add up to the total (largest remainder).
-- Differs from tollgate's DuckDB SQL only in date_format (DuckDB: strftime) and to_date (DuckDB:
-- CAST AS DATE).
WITH rows AS (
    SELECT date_format(ChargePeriodStart, 'yyyy-MM') AS month, to_date(ChargePeriodStart) AS day,
           ProviderName, x_DimKey, EffectiveCost
    FROM ledger
),
allocated AS (
    SELECT r.month, a.x_Category, coalesce(a.x_UseCase, 'unallocated') AS use_case,
           r.EffectiveCost * a.x_Share AS cost
    FROM rows r
    JOIN allocation a
      ON a.x_DimKey = r.x_DimKey
     AND (a.x_Month IS NULL OR a.x_Month = r.month)
     AND (a.x_Day IS NULL OR a.x_Day = r.day)
)
SELECT month, 'total' AS dimension, 'total' AS name, sum(EffectiveCost) AS cost
FROM rows GROUP BY month
UNION ALL
SELECT month, 'provider', ProviderName, sum(EffectiveCost) FROM rows GROUP BY month, ProviderName
UNION ALL
SELECT month, 'category', x_Category, sum(cost) FROM allocated GROUP BY month, x_Category
UNION ALL
SELECT month, 'use_case', use_case, sum(cost) FROM allocated GROUP BY month, use_case
ORDER BY month, dimension, name
