//! `tollgate export --lake DIR [--since MONTH]`: the ledger as a Hive-partitioned FOCUS 1.2
//! Parquet lake that an existing engine (Spark, Trino, Athena, BigQuery, DuckDB) reads with the
//! same numbers (docs/PORTABLE.md):
//!
//! - `BillingPeriod=YYYY-MM/x_Source=NAME/part-0.parquet`: every ledger column but `x_Source`
//!   (the path carries it) with the ledger's exact types (`DECIMAL(18,9)` money, `TIMESTAMP`
//!   UTC), rows of that BillingPeriodStart month and source, in time order.
//! - `_allocation/part-0.parquet`: how each row's EffectiveCost splits across use cases (`x_DimKey`,
//!   `x_Month` = the ChargePeriodStart month it applies to or NULL for every month, `x_Day` its UTC
//!   day for a `split_by = "gateway"` rule's dimensions or NULL for every day, `x_UseCase`
//!   NULL when unallocated, exact `x_Share`, `x_Category`); a dimension's shares add up to 1.
//! - `_manifest.json`: per partition its path, rows, exact sums of BilledCost and
//!   EffectiveCost, sha256 and bytes of the file, and a digest of its rows. Names starting with
//!   `_` are skipped by Hive-style readers and by `tollgate import focus DIR`.
//!
//! Re-running rewrites only the partitions whose rows changed (by the digest), removes those
//! whose rows are gone, and leaves months before `--since` alone. Each file is written beside
//! its place and renamed into it; the manifest is written last.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{io_err, manifest::sha256_file, ExportError};
use crate::config::Config;
use crate::month::Month;
use crate::store::{queries, Store};

pub const MANIFEST: &str = "_manifest.json";
pub const ALLOCATION: &str = "_allocation/part-0.parquet";

/// One partition as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partition {
    /// Relative to the lake, e.g. `BillingPeriod=2026-09/x_Source=openai/part-0.parquet`.
    pub path: String,
    pub billing_period: String,
    pub source: String,
    pub rows: i64,
    /// Exact sums, as decimal text.
    pub billed_cost: String,
    pub effective_cost: String,
    pub bytes: u64,
    pub sha256: String,
    /// Changes whenever any column of any of its rows does.
    pub digest: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LakeManifest {
    pub tollgate_version: String,
    pub focus_version: String,
    pub created_at: String,
    pub allocation: LakeFile,
    pub partitions: Vec<Partition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LakeFile {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq)]
pub struct LakeSummary {
    pub dir: PathBuf,
    pub written: Vec<String>,
    pub unchanged: usize,
    pub removed: Vec<String>,
    pub partitions: usize,
}

/// Writes (or brings up to date) the lake in `dir`. Refreshes the allocation from `config`.
pub fn write_lake(
    store: &Store,
    config: &Config,
    dir: &Path,
    since: Option<Month>,
) -> Result<LakeSummary, ExportError> {
    let previous = read_manifest(dir)?;
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    store.refresh_allocation(config)?;
    let c = store.conn();
    let since_text = since.map(|m| m.to_string());
    let mut stmt = c.prepare(queries::LAKE_PARTITIONS)?;
    let current: Vec<(String, String, i64, Decimal, Decimal, String)> = stmt
        .query_map(duckdb::params![since_text, since_text], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get::<_, u64>(5)?.to_string(),
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut before: BTreeMap<String, Partition> = previous
        .as_ref()
        .map(|m| {
            m.partitions
                .iter()
                .map(|p| (p.path.clone(), p.clone()))
                .collect()
        })
        .unwrap_or_default();
    let mut partitions = Vec::new();
    let mut written = Vec::new();
    let mut unchanged = 0;
    for (period, source, rows, billed, effective, digest) in current {
        let rel = format!(
            "BillingPeriod={period}/x_Source={}/part-0.parquet",
            path_safe(&source)
        );
        let file = dir.join(&rel);
        if let Some(old) = before.remove(&rel) {
            if old.digest == digest && file.is_file() {
                partitions.push(old);
                unchanged += 1;
                continue;
            }
        }
        let month: Month = period.parse().map_err(|m: String| ExportError::Io {
            path: file.clone(),
            message: m,
        })?;
        let (start, end) = month.bounds();
        c.execute(queries::LAKE_PARTITION, duckdb::params![start, end, source])?;
        let (bytes, sha256) = copy_into_place(store, "lake_partition", &file)?;
        written.push(rel.clone());
        partitions.push(Partition {
            path: rel,
            billing_period: period,
            source,
            rows,
            billed_cost: billed.to_string(),
            effective_cost: effective.to_string(),
            bytes,
            sha256,
            digest,
        });
    }
    // What the manifest had and the ledger no longer has: removed, unless before --since.
    let mut removed = Vec::new();
    for (rel, old) in before {
        let kept = since.is_some_and(|s| old.billing_period < s.to_string());
        if kept {
            partitions.push(old);
            continue;
        }
        let file = dir.join(&rel);
        if file.exists() {
            std::fs::remove_file(&file).map_err(io_err(&file))?;
        }
        remove_empty_parents(dir, &file);
        removed.push(rel);
    }
    partitions.sort_by(|a, b| a.path.cmp(&b.path));
    c.execute(queries::LAKE_ALLOCATION, [])?;
    let (bytes, sha256) = copy_into_place(store, "lake_allocation", &dir.join(ALLOCATION))?;
    let manifest = LakeManifest {
        tollgate_version: env!("CARGO_PKG_VERSION").to_string(),
        focus_version: "1.2".to_string(),
        created_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        allocation: LakeFile {
            path: ALLOCATION.to_string(),
            bytes,
            sha256,
        },
        partitions,
    };
    let path = dir.join(MANIFEST);
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| ExportError::Io {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, format!("{json}\n")).map_err(io_err(&tmp))?;
    std::fs::rename(&tmp, &path).map_err(io_err(&path))?;
    Ok(LakeSummary {
        dir: std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()),
        partitions: manifest.partitions.len(),
        written,
        unchanged,
        removed,
    })
}

/// The lake's manifest, if `dir` holds one; an error if `dir` holds other things.
fn read_manifest(dir: &Path) -> Result<Option<LakeManifest>, ExportError> {
    if dir.is_file() {
        return Err(ExportError::OutIsFile(dir.to_path_buf()));
    }
    let path = dir.join(MANIFEST);
    if !path.exists() {
        let empty = !dir.exists()
            || std::fs::read_dir(dir)
                .map_err(io_err(dir))?
                .next()
                .is_none();
        return if empty {
            Ok(None)
        } else {
            Err(ExportError::OutNotEmpty(dir.to_path_buf()))
        };
    }
    let text = std::fs::read_to_string(&path).map_err(io_err(&path))?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| ExportError::Io {
            path,
            message: format!(
                "is not a tollgate lake manifest ({e}); remove it or pick another directory"
            ),
        })
}

/// COPYs the temp table `table` to a file beside `target`, renames it into place, drops the
/// table; returns the file's size and sha256.
fn copy_into_place(
    store: &Store,
    table: &str,
    target: &Path,
) -> Result<(u64, String), ExportError> {
    let parent = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io_err(parent))?;
    let tmp = target.with_extension("parquet.tmp");
    // COPY takes no bound parameters: the target is a quoted literal of our own path.
    let lit = tmp.display().to_string().replace('\'', "''");
    store.conn().execute_batch(&format!(
        "COPY {table} TO '{lit}' (FORMAT parquet, COMPRESSION zstd); DROP TABLE {table};"
    ))?;
    std::fs::rename(&tmp, target).map_err(io_err(target))?;
    sha256_file(target).map_err(io_err(target))
}

/// A source name as a path segment: Hive escapes `/`, `=`, `%` and the like as `%XX`.
fn path_safe(name: &str) -> String {
    name.chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || "-_.".contains(ch) {
                ch.to_string()
            } else {
                format!("%{:02X}", u32::from(ch))
            }
        })
        .collect()
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_names_are_escaped_like_hive() {
        assert_eq!(path_safe("openai"), "openai");
        assert_eq!(path_safe("a/b=c"), "a%2Fb%3Dc");
    }
}
