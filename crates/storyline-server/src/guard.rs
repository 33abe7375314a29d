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

/// Guards a write, before its body is read. A valid token's writes count
/// against the token holder's own allowance (`--write-rate`), wherever they
/// come from; anything else (no token, a wrong one, a write to a read-only
/// server) counts against its address's stricter allowance
/// (`--unauthenticated-rate`), so guessing is slow and cannot use up the
/// token holder's writes.
pub(crate) async fn guard_write(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let now = Instant::now();
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    let token = state.config().token.as_deref();
    let valid =
        matches!((given, token), (Some(g), Some(t)) if same_secret(g.as_bytes(), t.as_bytes()));
    let refused = if valid && !state.is_read_only() {
        match state.inner.limiter.take((), now) {
            Ok(()) => return next.run(req).await,
            Err(wait) => Refusal::Rate(wait, "too many writes with this token; try again shortly"),
        }
    } else {
        match state.inner.unauthenticated.take(client_ip(&req), now) {
            Err(wait) => Refusal::Rate(
                wait,
                "too many refused writes from this client; try again later",
            ),
            Ok(()) if state.is_read_only() => {
                Refusal::Forbidden("the database is read-only here: writes are not accepted")
            }
            Ok(()) if token.is_none() => Refusal::Forbidden(
                "this server is read-only: start it with --token (or $STORYLINE_TOKEN) to accept writes",
            ),
            Ok(()) if given.is_none() => {
                Refusal::Unauthorized("writes need a bearer token: Authorization: Bearer TOKEN")
            }
            Ok(()) => Refusal::Unauthorized("the token is not valid"),
        }
    };
    match refused {
        Refusal::Rate(wait, message) => {
            let mut res = ApiError::new(StatusCode::TOO_MANY_REQUESTS, message).into_response();
            let secs = if wait.is_finite() {
                wait.ceil().max(1.0) as u64
            } else {
                3600
            };
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            res
        }
        Refusal::Forbidden(message) => {
            ApiError::new(StatusCode::FORBIDDEN, message).into_response()
        }
        Refusal::Unauthorized(message) => {
            let mut res = ApiError::new(StatusCode::UNAUTHORIZED, message).into_response();
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"storyline\""),
            );
            res
        }
    }
}

/// Why a write is refused.
enum Refusal {
    /// Over an allowance: seconds until the next try is allowed.
    Rate(f64, &'static str),
    Forbidden(&'static str),
    Unauthorized(&'static str),
}

/// The page's stylesheet is the only resource it loads: no script, no
/// frame, no form posting elsewhere.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The security headers every response carries, the connection layer's
/// own answers included.
pub(crate) const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
];

/// Adds the security headers to every response.
pub(crate) async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        h.insert(name, HeaderValue::from_static(value));
    }
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
