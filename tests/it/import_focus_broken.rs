//! `tollgate import focus` of CSV files broken mid-way: an unterminated quote, a line with an
//! extra field (every column present). The message names the line and the real reason, not
//! "missing mandatory FOCUS columns", which stays for files that really lack one; the DB is
//! left as it was.

use super::common::*;

fn ok(day: &str) -> String {
    focus_line("1.25", day, "OpenAI", "OpenAI API", "p", "{}")
}

/// Imports `text` as `name` next to a good file; returns the one-line error.
fn refused(env: &Env, name: &str, text: &str) -> String {
    let before = ledger_fingerprint(&env.db());
    let f = env.write(name, text);
    let other = env.write("other-good.csv", &focus_csv(&[ok("2026-09-09")]));
    let out = env
        .cmd()
        .arg("--db")
        .arg(env.db())
        .args(["import", "focus"])
        .arg(&other)
        .arg(&f)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{name} was imported");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(err.trim().lines().count(), 1, "one-line message: {err}");
    assert!(err.contains(name), "{err}");
    assert_eq!(
        ledger_fingerprint(&env.db()),
        before,
        "{name} changed the DB"
    );
    err
}

#[test]
fn extra_field_on_line_3_is_named() {
    let env = Env::new();
    let text = focus_csv(&[
        ok("2026-09-01"),
        format!("{},extra", ok("2026-09-02")),
        ok("2026-09-03"),
    ]);
    let err = refused(&env, "extra.csv", &text);
    assert!(!err.contains("missing mandatory"), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("24 fields") && err.contains("23"), "{err}");
}

#[test]
fn unterminated_quote_is_named() {
    let env = Env::new();
    let broken = ok("2026-09-02").replace(",OpenAI API usage,", ",\"OpenAI API usage,");
    let text = focus_csv(&[ok("2026-09-01"), broken, ok("2026-09-03")]);
    let err = refused(&env, "quote.csv", &text);
    assert!(!err.contains("missing mandatory"), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("quote"), "{err}");
}

#[test]
fn a_missing_column_is_still_named_as_missing() {
    let env = Env::new();
    let header: Vec<&str> = FOCUS_HEADER
        .split(',')
        .filter(|c| *c != "BillingCurrency")
        .collect();
    let row = |day: &str| {
        let mut fields: Vec<String> = ok(day).split(',').map(str::to_string).collect();
        fields.remove(6);
        fields.join(",")
    };
    let text = format!(
        "{}\n{}\n{}\n",
        header.join(","),
        row("2026-09-01"),
        row("2026-09-02")
    );
    let err = refused(&env, "nocurrency.csv", &text);
    assert!(
        err.contains("missing mandatory FOCUS column BillingCurrency"),
        "{err}"
    );
}
