//! What each drill-down level draws: its title suffix, info lines and table ([`Grid`]). Money is
//! never cut: its columns are as wide as the widest amount, and narrow terminals drop other
//! columns first. Spikes carry a symbol and a word (`⚠ spike`), never colour alone.

use chrono::NaiveDate;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::data::{Data, SliceData, SpikeData, TableData, UseCaseData};
use super::state::DrillLevel;
use super::view::{Column, Grid};
use crate::gateway::requests::RequestTotal;
use crate::money::usd;
use crate::spikes::{Spike, SpikeRule};
use crate::tui::app::App;
use crate::tui::screens::overview::mom;
use crate::tui::theme::Theme;
use crate::tui::widgets::fit;

/// Lines above the table of rows behind a spike.
pub const SPIKE_INFO_LINES: u16 = 10;

/// Never dropped.
const ALWAYS: u8 = u8::MAX;

pub fn title_suffix(data: &Data) -> String {
    match data {
        Data::Table(t) => format!(" · {} · [ ] month", t.month.short_name()),
        Data::UseCase(u) => format!(" · {} · {}", u.month.short_name(), u.name),
        Data::Slice(s) => match &s.level {
            super::data::Level::Slice { month, .. } => format!(" · {}", month.short_name()),
            _ => String::new(),
        },
        Data::Spike(_) => String::new(),
    }
}

pub fn info_lines(app: &App, frame: &DrillLevel, data: &Data, width: u16) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let width = usize::from(width);
    match data {
        Data::Table(_) => Vec::new(),
        Data::UseCase(u) => {
            let mut lines = vec![spike_summary(u, app.today, theme, width)];
            if let Some(g) = &u.gateway {
                lines.push(Line::styled(
                    fit(&gateway_summary(u, g), width),
                    theme.text(),
                ));
            }
            lines
        }
        Data::Slice(_) => vec![Line::styled(
            fit(
                "baseline = mean of the trailing 28 unflagged days · ⚠ spike: Enter explains it",
                width,
            ),
            theme.muted(),
        )],
        Data::Spike(s) => spike_lines(frame, s, theme),
    }
}

pub fn grid(app: &App, frame: &DrillLevel, data: &Data) -> Grid {
    let theme = &app.theme;
    match data {
        Data::Table(t) => table_grid(t, frame, theme),
        Data::UseCase(u) => use_case_grid(u, frame, theme),
        Data::Slice(s) => slice_grid(s, frame, theme),
        Data::Spike(s) => spike_grid(s, theme),
    }
}

// ---- level 0 ---------------------------------------------------------------------------------

fn table_grid(t: &TableData, frame: &DrillLevel, theme: &Theme) -> Grid {
    let rows = frame.rows();
    let lines: Vec<&super::data::UseCaseLine> = rows
        .iter()
        .filter_map(|r| match r {
            super::state::RowRef::UseCase(u) => Some(*u),
            _ => None,
        })
        .collect();
    let money_width = width_of(
        t.rows
            .iter()
            .flat_map(|r| [Some(r.cost), r.prior_month_cost])
            .flatten()
            .chain([t.report.total])
            .chain(t.prior_total)
            .map(usd),
    );
    let outcome = |u: &super::data::UseCaseLine| -> (String, Style) {
        match (&u.outcome_label, u.cost_per_outcome) {
            (Some(l), Some(c)) => (format!("{}{}", usd(c), l.per_unit()), theme.text()),
            (Some(_), None) => ("no data".to_string(), theme.budget_warn()),
            (None, _) => ("–".to_string(), theme.muted()),
        }
    };
    let mut body = Vec::new();
    for u in &lines {
        let (change, change_style) = mom(u.cost, u.prior_month_cost, theme);
        let (out, out_style) = outcome(u);
        let unallocated = u.use_case == crate::deps::UNALLOCATED;
        let style = if unallocated {
            theme.muted()
        } else {
            theme.text()
        };
        body.push((
            vec![
                Span::raw(u.use_case.clone()),
                Span::styled(u.name.clone(), theme.muted()),
                Span::styled(u.kind.clone(), theme.muted()),
                Span::styled(u.owner.clone(), theme.muted()),
                Span::raw(usd(u.cost)),
                Span::styled(
                    u.prior_month_cost.map(usd).unwrap_or_default(),
                    theme.muted(),
                ),
                Span::styled(change, change_style),
                Span::raw(pct(u.share_pct)),
                Span::styled(out, out_style),
                Span::styled(sparkline(&u.daily), theme.sparkline()),
            ],
            style,
        ));
    }
    let (total_change, total_style) = mom(t.report.total, t.prior_total, theme);
    let total = vec![
        Span::raw("Total"),
        Span::raw(""),
        Span::raw(""),
        Span::raw(""),
        Span::raw(usd(t.report.total)),
        Span::raw(t.prior_total.map(usd).unwrap_or_default()),
        Span::styled(total_change, total_style),
        Span::raw(if t.report.total.is_zero() { "" } else { "100%" }),
        Span::raw(""),
        Span::raw(format!("to {}", short_day(t.spark_end))),
    ];
    let cols = [
        (
            "use case",
            width_of(t.rows.iter().map(|r| r.use_case.clone())).max(8),
            ALWAYS,
        ),
        // Names take the room left over; 16 columns reserved.
        (
            "name",
            width_of(t.rows.iter().map(|r| r.name.clone())).min(16),
            3,
        ),
        ("kind", 10, 5),
        (
            "owner",
            width_of(t.rows.iter().map(|r| r.owner.clone())).clamp(5, 14),
            2,
        ),
        ("cost", money_width, ALWAYS),
        ("prior", money_width, 4),
        ("MoM", 9, 8),
        ("share", 6, 7),
        (
            "per outcome",
            width_of(lines.iter().map(|u| outcome(u).0)).max(11),
            6,
        ),
        ("last 30 days", super::data::SPARK_DAYS as u16, 1),
    ];
    Grid {
        columns: columns(&cols, &[4, 5, 6, 7, 8]),
        rows: body,
        total: Some(total),
        empty: "no use case matches the filter",
        selectable: true,
        flex: 1,
    }
}

// ---- level 1 ---------------------------------------------------------------------------------

fn spike_summary(u: &UseCaseData, today: NaiveDate, theme: &Theme, width: usize) -> Line<'static> {
    let scope = format!(
        "{} and the 30 days to {}",
        u.month.short_name(),
        short_day(today)
    );
    if u.spikes.is_empty() {
        return Line::styled(
            fit(&format!("✓ no spikes in {scope}"), width),
            theme.budget_ok(),
        );
    }
    let listed: Vec<String> = u
        .spikes
        .iter()
        .map(|s| match s.level_summary() {
            Some(level) => format!("level shift {level} ({})", s.main_effect()),
            None => format!(
                "{} {} ({})",
                short_day(s.day),
                signed(s.change),
                s.main_effect()
            ),
        })
        .collect();
    let text = format!(
        "⚠ {} in {scope}: {} · Enter on one explains it",
        event_count(&u.spikes),
        listed.join(", ")
    );
    Line::styled(fit(&text, width), theme.budget_over())
}

/// "gateway in Nov 2026: 1,234 requests · 87 users · latency p50 412 ms, p95 1,830 ms · 3 refused".
fn gateway_summary(u: &UseCaseData, g: &RequestTotal) -> String {
    let latency = match (g.latency_p50_ms, g.latency_p95_ms) {
        (Some(p50), Some(p95)) => format!(" · latency p50 {p50:.0} ms, p95 {p95:.0} ms"),
        _ => String::new(),
    };
    format!(
        "gateway in {}: {} request{} · {} user{}{latency} · {} refused",
        u.month.short_name(),
        crate::fmt::thousands(g.requests),
        if g.requests == 1 { "" } else { "s" },
        crate::fmt::thousands(g.users),
        if g.users == 1 { "" } else { "s" },
        crate::fmt::thousands(g.refused)
    )
}

/// "1 level shift and 2 spikes".
fn event_count(events: &[Spike]) -> String {
    let shifts = events.iter().filter(|s| s.is_level_shift()).count();
    let spikes = events.len() - shifts;
    let plural = |n: usize, one: &str, many: &str| match n {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    };
    match (shifts, spikes) {
        (0, n) => plural(n, "spike", "spikes"),
        (n, 0) => plural(n, "level shift", "level shifts"),
        (a, b) => format!(
            "{} and {}",
            plural(a, "level shift", "level shifts"),
            plural(b, "spike", "spikes")
        ),
    }
}

/// The flag of an event: `⚠ spike` or `↗ level shift` (`↗ level` where it is `short`).
fn event_flag(s: &Spike, short: bool) -> &'static str {
    match (s.is_level_shift(), short) {
        (false, _) => "⚠ spike",
        (true, true) => "↗ level",
        (true, false) => "↗ level shift",
    }
}

/// `2026-11-09 mostly volume`, with the new level's change for a level shift.
fn event_line(s: &Spike) -> String {
    match s.level_change_pct {
        Some(p) if s.is_level_shift() => {
            let sign = if p.is_sign_negative() { "" } else { "+" };
            format!("{} {sign}{p}%/day, mostly {}", s.day, s.main_effect())
        }
        _ => format!("{} mostly {}", s.day, s.main_effect()),
    }
}

fn use_case_grid(u: &UseCaseData, frame: &DrillLevel, theme: &Theme) -> Grid {
    use super::state::RowRef;
    let money_width = width_of(
        u.slices
            .iter()
            .map(|s| usd(s.cost))
            .chain(u.spikes.iter().map(|s| signed(s.change)))
            .chain([usd(u.cost)]),
    );
    let tokens: Decimal = u.slices.iter().filter_map(|s| s.tokens).sum();
    let requests: Decimal = u.slices.iter().filter_map(|s| s.requests).sum();
    let count_width = |values: &mut dyn Iterator<Item = Option<Decimal>>| {
        width_of(values.map(|v| v.map(count).unwrap_or_default())).max(6)
    };
    let mut body = Vec::new();
    for row in frame.rows() {
        match row {
            RowRef::Spike(s) => body.push((
                vec![
                    Span::raw(event_flag(s, true)),
                    Span::raw(event_line(s)),
                    Span::raw(format!("z {}", s.z_score.round_dp(1))),
                    Span::raw(""),
                    Span::raw(""),
                    Span::raw(signed(s.change)),
                    Span::raw(""),
                ],
                theme.budget_over(),
            )),
            RowRef::Slice(s) => body.push((
                vec![
                    Span::raw(s.slice.provider.clone()),
                    Span::raw(s.slice.item.clone()),
                    Span::styled(s.key_label().to_string(), theme.muted()),
                    Span::raw(s.tokens.map(count).unwrap_or_default()),
                    Span::raw(s.requests.map(count).unwrap_or_default()),
                    Span::raw(usd(s.cost)),
                    Span::raw(pct(crate::fmt::share_pct(s.cost, u.cost))),
                ],
                theme.text(),
            )),
            _ => {}
        }
    }
    let total = vec![
        Span::raw("Total"),
        Span::raw(""),
        Span::raw(""),
        Span::raw(count(tokens)),
        Span::raw(count(requests)),
        Span::raw(usd(u.cost)),
        Span::raw(if u.cost.is_zero() { "" } else { "100%" }),
    ];
    let cols = [
        (
            "provider",
            width_of(u.slices.iter().map(|s| s.slice.provider.clone())).max(8),
            ALWAYS,
        ),
        (
            "model / resource",
            width_of(u.slices.iter().map(|s| s.slice.item.clone())).clamp(16, 30),
            ALWAYS,
        ),
        (
            "API key",
            width_of(u.slices.iter().map(|s| s.key_label().to_string())).clamp(7, 20),
            5,
        ),
        (
            "tokens",
            count_width(&mut u.slices.iter().map(|s| s.tokens).chain([Some(tokens)])),
            4,
        ),
        (
            "requests",
            count_width(&mut u.slices.iter().map(|s| s.requests).chain([Some(requests)])),
            3,
        ),
        ("cost", money_width, ALWAYS),
        ("share", 6, 6),
    ];
    Grid {
        columns: columns(&cols, &[3, 4, 5, 6]),
        rows: body,
        total: Some(total),
        empty: "no spend in this month",
        selectable: true,
        flex: 1,
    }
}

// ---- level 2 ---------------------------------------------------------------------------------

fn slice_grid(s: &SliceData, frame: &DrillLevel, theme: &Theme) -> Grid {
    use super::state::RowRef;
    let money_width = width_of(
        s.days
            .iter()
            .flat_map(|d| [Some(d.cost), d.baseline])
            .flatten()
            .chain([s.total])
            .map(usd),
    );
    let tokens: Decimal = s.days.iter().filter_map(|d| d.tokens).sum();
    let requests: Decimal = s.days.iter().filter_map(|d| d.requests).sum();
    let mut body = Vec::new();
    for row in frame.rows() {
        let RowRef::Day(d) = row else { continue };
        let delta = d
            .baseline
            .map(|b| signed(d.cost - b))
            .unwrap_or_else(|| "–".to_string());
        let (flag, style) = match &d.spike {
            Some(sp) if sp.is_level_shift() => {
                (format!("↗ level {}", sp.main_effect()), theme.budget_over())
            }
            Some(sp) => (format!("⚠ spike {}", sp.main_effect()), theme.budget_over()),
            None => (String::new(), theme.text()),
        };
        body.push((
            vec![
                Span::raw(d.day.format("%a %Y-%m-%d").to_string()),
                Span::raw(usd(d.cost)),
                Span::styled(
                    d.baseline.map(usd).unwrap_or_else(|| "–".to_string()),
                    theme.muted(),
                ),
                Span::raw(delta),
                Span::raw(d.tokens.map(count).unwrap_or_default()),
                Span::raw(d.requests.map(count).unwrap_or_default()),
                Span::raw(flag),
            ],
            style,
        ));
    }
    let spikes = s.days.iter().filter(|d| d.spike.is_some()).count();
    let total = vec![
        Span::raw("Total"),
        Span::raw(usd(s.total)),
        Span::raw(""),
        Span::raw(""),
        Span::raw(count(tokens)),
        Span::raw(count(requests)),
        Span::raw(match spikes {
            0 => "no spikes".to_string(),
            1 => "⚠ 1 spike".to_string(),
            n => format!("⚠ {n} spikes"),
        }),
    ];
    let count_cells = |f: &dyn Fn(&super::data::DayLine) -> Option<Decimal>, sum: Decimal| {
        width_of(
            s.days
                .iter()
                .map(|d| f(d).map(count).unwrap_or_default())
                .chain([count(sum)]),
        )
        .max(6)
    };
    let cols = [
        ("day", 14, ALWAYS),
        ("cost", money_width, ALWAYS),
        ("baseline", money_width.max(8), 6),
        ("vs baseline", (money_width + 1).max(11), 7),
        ("tokens", count_cells(&|d| d.tokens, tokens), 4),
        ("requests", count_cells(&|d| d.requests, requests), 3),
        ("flag", 14, ALWAYS),
    ];
    Grid {
        columns: columns(&cols, &[1, 2, 3, 4, 5]),
        rows: body,
        total: Some(total),
        empty: "no days match the filter",
        selectable: true,
        flex: 6,
    }
}

// ---- level 3 ---------------------------------------------------------------------------------

fn spike_lines(frame: &DrillLevel, s: &SpikeData, theme: &Theme) -> Vec<Line<'static>> {
    let super::data::Level::Spike { id, day, .. } = &frame.level else {
        return Vec::new();
    };
    let Some(sp) = &s.spike else {
        return vec![
            Line::styled(
                format!("{day} is not flagged as a spike of {id} (any more)."),
                theme.budget_warn(),
            ),
            Line::styled("Esc goes back; r reloads.", theme.muted()),
        ];
    };
    let rule = SpikeRule::default();
    let label = |s: &str| Span::styled(format!("  {s:<12}"), theme.muted());
    let amount = |d: Decimal| Span::styled(format!("{:>12}", signed(d)), theme.text());
    let plain = |d: Decimal| Span::styled(format!("{:>12}", usd(d)), theme.text());
    let note = |s: String| Span::styled(format!("   {s}"), theme.muted());
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{} ", event_flag(sp, false)), theme.budget_over()),
        Span::styled(
            format!(
                "{} · {id} · z {} vs the trailing {} days",
                day.format("%a %Y-%m-%d"),
                sp.z_score,
                rule.window_days
            ),
            theme.text(),
        ),
    ])];
    if let Some(level) = sp.level_summary() {
        lines.push(Line::styled(
            format!(
                "  a new level {level} through {}: the days after it are measured against it",
                short_day(sp.through)
            ),
            theme.budget_warn(),
        ));
    }
    lines.extend([
        Line::from(vec![label("day cost"), plain(sp.cost)]),
        Line::from(vec![
            label("baseline"),
            plain(sp.baseline),
            note(format!(
                "mean of {} trailing days that are not spikes (median {})",
                sp.baseline_days,
                usd(sp.median)
            )),
        ]),
        Line::from(vec![
            label("change"),
            amount(sp.change),
            note(format!("mostly {}", sp.main_effect())),
        ]),
        Line::from(vec![
            label("  volume"),
            amount(sp.volume_effect),
            note("more or fewer tokens / requests at the baseline mix and prices".to_string()),
        ]),
        Line::from(vec![
            label("  unit price"),
            amount(sp.price_effect),
            note("the same quantities at the day's prices".to_string()),
        ]),
        Line::from(vec![
            label("  mix"),
            amount(sp.mix_effect),
            note("usage moved between models of one kind of token or unit".to_string()),
        ]),
        Line::from(vec![
            label("  ="),
            amount(sp.volume_effect + sp.price_effect + sp.mix_effect),
            note("volume + unit price + mix = change".to_string()),
        ]),
        Line::default(),
        Line::styled(
            "Rows behind it (largest changes; baseline = mean of the baseline days):",
            theme.title(),
        ),
    ]);
    lines
}

fn spike_grid(s: &SpikeData, theme: &Theme) -> Grid {
    let Some(sp) = &s.spike else {
        return Grid {
            columns: Vec::new(),
            rows: Vec::new(),
            total: None,
            empty: "",
            selectable: false,
            flex: 0,
        };
    };
    let money_width = width_of(
        sp.top_rows
            .iter()
            .flat_map(|r| [usd(r.baseline_cost), usd(r.day_cost), signed(r.change)]),
    )
    .max(8);
    let body = sp
        .top_rows
        .iter()
        .map(|r| {
            (
                vec![
                    Span::raw(r.provider.clone()),
                    Span::raw(r.item.clone()),
                    Span::raw(r.token_type.clone().unwrap_or_default()),
                    Span::styled(r.api_key.clone().unwrap_or_default(), theme.muted()),
                    Span::styled(count(r.baseline_quantity), theme.muted()),
                    Span::raw(count(r.day_quantity)),
                    Span::styled(r.unit.clone(), theme.muted()),
                    Span::styled(usd(r.baseline_cost), theme.muted()),
                    Span::raw(usd(r.day_cost)),
                    Span::raw(signed(r.change)),
                ],
                theme.text(),
            )
        })
        .collect();
    let qty_width = width_of(
        sp.top_rows
            .iter()
            .flat_map(|r| [count(r.baseline_quantity), count(r.day_quantity)]),
    )
    .max(8);
    let cols = [
        (
            "provider",
            width_of(sp.top_rows.iter().map(|r| r.provider.clone())).max(8),
            ALWAYS,
        ),
        (
            "model",
            width_of(sp.top_rows.iter().map(|r| r.item.clone())).max(5),
            ALWAYS,
        ),
        ("token type", 12, 5),
        (
            "API key",
            width_of(
                sp.top_rows
                    .iter()
                    .map(|r| r.api_key.clone().unwrap_or_default()),
            )
            .clamp(7, 18),
            2,
        ),
        ("base qty", qty_width, 3),
        ("day qty", qty_width, ALWAYS),
        ("unit", 8, 1),
        ("base cost", money_width.max(9), 4),
        ("day cost", money_width, ALWAYS),
        ("change", money_width, ALWAYS),
    ];
    Grid {
        columns: columns(&cols, &[4, 5, 7, 8, 9]),
        rows: body,
        total: None,
        empty: "no rows behind this spike",
        selectable: false,
        flex: 1,
    }
}

// ---- formatting ------------------------------------------------------------------------------

fn columns(spec: &[(&'static str, u16, u8)], right: &[usize]) -> Vec<Column> {
    spec.iter()
        .enumerate()
        .map(|(i, (title, width, keep))| Column {
            title,
            width: (*width).max(title.chars().count() as u16),
            keep: *keep,
            right: right.contains(&i),
        })
        .collect()
}

fn width_of(texts: impl Iterator<Item = String>) -> u16 {
    texts.map(|t| t.chars().count()).max().unwrap_or(0) as u16
}

/// `+$412.00` / `-$3.10`.
fn signed(d: Decimal) -> String {
    if d.is_sign_negative() && !d.is_zero() {
        usd(d)
    } else {
        format!("+{}", usd(d))
    }
}

fn pct(p: Option<Decimal>) -> String {
    p.map_or_else(String::new, |p| format!("{p}%"))
}

/// Whole counts with thousands separators (`1,204,331`); small fractions keep two decimals.
fn count(d: Decimal) -> String {
    let rounded = if d.abs() >= Decimal::ONE_HUNDRED || d.fract().is_zero() {
        d.round_dp(0)
    } else {
        d.round_dp(2)
    };
    let text = rounded.normalize().to_string();
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), format!(".{f}")),
        None => (text.clone(), String::new()),
    };
    let (sign, digits) = match int.strip_prefix('-') {
        Some(d) => ("-", d.to_string()),
        None => ("", int),
    };
    format!("{sign}{}{frac}", crate::fmt::group_digits(&digits))
}

fn short_day(day: NaiveDate) -> String {
    day.format("%-d %b").to_string()
}

/// Daily costs as block characters scaled to the largest day (a blank for $0).
fn sparkline(daily: &[Decimal]) -> String {
    const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = daily.iter().copied().max().unwrap_or_default();
    if max <= Decimal::ZERO {
        return String::new();
    }
    daily
        .iter()
        .map(|d| {
            let level = (d.max(&Decimal::ZERO) / max * Decimal::from(8))
                .round()
                .to_usize()
                .unwrap_or(0);
            BARS[level.min(8)]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_signs() {
        assert_eq!(count(Decimal::new(1234567, 0)), "1,234,567");
        assert_eq!(count(Decimal::new(-12346, 1)), "-1,235");
        assert_eq!(count(Decimal::new(125, 2)), "1.25");
        assert_eq!(signed(Decimal::new(41323, 2)), "+$413.23");
        assert_eq!(signed(Decimal::new(-11921, 2)), "-$119.21");
        let d = |v| Decimal::from(v);
        assert_eq!(sparkline(&[d(0), d(4), d(8)]), " ▄█");
    }
}
