//! Storyline following live news sources: RSS, Atom and JSON feeds, news
//! sitemaps (and sitemap indexes), and front pages whose article links are
//! followed.
//!
//! Each item's full page is fetched and goes through the same extraction,
//! stages and store as `storyline ingest` (through
//! [`storyline::pipeline::store_batch`]), with the listing's own text as the
//! fallback when the page fails. It is its own crate so that the library
//! (and whoever only ingests files) does not build an HTTP client.
//!
//! - [`Fetcher`] is the polite HTTP client: robots.txt (cached per host,
//!   with its Crawl-delay), one request in flight per host and a delay
//!   between requests, back-off on 429 and 503 honouring `Retry-After`,
//!   conditional GET, gzip and brotli, redirect, size and time limits, and
//!   no private addresses unless allowed ([`address`]).
//! - [`listing`] reads what a source lists.
//! - [`Watcher`] polls the sources kept in the store when they are due and
//!   stores what is new; the store's ledger of items makes it lose nothing
//!   and store nothing twice, across crashes too.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use storyline::store::Store;
//! use storyline_watch::{Config, Watcher, now};
//!
//! let mut store = Store::open("news.db")?;
//! store.add_source("https://example.com/feed.xml", None, 600, &now())?;
//! let store = Arc::new(tokio::sync::Mutex::new(store));
//! let watcher = Watcher::new(store, Config::default())?;
//! let report = watcher.once().await?;
//! println!("{} articles added", report.added);
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

pub mod address;
mod fetch;
mod hosts;
pub mod listing;
pub mod opml;
mod watch;
mod workers;

use std::time::Duration;

pub use address::AddressPolicy;
pub use fetch::{Body, Fetched, Fetcher, Validators};
pub use watch::{PassMemory, PassReport, SharedStore, SourceError, Stop, Watcher};

/// A watcher's memory budget (`storyline watch`, `serve --watch`) when
/// `--cache-mb` is not given, in MiB: a 16 MiB page cache, 16 MiB of
/// mapped reads (which `storyline watch` leaves unused: it maps nothing,
/// `serve --watch` shares them with its readers), a 28 MiB recent tier of the copies index (about 10,500
/// articles; older ones are matched through its archive) and a 4 MiB stem
/// cache (about 38,000 words, full after the first pass). A watcher
/// runs for months and stores a few articles a minute, each waiting on its
/// fetch far longer than on the store, so it keeps little in memory; a
/// batch `ingest` gets 512 ([`storyline::store::DEFAULT_CACHE_MB`]).
pub const DEFAULT_CACHE_MB: u64 = 64;

/// How watching behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// A URL (or e-mail address) where site owners can reach whoever runs
    /// this watcher; it goes into the User-Agent.
    pub contact: Option<String>,
    /// The least time between two requests to one host (default 1 s); a
    /// robots.txt `Crawl-delay` that is longer wins.
    pub delay: Duration,
    /// How long connecting may take.
    pub connect_timeout: Duration,
    /// How long the server may stay silent while a response is read.
    pub read_timeout: Duration,
    /// How long a whole request may take, body included.
    pub request_timeout: Duration,
    /// The largest body read, after decompression; a larger page is
    /// abandoned as soon as it is seen to be larger.
    pub max_page_size: u64,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Which addresses may be reached.
    pub addresses: AddressPolicy,
    /// Sources polled at once.
    pub concurrency: usize,
    /// Requests in flight at once, over all hosts.
    pub max_in_flight: usize,
    /// The longest a request waits for a host that asked to wait
    /// (`Retry-After`); beyond that the item waits for a later poll.
    pub max_wait: Duration,
    /// How long a robots.txt is trusted before it is fetched again.
    pub robots_ttl: Duration,
    /// Fetches of a page that fails for a passing reason (a timeout, a 5xx)
    /// before the listing's own text stands in for it.
    pub max_attempts: u32,
    /// Child sitemaps of a sitemap index read per poll (new or changed
    /// ones first).
    pub max_child_sitemaps: usize,
    /// How long one pass may spend fetching item pages before it leaves the
    /// rest pending for the next one; `None` for no limit (`--once`).
    pub pass_budget: Option<Duration>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            contact: None,
            delay: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(120),
            max_page_size: DEFAULT_MAX_PAGE_SIZE,
            max_redirects: 5,
            addresses: AddressPolicy::default(),
            concurrency: 32,
            max_in_flight: 32,
            max_wait: Duration::from_secs(10),
            robots_ttl: Duration::from_secs(24 * 3600),
            max_attempts: 3,
            max_child_sitemaps: 20,
            pass_budget: None,
        }
    }
}

/// Default for [`Config::max_page_size`]: 16 MiB (news pages are rarely
/// over 2 MiB; a news sitemap is at most 1,000 URLs).
pub const DEFAULT_MAX_PAGE_SIZE: u64 = 16 << 20;

impl Config {
    /// The User-Agent sent with every request: `Storyline/VERSION`, with the
    /// contact URL when one is set, as crawlers name theirs.
    pub fn user_agent(&self) -> String {
        let version = env!("CARGO_PKG_VERSION");
        match &self.contact {
            Some(c) => format!("Storyline/{version} (news watcher; +{c})"),
            None => format!("Storyline/{version} (news watcher)"),
        }
    }
}

/// The token robots.txt groups are matched against.
pub const ROBOTS_AGENT: &str = "Storyline";

/// Why a fetch did not give a body.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FetchError {
    /// Not fetched: a scheme other than http(s), or an address that is not
    /// public.
    #[error("refused: {0}")]
    Refused(String),
    /// robots.txt does not let Storyline fetch it (or could not be read
    /// because the host is failing, which counts as a no for now).
    #[error("robots.txt: {0}")]
    Disallowed(String),
    /// The redirect chain was longer than the limit (or looped).
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    /// A redirect without a usable `Location`.
    #[error("bad redirect: {0}")]
    BadRedirect(String),
    /// The body was larger than the limit.
    #[error("over the page size limit of {limit} bytes")]
    TooLarge {
        /// The limit in force.
        limit: u64,
    },
    /// Connecting or reading took too long.
    #[error("timed out")]
    Timeout,
    /// The connection could not be made or broke.
    #[error("connection failed: {0}")]
    Connect(String),
    /// The server answered with an error status.
    #[error("HTTP {0}")]
    Status(u16),
    /// The host asked to wait (429 or 503, with its `Retry-After`).
    #[error("HTTP {status}: the host asks to wait {}s", wait.as_secs())]
    Throttled {
        /// 429 or 503.
        status: u16,
        /// How long from now.
        wait: Duration,
    },
    /// Anything else the HTTP client reported.
    #[error("{0}")]
    Http(String),
}

impl FetchError {
    /// Whether trying again later may work (a timeout, a 5xx, a dropped
    /// connection), as opposed to a refusal or a 404.
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Timeout | FetchError::Connect(_) | FetchError::Http(_) => true,
            FetchError::Status(s) => *s >= 500 || *s == 408,
            FetchError::Throttled { .. } => true,
            _ => false,
        }
    }
}

/// The current time as the store keeps times: RFC 3339, UTC, milliseconds.
pub fn now() -> String {
    stamp(chrono::Utc::now())
}

/// A time as the store keeps times.
pub fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Checks a source URL as given by a person: absolute http(s), a host, no
/// credentials. Returns it as it will be stored (normalised by the URL
/// parser). Whether its address may be reached is checked when it is
/// fetched (names resolve differently over time).
pub fn source_url(s: &str) -> Result<String, String> {
    let url = url::Url::parse(s.trim()).map_err(|e| format!("{s:?} is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{s:?}: only http and https sources are watched"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{s:?} has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{s:?}: URLs with credentials are not watched"));
    }
    Ok(url.to_string())
}

/// Reads a poll interval or delay as written on the command line: `90s`,
/// `10m`, `1h 30m`, `500ms`, or bare seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Ok(Duration::from_secs_f64(secs));
        }
        return Err(format!("{s:?} is not a duration"));
    }
    humantime::parse_duration(s)
        .map_err(|e| format!("{s:?} is not a duration ({e}); try 90s, 10m or 1h"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("1h 30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1").is_err());
    }

    #[test]
    fn source_urls() {
        assert_eq!(
            source_url(" https://Example.com/feed "),
            Ok("https://example.com/feed".into())
        );
        assert!(source_url("ftp://example.com/feed").is_err());
        assert!(source_url("example.com/feed").is_err());
        assert!(source_url("https://u:p@example.com/").is_err());
    }

    #[test]
    fn user_agent_names_storyline_and_the_contact() {
        let mut c = Config::default();
        assert!(c.user_agent().starts_with("Storyline/"));
        c.contact = Some("https://newsroom.example/bot".into());
        assert!(
            c.user_agent()
                .ends_with("(news watcher; +https://newsroom.example/bot)")
        );
    }
}
