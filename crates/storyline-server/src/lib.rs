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

mod api;
pub mod connection;
mod error;
mod guard;
mod layout;
mod pages;
mod params;
mod rate_limit;
mod state;

use std::future::Future;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{MethodRouter, get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

pub use state::{AppState, Config, DEFAULT_CACHE_MB};

/// One route of the site.
pub struct Route {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The path, with `{id}` for a parameter.
    pub path: &'static str,
    /// Part of the JSON API (listed at `GET /api` and described in
    /// `/api/openapi.json`), rather than a page.
    pub api: bool,
    /// Writes (an ingest): the write guard, the write timeout.
    writes: bool,
    handler: fn(&AppState) -> MethodRouter<AppState>,
}

/// Every route of the site, written once: [`router`] is built from it,
/// `GET /api` lists its API routes, and the tests hold the OpenAPI
/// description to it.
pub const ROUTES: &[Route] = &[
    read("GET", "/api", true, |_| get(api::index)),
    read("GET", "/api/stories", true, |_| get(api::stories)),
    read("GET", "/api/stories/{id}", true, |_| get(api::story)),
    read("GET", "/api/threads", true, |_| get(api::threads)),
    read("GET", "/api/threads/{id}", true, |_| get(api::thread)),
    read("GET", "/api/articles", true, |_| get(api::articles)),
    read("GET", "/api/articles/{id}", true, |_| get(api::article)),
    read("GET", "/api/articles/{id}/copies", true, |_| {
        get(api::article_copies)
    }),
    read("GET", "/api/search", true, |_| get(api::search)),
    read("GET", "/api/stats", true, |_| get(api::stats)),
    read("GET", "/api/sources", true, |_| get(api::sources)),
    Route {
        method: "POST",
        path: "/api/articles",
        api: true,
        writes: true,
        handler: |state| {
            post(api::post_articles).route_layer(middleware::from_fn_with_state(
                state.clone(),
                guard::guard_write,
            ))
        },
    },
    read("GET", "/api/openapi.json", true, |_| get(api::openapi)),
    read("GET", "/", false, |_| get(pages::home)),
    read("GET", "/stories/{id}", false, |_| get(pages::story)),
    read("GET", "/threads/{id}", false, |_| get(pages::thread)),
    read("GET", "/articles/{id}", false, |_| get(pages::article)),
    read("GET", "/search", false, |_| get(pages::search)),
    read("GET", "/sources", false, |_| get(pages::sources)),
    read("GET", "/static/{file}", false, |_| get(pages::static_file)),
];

const fn read(
    method: &'static str,
    path: &'static str,
    api: bool,
    handler: fn(&AppState) -> MethodRouter<AppState>,
) -> Route {
    Route {
        method,
        path,
        api,
        writes: false,
        handler,
    }
}

/// The whole site: API, pages and the stylesheet.
pub fn router(state: AppState) -> Router {
    let config = state.config().clone();
    let mut app = Router::new();
    for route in ROUTES {
        let timeout = if route.writes {
            config.write_timeout
        } else {
            config.read_timeout
        };
        app = app.route(
            route.path,
            (route.handler)(&state).layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                timeout,
            )),
        );
    }
    harden(app.fallback(pages::not_found).with_state(state), &config)
}

/// The layers around every route: body limit, panic catcher, the log of
/// internal errors, errors in one shape, security headers (outermost, so
/// every answer has them).
fn harden(app: Router, config: &Config) -> Router {
    app.layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(config.max_body))
        .layer(CatchPanicLayer::custom(error::on_panic))
        .layer(middleware::from_fn(error::log_errors))
        .layer(middleware::from_fn(error::normalize_errors))
        .layer(middleware::from_fn(guard::security_headers))
}

/// Serves [`router`] on `listener` until `shutdown` completes, then lets
/// the requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.config().connections.clone();
    connection::serve(listener, router(state), limits, shutdown).await
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
