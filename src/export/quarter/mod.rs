//! The board's quarterly pack (`tollgate export --quarter YYYY-Qn --out DIR`, PRODUCT G4,
//! docs/CONTRACTS.md "Export pack"): quarter totals and growth, the quarter's months, spend and
//! cost per outcome by use case against the quarter before, the forecast's target crossings and
//! every gate decision taken in the quarter.
//!
//! It is a pack like the monthly one: the same writers (summary.md and report.html from
//! [`crate::export::doc`] blocks, CSVs by [`crate::export::csv_files::table`], FOCUS files by
//! [`crate::export::focus_files`]), the same manifest, the same atomic write and `export_packs`
//! row ([`crate::export::assemble`]). Every figure is a sum of monthly reports, so a quarter
//! agrees with `tollgate report` to the cent and its parts add up to its total.

pub mod csv;
pub mod data;
pub mod doc;

use std::path::Path;

use chrono::NaiveDate;

use super::{
    assemble, check_out, focus_files, html, summary_md, svg, ExportError, PackSummary, Period,
    REPORT, SUMMARY,
};
use crate::config::Config;
use crate::quarter::Quarter;
use crate::store::Store;

/// Every file of a board pack but the manifest, in the order the manifest lists them.
pub const FILES: [&str; 9] = [
    SUMMARY,
    REPORT,
    focus_files::CSV,
    focus_files::PARQUET,
    csv::QUARTERS,
    csv::MONTHS,
    super::csv_files::USE_CASES,
    csv::TARGETS,
    csv::DECISIONS,
];

/// Writes the board pack of `quarter` as of `today` into `out` and records it; nothing is
/// written or recorded when anything fails.
pub fn write_quarter_pack(
    store: &Store,
    config: &Config,
    quarter: Quarter,
    out: &Path,
    today: NaiveDate,
) -> Result<PackSummary, ExportError> {
    let out = check_out(out)?;
    let d = data::gather(store, config, quarter, today)?;
    let digest = serde_json::json!({
        "quarter": quarter.to_string(),
        "total": crate::export::csv_files::plain(d.total()),
        "use_cases": d.use_cases.iter().map(|u| (u.use_case.clone(), crate::export::csv_files::plain(u.cost))).collect::<std::collections::BTreeMap<_, _>>(),
        "unallocated": crate::export::csv_files::plain(d.unallocated),
    })
    .to_string();
    let mut focus_rows = 0;
    let (start, end) = (
        quarter.first_month().bounds().0,
        quarter.first_month().plus(3).bounds().0,
    );
    let (pack_id, files) = assemble(
        store,
        &out,
        Period::Quarter(quarter),
        d.as_of,
        &FILES,
        &digest,
        |dir| {
            focus_rows = focus_files::write(store, config, (start, end), dir)?;
            let blocks = doc::build(&d, &FILES);
            let bars: Vec<_> = d
                .history
                .iter()
                .map(|l| (format!("{} ({})", l.quarter, l.status()), l.total))
                .collect();
            Ok(vec![
                (SUMMARY, summary_md::render(&blocks)),
                (
                    REPORT,
                    html::render(&blocks, &|_| svg::bars(&bars, "Quarter totals")),
                ),
                (csv::QUARTERS, csv::quarters(&d)),
                (csv::MONTHS, csv::months(&d)),
                (super::csv_files::USE_CASES, csv::use_cases(&d)),
                (csv::TARGETS, csv::targets(&d)),
                (csv::DECISIONS, csv::decisions(&d)),
            ])
        },
    )?;
    Ok(PackSummary {
        dir: out,
        period: Period::Quarter(quarter),
        as_of: d.as_of,
        pack_id,
        focus_rows,
        files,
    })
}
