//! Experimentation and vector-DB records: AWS Cost Explorer pages (GPU spot), Modal billing
//! report items, and FOCUS lines from Pinecone's and Replicate's cost exports.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate, NaiveTime};
use rust_decimal::prelude::*;

use super::llm::json_money;
use super::plan::{Clock, Sink};
use super::Planned;
use crate::month::Month;
use crate::normalize::aws::{
    self, GetCostAndUsageResponse, GroupDefinition, MetricValue, ResultByTime, TimePeriod,
};
use crate::normalize::focus_line::FocusLine;
use crate::normalize::modal::ReportItem;

pub const AWS_ACCOUNT: &str = "314159265358";
const EC2: &str = "Amazon Elastic Compute Cloud - Compute";
/// The AWS cost-allocation tag (and Modal tag) rules match on.
pub const TAG_KEY: &str = "use-case";

fn usd(spend: f64) -> Decimal {
    Decimal::from_f64(spend).unwrap_or_default().round_dp(6)
}

fn metric(amount: Decimal, unit: &str) -> MetricValue {
    MetricValue {
        amount: amount.normalize().to_string(),
        unit: unit.to_string(),
    }
}

/// One Cost Explorer response per month, daily, grouped by service, usage type and the
/// `use-case` tag.
pub fn aws(clock: &Clock, plan: &[Planned]) -> (aws::AwsContext, Vec<GetCostAndUsageResponse>) {
    let current = Month::of(clock.as_of);
    let mut pages: Vec<GetCostAndUsageResponse> = Vec::new();
    for (i, day) in clock.days.iter().enumerate() {
        let mut groups = Vec::new();
        for p in plan {
            let Sink::Aws {
                usage_type,
                rate_milli,
                tag,
            } = p.stream.sink
            else {
                continue;
            };
            let spend = p.spend[i];
            if spend <= 0.0 {
                continue;
            }
            let rate = Decimal::new(rate_milli, 3);
            let hours = Decimal::new(
                (spend * 1000.0 / (rate_milli as f64 / 1000.0)).round() as i64,
                3,
            );
            let cost = (hours * rate).round_dp(6);
            let metrics = HashMap::from([
                ("UnblendedCost".to_string(), metric(cost, "USD")),
                ("AmortizedCost".to_string(), metric(cost, "USD")),
                ("UsageQuantity".to_string(), metric(hours, "Hrs")),
            ]);
            let tag = format!("{TAG_KEY}${}", tag.unwrap_or(""));
            groups.push(aws::Group {
                keys: vec![EC2.to_string(), usage_type.to_string(), tag],
                metrics,
            });
        }
        let period = ResultByTime {
            time_period: TimePeriod {
                start: ymd(*day),
                end: ymd(*day + Days::new(1)),
            },
            groups,
            // Cost Explorer marks the open month's figures as estimated
            estimated: Month::of(*day) == current,
        };
        let month_start = *day == Month::of(*day).first_day() || pages.is_empty();
        if month_start {
            pages.push(GetCostAndUsageResponse {
                group_definitions: vec![
                    GroupDefinition {
                        kind: "DIMENSION".to_string(),
                        key: "SERVICE".to_string(),
                    },
                    GroupDefinition {
                        kind: "DIMENSION".to_string(),
                        key: "USAGE_TYPE".to_string(),
                    },
                    GroupDefinition {
                        kind: "TAG".to_string(),
                        key: TAG_KEY.to_string(),
                    },
                ],
                results_by_time: Vec::new(),
                next_page_token: None,
            });
        }
        if let Some(page) = pages.last_mut() {
            page.results_by_time.push(period);
        }
    }
    (
        aws::AwsContext {
            account_id: AWS_ACCOUNT.to_string(),
        },
        pages,
    )
}

fn ymd(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Daily Modal billing report items, one per app and day.
pub fn modal(clock: &Clock, plan: &[Planned]) -> Vec<ReportItem> {
    let mut items = Vec::new();
    for (i, day) in clock.days.iter().enumerate() {
        for p in plan {
            let Sink::Modal {
                object_id,
                app,
                tag,
            } = p.stream.sink
            else {
                continue;
            };
            let spend = p.spend[i];
            if spend <= 0.0 {
                continue;
            }
            items.push(ReportItem {
                object_id: object_id.to_string(),
                description: app.to_string(),
                environment_name: Some("main".to_string()),
                interval_start: day.format("%Y-%m-%dT00:00:00+00:00").to_string(),
                cost: json_money(usd(spend)),
                tags: BTreeMap::from([(TAG_KEY.to_string(), tag.to_string())]),
                resource: None,
            });
        }
    }
    items
}

/// (SKU, unit, share of spend, USD per unit) of Pinecone serverless.
const PINECONE_SKUS: &[(&str, &str, f64, i64)] = &[
    ("serverless-read-units", "Read Units", 0.55, 16),
    ("serverless-write-units", "Write Units", 0.20, 4),
    ("serverless-storage", "GB-Days", 0.25, 11_000),
];

fn line(
    provider: &str,
    service: &str,
    category: &str,
    subcategory: &str,
    day: NaiveDate,
    cost: Decimal,
) -> FocusLine {
    FocusLine {
        provider: provider.to_string(),
        service_name: service.to_string(),
        service_category: category.to_string(),
        service_subcategory: Some(subcategory.to_string()),
        charge_period_start: day.and_time(NaiveTime::MIN),
        charge_period_end: (day + Days::new(1)).and_time(NaiveTime::MIN),
        billed_cost: cost,
        effective_cost: cost,
        sub_account_id: None,
        sub_account_name: None,
        resource_id: None,
        sku_id: None,
        pricing_category: Some("Standard".to_string()),
        consumed_quantity: None,
        consumed_unit: None,
        tags: BTreeMap::new(),
        description: None,
    }
}

/// Pinecone's FOCUS export: daily lines per index and SKU.
pub fn pinecone(clock: &Clock, plan: &[Planned]) -> Vec<FocusLine> {
    let mut lines = Vec::new();
    for (i, day) in clock.days.iter().enumerate() {
        for p in plan {
            let Sink::Pinecone { index } = p.stream.sink else {
                continue;
            };
            for (sku, unit, share, micro_usd) in PINECONE_SKUS {
                let cost = usd(p.spend[i] * share);
                if cost <= Decimal::ZERO {
                    continue;
                }
                let mut l = line(
                    "Pinecone",
                    "Pinecone Serverless",
                    "Databases",
                    "Other (Databases)",
                    *day,
                    cost,
                );
                l.sub_account_id = Some("acme-prod".to_string());
                l.sub_account_name = Some("acme-prod".to_string());
                l.resource_id = Some(index.to_string());
                l.sku_id = Some(sku.to_string());
                l.consumed_quantity = Some((cost / Decimal::new(*micro_usd, 6)).round_dp(2));
                l.consumed_unit = Some(unit.to_string());
                l.description = Some(format!("{unit} on index {index}"));
                lines.push(l);
            }
        }
    }
    lines
}

/// Replicate's FOCUS export: daily GPU seconds per model.
pub fn replicate(clock: &Clock, plan: &[Planned]) -> Vec<FocusLine> {
    // A100 (80GB) at $0.0014 per second
    let per_second = Decimal::new(14, 4);
    let mut lines = Vec::new();
    for (i, day) in clock.days.iter().enumerate() {
        for p in plan {
            let Sink::Replicate { model } = p.stream.sink else {
                continue;
            };
            let seconds = Decimal::from((p.spend[i] / 0.0014).round() as i64);
            if seconds <= Decimal::ZERO {
                continue;
            }
            let mut l = line(
                "Replicate",
                "Replicate Predictions",
                "AI and Machine Learning",
                "Generative AI",
                *day,
                (seconds * per_second).round_dp(6),
            );
            l.sub_account_id = Some("acme-ml".to_string());
            l.sub_account_name = Some("acme-ml".to_string());
            l.resource_id = Some(model.to_string());
            l.sku_id = Some("gpu-a100-large".to_string());
            l.consumed_quantity = Some(seconds);
            l.consumed_unit = Some("Seconds".to_string());
            l.description = Some(format!("Predictions of {model} on A100 (80GB)"));
            lines.push(l);
        }
    }
    lines
}
