//! Inline SVG charts of report.html: the 13-month trend with the forecast's p10-p90 band and
//! the target lines, spend by use case, and cost per outcome. Pure functions of the pack's
//! numbers; floats are used for geometry only, every label is formatted from the exact values.
//! Colours are fixed (and named in [`colours`]) so the browser test can find each chart.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::data::PackData;
use crate::money::{usd, usd_short};
use crate::month::Month;

/// Fill colours, one per chart, that the screenshot test looks for.
pub mod colours {
    pub const BAND: &str = "#9ec5f0";
    pub const ACTUAL: &str = "#1f4e9c";
    pub const TARGET: &str = "#c0392b";
    pub const USE_CASE_BAR: &str = "#2e8b57";
    pub const OUTCOME_BAR: &str = "#e08a1e";
    pub const OUTCOME_PRIOR: &str = "#f5cf9a";
}

/// Months of history in the trend chart.
pub const TREND_MONTHS: usize = 13;

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn f(v: Decimal) -> f64 {
    v.to_f64().unwrap_or(0.0)
}

fn month_label(m: Month) -> String {
    m.first_day().format("%b %y").to_string()
}

fn svg_open(w: u32, h: u32, label: &str) -> String {
    format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">\n",
        escape(label)
    )
}

fn text(x: f64, y: f64, anchor: &str, class: &str, s: &str) -> String {
    format!(
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" class=\"{class}\">{}</text>\n",
        escape(s)
    )
}

/// `$50K` for a whole number of thousands, else the compact form.
fn short_round(v: Decimal) -> String {
    let thousand = Decimal::from(1000);
    if !v.is_zero() && (v % thousand).is_zero() {
        format!("${}K", (v / thousand).normalize())
    } else {
        usd_short(v)
    }
}

/// A round axis maximum at or above `v` (1, 2, 2.5 or 5 x a power of ten).
fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * p >= v {
            return m * p;
        }
    }
    10.0 * p
}

/// The trend: the last 13 complete months, then the forecast's median and p10-p90 band, with a
/// dashed line and a label per target.
pub fn trend(d: &PackData) -> String {
    let (w, h) = (1000u32, 380u32);
    let (left, right, top, bottom) = (70.0, 130.0, 24.0, 46.0);
    let pw = f64::from(w) - left - right;
    let ph = f64::from(h) - top - bottom;
    let hist: Vec<_> = {
        let all = &d.forecast.history;
        all[all.len().saturating_sub(TREND_MONTHS)..].to_vec()
    };
    let fc = &d.forecast.forecast;
    let mut s = svg_open(w, h, "Monthly spend, forecast band and targets");
    let n = hist.len() + fc.len();
    if n == 0 {
        s.push_str(&text(
            f64::from(w) / 2.0,
            f64::from(h) / 2.0,
            "middle",
            "note",
            "No complete month of history yet",
        ));
        s.push_str("</svg>\n");
        return s;
    }
    let mut top_value = 0f64;
    for m in &hist {
        top_value = top_value.max(f(m.cost));
    }
    for m in fc {
        top_value = top_value.max(f(m.p90));
    }
    for t in &d.forecast.targets {
        top_value = top_value.max(f(t.usd));
    }
    let ymax = nice_max(top_value * 1.05);
    let step = if n > 1 { pw / (n - 1) as f64 } else { 0.0 };
    let x = |i: usize| left + step * i as f64;
    let y = |v: f64| top + ph - (v / ymax * ph).clamp(0.0, ph);

    for k in 0..=5 {
        let v = ymax * f64::from(k) / 5.0;
        let yy = y(v);
        s.push_str(&format!(
            "<line x1=\"{left}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" class=\"grid\"/>\n",
            left + pw
        ));
        let label = short_round(Decimal::from_f64_retain(v).unwrap_or_default().round());
        s.push_str(&text(left - 8.0, yy + 4.0, "end", "axis", &label));
    }
    let months: Vec<Month> = hist
        .iter()
        .map(|m| m.month)
        .chain(fc.iter().map(|m| m.month))
        .collect();
    let every = n.div_ceil(13).max(1);
    for (i, m) in months.iter().enumerate() {
        if i % every == 0 || i + 1 == n {
            s.push_str(&text(
                x(i),
                top + ph + 18.0,
                "middle",
                "axis",
                &month_label(*m),
            ));
        }
    }

    if !fc.is_empty() {
        let off = hist.len();
        let mut pts: Vec<String> = fc
            .iter()
            .enumerate()
            .map(|(i, m)| format!("{:.1},{:.1}", x(off + i), y(f(m.p90))))
            .collect();
        pts.extend(
            fc.iter()
                .enumerate()
                .rev()
                .map(|(i, m)| format!("{:.1},{:.1}", x(off + i), y(f(m.p10)))),
        );
        s.push_str(&format!(
            "<polygon points=\"{}\" fill=\"{}\" stroke=\"none\"><title>forecast p10-p90</title></polygon>\n",
            pts.join(" "),
            colours::BAND
        ));
        let mut median: Vec<String> = Vec::new();
        if let Some(last) = hist.last() {
            median.push(format!("{:.1},{:.1}", x(off - 1), y(f(last.cost))));
        }
        median.extend(
            fc.iter()
                .enumerate()
                .map(|(i, m)| format!("{:.1},{:.1}", x(off + i), y(f(m.p50)))),
        );
        s.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\" stroke-dasharray=\"7 5\"/>\n",
            median.join(" "),
            colours::ACTUAL
        ));
        if off > 0 {
            let xx = x(off - 1);
            s.push_str(&format!(
                "<line x1=\"{xx:.1}\" y1=\"{top}\" x2=\"{xx:.1}\" y2=\"{:.1}\" class=\"divider\"/>\n",
                top + ph
            ));
            s.push_str(&text(xx + 6.0, top + 12.0, "start", "note", "forecast"));
        }
    }
    if !hist.is_empty() {
        let pts: Vec<String> = hist
            .iter()
            .enumerate()
            .map(|(i, m)| format!("{:.1},{:.1}", x(i), y(f(m.cost))))
            .collect();
        s.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"3.5\"/>\n",
            pts.join(" "),
            colours::ACTUAL
        ));
        for (i, m) in hist.iter().enumerate() {
            s.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{}\"><title>{} {}</title></circle>\n",
                x(i),
                y(f(m.cost)),
                colours::ACTUAL,
                m.month,
                usd(m.cost)
            ));
        }
    }
    for t in &d.forecast.targets {
        let yy = y(f(t.usd));
        s.push_str(&format!(
            "<line x1=\"{left}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"{}\" stroke-width=\"2\" stroke-dasharray=\"4 4\"/>\n",
            left + pw,
            colours::TARGET
        ));
        s.push_str(&text(
            left + pw + 6.0,
            yy + 4.0,
            "start",
            "target",
            &format!("{} target", short_round(t.usd)),
        ));
    }
    let ly = f64::from(h) - 8.0;
    s.push_str(&format!(
        "<rect x=\"{left}\" y=\"{:.1}\" width=\"18\" height=\"10\" fill=\"{}\"/>\n",
        ly - 9.0,
        colours::BAND
    ));
    s.push_str(&text(left + 24.0, ly, "start", "axis", "forecast p10-p90"));
    s.push_str(&text(
        left + 170.0,
        ly,
        "start",
        "axis",
        "solid: actual, dashed: forecast median",
    ));
    s.push_str("</svg>\n");
    s
}

/// Horizontal bars: each use case's cost, then unallocated.
pub fn use_cases(d: &PackData) -> String {
    let r = &d.report;
    let mut rows: Vec<(String, Decimal)> = r
        .by_use_case
        .iter()
        .map(|u| (d.name_of(&u.use_case).to_string(), u.cost))
        .collect();
    rows.push(("unallocated".to_string(), r.unallocated));
    bars(&rows, "Spend by use case")
}

/// Horizontal bars, one per `(label, amount)`, each labelled with its amount.
pub fn bars(rows: &[(String, Decimal)], label: &str) -> String {
    let (w, row_h, top) = (1000u32, 30.0, 10.0);
    let h = (top * 2.0 + row_h * rows.len() as f64).ceil() as u32;
    let (label_w, value_w) = (240.0, 120.0);
    let bar_w = f64::from(w) - label_w - value_w;
    let max = rows.iter().map(|r| f(r.1)).fold(0.0, f64::max).max(1e-9);
    let mut s = svg_open(w, h, label);
    for (i, (name, cost)) in rows.iter().enumerate() {
        let yy = top + row_h * i as f64;
        let len = (f(*cost).max(0.0) / max * bar_w).max(if cost.is_zero() { 0.0 } else { 1.0 });
        s.push_str(&text(label_w - 10.0, yy + 19.0, "end", "label", name));
        s.push_str(&format!(
            "<rect x=\"{label_w}\" y=\"{:.1}\" width=\"{len:.1}\" height=\"{:.1}\" fill=\"{}\"/>\n",
            yy + 4.0,
            row_h - 8.0,
            colours::USE_CASE_BAR
        ));
        s.push_str(&text(
            label_w + len + 8.0,
            yy + 19.0,
            "start",
            "value",
            &usd(*cost),
        ));
    }
    s.push_str("</svg>\n");
    s
}

/// Cost per outcome, one row per use case with a metric: this month against the month before,
/// each row on its own scale (the metrics have different units).
pub fn cost_per_outcome(d: &PackData) -> String {
    let prior = |id: &str| {
        d.prior
            .as_ref()
            .and_then(|p| p.by_use_case.iter().find(|u| u.use_case == id))
            .and_then(|u| u.cost_per_outcome)
    };
    let rows: Vec<_> = d
        .report
        .by_use_case
        .iter()
        .filter_map(|u| {
            u.outcome_label.as_ref().map(|l| {
                (
                    d.name_of(&u.use_case).to_string(),
                    l.label.clone(),
                    u.cost_per_outcome,
                    prior(&u.use_case),
                )
            })
        })
        .collect();
    let (w, row_h, top) = (1000u32, 58.0, 6.0);
    let h = (top * 2.0 + row_h * rows.len() as f64).ceil() as u32;
    let (label_w, value_w) = (240.0, 230.0);
    let bar_w = f64::from(w) - label_w - value_w;
    let mut s = svg_open(w, h, "Cost per outcome, this month and the month before");
    for (i, (name, metric, now, before)) in rows.iter().enumerate() {
        let yy = top + row_h * i as f64;
        let max = now
            .map(f)
            .unwrap_or(0.0)
            .max(before.map(f).unwrap_or(0.0))
            .max(1e-12);
        s.push_str(&text(label_w - 10.0, yy + 20.0, "end", "label", name));
        s.push_str(&text(label_w - 10.0, yy + 38.0, "end", "axis", metric));
        for (k, (v, colour, when)) in [
            (now, colours::OUTCOME_BAR, d.month.to_string()),
            (before, colours::OUTCOME_PRIOR, d.month.prev().to_string()),
        ]
        .into_iter()
        .enumerate()
        {
            let by = yy + 4.0 + 24.0 * k as f64;
            let (len, label) = match v {
                Some(v) => (
                    (f(*v).max(0.0) / max * bar_w).max(1.0),
                    format!("${v} ({when})"),
                ),
                None => (0.0, format!("no value ({when})")),
            };
            s.push_str(&format!(
                "<rect x=\"{label_w}\" y=\"{by:.1}\" width=\"{len:.1}\" height=\"20\" fill=\"{colour}\"/>\n"
            ));
            s.push_str(&text(
                label_w + len + 8.0,
                by + 15.0,
                "start",
                "value",
                &label,
            ));
        }
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_maxima_are_round() {
        assert_eq!(nice_max(83_000.0), 100_000.0);
        assert_eq!(nice_max(41_000.0), 50_000.0);
        assert_eq!(nice_max(180.0), 200.0);
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(short_round(Decimal::from(50_000)), "$50K");
        assert_eq!(short_round(Decimal::from(12_500)), "$12.5K");
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
