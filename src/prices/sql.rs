//! The price and reconcile statements, embedded from `queries/`. Parameters are always bound.

pub const PRICES_SELECT: &str = include_str!("../../queries/prices_select.sql");
pub const PRICES_CANDIDATES: &str = include_str!("../../queries/prices_candidates.sql");
pub const PRICES_INSERT: &str = include_str!("../../queries/prices_insert.sql");
pub const PRICES_DELETE_SHIPPED: &str = include_str!("../../queries/prices_delete_shipped.sql");
pub const PRICES_DELETE_IMPORT: &str = include_str!("../../queries/prices_delete_import.sql");
pub const PRICES_COUNT_SHIPPED: &str = "SELECT count(*) FROM prices WHERE origin = 'shipped'";
pub const RECONCILE_USAGE: &str = include_str!("../../queries/reconcile_usage.sql");

/// Every statement above, for the test that prepares them all against a migrated DB.
pub const ALL: &[(&str, &str)] = &[
    ("prices_select", PRICES_SELECT),
    ("prices_candidates", PRICES_CANDIDATES),
    ("prices_insert", PRICES_INSERT),
    ("prices_delete_shipped", PRICES_DELETE_SHIPPED),
    ("prices_delete_import", PRICES_DELETE_IMPORT),
    ("prices_count_shipped", PRICES_COUNT_SHIPPED),
    ("reconcile_usage", RECONCILE_USAGE),
];
