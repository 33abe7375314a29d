//! Errors as the client sees them: JSON `{"error": {"status", "message"}}`
//! under `/api`, a plain HTML page elsewhere. Nothing internal (a panic
//! message, a backtrace, an SQL statement) ever reaches the body.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Marks a response whose error body was written here, so
/// [`normalize_errors`] leaves it alone.
#[derive(Clone, Copy)]
struct Rendered;

/// What went wrong inside, riding on a 500 response to [`log_errors`]:
/// the log gets it, the client never does.
#[derive(Clone)]
struct InternalCause(String);

/// An error answer to an API request.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// What went wrong, for a person to read.
    pub message: String,
    /// More detail (the records a write skipped), merged into the error
    /// object.
    pub detail: Option<serde_json::Map<String, serde_json::Value>>,
    /// For the server log only.
    cause: Option<String>,
    /// When to try again, sent as `Retry-After` (with a 503).
    retry_after: Option<std::time::Duration>,
}

impl ApiError {
    /// An error with a status and a message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            detail: None,
            cause: None,
            retry_after: None,
        }
    }

    /// 503 Service Unavailable with `Retry-After`: the server cannot take
    /// the request now (every read connection taken, the writer held), and
    /// the same request may succeed after `retry_after`.
    pub fn busy(message: impl Into<String>, retry_after: std::time::Duration) -> Self {
        ApiError {
            retry_after: Some(retry_after),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, message)
        }
    }

    /// 400 Bad Request.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404 Not Found.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 500, with the cause kept out of the body (see [`log_errors`]).
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError {
            cause: Some(cause.to_string()),
            ..Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error; the server log has the details",
            )
        }
    }

    /// Adds what rides with the body: the cause for the log, the
    /// `Retry-After` header (whole seconds, at least 1).
    fn finish(self, mut res: Response) -> Response {
        if let Some(cause) = self.cause {
            res.extensions_mut().insert(InternalCause(cause));
        }
        if let Some(after) = self.retry_after {
            let secs = after.as_secs_f64().ceil().max(1.0) as u64;
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// How long a client told the store is busy waits before it tries again:
/// about as long as a batch of an ingest holds the writer.
pub const BUSY_RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(5);

impl From<storyline::Error> for ApiError {
    /// The error's kind picks the status: what is not there is a 404, a bad
    /// argument a 400, a busy store a 503 to retry, anything else the
    /// server's own failure.
    fn from(e: storyline::Error) -> Self {
        match e {
            storyline::Error::NotFound(m) => ApiError::not_found(m),
            storyline::Error::BadArgument(m) => ApiError::bad_request(m),
            e if matches!(e.root(), storyline::Error::Busy(_)) => {
                ApiError::busy(e.message(), BUSY_RETRY_AFTER)
            }
            e => ApiError::internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(mut self) -> Response {
        let res = json_error(self.status, &self.message, self.detail.take());
        self.finish(res)
    }
}

fn json_error(
    status: StatusCode,
    message: &str,
    detail: Option<serde_json::Map<String, serde_json::Value>>,
) -> Response {
    let mut error = json!({ "status": status.as_u16(), "message": message });
    if let (Some(obj), Some(extra)) = (error.as_object_mut(), detail) {
        obj.extend(extra);
    }
    let mut res = (status, axum::Json(json!({ "error": error }))).into_response();
    res.extensions_mut().insert(Rendered);
    res
}

/// An error answer to a page request: the same status, as HTML.
#[derive(Debug)]
pub struct PageError(pub ApiError);

impl From<storyline::Error> for PageError {
    fn from(e: storyline::Error) -> Self {
        PageError(e.into())
    }
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let res = html_error(self.0.status, &self.0.message);
        self.0.finish(res)
    }
}

fn html_error(status: StatusCode, message: &str) -> Response {
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let body = crate::layout::error_page(&title, message);
    let mut res = (status, body).into_response();
    res.extensions_mut().insert(Rendered);
    res
}

/// Whether a request path belongs to the JSON API.
pub fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Rewrites error responses made outside the handlers (axum's rejections of
/// a malformed path or query, 405, the body limit's 413, the timeout's
/// 408, the panic catcher's 500) into the same JSON or HTML shape as every
/// other error.
pub async fn normalize_errors(req: Request, next: Next) -> Response {
    let api = is_api(req.uri().path());
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error())
        || res.extensions().get::<Rendered>().is_some()
    {
        return res;
    }
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/plain"));
    let allow = res.headers().get(header::ALLOW).cloned();
    // axum's rejection texts say what was wrong with the request and hold
    // nothing internal; other bodies (a panic's) are replaced.
    let said = if plain && status != StatusCode::INTERNAL_SERVER_ERROR {
        axum::body::to_bytes(res.into_body(), 4096)
            .await
            .ok()
            .and_then(|b| String::from_utf8(b.to_vec()).ok())
            .filter(|s| !s.trim().is_empty())
    } else {
        None
    };
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            "the request body is larger than the server accepts".into()
        }
        StatusCode::REQUEST_TIMEOUT => "the request took too long and was stopped".into(),
        StatusCode::METHOD_NOT_ALLOWED => "this method is not allowed here".into(),
        StatusCode::INTERNAL_SERVER_ERROR => {
            "internal error; the server log has the details".into()
        }
        _ => said.unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string()),
    };
    let mut out = if api {
        json_error(status, &message, None)
    } else {
        html_error(status, &message)
    };
    if let Some(allow) = allow {
        out.headers_mut().insert(header::ALLOW, allow);
    }
    out
}

/// Writes the cause of every internal error to the server log. Runs
/// inside [`normalize_errors`], which rewrites the body the client gets.
pub async fn log_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if let Some(InternalCause(cause)) = res.extensions().get::<InternalCause>() {
        eprintln!("storyline-server: internal error: {cause}");
    }
    res
}

/// The panic catcher's answer: a bare 500 that [`normalize_errors`] turns
/// into the usual shape. The panic message goes to the log only.
pub fn on_panic(cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = cause
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| cause.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    let mut res = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    res.extensions_mut()
        .insert(InternalCause(format!("a request handler panicked: {what}")));
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}
