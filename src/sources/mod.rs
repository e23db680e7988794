//! Connectors: async, UI-free, each fetches one source's window into provider-shaped records
//! (`normalize::SourceRecords`). The sync engine (`crate::sync`) runs them and writes the rows.

pub mod anthropic;
pub mod aws;
pub mod focus;
pub mod gcp;
pub mod http;
pub mod in_use;
pub mod modal;
pub mod modal_report;
pub mod openai;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

pub use http::{Http, RetryPolicy};

/// Days [start, end) to fetch, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct FetchWindow {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl FetchWindow {
    pub fn start_ts(&self) -> NaiveDateTime {
        self.start.and_time(NaiveTime::MIN)
    }
    pub fn end_ts(&self) -> NaiveDateTime {
        self.end.and_time(NaiveTime::MIN)
    }
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("source {source_name}: the credential was rejected ({status}): {}. Check TOLLGATE_{}_KEY or run `tollgate auth set {source_name}` with an admin key", sentence(message), env_name(source_name))]
    Auth {
        source_name: String,
        status: u16,
        message: String,
    },
    #[error(
        "source {source_name}: {endpoint} answered {status} after {attempts} attempt(s): {message}"
    )]
    Status {
        source_name: String,
        endpoint: String,
        status: u16,
        attempts: u32,
        message: String,
    },
    #[error("source {source_name}: malformed response from {endpoint}: {message}; nothing from this sync was written")]
    Malformed {
        source_name: String,
        endpoint: String,
        message: String,
    },
    #[error("source {source_name}: the response from {endpoint} was cut off after {bytes} bytes ({why}); nothing from this sync was written. Run the sync again")]
    CutOff {
        source_name: String,
        endpoint: String,
        bytes: usize,
        why: &'static str,
    },
    #[error("source {source_name}: cannot reach {endpoint}: {message}")]
    Network {
        source_name: String,
        endpoint: String,
        message: String,
    },
    #[error("source {source_name}: no credential. Set TOLLGATE_{}_KEY or run `tollgate auth set {source_name}`", env_name(source_name))]
    NoCredential { source_name: String },
    #[error("source {source_name}: {message}")]
    Other {
        source_name: String,
        message: String,
    },
}

/// A provider's message to go before a full stop of ours: without its own.
pub(crate) fn sentence(message: &str) -> &str {
    message.trim_end().trim_end_matches('.')
}

fn env_name(source: &str) -> String {
    source.to_uppercase().replace('-', "_")
}

/// Follows a cursor: calls `page(cursor)` until it returns no next cursor. `max_pages` guards
/// against a server that never stops.
pub async fn paginate<T, F, Fut>(source: &str, mut page: F) -> Result<Vec<T>, SourceError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), SourceError>>,
{
    const MAX_PAGES: usize = 10_000;
    let mut out = Vec::new();
    let mut cursor = None;
    for _ in 0..MAX_PAGES {
        let (items, next) = page(cursor.clone()).await?;
        out.extend(items);
        match next {
            Some(n) if Some(&n) == cursor.as_ref() => {
                return Err(SourceError::Other {
                    source_name: source.to_string(),
                    message: format!("the server returned the same page cursor twice ({n})"),
                })
            }
            Some(n) => cursor = Some(n),
            None => return Ok(out),
        }
    }
    Err(SourceError::Other {
        source_name: source.to_string(),
        message: format!("more than {MAX_PAGES} pages; stopped"),
    })
}

#[derive(Debug, serde::Deserialize)]
struct ListPage<T> {
    data: Vec<T>,
    #[serde(default)]
    has_more: bool,
    last_id: Option<String>,
}

/// A `{ data, has_more, last_id }` list, cursor in `cursor_param` (OpenAI `after`, Anthropic `after_id`).
pub async fn list_all<T: serde::de::DeserializeOwned>(
    http: &Http,
    path: &str,
    extra: &[(String, String)],
    cursor_param: &str,
    limit: u32,
) -> Result<Vec<T>, SourceError> {
    paginate(&http.source, |cursor| {
        let mut q: Vec<(String, String)> = vec![("limit".into(), limit.to_string())];
        q.extend(extra.iter().cloned());
        if let Some(c) = cursor {
            q.push((cursor_param.to_string(), c));
        }
        async move {
            let page: ListPage<T> = http.get_json(path, &q).await?;
            let next = if page.has_more { page.last_id } else { None };
            Ok((page.data, next))
        }
    })
    .await
}

/// A page of time buckets with a `page` cursor (OpenAI's and Anthropic's usage/cost envelopes).
pub trait CursorPage: serde::de::DeserializeOwned {
    type Item;
    /// The page's items and the cursor of the next page, if there is one.
    fn into_parts(self) -> (Vec<Self::Item>, Option<String>);
}

impl<T: serde::de::DeserializeOwned> CursorPage for crate::normalize::openai::Page<T> {
    type Item = crate::normalize::openai::Bucket<T>;
    fn into_parts(self) -> (Vec<Self::Item>, Option<String>) {
        (self.data, if self.has_more { self.next_page } else { None })
    }
}

impl<T: serde::de::DeserializeOwned> CursorPage for crate::normalize::anthropic::Page<T> {
    type Item = crate::normalize::anthropic::Bucket<T>;
    fn into_parts(self) -> (Vec<Self::Item>, Option<String>) {
        (self.data, if self.has_more { self.next_page } else { None })
    }
}

/// Every page of `path` with the query `base` (plus `page=<cursor>` after the first).
pub async fn pages<P: CursorPage>(
    http: &Http,
    path: &str,
    base: &[(String, String)],
) -> Result<Vec<P::Item>, SourceError> {
    paginate(&http.source, |cursor| {
        let mut q = base.to_vec();
        if let Some(c) = cursor {
            q.push(("page".into(), c));
        }
        async move {
            let page: P = http.get_json(path, &q).await?;
            Ok(page.into_parts())
        }
    })
    .await
}
