//! What a request asks for, checked: paging, time bounds, and story and
//! article references resolved against the store. Shared by the API and
//! the pages.

use serde::Deserialize;
use storyline::store::StoryQuery;

use crate::error::ApiError;
use crate::state::AppState;

/// Most items one listing returns.
pub const MAX_LIMIT: usize = 500;
/// Items a listing returns when the request does not say.
pub const DEFAULT_LIMIT: usize = 20;

/// Paging parameters as given.
#[derive(Debug, Default, Deserialize)]
pub struct Paging {
    limit: Option<String>,
    offset: Option<String>,
}

impl Paging {
    /// `(limit, offset)`, checked.
    pub fn parse(&self) -> Result<(usize, usize), ApiError> {
        let limit = match self.limit.as_deref() {
            None | Some("") => DEFAULT_LIMIT,
            Some(s) => match s.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "limit must be a whole number from 1 to {MAX_LIMIT}, not {s:?}"
                    )));
                }
            },
        };
        let offset = match self.offset.as_deref() {
            None | Some("") => 0,
            Some(s) => whole_number("offset", s)?,
        };
        Ok((limit, offset))
    }
}

/// Parameters of a story listing.
#[derive(Debug, Default, Deserialize)]
pub struct StoriesParams {
    #[serde(flatten)]
    pub(crate) paging: Paging,
    pub(crate) since: Option<String>,
    pub(crate) until: Option<String>,
    pub(crate) min_articles: Option<String>,
}

/// Parameters of a thread listing.
#[derive(Debug, Default, Deserialize)]
pub struct ThreadsParams {
    pub(crate) limit: Option<String>,
    pub(crate) min_stories: Option<String>,
}

impl ThreadsParams {
    /// `(limit, min_stories)`, checked.
    pub fn parse(&self) -> Result<(usize, usize), ApiError> {
        let paging = Paging {
            limit: self.limit.clone(),
            offset: None,
        };
        let (limit, _) = paging.parse()?;
        let min = match self.min_stories.as_deref() {
            None | Some("") => 1,
            Some(s) => whole_number("min_stories", s)?,
        };
        Ok((limit, min))
    }
}

/// Finds a thread: a thread id, `story:N` or `article:X`.
pub async fn resolve_thread(state: &AppState, id: &str) -> Result<i64, ApiError> {
    let reference = id.to_string();
    state.read(move |s| s.thread_ref(&reference)).await
}

/// A count or an offset: any whole number SQLite can take (up to
/// 2^63 - 1).
pub fn whole_number(name: &str, s: &str) -> Result<usize, ApiError> {
    s.trim()
        .parse::<u64>()
        .ok()
        .filter(|&n| n <= i64::MAX as u64)
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "{name} must be a whole number from 0 to {}, not {s:?}",
                i64::MAX
            ))
        })
}

/// Checks a time bound: an ISO 8601 day (`2017-04-12`) or an RFC 3339
/// timestamp, turned into the UTC form the store keeps. A time whose UTC
/// form falls outside the years 0000 to 9999 (`9999-12-31T23:59:59-23:59`)
/// is held at that range's end, so it still compares as the store's
/// dates do.
pub fn time_bound(name: &str, value: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok() {
        return Ok(Some(v.to_string()));
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(v) {
        use chrono::Datelike;
        let utc = t.with_timezone(&chrono::Utc);
        return Ok(Some(match utc.year() {
            ..0 => "0000-01-01T00:00:00Z".to_string(),
            10_000.. => "9999-12-31T23:59:59Z".to_string(),
            _ => utc.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }));
    }
    Err(ApiError::bad_request(format!(
        "{name} must be a day (2017-04-12) or an RFC 3339 time (2017-04-12T08:00:00Z), not {v:?}"
    )))
}

impl StoriesParams {
    /// The store query these parameters ask for; `min_articles` is
    /// `default_min` when not given.
    pub fn query(&self, default_min: usize) -> Result<StoryQuery, ApiError> {
        let (limit, offset) = self.paging.parse()?;
        let min_articles = match self.min_articles.as_deref() {
            None | Some("") => default_min,
            Some(s) => whole_number("min_articles", s)?,
        };
        let since = time_bound("since", self.since.as_deref())?;
        let until = time_bound("until", self.until.as_deref())?;
        if let (Some(a), Some(b)) = (&since, &until) {
            // `until` is compared as a prefix (a day is the whole day).
            let a_cut = &a[..a.len().min(b.len())];
            if a_cut > b.as_str() {
                return Err(ApiError::bad_request(format!(
                    "since ({a}) is after until ({b}): the window is empty"
                )));
            }
        }
        Ok(StoryQuery {
            limit,
            offset,
            min_articles,
            since,
            until,
        })
    }
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reads a story reference: a story id, or `article:X` for the story of
/// article X (an id or a ref).
pub async fn resolve_story(state: &AppState, id: &str) -> Result<i64, ApiError> {
    let reference = id.to_string();
    state.read(move |s| s.story_ref(&reference)).await
}

/// Finds an article by id or ref (`id:N`, `ref:X` force one reading).
pub async fn resolve_article(state: &AppState, id: &str) -> Result<i64, ApiError> {
    let reference = id.to_string();
    state
        .read(move |s| s.resolve(&reference))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no article with id or ref {id:?}")))
}
