//! Storyline over HTTP: a JSON API and plain server-rendered web pages,
//! both read from the same store while ingest keeps writing to it.
//!
//! - [`router`] builds the whole site for an [`AppState`]; [`serve`] runs it
//!   on a listener until a shutdown signal.
//! - Reads run on a small pool of SQLite connections, each call in one read
//!   transaction (a consistent snapshot); writes (`POST /api/articles`) go
//!   through one writer, the library's ingest pipeline, and need the bearer
//!   token.
//! - Every error is `{"error": {"status", "message"}}` under `/api` and an
//!   HTML page elsewhere; panics are caught and never shown.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use storyline_server::{AppState, Config};
//! let mut config = Config::new("news.db");
//! config.token = Some("s3cret".into());
//! let state = AppState::open(config).expect("the database opens");
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! storyline_server::serve(listener, state, std::future::pending()).await
//! # }
//! ```

#![deny(missing_docs)]

pub mod api;
pub mod error;
mod limits;
pub mod pages;
mod state;

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

pub use state::{AppState, Config};

/// The whole site: API, pages and the stylesheet.
pub fn router(state: AppState) -> Router {
    let config = state.config().clone();
    let writes = Router::new()
        .route(
            "/api/articles",
            axum::routing::post(api::post_articles)
                .route_layer(middleware::from_fn_with_state(
                    state.clone(),
                    limits::guard_write,
                ))
                .get(api::articles),
        )
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.write_timeout,
        ));
    let reads = Router::new()
        .route("/api", get(api::index))
        .route("/api/stories", get(api::stories))
        .route("/api/stories/{id}", get(api::story))
        .route("/api/articles/{id}", get(api::article))
        .route("/api/articles/{id}/copies", get(api::article_copies))
        .route("/api/search", get(api::search))
        .route("/api/stats", get(api::stats))
        .route("/api/openapi.json", get(api::openapi))
        .route("/", get(pages::home))
        .route("/stories/{id}", get(pages::story))
        .route("/articles/{id}", get(pages::article))
        .route("/search", get(pages::search))
        .route("/static/{file}", get(pages::static_file))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.read_timeout,
        ));
    let app = Router::new()
        .merge(writes)
        .merge(reads)
        .fallback(pages::not_found)
        .with_state(state);
    harden(app, &config)
}

/// The layers around every route: body limit, panic catcher, errors in
/// one shape, security headers (outermost, so every answer has them).
fn harden(app: Router, config: &Config) -> Router {
    app.layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(config.max_body))
        .layer(CatchPanicLayer::custom(error::on_panic))
        .layer(middleware::from_fn(error::normalize_errors))
        .layer(middleware::from_fn(limits::security_headers))
}

/// Serves [`router`] on `listener` until `shutdown` completes, then lets
/// the requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    async fn boom() -> &'static str {
        panic!("secret detail from deep inside");
    }

    #[tokio::test]
    async fn a_panic_is_a_plain_500() {
        let app = harden(
            Router::new()
                .route("/api/boom", get(boom))
                .route("/boom", get(boom)),
            &Config::new("unused.db"),
        );
        for (path, json) in [("/api/boom", true), ("/boom", false)] {
            let res = app
                .clone()
                .oneshot(Request::get(path).body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
            assert_eq!(res.headers()["x-content-type-options"], "nosniff");
            let ct = res.headers()["content-type"].to_str().unwrap().to_string();
            let body = axum::body::to_bytes(res.into_body(), 1 << 20)
                .await
                .unwrap();
            let body = String::from_utf8(body.to_vec()).unwrap();
            assert!(!body.contains("secret detail"), "{body}");
            assert!(!body.contains("panicked"), "{body}");
            if json {
                assert!(ct.starts_with("application/json"));
                let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                assert_eq!(v["error"]["status"], 500);
            } else {
                assert!(ct.starts_with("text/html"));
                assert!(body.contains("500"));
            }
        }
    }
}
