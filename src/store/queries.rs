//! Every SQL statement tollgate runs, each file under `queries/` declared once here. Parameters are
//! always bound. The test `every_sql_file_is_registered_and_prepares` checks that each file in
//! `queries/` (migrations aside, which `store::migrate` embeds) is listed and prepares on a migrated DB.

macro_rules! queries {
    ($($(#[$doc:meta])* $name:ident = $path:literal;)*) => {
        $($(#[$doc])* pub const $name: &str = include_str!(concat!("../../queries/", $path));)*
        /// Every registered statement: (file under `queries/`, text).
        pub const ALL: &[(&str, &str)] = &[$(($path, $name)),*];
    };
}

queries! {
    // Settings kept in the DB.
    SETTING_GET = "settings/get.sql";
    SETTING_SET = "settings/set.sql";
    // Ingest staging and the rollups every write keeps (dims, daily, monthly).
    DAILY_REBUILD = "rollups/daily_rebuild.sql";
    DIMENSIONS = "rollups/dimensions.sql";
    DIMS_REBUILD = "rollups/dims_rebuild.sql";
    INGEST_STAGING = "rollups/ingest_staging.sql";
    MONTHLY_REBUILD = "rollups/monthly_rebuild.sql";
    STAGING = "rollups/staging.sql";
    // The allocation: dim_alloc and its usage weights.
    DIM_ALLOC = "alloc/dim_alloc.sql";
    GATEWAY_WEIGHTS = "alloc/gateway_weights.sql";
    USAGE_WEIGHTS = "alloc/usage_weights.sql";
    WEIGHTED_DAYS = "alloc/weighted_days.sql";
    WEIGHTED_MONTHS = "alloc/weighted_months.sql";
    // Totals and allocation by grain: `*_over_days` read the daily rollup for days in [start, end); `*_over_months` whole months in [start, end); `*_per_month` every month at once; `*_per_day` one row per day.
    ALLOCATION_PER_MONTH = "report/allocation_per_month.sql";
    CATEGORIES_OVER_DAYS = "report/categories_over_days.sql";
    CATEGORIES_PER_DAY = "report/categories_per_day.sql";
    FRESHNESS = "report/freshness.sql";
    GATEWAY_SPLIT_OVER_DAYS = "report/gateway_split_over_days.sql";
    LATEST_MONTH = "report/latest_month.sql";
    PROVIDERS_OVER_DAYS = "report/providers_over_days.sql";
    PROVIDERS_PER_MONTH = "report/providers_per_month.sql";
    ROWS_OVER_DAYS = "report/rows_over_days.sql";
    TOTALS_OVER_DAYS = "report/totals_over_days.sql";
    TOTALS_OVER_MONTHS = "report/totals_over_months.sql";
    TOTALS_PER_MONTH = "report/totals_per_month.sql";
    USE_CASES_OVER_DAYS = "report/use_cases_over_days.sql";
    // Outcome values.
    OUTCOMES_EXISTS = "outcomes/exists.sql";
    OUTCOMES_FOR_MONTH = "outcomes/for_month.sql";
    OUTCOMES_UPSERT = "outcomes/upsert.sql";
    OUTCOMES_GATEWAY_WEEKLY_USERS = "outcomes/gateway_weekly_users.sql";
    OUTCOMES_GATEWAY_SPAN = "outcomes/gateway_span.sql";
    // Gate decisions and approved baselines (the audit log is append-only).
    GATES_BASELINE_INSERT = "gates/baseline_insert.sql";
    GATES_BASELINES = "gates/baselines.sql";
    GATES_DECISION_INSERT = "gates/decision_insert.sql";
    GATES_DECISIONS = "gates/decisions.sql";
    // AI dependencies and their reviews.
    DEPS_HISTORY = "deps/history.sql";
    DEPS_INSERT_REVIEW = "deps/insert_review.sql";
    DEPS_KNOWN_KEYS = "deps/known_keys.sql";
    DEPS_REVIEWS_LATEST = "deps/reviews_latest.sql";
    DEPS_USAGE = "deps/usage.sql";
    // Spike detection.
    SPIKES_DAILY_CELLS = "spikes/daily_cells.sql";
    SPIKES_FIRST_DAY = "spikes/first_day.sql";
    // Forecast history and what-if shares.
    FORECAST_LEDGER_START = "forecast/ledger_start.sql";
    FORECAST_SHARES = "forecast/shares.sql";
    FORECAST_TOP_LLM_PROVIDER = "forecast/top_llm_provider.sql";
    // The use-case drill-down.
    USE_CASES_DAILY = "usecases/daily.sql";
    USE_CASE_SLICE_DAILY = "usecases/slice_daily.sql";
    USE_CASE_SLICES = "usecases/slices.sql";
    // Billed vs usage x price.
    RECONCILE_USAGE = "reconcile/usage.sql";
    RECONCILE_GATEWAY = "reconcile/gateway.sql";
    // The price table.
    PRICES_CANDIDATES = "prices/candidates.sql";
    PRICES_COUNT_SHIPPED = "prices/count_shipped.sql";
    PRICES_DELETE_IMPORT = "prices/delete_import.sql";
    PRICES_DELETE_SHIPPED = "prices/delete_shipped.sql";
    PRICES_INSERT = "prices/insert.sql";
    PRICES_SELECT = "prices/select.sql";
    // The business-review pack.
    EXPORT_FOCUS = "export/focus.sql";
    EXPORT_AI_SYSTEMS_BILL = "export/ai_systems_bill.sql";
    EXPORT_AI_SYSTEMS_GATEWAY = "export/ai_systems_gateway.sql";
    EXPORT_FRESHNESS = "export/freshness.sql";
    EXPORT_PACK_INSERT = "export/pack_insert.sql";
    EXPORT_PACK_PREVIOUS = "export/pack_previous.sql";
    // The gateway's request records (not the ledger): staging, idempotent insert, daily rollup.
    GATEWAY_CAPTURE_OVER_DAYS = "gateway/capture_over_days.sql";
    GATEWAY_DAILY_REBUILD = "gateway/daily_rebuild.sql";
    GATEWAY_INSERT_NEW = "gateway/insert_new.sql";
    GATEWAY_REQUESTS_PER_DAY = "gateway/requests_per_day.sql";
    GATEWAY_REQUESTS_TOTAL = "gateway/requests_total.sql";
    GATEWAY_LIVE_OVER_DAYS = "gateway/live_over_days.sql";
    GATEWAY_RUN_INSERT = "gateway/run_insert.sql";
    GATEWAY_SOURCE_STATUS = "gateway/source_status.sql";
    GATEWAY_SPOOL_OFFSET_DELETE = "gateway/spool_offset_delete.sql";
    GATEWAY_SPOOL_OFFSET_INSERT = "gateway/spool_offset_insert.sql";
    GATEWAY_SPOOL_OFFSETS = "gateway/spool_offsets.sql";
    GATEWAY_STAGING = "gateway/staging.sql";
    // The FOCUS Parquet lake (`export --lake`).
    LAKE_ALLOCATION = "export/lake_allocation.sql";
    LAKE_PARTITION = "export/lake_partition.sql";
    LAKE_PARTITIONS = "export/lake_partitions.sql";
}
