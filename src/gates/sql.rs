//! The gates' SQL, embedded from `queries/gates_*.sql`. Parameters are always bound.

pub const DECISION_INSERT: &str = include_str!("../../queries/gates_decision_insert.sql");
pub const DECISIONS: &str = include_str!("../../queries/gates_decisions.sql");
pub const BASELINE_INSERT: &str = include_str!("../../queries/gates_baseline_insert.sql");
pub const BASELINES: &str = include_str!("../../queries/gates_baselines.sql");

/// Every statement that needs no table created at run time, for the prepare-everything test.
pub const ALL: &[(&str, &str)] = &[
    ("gates_decision_insert", DECISION_INSERT),
    ("gates_decisions", DECISIONS),
    ("gates_baseline_insert", BASELINE_INSERT),
    ("gates_baselines", BASELINES),
];
