-- Allocation of each dimension: shares add up to exactly 1 per x_DimKey; use_case NULL is unallocated.
CREATE OR REPLACE TEMP TABLE dim_alloc (
    x_DimKey  VARCHAR NOT NULL,
    use_case  VARCHAR,
    share     DECIMAL(7, 6) NOT NULL,
    category  VARCHAR NOT NULL
);
CREATE OR REPLACE TEMP TABLE dim_alloc_stage (
    x_DimKey  VARCHAR,
    use_case  VARCHAR,
    share     VARCHAR,
    category  VARCHAR
);
