//! The polite HTTP client. Every request, robots.txt included, goes
//! through [`Fetcher::get`]'s loop, one hop of a redirect chain at a time,
//! so each hop is checked like the first: its scheme and address, its
//! host's robots.txt, and its host's turn.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{
    ACCEPT, CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    LOCATION, RETRY_AFTER,
};
use tokio::sync::Semaphore;
use url::Url;

use crate::address::{GuardedResolver, REFUSED_MARK, check_url};
use crate::hosts::{Host, Hosts};
use crate::{Config, FetchError, ROBOTS_AGENT};

/// What robots.txt may be: RFC 9309 asks crawlers to read at least 500 KiB.
const ROBOTS_MAX: u64 = 512 << 10;
/// How long a robots.txt that could not be read (5xx) keeps a host closed
/// before it is asked for again.
const ROBOTS_RETRY: Duration = Duration::from_secs(600);
/// How long a host whose robots.txt could not be reached at all (timeout,
/// refused connection) is given up on before trying again.
const UNREACHABLE_RETRY: Duration = Duration::from_secs(60);
/// The wait assumed when a 429 or 503 names none.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(60);
/// The longest `Retry-After` honoured as given.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

const ACCEPT_ANY: &str = "text/html, application/xhtml+xml, application/rss+xml, \
application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8";

/// Validators from an earlier 200, for a conditional request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// Sent as `If-None-Match`.
    pub etag: Option<String>,
    /// Sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// A response body, with what the headers said about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Where it came from, after redirects.
    pub url: Url,
    /// The status (2xx).
    pub status: u16,
    /// The body, decompressed.
    pub bytes: Vec<u8>,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `ETag`.
    pub etag: Option<String>,
    /// `Last-Modified`.
    pub last_modified: Option<String>,
}

impl Body {
    /// The charset the `Content-Type` names.
    pub fn charset(&self) -> Option<String> {
        let ct = self.content_type.as_deref()?;
        ct.split(';').skip(1).find_map(|p| {
            let (k, v) = p.split_once('=')?;
            (k.trim().eq_ignore_ascii_case("charset"))
                .then(|| v.trim().trim_matches('"').to_string())
        })
    }
}

/// What a fetch gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched {
    /// 304: unchanged since the validators sent.
    NotModified,
    /// A body.
    Body(Body),
}

/// A host's robots.txt, as far as it matters.
pub(crate) struct Robots {
    rules: Rules,
    expires: Instant,
}

enum Rules {
    /// No robots.txt (4xx), or one that did not parse: everything allowed.
    All,
    /// Parsed.
    Parsed(Box<texting_robots::Robot>),
    /// The host's robots.txt could not be read (5xx): nothing allowed yet.
    Closed(String),
    /// The host could not be reached for it: the same error for everything.
    Unreachable(FetchError),
}

/// The polite HTTP client.
pub struct Fetcher {
    client: reqwest::Client,
    config: Arc<Config>,
    hosts: Hosts,
    in_flight: Semaphore,
    requests: AtomicU64,
}

impl Fetcher {
    /// A client for `config`: its User-Agent, timeouts and address policy;
    /// no proxy (an address check means nothing through one), no automatic
    /// redirects (each hop is checked here), gzip and brotli.
    pub fn new(config: Config) -> Result<Fetcher, FetchError> {
        let policy = Arc::new(config.addresses.clone());
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent())
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(GuardedResolver::new(policy))
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .timeout(config.request_timeout)
            .pool_max_idle_per_host(2)
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| FetchError::Http(chain(&e)))?;
        Ok(Fetcher {
            client,
            hosts: Hosts::new(config.delay, config.robots_ttl),
            in_flight: Semaphore::new(config.max_in_flight.max(1)),
            requests: AtomicU64::new(0),
            config: Arc::new(config),
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Requests sent so far (every hop and robots.txt counted).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Hosts whose politeness state is kept.
    pub fn hosts(&self) -> usize {
        self.hosts.len()
    }

    /// Fetches `url` as a good citizen, conditionally when `validators` are
    /// given.
    pub async fn get(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        let url =
            Url::parse(url.trim()).map_err(|e| FetchError::Refused(format!("{url:?}: {e}")))?;
        // A host that asks for a short wait (no longer than `max_wait`) is
        // waited for, then asked again: its turn starts when the wait ends.
        let mut tries = 0;
        loop {
            match self
                .hops(
                    url.clone(),
                    validators,
                    true,
                    self.config.max_page_size,
                    false,
                )
                .await
            {
                Err(FetchError::Throttled { wait, .. })
                    if wait <= self.config.max_wait && tries < 2 =>
                {
                    tries += 1;
                }
                other => return other,
            }
        }
    }

    async fn hops(
        &self,
        mut url: Url,
        validators: &Validators,
        robots: bool,
        limit: u64,
        truncate: bool,
    ) -> Result<Fetched, FetchError> {
        for _ in 0..=self.config.max_redirects {
            check_url(&url, &self.config.addresses)?;
            url.set_fragment(None);
            let host = self.hosts.get(&host_key(&url));
            if robots {
                self.robots_allow(&url, &host).await?;
            }
            let turn = host.take_turn(self.config.max_wait).await?;
            let _slot = self
                .in_flight
                .acquire()
                .await
                .map_err(|e| FetchError::Http(e.to_string()))?;
            let mut req = self.client.get(url.clone()).header(ACCEPT, ACCEPT_ANY);
            if let Some(etag) = &validators.etag {
                req = req.header(IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &validators.last_modified {
                req = req.header(IF_MODIFIED_SINCE, lm);
            }
            self.requests.fetch_add(1, Ordering::Relaxed);
            let resp = req.send().await.map_err(|e| client_error(&e))?;
            let status = resp.status().as_u16();
            match status {
                301 | 302 | 303 | 307 | 308 => {
                    let next = resp
                        .headers()
                        .get(LOCATION)
                        .and_then(|l| l.to_str().ok())
                        .ok_or_else(|| {
                            FetchError::BadRedirect(format!("HTTP {status} without Location"))
                        })?;
                    url = url
                        .join(next)
                        .map_err(|e| FetchError::BadRedirect(format!("{next:?}: {e}")))?;
                    drop(turn);
                }
                304 => return Ok(Fetched::NotModified),
                429 | 503 => {
                    let wait = retry_after(resp.headers()).unwrap_or(DEFAULT_RETRY_AFTER);
                    host.pause(wait, status);
                    return Err(FetchError::Throttled { status, wait });
                }
                200..=299 => {
                    let headers = resp.headers().clone();
                    let bytes = read_body(resp, limit, truncate).await?;
                    drop(turn);
                    let header = |name| {
                        headers
                            .get(name)
                            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                            .map(str::to_string)
                    };
                    return Ok(Fetched::Body(Body {
                        url,
                        status,
                        bytes,
                        content_type: header(CONTENT_TYPE),
                        etag: header(ETAG),
                        last_modified: header(LAST_MODIFIED),
                    }));
                }
                _ => return Err(FetchError::Status(status)),
            }
        }
        Err(FetchError::TooManyRedirects(self.config.max_redirects))
    }

    /// Checks `url` against its host's robots.txt, reading it first when
    /// it is not known or has expired. A Crawl-delay longer than the
    /// configured delay slows the host down.
    async fn robots_allow(&self, url: &Url, host: &Arc<Host>) -> Result<(), FetchError> {
        let mut slot = host.robots.lock().await;
        if slot.as_ref().is_none_or(|r| r.expires <= Instant::now()) {
            let robots = self.read_robots(url).await;
            if let Rules::Parsed(r) = &robots.rules
                && let Some(secs) = r.delay.filter(|d| d.is_finite() && *d > 0.0)
            {
                host.slow_to(Duration::from_secs_f32(secs.min(3600.0)));
            }
            *slot = Some(robots);
        }
        let robots = slot.as_ref().expect("set above");
        match &robots.rules {
            Rules::All => Ok(()),
            Rules::Parsed(r) if r.allowed(url.as_str()) => Ok(()),
            Rules::Parsed(_) => Err(FetchError::Disallowed(format!(
                "{} is disallowed for {ROBOTS_AGENT}",
                url.path()
            ))),
            Rules::Closed(why) => Err(FetchError::Disallowed(why.clone())),
            Rules::Unreachable(e) => Err(e.clone()),
        }
    }

    async fn read_robots(&self, url: &Url) -> Robots {
        let ttl = self.config.robots_ttl;
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        let fetched =
            Box::pin(self.hops(robots_url, &Validators::default(), false, ROBOTS_MAX, true)).await;
        let (rules, ttl) = match fetched {
            Ok(Fetched::Body(body)) => {
                match texting_robots::Robot::new(ROBOTS_AGENT, &body.bytes) {
                    Ok(r) => (Rules::Parsed(Box::new(r)), ttl),
                    Err(_) => (Rules::All, ttl),
                }
            }
            Ok(Fetched::NotModified) => (Rules::All, ttl),
            // RFC 9309: a robots.txt that is "unavailable" (4xx) allows
            // everything; one that is "unreachable" (5xx) allows nothing.
            Err(FetchError::Status(s)) if (400..500).contains(&s) => (Rules::All, ttl),
            Err(FetchError::TooManyRedirects(_)) => (Rules::All, ttl),
            Err(FetchError::Status(s)) => (
                Rules::Closed(format!(
                    "robots.txt answered HTTP {s}; the host is left alone until it can be read"
                )),
                ROBOTS_RETRY.min(ttl),
            ),
            Err(e @ FetchError::Throttled { .. }) => {
                (Rules::Unreachable(e), UNREACHABLE_RETRY.min(ttl))
            }
            Err(FetchError::Refused(why)) => (
                Rules::Closed(format!(
                    "robots.txt redirects where it may not be fetched ({why})"
                )),
                ttl,
            ),
            Err(e) => (Rules::Unreachable(e), UNREACHABLE_RETRY.min(ttl)),
        };
        Robots {
            rules,
            expires: Instant::now() + ttl,
        }
    }
}

/// Politeness is per host and port: two ports of one machine on loopback
/// are two sites.
fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

async fn read_body(
    mut resp: reqwest::Response,
    limit: u64,
    truncate: bool,
) -> Result<Vec<u8>, FetchError> {
    if !truncate && resp.content_length().is_some_and(|n| n > limit) {
        return Err(FetchError::TooLarge { limit });
    }
    let mut bytes = Vec::with_capacity(resp.content_length().unwrap_or(0).min(1 << 20) as usize);
    while let Some(chunk) = resp.chunk().await.map_err(|e| client_error(&e))? {
        let room = limit as usize - bytes.len();
        if chunk.len() > room {
            if truncate {
                bytes.extend_from_slice(&chunk[..room]);
                break;
            }
            // Dropping the response closes the connection: the rest of the
            // body is never read.
            return Err(FetchError::TooLarge { limit });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// `Retry-After` as seconds or an HTTP date, capped.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = match v.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
            (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
        }
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

fn client_error(e: &reqwest::Error) -> FetchError {
    let text = chain(e);
    if let Some(at) = text.find(REFUSED_MARK) {
        return FetchError::Refused(text[at + REFUSED_MARK.len()..].to_string());
    }
    if e.is_timeout() {
        FetchError::Timeout
    } else if e.is_connect() {
        FetchError::Connect(text)
    } else {
        FetchError::Http(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("120"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(120)));
        let later = chrono::Utc::now() + chrono::Duration::seconds(90);
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_str(&later.to_rfc2822()).unwrap(),
        );
        let wait = retry_after(&h).unwrap();
        assert!(wait > Duration::from_secs(80) && wait <= Duration::from_secs(90));
        h.insert(RETRY_AFTER, HeaderValue::from_static("99999999"));
        assert_eq!(retry_after(&h), Some(MAX_RETRY_AFTER));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn charset_from_content_type() {
        let body = Body {
            url: Url::parse("http://a.example/").unwrap(),
            status: 200,
            bytes: vec![],
            content_type: Some("text/html; charset=\"windows-1252\"".into()),
            etag: None,
            last_modified: None,
        };
        assert_eq!(body.charset().as_deref(), Some("windows-1252"));
    }
}
