-- The allocation the lake's ledger rows are read with, into the temp table `lake_allocation`:
-- per dimension key, month of ChargePeriodStart (x_Month, NULL = every month) and, for a
-- `split_by = "gateway"` rule's dimensions, UTC day of ChargePeriodStart (x_Day, NULL = every day), the use case (NULL = unallocated), its
-- exact share and category; a dimension's shares add up to exactly 1. Needs the allocation.
CREATE OR REPLACE TEMP TABLE lake_allocation AS
SELECT
    x_DimKey,
    month AS x_Month,
    day AS x_Day,
    use_case AS x_UseCase,
    share AS x_Share,
    category AS x_Category
FROM dim_alloc
ORDER BY ALL
