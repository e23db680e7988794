//! Every SQL statement tollgate runs, embedded from `queries/`. Parameters are always bound.

pub const STAGING: &str = include_str!("../../queries/staging.sql");
pub const INGEST_STAGING: &str = include_str!("../../queries/ingest_staging.sql");
pub const SETTING_GET: &str = "SELECT value FROM settings WHERE key = ?";
pub const SETTING_SET: &str = "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)";
pub const DIMENSIONS: &str = include_str!("../../queries/dimensions.sql");
pub const LEDGER_DIMS_REBUILD: &str = include_str!("../../queries/ledger_dims_rebuild.sql");
pub const LEDGER_DAILY_REBUILD: &str = include_str!("../../queries/ledger_daily_rebuild.sql");
pub const LEDGER_MONTHLY_REBUILD: &str = include_str!("../../queries/ledger_monthly_rebuild.sql");
pub const DIM_ALLOC_TABLE: &str = include_str!("../../queries/dim_alloc.sql");
pub const ALLOC_USAGE_WEIGHTS: &str = include_str!("../../queries/alloc_usage_weights.sql");
pub const ALLOC_WEIGHTED_MONTHS: &str = include_str!("../../queries/alloc_weighted_months.sql");
/// The month_* queries over the daily rollup: `[start, end)` are days.
pub const MONTH_TOTALS: &str = include_str!("../../queries/month_totals.sql");
pub const MONTH_BY_PROVIDER: &str = include_str!("../../queries/month_by_provider.sql");
pub const MONTH_BY_CATEGORY: &str = include_str!("../../queries/month_by_category.sql");
pub const MONTH_BY_USE_CASE: &str = include_str!("../../queries/month_by_use_case.sql");
/// month_totals.sql over the monthly rollup, for whole months: `[start, end)` month starts.
pub const MONTH_ROLLUP_TOTALS: &str = include_str!("../../queries/month_rollup_totals.sql");
/// Every month at once (`crate::months`); the allocation needs `monthly_alloc`.
pub const MONTHS_TOTALS: &str = include_str!("../../queries/months_totals.sql");
pub const MONTHS_ALLOCATION: &str = include_str!("../../queries/months_allocation.sql");
pub const MONTHS_BY_PROVIDER: &str = include_str!("../../queries/months_by_provider.sql");
pub const MONTHLY_TOTALS: &str = include_str!("../../queries/monthly_totals.sql");
pub const OUTCOMES_FOR_MONTH: &str = include_str!("../../queries/outcomes_for_month.sql");
pub const LATEST_MONTH: &str = include_str!("../../queries/latest_month.sql");

/// All statements that take no table created at run time, for the prepare-everything test.
pub const ALL: &[(&str, &str)] = &[
    ("setting_get", SETTING_GET),
    ("setting_set", SETTING_SET),
    ("dimensions", DIMENSIONS),
    ("monthly_totals", MONTHLY_TOTALS),
    ("month_totals", MONTH_TOTALS),
    ("month_by_provider", MONTH_BY_PROVIDER),
    ("month_rollup_totals", MONTH_ROLLUP_TOTALS),
    ("months_totals", MONTHS_TOTALS),
    ("months_by_provider", MONTHS_BY_PROVIDER),
    ("outcomes_for_month", OUTCOMES_FOR_MONTH),
    ("latest_month", LATEST_MONTH),
];
