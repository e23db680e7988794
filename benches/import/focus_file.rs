//! The import benchmark's input: a FOCUS 1.2 CSV of ~2M rows (3 years x 200 use cases of daily
//! rows plus hourly request rows, from `support/scale.rs`, in time order), and the same rows as
//! Parquet and as a zip of the CSV. Written once into the cache directory and reused by later
//! runs.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use tollgate::normalize::LedgerRow;

use super::scale;

/// The CSV's header: every column the ledger takes from a FOCUS file.
const HEADER: &str =
    "BilledCost,EffectiveCost,ListCost,ContractedCost,BillingAccountId,BillingAccountName,\
BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargeCategory,ChargeClass,ChargeDescription,\
ChargeFrequency,ChargePeriodStart,ChargePeriodEnd,ConsumedQuantity,ConsumedUnit,PricingQuantity,\
PricingUnit,PricingCategory,ListUnitPrice,InvoiceIssuerName,ProviderName,PublisherName,RegionId,\
ResourceId,ResourceName,ResourceType,ServiceCategory,ServiceSubcategory,ServiceName,SkuId,\
SkuPriceDetails,SubAccountId,SubAccountName,Tags,x_Model,x_TokenType,x_Requests,x_ApiKeyId,\
x_ApiKeyName,x_RawUsageType";

pub struct Files {
    pub csv: PathBuf,
    pub parquet: PathBuf,
    pub zip: PathBuf,
    pub rows: usize,
}

/// The files for `requests` hourly rows on top of the daily rows, generated when missing.
pub fn ensure(dir: &Path, today: NaiveDate, requests: usize) -> Files {
    std::fs::create_dir_all(dir).expect("cache dir");
    let daily = scale::USE_CASES * scale::DAYS as usize;
    let rows = daily + requests;
    let stem = format!("focus-{rows}");
    let files = Files {
        csv: dir.join(format!("{stem}.csv")),
        parquet: dir.join(format!("{stem}.parquet")),
        zip: dir.join(format!("{stem}.zip")),
        rows,
    };
    if !files.csv.exists() {
        let started = std::time::Instant::now();
        let tmp = files.csv.with_extension("csv.tmp");
        let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp).expect("csv"));
        writeln!(w, "{HEADER}").expect("write");
        // In time order, as exports written by day or month are.
        let mut rows = scale::daily_rows(today);
        rows.extend(scale::request_rows(today, requests));
        rows.sort_by_key(|r| r.charge_period_start);
        for r in &rows {
            write_row(&mut w, r);
        }
        drop(rows);
        w.flush().expect("flush");
        drop(w);
        std::fs::rename(&tmp, &files.csv).expect("rename");
        eprintln!(
            "wrote {} ({} rows) in {:.1}s",
            files.csv.display(),
            files.rows,
            started.elapsed().as_secs_f64()
        );
    }
    if !files.parquet.exists() {
        let c = duckdb::Connection::open_in_memory().expect("duckdb");
        let tmp = files.parquet.with_extension("parquet.tmp");
        c.execute_batch(&format!(
            "COPY (SELECT * FROM read_csv('{}')) TO '{}' (FORMAT parquet, COMPRESSION zstd)",
            files.csv.display(),
            tmp.display()
        ))
        .expect("parquet");
        std::fs::rename(&tmp, &files.parquet).expect("rename");
    }
    if !files.zip.exists() {
        let tmp = files.zip.with_extension("zip.tmp");
        let mut z = zip::ZipWriter::new(std::fs::File::create(&tmp).expect("zip"));
        let opts = zip::write::SimpleFileOptions::default().large_file(true);
        z.start_file("focus.csv", opts).expect("entry");
        let mut f = std::fs::File::open(&files.csv).expect("csv");
        std::io::copy(&mut f, &mut z).expect("copy");
        z.finish().expect("finish");
        std::fs::rename(&tmp, &files.zip).expect("rename");
    }
    files
}

fn write_row(w: &mut impl Write, r: &LedgerRow) {
    let (bp_start, bp_end) = r.billing_period();
    let t = |t: chrono::NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let d = |v: &Option<rust_decimal::Decimal>| v.map(|d| d.to_string()).unwrap_or_default();
    let team = r
        .sub_account_id
        .as_deref()
        .and_then(|s| s.strip_prefix("proj_"))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0)
        % 20;
    // Tags as FOCUS writes them: a JSON object, quoted for CSV.
    let tags = format!("\"{{\"\"team\"\":\"\"t{team}\"\"}}\"");
    let fields = [
        r.billed_cost.to_string(),
        r.effective_cost.to_string(),
        d(&r.list_cost),
        r.billed_cost.to_string(),
        r.billing_account_id.clone(),
        o(&r.billing_account_name),
        r.billing_currency.clone(),
        t(bp_start),
        t(bp_end),
        r.charge_category.clone(),
        String::new(),
        o(&r.charge_description),
        o(&r.charge_frequency),
        t(r.charge_period_start),
        t(r.charge_period_end),
        d(&r.consumed_quantity),
        o(&r.consumed_unit),
        d(&r.consumed_quantity),
        o(&r.consumed_unit),
        o(&r.pricing_category),
        d(&r.list_unit_price),
        r.invoice_issuer_name.clone(),
        r.provider_name.clone(),
        r.publisher_name.clone(),
        o(&r.region_id),
        o(&r.resource_id),
        o(&r.resource_name),
        o(&r.resource_type),
        r.service_category.clone(),
        o(&r.service_subcategory),
        r.service_name.clone(),
        o(&r.sku_id),
        o(&r.sku_price_details),
        o(&r.sub_account_id),
        o(&r.sub_account_name),
        tags,
        o(&r.model),
        o(&r.token_type),
        r.requests.map(|n| n.to_string()).unwrap_or_default(),
        o(&r.api_key_id),
        o(&r.api_key_name),
        o(&r.raw_usage_type),
    ];
    writeln!(w, "{}", fields.join(",")).expect("write");
}
