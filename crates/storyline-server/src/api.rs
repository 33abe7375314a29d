//! The JSON API. Every answer is the JSON the CLI prints with `--json` for
//! the same question (see the README), built by the same library code.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use storyline::ingest::{IngestOptions, Input};
use storyline::pipeline::{self, IngestReport};

use crate::error::ApiError;
use crate::params::{
    Paging, StoriesParams, ThreadsParams, encode, resolve_article, resolve_story, resolve_thread,
};
use crate::state::AppState;

/// `GET /api/stories`: stories, most recently active first.
pub async fn stories(
    State(state): State<AppState>,
    Query(p): Query<StoriesParams>,
) -> Result<Response, ApiError> {
    let mut q = p.query(1)?;
    let (limit, offset) = (q.limit, q.offset);
    // One more than asked tells whether a next page exists.
    q.limit += 1;
    let mut list = state.read(move |s| s.stories_matching(&q)).await?;
    let more = list.len() > limit;
    list.truncate(limit);
    let mut res = Json(list).into_response();
    if more {
        let mut next = format!(
            "/api/stories?limit={limit}&offset={}",
            offset.saturating_add(limit)
        );
        for (k, v) in [
            ("since", &p.since),
            ("until", &p.until),
            ("min_articles", &p.min_articles),
        ] {
            if let Some(v) = v {
                next.push_str(&format!("&{k}={}", encode(v)));
            }
        }
        link_next(&mut res, &next);
    }
    Ok(res)
}

fn link_next(res: &mut Response, next: &str) {
    if let Ok(v) = HeaderValue::from_str(&format!("<{next}>; rel=\"next\"")) {
        res.headers_mut().insert(header::LINK, v);
    }
}

/// `GET /api/stories/{id}`: a story with its summary, articles, quotes,
/// entities and copies.
pub async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let n = resolve_story(&state, &id).await?;
    let view = state.read(move |s| storyline::view::story(s, n)).await?;
    match view {
        Some(v) => Ok(Json(v).into_response()),
        None => Err(ApiError::not_found(format!("no story {id:?}"))),
    }
}

/// `GET /api/threads`: threads, most recently active first.
pub async fn threads(
    State(state): State<AppState>,
    Query(p): Query<ThreadsParams>,
) -> Result<Response, ApiError> {
    let (limit, min) = p.parse()?;
    let list = state.read(move |s| s.threads(limit, min)).await?;
    Ok(Json(list).into_response())
}

/// `GET /api/threads/{id}`: a thread with its stories and their evidence,
/// its articles and its timeline.
pub async fn thread(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let n = resolve_thread(&state, &id).await?;
    let view = state.read(move |s| storyline::view::thread(s, n)).await?;
    match view {
        Some(v) => Ok(Json(v).into_response()),
        None => Err(ApiError::not_found(format!("no thread {id:?}"))),
    }
}

/// `GET /api/articles`: articles in store order.
pub async fn articles(
    State(state): State<AppState>,
    Query(p): Query<Paging>,
) -> Result<Response, ApiError> {
    let (limit, offset) = p.parse()?;
    let mut list = state.read(move |s| s.articles(limit + 1, offset)).await?;
    let more = list.len() > limit;
    list.truncate(limit);
    let mut res = Json(list).into_response();
    if more {
        link_next(
            &mut res,
            &format!(
                "/api/articles?limit={limit}&offset={}",
                offset.saturating_add(limit)
            ),
        );
    }
    Ok(res)
}

/// `GET /api/articles/{id}`: an article with its text, sentences and what
/// the copies stage found.
pub async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let n = resolve_article(&state, &id).await?;
    let view = state.read(move |s| storyline::view::article(s, n)).await?;
    match view {
        Some(v) => Ok(Json(v).into_response()),
        // Deleted between the two reads.
        None => Err(ApiError::not_found(format!("no article {id:?}"))),
    }
}

/// Parameters of the copies of an article.
#[derive(Debug, Default, Deserialize)]
pub struct CopiesParams {
    threshold: Option<String>,
}

/// `GET /api/articles/{id}/copies`: what `storyline copies --explain ID
/// --json` prints.
pub async fn article_copies(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<CopiesParams>,
) -> Result<Response, ApiError> {
    let floor = storyline::copies::minhash::MIN_THRESHOLD;
    let threshold = match p.threshold.as_deref() {
        None | Some("") => storyline::view::COPY_THRESHOLD,
        Some(s) => s
            .parse::<f64>()
            .ok()
            .filter(|t| (floor..=1.0).contains(t))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "threshold must be a number from {floor} to 1, not {s:?}"
                ))
            })?,
    };
    let n = resolve_article(&state, &id).await?;
    let copies = state
        .read(move |s| storyline::view::article_copies(s, n, threshold))
        .await?;
    Ok(Json(copies).into_response())
}

/// Parameters of a search.
#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    #[serde(flatten)]
    paging: Paging,
}

/// `GET /api/search`: full-text search, best first.
pub async fn search(
    State(state): State<AppState>,
    Query(p): Query<SearchParams>,
) -> Result<Response, ApiError> {
    let (limit, offset) = p.paging.parse()?;
    let q = p.q.unwrap_or_default();
    if q.trim().is_empty() {
        return Err(ApiError::bad_request(
            "the query parameter q is missing or empty",
        ));
    }
    if q.len() > 1000 {
        return Err(ApiError::bad_request("the query is longer than 1000 bytes"));
    }
    let query = q.clone();
    let mut hits = state
        .read(move |s| s.search(&query, limit + 1, offset))
        .await?;
    let more = hits.len() > limit;
    hits.truncate(limit);
    let mut res = Json(hits).into_response();
    if more {
        link_next(
            &mut res,
            &format!(
                "/api/search?q={}&limit={limit}&offset={}",
                encode(&q),
                offset.saturating_add(limit)
            ),
        );
    }
    Ok(res)
}

/// `GET /api/stats`: what `storyline stats --json` prints, and the number
/// of stories.
pub async fn stats(State(state): State<AppState>) -> Result<Response, ApiError> {
    let (stats, stories) = state.read(|s| Ok((s.stats()?, s.story_count()?))).await?;
    let mut v = serde_json::to_value(stats).map_err(ApiError::internal)?;
    if let Some(obj) = v.as_object_mut() {
        obj.insert("stories".into(), stories.into());
    }
    Ok(Json(v).into_response())
}

/// `GET /api/sources`: the watched sources and their health.
pub async fn sources(State(state): State<AppState>) -> Result<Response, ApiError> {
    let list = state.read(|s| s.sources()).await?;
    Ok(Json(list).into_response())
}

/// How a write body is framed.
enum Framing {
    /// One JSON object or an array of them.
    Json,
    /// One JSON object per line.
    Lines,
}

fn framing(headers: &HeaderMap) -> Result<Framing, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => Ok(Framing::Json),
        "application/x-ndjson"
        | "application/ndjson"
        | "application/jsonl"
        | "application/x-jsonlines"
        | "application/jsonlines" => Ok(Framing::Lines),
        "" => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "say what the body is: Content-Type application/json (an object or an array) or application/x-ndjson (one object per line)",
        )),
        other => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "Content-Type {other:?} is not accepted: use application/json (an object or an array) or application/x-ndjson (one object per line)"
            ),
        )),
    }
}

/// `POST /api/articles`: stores articles as `storyline ingest` does and
/// answers with its report. Broken records are reported by line (JSON
/// Lines) or record (a JSON array) and skipped; the rest goes in. When
/// nothing could be stored because every record was broken the answer is
/// 400 (not JSON) or 422 (JSON, but not articles), with the same list.
pub async fn post_articles(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let framing = framing(&headers)?;
    let bytes: Arc<[u8]> = match framing {
        Framing::Lines => Arc::from(&body[..]),
        Framing::Json => {
            let value: Value = serde_json::from_slice(&body).map_err(|e| {
                ApiError::bad_request(format!(
                    "the body is not JSON: {e} (line {}, column {})",
                    e.line(),
                    e.column()
                ))
            })?;
            let records = match value {
                Value::Array(items) => Value::Array(items),
                obj @ Value::Object(_) => Value::Array(vec![obj]),
                other => {
                    return Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        format!(
                            "the body must be an article object or an array of them, not {}",
                            kind(&other)
                        ),
                    ));
                }
            };
            // The library's reader reads a JSON array as one record per
            // element, numbered from 1, like a file holding an array.
            Arc::from(records.to_string().into_bytes())
        }
    };
    if bytes.iter().all(u8::is_ascii_whitespace) || &*bytes == b"[]" {
        return Err(ApiError::bad_request("the body holds no articles"));
    }
    let options = state.config().ingest.clone();
    let report: IngestReport = state
        .write(move |store, cancel| {
            let input = Input::Memory {
                name: "body".into(),
                bytes,
            };
            let opts = IngestOptions { cancel, ..options };
            pipeline::ingest_inputs(store, &[input], Vec::new(), &opts, &|_| {})
        })
        .await?;
    let stored = report.added + report.unchanged + report.updated;
    if stored == 0 && !report.errors.is_empty() {
        // A record that does not parse is a bad request; anything else was
        // JSON that is not an article.
        let not_json = report
            .errors
            .iter()
            .any(|e| e.kind == storyline::SkipKind::Malformed);
        let first = &report.errors[0];
        let at = match (first.line, first.record) {
            (Some(l), _) => format!("line {l}: "),
            (None, Some(r)) => format!("record {r}: "),
            _ => String::new(),
        };
        let mut err = ApiError::new(
            if not_json {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            },
            format!(
                "no article could be stored ({} skipped); {at}{}",
                report.errors.len(),
                first.message
            ),
        );
        let mut detail = serde_json::Map::new();
        detail.insert(
            "errors".into(),
            serde_json::to_value(&report.errors).map_err(ApiError::internal)?,
        );
        err.detail = Some(detail);
        return Err(err);
    }
    let status = if report.added > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(report)).into_response())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The OpenAPI 3.1 description of this API.
pub const OPENAPI: &str = include_str!("openapi.json");

/// `GET /api/openapi.json`.
pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// `GET /api`: where to start.
pub async fn index() -> Json<Value> {
    Json(describe())
}

/// What `GET /api` answers: the API routes of [`crate::ROUTES`].
fn describe() -> Value {
    let endpoints: Vec<String> = crate::ROUTES
        .iter()
        .filter(|r| r.api && r.path != "/api")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    json!({
        "name": "storyline",
        "version": env!("CARGO_PKG_VERSION"),
        "openapi": "/api/openapi.json",
        "endpoints": endpoints
    })
}
