//! The bench's output: plain-text tables on stdout, the same figures as JSON in a file, and the
//! issue's targets with pass/fail.

use serde_json::{Map, Value};

pub struct Table {
    title: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

#[derive(Default)]
pub struct Report {
    tables: Vec<Table>,
    checks: Vec<(String, String, String, bool)>,
    notes: Vec<String>,
    pub json: Map<String, Value>,
}

impl Report {
    pub fn table(&mut self, title: &str, header: &[&str]) -> &mut Vec<Vec<String>> {
        self.tables.push(Table {
            title: title.to_string(),
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
        });
        let last = self.tables.len() - 1;
        &mut self.tables[last].rows
    }

    /// A target of issue 13: what was measured against what was asked.
    pub fn check(&mut self, what: &str, measured: String, target: &str, ok: bool) {
        self.checks
            .push((what.to_string(), measured, target.to_string(), ok));
    }

    pub fn note(&mut self, s: String) {
        eprintln!("  note: {s}");
        self.notes.push(s);
    }

    pub fn print(&self) {
        for t in &self.tables {
            println!("\n{}", t.title);
            print_rows(&t.header, &t.rows);
        }
        if !self.checks.is_empty() {
            println!("\nTargets (issue 13)");
            let rows: Vec<Vec<String>> = self
                .checks
                .iter()
                .map(|(w, m, t, ok)| {
                    vec![
                        w.clone(),
                        m.clone(),
                        t.clone(),
                        if *ok { "PASS" } else { "MISS" }.to_string(),
                    ]
                })
                .collect();
            print_rows(
                &[
                    "figure".into(),
                    "measured".into(),
                    "target".into(),
                    "".into(),
                ],
                &rows,
            );
        }
        for n in &self.notes {
            println!("note: {n}");
        }
    }

    pub fn finish_json(&mut self) -> Value {
        let checks: Vec<Value> = self
            .checks
            .iter()
            .map(|(w, m, t, ok)| serde_json::json!({"figure": w, "measured": m, "target": t, "pass": ok}))
            .collect();
        self.json.insert("targets".into(), Value::Array(checks));
        self.json.insert(
            "notes".into(),
            Value::Array(self.notes.iter().cloned().map(Value::String).collect()),
        );
        Value::Object(self.json.clone())
    }
}

fn print_rows(header: &[String], rows: &[Vec<String>]) {
    let cols = header.len();
    let mut width = vec![0; cols];
    for r in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        for (i, c) in r.iter().enumerate().take(cols) {
            width[i] = width[i].max(c.chars().count());
        }
    }
    let line = |r: &[String]| {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .take(cols)
            .map(|(i, c)| format!("{c:<w$}", w = width[i]))
            .collect();
        println!("  {}", cells.join("  ").trim_end());
    };
    line(header);
    let rule: Vec<String> = width.iter().map(|w| "-".repeat(*w)).collect();
    line(&rule);
    for r in rows {
        line(r);
    }
}

/// µs with one decimal below 100, whole above.
pub fn us(x: f64) -> String {
    if x.abs() < 100.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.0}")
    }
}
