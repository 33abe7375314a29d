//! A news site on loopback, for testing and benchmarking Storyline's
//! watcher against real HTTP: several hosts (each its own listener, so its
//! own `host:port`), each a table of paths to [`Resource`]s that a test can
//! change while the site runs (a feed that grows), and a log of every
//! request with its start and end times, so a test can check what was
//! asked for, when, and how many requests were in flight per host.
//!
//! Resources cover what a watcher meets: feeds and sitemaps with ETag and
//! Last-Modified (and 304s), gzip when asked for, 429/503 with
//! `Retry-After`, errors, redirects and loops, slow answers, huge and
//! gzip-bomb bodies, and pages from the repository's `corpus/`.

#![deny(missing_docs)]

use std::collections::HashMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::Response;

/// The validators a document is served with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validators {
    /// None: every request gets the whole document.
    None,
    /// `ETag` only (`If-None-Match`).
    ETag,
    /// `Last-Modified` only (`If-Modified-Since`).
    LastModified,
    /// Both.
    Both,
}

fn http_date_now() -> String {
    chrono::Utc::now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// What a path answers.
#[derive(Clone)]
pub enum Resource {
    /// A document, with an ETag (a hash of it) and a fixed Last-Modified;
    /// 304 to a matching conditional request; gzip when the client accepts
    /// it and `gzip` is set.
    Doc {
        /// The body.
        body: Arc<Vec<u8>>,
        /// `Content-Type`.
        content_type: &'static str,
        /// Compress when asked.
        gzip: bool,
        /// Which validators are sent (and honoured).
        validators: Validators,
        /// Its Last-Modified (when it was set).
        modified: String,
    },
    /// A bare status, with `Retry-After` when given.
    Status(u16, Option<String>),
    /// `429` (or another status) with `Retry-After` for the first `times`
    /// requests, then `then`.
    Throttle {
        /// The status sent meanwhile.
        status: u16,
        /// Its `Retry-After`.
        retry_after: String,
        /// How many requests get it.
        times: Arc<AtomicU32>,
        /// What comes after.
        then: Box<Resource>,
    },
    /// A 302 to `Location`.
    Redirect(String),
    /// `then`, after a pause before the headers.
    Slow(Duration, Box<Resource>),
    /// An HTML body of `size` bytes, streamed in chunks without a length
    /// (or with one, when `declared`).
    Huge {
        /// Bytes in all.
        size: u64,
        /// Send `Content-Length`.
        declared: bool,
    },
    /// A small gzip body that inflates to far more (see
    /// [`Resource::gzip_bomb`]).
    GzipBomb(Arc<Vec<u8>>),
}

impl Resource {
    /// An HTML page.
    pub fn html(body: impl Into<Vec<u8>>) -> Resource {
        Resource::doc(body, "text/html; charset=utf-8", Validators::None)
    }

    /// A feed or sitemap (XML), with both validators, gzipped when asked.
    pub fn xml(body: impl Into<Vec<u8>>, content_type: &'static str) -> Resource {
        Resource::doc(body, content_type, Validators::Both)
    }

    /// A document with the `validators` given, gzipped when asked.
    pub fn doc(
        body: impl Into<Vec<u8>>,
        content_type: &'static str,
        validators: Validators,
    ) -> Resource {
        Resource::Doc {
            body: Arc::new(body.into()),
            content_type,
            gzip: true,
            validators,
            modified: http_date_now(),
        }
    }

    /// Plain text (robots.txt).
    pub fn text(body: impl Into<Vec<u8>>) -> Resource {
        Resource::Doc {
            body: Arc::new(body.into()),
            content_type: "text/plain",
            gzip: false,
            validators: Validators::None,
            modified: http_date_now(),
        }
    }

    /// A gzip body that inflates to `size` bytes of HTML (compressed now,
    /// so serving it costs nothing).
    pub fn gzip_bomb(size: u64) -> Resource {
        Resource::GzipBomb(Arc::new(gzip_bomb(size)))
    }

    /// `status` with `Retry-After: retry_after` for the first `times`
    /// requests, then `then`.
    pub fn throttle(status: u16, retry_after: &str, times: u32, then: Resource) -> Resource {
        Resource::Throttle {
            status,
            retry_after: retry_after.into(),
            times: Arc::new(AtomicU32::new(times)),
            then: Box::new(then),
        }
    }
}

/// One request as the site saw it.
#[derive(Debug, Clone)]
pub struct Hit {
    /// `ip:port` of the host that answered.
    pub host: String,
    /// Path and query.
    pub path: String,
    /// When the request arrived.
    pub start: Instant,
    /// When the handler finished (the body may still be streaming).
    pub end: Instant,
    /// The status sent.
    pub status: u16,
    /// Request headers of interest.
    pub user_agent: String,
    /// `Accept-Encoding` sent.
    pub accept_encoding: String,
    /// Whether the request was conditional (`If-None-Match` or
    /// `If-Modified-Since`).
    pub conditional: bool,
    /// Requests to this host in flight when this one arrived (itself
    /// included).
    pub in_flight: usize,
}

struct HostState {
    addr: SocketAddr,
    routes: Mutex<HashMap<String, Resource>>,
    log: Arc<Mutex<Vec<Hit>>>,
    in_flight: AtomicUsize,
    latency: Mutex<Duration>,
    streamed: Arc<AtomicU64>,
}

/// A running host of the site.
#[derive(Clone)]
pub struct Host {
    state: Arc<HostState>,
}

impl Host {
    /// `http://ip:port`, without a trailing slash.
    pub fn base(&self) -> String {
        format!("http://{}", self.state.addr)
    }

    /// The full URL of `path` on this host.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    /// `ip:port`.
    pub fn addr(&self) -> SocketAddr {
        self.state.addr
    }

    /// Serves `resource` at `path` (replacing what was there).
    pub fn set(&self, path: &str, resource: Resource) {
        self.state
            .routes
            .lock()
            .unwrap()
            .insert(path.to_string(), resource);
    }

    /// Makes every answer take at least `latency` (so that overlapping
    /// requests would show in the log).
    pub fn set_latency(&self, latency: Duration) {
        *self.state.latency.lock().unwrap() = latency;
    }

    /// Bytes of huge bodies actually sent so far.
    pub fn streamed(&self) -> u64 {
        self.state.streamed.load(Ordering::Relaxed)
    }
}

/// The site: its hosts and their shared log.
pub struct Site {
    hosts: Vec<Host>,
    log: Arc<Mutex<Vec<Hit>>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Site {
    /// A site with no hosts yet, served by its own small runtime (so a
    /// test's own runtime, or a child process, can use it freely).
    pub fn new() -> Site {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the test site");
        Site {
            hosts: Vec::new(),
            log: Arc::new(Mutex::new(Vec::new())),
            runtime: Some(runtime),
        }
    }

    /// Starts a host on `ip` (a free port).
    pub fn host_on(&mut self, ip: IpAddr) -> Host {
        let runtime = self.runtime.as_ref().expect("running");
        // Bound here, handed to the site's runtime: a test may call this
        // from inside its own runtime, where blocking on another is not
        // allowed.
        let std_listener = std::net::TcpListener::bind((ip, 0)).expect("a loopback port");
        std_listener.set_nonblocking(true).expect("non-blocking");
        let _entered = runtime.enter();
        let listener = tokio::net::TcpListener::from_std(std_listener).expect("a tokio listener");
        let state = Arc::new(HostState {
            addr: listener.local_addr().expect("bound"),
            routes: Mutex::new(HashMap::new()),
            log: self.log.clone(),
            in_flight: AtomicUsize::new(0),
            latency: Mutex::new(Duration::ZERO),
            streamed: Arc::new(AtomicU64::new(0)),
        });
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(state.clone());
        runtime.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let host = Host { state };
        self.hosts.push(host.clone());
        host
    }

    /// Starts a host on 127.0.0.1.
    pub fn host(&mut self) -> Host {
        self.host_on(IpAddr::from([127, 0, 0, 1]))
    }

    /// Every request so far.
    pub fn log(&self) -> Vec<Hit> {
        self.log.lock().unwrap().clone()
    }

    /// Requests for `path` on `host`.
    pub fn hits(&self, host: &Host, path: &str) -> Vec<Hit> {
        let h = host.state.addr.to_string();
        self.log()
            .into_iter()
            .filter(|x| x.host == h && x.path == path)
            .collect()
    }

    /// Requests to `host`, in arrival order.
    pub fn hits_on(&self, host: &Host) -> Vec<Hit> {
        let h = host.state.addr.to_string();
        let mut hits: Vec<Hit> = self.log().into_iter().filter(|x| x.host == h).collect();
        hits.sort_by_key(|x| x.start);
        hits
    }

    /// Forgets the log.
    pub fn clear_log(&self) {
        self.log.lock().unwrap().clear();
    }
}

impl Default for Site {
    fn default() -> Self {
        Site::new()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

async fn answer(State(host): State<Arc<HostState>>, req: Request<Body>) -> Response {
    let start = Instant::now();
    let in_flight = host.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let headers = req.headers().clone();
    let latency = *host.latency.lock().unwrap();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let resource = host.routes.lock().unwrap().get(&path).cloned();
    let response = match resource {
        Some(r) => respond(r, &headers, &host).await,
        None => status(404, None),
    };
    host.in_flight.fetch_sub(1, Ordering::SeqCst);
    let get = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    host.log.lock().unwrap().push(Hit {
        host: host.addr.to_string(),
        path,
        start,
        end: Instant::now(),
        status: response.status().as_u16(),
        user_agent: get(header::USER_AGENT),
        accept_encoding: get(header::ACCEPT_ENCODING),
        conditional: headers.contains_key(header::IF_NONE_MATCH)
            || headers.contains_key(header::IF_MODIFIED_SINCE),
        in_flight,
    });
    response
}

fn status(code: u16, retry_after: Option<&str>) -> Response {
    let mut r = Response::new(Body::from(format!("status {code}")));
    *r.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(ra) = retry_after {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_str(ra).unwrap());
    }
    r
}

fn respond<'a>(
    resource: Resource,
    headers: &'a HeaderMap,
    host: &'a HostState,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send + 'a>> {
    Box::pin(async move {
        match resource {
            Resource::Doc {
                body,
                content_type,
                gzip,
                validators,
                modified,
            } => {
                let etag = format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(&body));
                let send_etag = matches!(validators, Validators::ETag | Validators::Both);
                let send_lm = matches!(validators, Validators::LastModified | Validators::Both);
                let inm = headers
                    .get(header::IF_NONE_MATCH)
                    .and_then(|v| v.to_str().ok());
                let ims = headers
                    .get(header::IF_MODIFIED_SINCE)
                    .and_then(|v| v.to_str().ok());
                // RFC 9110: If-None-Match, when sent, decides alone.
                let fresh = match inm {
                    Some(tag) => send_etag && tag == etag,
                    None => send_lm && ims == Some(modified.as_str()),
                };
                if fresh {
                    let mut r = status(304, None);
                    *r.body_mut() = Body::empty();
                    return r;
                }
                let accepts_gzip = headers
                    .get(header::ACCEPT_ENCODING)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.contains("gzip"));
                let mut r = if gzip && accepts_gzip {
                    let mut enc =
                        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                    enc.write_all(&body).unwrap();
                    let mut r = Response::new(Body::from(enc.finish().unwrap()));
                    r.headers_mut()
                        .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                    r
                } else {
                    Response::new(Body::from(body.as_ref().clone()))
                };
                r.headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
                if send_etag {
                    r.headers_mut()
                        .insert(header::ETAG, HeaderValue::from_str(&etag).unwrap());
                }
                if send_lm {
                    r.headers_mut().insert(
                        header::LAST_MODIFIED,
                        HeaderValue::from_str(&modified).unwrap(),
                    );
                }
                r
            }
            Resource::Status(code, retry_after) => status(code, retry_after.as_deref()),
            Resource::Throttle {
                status: code,
                retry_after,
                times,
                then,
            } => {
                let left = times
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| t.checked_sub(1))
                    .is_ok();
                if left {
                    status(code, Some(&retry_after))
                } else {
                    respond(*then, headers, host).await
                }
            }
            Resource::Redirect(to) => {
                let mut r = status(302, None);
                r.headers_mut()
                    .insert(header::LOCATION, HeaderValue::from_str(&to).unwrap());
                r
            }
            Resource::Slow(pause, then) => {
                tokio::time::sleep(pause).await;
                respond(*then, headers, host).await
            }
            Resource::Huge { size, declared } => {
                let streamed = host.streamed.clone();
                let chunk = Arc::new(huge_chunk());
                let stream = futures_util::stream::unfold(0u64, move |sent| {
                    let chunk = chunk.clone();
                    let streamed = streamed.clone();
                    async move {
                        if sent >= size {
                            return None;
                        }
                        let n = (size - sent).min(chunk.len() as u64) as usize;
                        streamed.fetch_add(n as u64, Ordering::Relaxed);
                        let piece = axum::body::Bytes::copy_from_slice(&chunk[..n]);
                        Some((Ok::<_, std::io::Error>(piece), sent + n as u64))
                    }
                });
                let mut r = Response::new(Body::from_stream(stream));
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                if declared {
                    r.headers_mut()
                        .insert(header::CONTENT_LENGTH, HeaderValue::from(size));
                }
                r
            }
            Resource::GzipBomb(bomb) => {
                let mut r = Response::new(Body::from(bomb.as_ref().clone()));
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                r.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                r
            }
        }
    })
}

fn huge_chunk() -> Vec<u8> {
    b"<p>filler filler filler filler filler filler filler filler.</p>\n"
        .iter()
        .copied()
        .cycle()
        .take(64 << 10)
        .collect()
}

fn gzip_bomb(size: u64) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(b"<html><body><p>").unwrap();
    let spaces = vec![b' '; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(spaces.len() as u64) as usize;
        enc.write_all(&spaces[..n]).unwrap();
        left -= n as u64;
    }
    enc.finish().unwrap()
}

/// An item of a feed the site serves.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Headline.
    pub title: String,
    /// The page it links to.
    pub link: String,
    /// A short summary (feeds often carry only this).
    pub summary: String,
    /// RFC 3339 date.
    pub published: String,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An RSS 2.0 feed of `entries`.
pub fn rss(title: &str, entries: &[Entry]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>{}</title>\n",
        esc(title)
    );
    for e in entries {
        let date = chrono_rfc2822(&e.published);
        s.push_str(&format!(
            "<item><title>{}</title><link>{}</link><guid>{}</guid><pubDate>{}</pubDate><description>{}</description></item>\n",
            esc(&e.title), esc(&e.link), esc(&e.link), date, esc(&e.summary)
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

/// An Atom feed of `entries`.
pub fn atom(title: &str, entries: &[Entry]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>{}</title><id>urn:test:{}</id><updated>2025-01-01T00:00:00Z</updated>\n",
        esc(title),
        esc(title)
    );
    for e in entries {
        s.push_str(&format!(
            "<entry><title>{}</title><link rel=\"alternate\" href=\"{}\"/><id>{}</id><updated>{}</updated><published>{}</published><summary>{}</summary></entry>\n",
            esc(&e.title), esc(&e.link), esc(&e.link), e.published, e.published, esc(&e.summary)
        ));
    }
    s.push_str("</feed>\n");
    s
}

/// A JSON Feed 1.1 of `entries`.
pub fn json_feed(title: &str, entries: &[Entry]) -> String {
    let items: Vec<String> = entries
        .iter()
        .map(|e| {
            format!(
                "{{\"id\": {:?}, \"url\": {:?}, \"title\": {:?}, \"summary\": {:?}, \"content_text\": {:?}, \"date_published\": {:?}}}",
                e.link, e.link, e.title, e.summary, e.summary, e.published
            )
        })
        .collect();
    format!(
        "{{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": {title:?}, \"items\": [{}]}}",
        items.join(", ")
    )
}

/// A news sitemap of `entries` (`<news:news>` with title and date).
pub fn news_sitemap(entries: &[Entry]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    for e in entries {
        s.push_str(&format!(
            "<url><loc>{}</loc><news:news><news:publication><news:name>Test</news:name><news:language>en</news:language></news:publication><news:publication_date>{}</news:publication_date><news:title>{}</news:title></news:news></url>\n",
            esc(&e.link), e.published, esc(&e.title)
        ));
    }
    s.push_str("</urlset>\n");
    s
}

/// A sitemap index of `sitemaps` (URL, lastmod).
pub fn sitemap_index(sitemaps: &[(String, String)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in sitemaps {
        s.push_str(&format!(
            "<sitemap><loc>{}</loc><lastmod>{lastmod}</lastmod></sitemap>\n",
            esc(loc)
        ));
    }
    s.push_str("</sitemapindex>\n");
    s
}

/// A front page linking to `entries`, with navigation links that are not
/// articles.
pub fn front_page(title: &str, entries: &[Entry]) -> String {
    let mut s = format!(
        "<!doctype html><html><head><title>{0}</title><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed.xml\"></head><body><nav><a href=\"/\">Home</a> <a href=\"/world/\">World</a> <a href=\"/tag/politics\">Politics</a> <a href=\"/about\">About us</a></nav><main><h1>{0}</h1><ul>\n",
        esc(title)
    );
    for e in entries {
        s.push_str(&format!(
            "<li><a href=\"{}\">{}</a></li>\n",
            esc(&e.link),
            esc(&e.title)
        ));
    }
    s.push_str("</ul></main><footer><a href=\"/privacy\">Privacy</a></footer></body></html>\n");
    s
}

fn chrono_rfc2822(rfc3339: &str) -> String {
    // The feeds' dates are written by the tests in one form:
    // YYYY-MM-DDTHH:MM:SSZ.
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let p = |a: usize, b: usize| rfc3339.get(a..b).unwrap_or("0");
    let month: usize = p(5, 7).parse().unwrap_or(1);
    format!(
        "{} {} {} {} +0000",
        p(8, 10),
        months[month.clamp(1, 12) - 1],
        p(0, 4),
        p(11, 19)
    )
}

/// The repository's example corpus folder.
pub fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

/// News pages from `corpus/`: the synthetic pages of `corpus/html` and the
/// real pages of `corpus/pages` (gunzipped), by file name, in name order.
pub fn corpus_pages() -> Vec<(String, Vec<u8>)> {
    let mut pages = Vec::new();
    for dir in ["html", "pages"] {
        let Ok(read) = std::fs::read_dir(corpus_dir().join(dir)) else {
            continue;
        };
        let mut names: Vec<PathBuf> = read.flatten().map(|e| e.path()).collect();
        names.sort();
        for path in names {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let bytes = if name.ends_with(".html.gz") {
                let mut out = Vec::new();
                let file = std::fs::File::open(&path).unwrap();
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(file), &mut out)
                    .unwrap();
                out
            } else if name.ends_with(".html") {
                std::fs::read(&path).unwrap()
            } else {
                continue;
            };
            pages.push((name, bytes));
        }
    }
    pages
}
