//! What guards the server: the write token and the per-client rate limit
//! on writes, and the security headers on every response.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;

fn client_ip(req: &Request) -> IpAddr {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// Compares without stopping at the first difference, so response times
/// say nothing about how much of a guess was right.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for (i, x) in a.iter().enumerate() {
        diff |= usize::from(x ^ b.get(i % b.len().max(1)).copied().unwrap_or(0));
    }
    diff == 0
}

/// Guards a write: the client's rate first (so guessing tokens is slow
/// too), then the bearer token. Runs before the body is read.
pub(crate) async fn guard_write(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if let Err(wait) = state.inner.limiter.take(client_ip(&req), Instant::now()) {
        let mut res = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too many writes from this client; try again shortly",
        )
        .into_response();
        let secs = if wait.is_finite() {
            wait.ceil().max(1.0) as u64
        } else {
            3600
        };
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        return res;
    }
    let Some(token) = state.config().token.as_deref() else {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "this server is read-only: start it with --token (or $STORYLINE_TOKEN) to accept writes",
        )
        .into_response();
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    let problem = match given {
        None => "writes need a bearer token: Authorization: Bearer TOKEN",
        Some(t) if !same_secret(t.as_bytes(), token.as_bytes()) => "the token is not valid",
        Some(_) => return next.run(req).await,
    };
    let mut res = ApiError::new(StatusCode::UNAUTHORIZED, problem).into_response();
    res.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"storyline\""),
    );
    res
}

/// The page's stylesheet is the only resource it loads: no script, no
/// frame, no form posting elsewhere.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Adds the security headers to every response.
pub(crate) async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"ab", b"abc"));
        assert!(!same_secret(b"abcd", b"abc"));
        assert!(!same_secret(b"", b"abc"));
        assert!(!same_secret(b"abc", b""));
    }
}
