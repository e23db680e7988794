//! The shapes `modal billing report` prints (modal-client `py/modal/cli/billing.py` and
//! `cli/utils.py::display_table`), read into report items:
//! - `--json`: an array of objects keyed by the column names made snake_case (`object_id`,
//!   `description`, `environment`, `interval_start`, `cost`, `tags`; before mid-2026 the
//!   display names "Object ID", "Description", ... themselves). `cost` is a decimal string,
//!   `tags` the JSON text the CLI wrote with `json.dumps` (or an object, as the SDK returns
//!   them), `interval_start` a naive ISO time in UTC (or with an offset under `--tz`).
//! - `--csv`: the header `Object ID,Description,Environment,Interval Start,Cost[,Tags]`, written
//!   by Python's csv writer and printed through rich, which wraps lines at the terminal width
//!   (80 columns into a file): a line break inside a record is taken out again.
//!
//! Keys and headers are matched as the CLI derives its JSON keys, so both styles (and the SDK's
//! `environment_name`) name the same fields.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::normalize::modal::{interval_start_utc, ReportItem};

/// modal-client's `_col_name_to_json_key`: "Interval Start" -> "interval_start".
fn key(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// A `--json` report.
pub fn from_json(text: &str) -> Result<Vec<ReportItem>, String> {
    let items: Vec<serde_json::Map<String, Value>> = serde_json::from_str(text)
        .map_err(|e| format!("not a Modal billing report (a JSON array of items): {e}"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, fields)| {
            let fields = fields.iter().map(|(k, v)| (key(k), v.clone())).collect();
            item(&fields, &format!("item [{i}]"))
        })
        .collect()
}

/// A `--csv` report.
pub fn from_csv(text: &str) -> Result<Vec<ReportItem>, String> {
    let records = parse_csv(text)?;
    let Some(((_, header), rows)) = records.split_first() else {
        return Ok(Vec::new());
    };
    let header: Vec<String> = header.iter().map(|h| key(h)).collect();
    rows.iter()
        .filter(|(_, r)| !(r.len() == 1 && r[0].trim().is_empty()))
        .map(|(line, r)| {
            if r.len() > header.len() {
                return Err(format!(
                    "line {line}: {} fields, but the header has {}",
                    r.len(),
                    header.len()
                ));
            }
            let fields = header
                .iter()
                .zip(r)
                .map(|(h, v)| (h.clone(), Value::String(v.clone())))
                .collect();
            item(&fields, &format!("line {line}"))
        })
        .collect()
}

fn item(fields: &BTreeMap<String, Value>, at: &str) -> Result<ReportItem, String> {
    let text = |k: &str| -> Result<Option<String>, String> {
        match fields.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(v) => Err(format!("{at}: {k} is not text: {v}")),
        }
    };
    let need = |k: &str| {
        text(k)?.ok_or_else(|| {
            format!("{at}: no {k}; a Modal billing report has object_id, description, environment, interval_start and cost")
        })
    };
    let interval_start = need("interval_start")?;
    if interval_start_utc(&interval_start).is_none() {
        return Err(format!(
            "{at}: interval_start '{interval_start}' is not an ISO time such as 2026-07-14T00:00:00"
        ));
    }
    let cost = match fields.get("cost") {
        Some(v @ (Value::String(_) | Value::Number(_))) => v.clone(),
        Some(v) => return Err(format!("{at}: cost is not a number: {v}")),
        None => return Err(format!("{at}: no cost")),
    };
    let environment = match text("environment")? {
        Some(e) => Some(e),
        None => text("environment_name")?,
    };
    Ok(ReportItem {
        object_id: need("object_id")?,
        description: text("description")?.unwrap_or_default(),
        environment_name: environment.filter(|e| !e.is_empty()),
        interval_start,
        cost,
        tags: tags(fields.get("tags"), at)?,
        resource: text("resource")?.filter(|r| !r.is_empty()),
    })
}

/// `tags`: the JSON text of an object (what the CLI prints), an object, or nothing.
fn tags(v: Option<&Value>, at: &str) -> Result<BTreeMap<String, String>, String> {
    let bad = |v: &dyn std::fmt::Display| format!("{at}: tags is not a JSON object: {v}");
    let object = match v {
        None | Some(Value::Null) => return Ok(BTreeMap::new()),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(BTreeMap::new()),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(o)) => o,
            _ => return Err(bad(s)),
        },
        Some(Value::Object(o)) => o.clone(),
        Some(other) => return Err(bad(other)),
    };
    Ok(object
        .into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .collect())
}

/// RFC 4180 records with the line each starts on: quoted fields may hold commas, newlines and
/// doubled quotes. Once the header is read, a line break that leaves a record short of the
/// header's fields, or that follows a space inside a quoted field, is rich's wrapping, not
/// data, and is dropped.
fn parse_csv(text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut records: Vec<(usize, Vec<String>)> = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let width = records.first().map_or(0, |(_, h)| h.len());
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, '\n') if width > 0 && field.ends_with(' ') => line += 1,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                line += 1;
                let blank = record.is_empty() && field.is_empty();
                if width > 0 && !blank && record.len() + 1 < width {
                    continue;
                }
                record.push(std::mem::take(&mut field));
                records.push((start, std::mem::take(&mut record)));
                start = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(format!("line {start}: a quoted field is not closed"));
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push((start, record));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_clis_json_keys() {
        assert_eq!(key("Object ID"), "object_id");
        assert_eq!(key("Interval Start"), "interval_start");
        assert_eq!(key("interval_start"), "interval_start");
        assert_eq!(key(" Environment "), "environment");
    }

    #[test]
    fn csv_report_with_quoted_tags() {
        let text = "object_id,description,environment_name,interval_start,cost,tags\n\
                    ap-1,\"train, big\",main,2026-07-14T00:00:00+00:00,37.4120,\"{\"\"team\"\":\"\"research\"\"}\"\n";
        let items = from_csv(text).expect("items");
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].description, "train, big");
        assert_eq!(items[0].environment_name.as_deref(), Some("main"));
        assert_eq!(items[0].cost, Value::String("37.4120".into()));
        assert_eq!(
            items[0].tags.get("team").map(String::as_str),
            Some("research")
        );
    }

    #[test]
    fn wrapped_lines_are_joined() {
        let text = "Object ID,Description,Environment,Interval Start,Cost,Tags\n\
                    ap-1,a long \ndescription,main,2026-07-14T00:00:00,1.5,\"{\"\"a\"\": \"\"b\"\", \n\"\"c\"\": \"\"d\"\"}\"\n\
                    ap-2,x,dev,2026-07-14T00:00:00,2,{}\n";
        let items = from_csv(text).expect("items");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].description, "a long description");
        assert_eq!(items[0].tags.len(), 2);
        assert_eq!(items[1].object_id, "ap-2");
    }

    #[test]
    fn missing_cost_and_bad_tags_are_named() {
        let e = from_csv("Object ID,Description,Interval Start\nap-1,x,2026-07-14T00:00:00\n")
            .expect_err("no cost");
        assert_eq!(e, "line 2: no cost");
        let e = from_json(r#"[{"object_id":"a","interval_start":"2026-07-14T00:00:00","cost":"1","tags":"team"}]"#)
            .expect_err("tags");
        assert_eq!(e, "item [0]: tags is not a JSON object: team");
        let e = from_json(r#"[{"object_id":"a","interval_start":"14/07/2026","cost":"1"}]"#)
            .expect_err("time");
        assert!(
            e.starts_with("item [0]: interval_start '14/07/2026'"),
            "{e}"
        );
    }
}
