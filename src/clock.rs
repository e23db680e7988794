//! "Today" for every view, CLI and cockpit alike: `TOLLGATE_TODAY` when set (reproducible
//! runs), else a demo DB's as-of date, else today in UTC.

use anyhow::Context as _;
use chrono::NaiveDate;

use crate::store::Store;

/// `TOLLGATE_TODAY`, when set. A bad value is an error that says how to write it.
pub fn pinned_today() -> anyhow::Result<Option<NaiveDate>> {
    match std::env::var("TOLLGATE_TODAY") {
        Ok(t) => NaiveDate::parse_from_str(&t, "%Y-%m-%d")
            .map(Some)
            .with_context(|| format!("TOLLGATE_TODAY={t} is not a date; write it as YYYY-MM-DD")),
        Err(_) => Ok(None),
    }
}

/// The date views of `store` are computed for.
pub fn as_of(store: &Store) -> anyhow::Result<NaiveDate> {
    if let Some(d) = pinned_today()? {
        return Ok(d);
    }
    if let Some(d) = store
        .setting("demo")?
        .as_deref()
        .and_then(crate::demo::as_of_of)
    {
        return Ok(d);
    }
    Ok(chrono::Utc::now().date_naive())
}

/// "Now" for views of `today` (live figures such as the last hour's requests): the UTC clock
/// when `today` is the real date, else the end of `today` (a pinned or demo date).
pub fn now_on(today: NaiveDate) -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    if now.date() == today {
        now
    } else {
        today.and_time(chrono::NaiveTime::MIN) + chrono::Duration::days(1)
    }
}
