//! report.html: the pack's document as one self-contained page (inline CSS and SVG, no
//! scripts, no external URLs) that reads well on screen and printed.

use super::data::PackData;
use super::doc::{Block, Chart, Table};
use super::svg::{self, escape};

const CSS: &str = r#"
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1d2430; margin: 24px auto; max-width: 1040px; padding: 0 16px; line-height: 1.4; background: #fff; }
h1 { font-size: 26px; margin: 0 0 8px; }
h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 2px solid #d7dde6; padding-bottom: 3px; }
p, li { font-size: 14px; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 13px; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e3e7ee; vertical-align: top; white-space: nowrap; }
td.wrap { white-space: normal; min-width: 260px; }
th { background: #f1f4f8; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 2px solid #8a94a6; }
code { font-size: 12px; background: #f1f4f8; padding: 0 3px; }
figure { margin: 8px 0 16px; }
svg.chart { width: 100%; height: auto; display: block; }
svg text { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; }
svg .axis { font-size: 12px; fill: #4a5568; }
svg .label { font-size: 14px; fill: #1d2430; }
svg .value { font-size: 13px; fill: #1d2430; }
svg .note { font-size: 12px; fill: #4a5568; font-style: italic; }
svg .target { font-size: 13px; fill: #c0392b; font-weight: bold; }
svg .grid { stroke: #e3e7ee; stroke-width: 1; }
svg .divider { stroke: #8a94a6; stroke-width: 1; stroke-dasharray: 2 3; }
@page { size: A4; margin: 14mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table, figure, svg { break-inside: avoid; page-break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// Inline Markdown code spans (`x`) become <code>; everything else is escaped.
fn inline(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in s.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str(&format!("<code>{}</code>", escape(part)));
        } else {
            out.push_str(&escape(part));
        }
    }
    out
}

fn table(t: &Table) -> String {
    let class = |i: usize| {
        if t.right.get(i).copied().unwrap_or(false) {
            " class=\"num\""
        } else {
            ""
        }
    };
    let mut s = String::from("<table>\n<tr>");
    for (i, h) in t.head.iter().enumerate() {
        s.push_str(&format!("<th{}>{}</th>", class(i), escape(h)));
    }
    s.push_str("</tr>\n");
    let last = t.rows.len().saturating_sub(1);
    for (r, row) in t.rows.iter().enumerate() {
        let tr = if t.total_last && r == last {
            "<tr class=\"total\">"
        } else {
            "<tr>"
        };
        s.push_str(tr);
        for (i, c) in row.iter().enumerate() {
            // Long text (a gate's detail) wraps; everything else stays on one line.
            let class = if c.len() > 60 {
                " class=\"wrap\""
            } else {
                class(i)
            };
            s.push_str(&format!("<td{class}>{}</td>", inline(c)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n");
    s
}

/// The monthly pack's charts.
pub fn month_chart(c: Chart, d: &PackData) -> String {
    match c {
        Chart::Trend => svg::trend(d),
        Chart::UseCases => svg::use_cases(d),
        Chart::CostPerOutcome => svg::cost_per_outcome(d),
        Chart::Quarters => String::new(),
    }
}

/// The page of `blocks`; `chart` draws each chart block as inline SVG.
pub fn render(blocks: &[Block], chart: &dyn Fn(Chart) -> String) -> String {
    let title = blocks
        .iter()
        .find_map(|b| match b {
            Block::Title(t) => Some(t.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    for b in blocks {
        match b {
            Block::Title(t) => s.push_str(&format!("<h1>{}</h1>\n", escape(t))),
            Block::Heading(h) => s.push_str(&format!("<h2>{}</h2>\n", escape(h))),
            Block::Para(p) => s.push_str(&format!("<p>{}</p>\n", inline(p))),
            Block::Bullets(items) => {
                s.push_str("<ul>\n");
                for i in items {
                    s.push_str(&format!("<li>{}</li>\n", inline(i)));
                }
                s.push_str("</ul>\n");
            }
            Block::Table(t) => s.push_str(&table(t)),
            Block::Chart(c) => {
                let id = c.id();
                let svg = chart(*c);
                s.push_str(&format!("<figure id=\"chart-{id}\">\n{svg}</figure>\n"));
            }
        }
    }
    s.push_str("</body>\n</html>\n");
    s
}
