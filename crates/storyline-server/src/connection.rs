//! The connections themselves, below axum: how many may be open, how long
//! a client may take to send its headers, and what a request that never
//! reaches the router is answered.
//!
//! hyper answers a request it cannot parse (400), a URI it finds too long
//! (414) or headers too large (431) on its own, with an empty body and none
//! of the security headers, and waits for headers as long as a client likes.
//! So every request head is read here first, from the socket, within
//! [`ConnectionLimits::header_timeout`] and [`ConnectionLimits::max_head`],
//! and checked with the parser hyper uses (`httparse`) and the types it
//! builds (`http`); only a head that passes goes on to hyper. One that does
//! not is answered here in the API's JSON error shape with the security
//! headers, and the connection closed. Bodies pass through untouched: their
//! framing (`Content-Length` or chunked) is only followed, to know where the
//! next head starts.
//!
//! At most [`ConnectionLimits::max_connections`] connections are open at
//! once. When one more arrives, the connection that has waited longest for
//! its next request head (an idle keep-alive, or a client that stalls in
//! its headers) is closed to make room; when every connection is busy with
//! a request, the newcomer is answered 503.

use std::collections::BTreeMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{HeaderName, HeaderValue, StatusCode, Uri};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};

use crate::guard;

/// Bounds on the connections, below the routes.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// Connections open at once.
    pub max_connections: usize,
    /// How long a client may take to send a request's headers, from the
    /// connection (or the request's first byte) on.
    pub header_timeout: Duration,
    /// Largest request head (request line and headers), in bytes.
    pub max_head: usize,
    /// Longest request target (path and query), in bytes.
    pub max_uri: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 512,
            header_timeout: Duration::from_secs(10),
            max_head: 64 << 10,
            max_uri: 8 << 10,
        }
    }
}

/// Most headers one request may have (hyper's own limit).
const MAX_HEADERS: usize = 100;

/// Serves `app` on `listener` until `shutdown` completes, then lets the
/// requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let registry = Arc::new(Registry::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    let mut tasks = tokio::task::JoinSet::new();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of descriptors, say: wait a little rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        while tasks.try_join_next().is_some() {}
        let _ = stream.set_nodelay(true);
        let Some(slot) = registry.admit(limits.max_connections) else {
            tasks.spawn(refuse(stream));
            continue;
        };
        let app = app.clone();
        let limits = limits.clone();
        let stop = stop_rx.clone();
        tasks.spawn(connection(stream, peer, app, limits, slot, stop));
    }
    let _ = stop_tx.send(true);
    while tasks.join_next().await.is_some() {}
    Ok(())
}

/// The open connections, so the one idle longest can make room.
#[derive(Default)]
struct Registry {
    slots: Mutex<Slots>,
}

#[derive(Default)]
struct Slots {
    next: u64,
    open: BTreeMap<u64, Arc<ConnState>>,
}

/// What the registry knows of one connection.
struct ConnState {
    /// Requests whose head went to hyper and whose answer is not made yet.
    in_flight: std::sync::atomic::AtomicUsize,
    /// Since when the connection has had no request in flight.
    idle_since: Mutex<Instant>,
    close: Notify,
}

impl ConnState {
    fn begin(&self) {
        self.in_flight
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    fn end(&self) {
        *self.idle_since.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
        self.in_flight
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }

    fn idle(&self) -> bool {
        self.in_flight.load(std::sync::atomic::Ordering::SeqCst) == 0
    }
}

/// A connection's place in the [`Registry`]; dropping it leaves.
struct Admitted {
    id: u64,
    registry: Arc<Registry>,
    state: Arc<ConnState>,
}

impl Registry {
    /// A place for one more connection: when all are taken, the one idle
    /// longest is closed for it; `None` when none is idle.
    fn admit(self: &Arc<Self>, max: usize) -> Option<Admitted> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if slots.open.len() >= max.max(1) {
            let oldest = slots
                .open
                .iter()
                .filter(|(_, s)| s.idle())
                .map(|(id, s)| {
                    let since = *s.idle_since.lock().unwrap_or_else(|p| p.into_inner());
                    (since, *id)
                })
                .min()?;
            if let Some(evicted) = slots.open.remove(&oldest.1) {
                evicted.close.notify_one();
            }
        }
        let id = slots.next;
        slots.next += 1;
        let state = Arc::new(ConnState {
            in_flight: 0.into(),
            idle_since: Mutex::new(Instant::now()),
            close: Notify::new(),
        });
        slots.open.insert(id, state.clone());
        Some(Admitted {
            id,
            registry: self.clone(),
            state,
        })
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut slots = self
            .registry
            .slots
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        slots.open.remove(&self.id);
    }
}

/// Ends a request's time in flight, however its future ends.
struct InFlight(Arc<ConnState>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.end();
    }
}

/// Every connection is busy with a request: 503, and close.
async fn refuse(mut stream: TcpStream) {
    let answer = error_answer(
        StatusCode::SERVICE_UNAVAILABLE,
        "the server has as many connections as it takes; try again shortly",
    );
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        let _ = stream.write_all(&answer).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: ConnectionLimits,
    slot: Admitted,
    mut stop: watch::Receiver<bool>,
) {
    let state = slot.state.clone();
    let io = Guarded::new(stream, limits.clone(), slot);
    let in_flight = state.clone();
    let service = hyper::service::service_fn(move |mut req: hyper::Request<_>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        let mut app = app.clone();
        let done = InFlight(in_flight.clone());
        async move {
            use tower::Service;
            let res = app.call(req.map(axum::body::Body::new)).await;
            drop(done);
            res
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    // The heads hyper sees were checked here already; its own limit is set
    // above ours so that it never answers in its own words.
    builder
        .timer(TokioTimer::new())
        .max_buf_size((limits.max_head * 4).max(64 << 10));
    let conn = builder.serve_connection(TokioIo::new(io), service);
    let mut conn = std::pin::pin!(conn);
    let mut stopping = false;
    loop {
        tokio::select! {
            _ = conn.as_mut() => break,
            // Closed to make room for a newer connection.
            () = state.close.notified() => break,
            changed = stop.changed(), if !stopping => {
                if changed.is_err() || *stop.borrow() {
                    stopping = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// The socket as hyper sees it: request heads arrive only once read whole
/// and checked (see the module docs).
struct Guarded {
    stream: TcpStream,
    limits: ConnectionLimits,
    slot: Admitted,
    phase: Phase,
    /// Bytes read from the socket, not yet looked at.
    incoming: Vec<u8>,
    /// Checked bytes, for hyper.
    ready: Vec<u8>,
    ready_at: usize,
    /// The head being read.
    head: Vec<u8>,
    /// When the head (or, between requests, the next one's first byte)
    /// must have arrived.
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    /// An answer of our own, written when hyper closes the connection.
    answer: Option<(Vec<u8>, usize)>,
}

enum Phase {
    Head,
    Body(u64),
    Chunked(Chunk),
    /// After an answer of our own: the client gets nothing more.
    Closed,
}

enum Chunk {
    /// Reading a chunk-size line (this many bytes of it so far).
    Size(Vec<u8>),
    /// Chunk data left, then its CRLF.
    Data(u64),
    /// The CRLF after a chunk's data (bytes of it left).
    DataEnd(u8),
    /// Trailer lines after the last chunk (bytes of the current line).
    Trailer(usize),
}

impl Guarded {
    fn new(stream: TcpStream, limits: ConnectionLimits, slot: Admitted) -> Self {
        let deadline = Some(Box::pin(tokio::time::sleep(limits.header_timeout)));
        Guarded {
            stream,
            limits,
            slot,
            phase: Phase::Head,
            incoming: Vec::new(),
            ready: Vec::new(),
            ready_at: 0,
            head: Vec::new(),
            deadline,
            answer: None,
        }
    }

    fn refuse(&mut self, status: StatusCode, message: &str) {
        self.answer = Some((error_answer(status, message), 0));
        self.phase = Phase::Closed;
        self.incoming.clear();
    }

    /// Moves what can be checked from `incoming` to `ready`.
    fn advance(&mut self) {
        while !self.incoming.is_empty() {
            match &mut self.phase {
                Phase::Closed => {
                    self.incoming.clear();
                }
                Phase::Head => {
                    if self.head.is_empty() && self.deadline.is_none() {
                        // The next request has begun while the one before
                        // is answered: its headers have the timeout too.
                        self.deadline =
                            Some(Box::pin(tokio::time::sleep(self.limits.header_timeout)));
                    }
                    let take = std::mem::take(&mut self.incoming);
                    self.head.extend_from_slice(&take);
                    match check_head(&self.head, &self.limits) {
                        HeadCheck::Partial => return,
                        HeadCheck::Refused(status, message) => {
                            self.refuse(status, &message);
                            return;
                        }
                        HeadCheck::Complete { len, body } => {
                            let rest = self.head.split_off(len);
                            self.ready.append(&mut self.head);
                            self.incoming = rest;
                            self.deadline = None;
                            self.slot.state.begin();
                            self.phase = match body {
                                Framing::Length(0) => Phase::Head,
                                Framing::Length(n) => Phase::Body(n),
                                Framing::Chunked => Phase::Chunked(Chunk::Size(Vec::new())),
                            };
                        }
                    }
                }
                Phase::Body(left) => {
                    let n = (*left).min(self.incoming.len() as u64) as usize;
                    self.ready.extend(self.incoming.drain(..n));
                    *left -= n as u64;
                    if *left == 0 {
                        self.phase = Phase::Head;
                    }
                }
                Phase::Chunked(chunk) => {
                    let (used, next) = follow_chunks(chunk, &self.incoming);
                    self.ready.extend(self.incoming.drain(..used));
                    match next {
                        ChunkStep::More => {}
                        ChunkStep::Done => self.phase = Phase::Head,
                        ChunkStep::Broken => {
                            // hyper reads the same bytes and answers 400
                            // with the router's error shape.
                            self.phase = Phase::Body(u64::MAX);
                        }
                    }
                }
            }
        }
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
            if this.ready_at < this.ready.len() {
                let n = (this.ready.len() - this.ready_at).min(buf.remaining());
                buf.put_slice(&this.ready[this.ready_at..this.ready_at + n]);
                this.ready_at += n;
                if this.ready_at == this.ready.len() {
                    this.ready.clear();
                    this.ready_at = 0;
                }
                return Poll::Ready(Ok(()));
            }
            if matches!(this.phase, Phase::Closed) {
                // hyper sees the end of the stream and closes; the answer
                // is written then.
                return Poll::Ready(Ok(()));
            }
            if matches!(this.phase, Phase::Head) {
                if this.deadline.is_none() && this.head.is_empty() && this.slot.state.idle() {
                    // Idle between requests: the next one has the header
                    // timeout to begin.
                    this.deadline = Some(Box::pin(tokio::time::sleep(this.limits.header_timeout)));
                }
                if let Some(deadline) = this.deadline.as_mut()
                    && deadline.as_mut().poll(cx).is_ready()
                {
                    this.deadline = None;
                    if this.head.is_empty() {
                        // Nothing was asked: close without a word.
                        this.phase = Phase::Closed;
                    } else {
                        this.refuse(
                            StatusCode::REQUEST_TIMEOUT,
                            "the request's headers did not arrive in time",
                        );
                    }
                    continue;
                }
            }
            let mut chunk = [0u8; 16 << 10];
            let mut read = ReadBuf::new(&mut chunk);
            ready!(Pin::new(&mut this.stream).poll_read(cx, &mut read))?;
            let got = read.filled();
            if got.is_empty() {
                return Poll::Ready(Ok(()));
            }
            this.incoming.extend_from_slice(got);
            this.advance();
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if let Some((bytes, at)) = this.answer.as_mut() {
            while *at < bytes.len() {
                match Pin::new(&mut this.stream).poll_write(cx, &bytes[*at..]) {
                    Poll::Ready(Ok(0)) | Poll::Ready(Err(_)) => {
                        *at = bytes.len();
                    }
                    Poll::Ready(Ok(n)) => *at += n,
                    Poll::Pending => return Poll::Pending,
                }
            }
        }
        Pin::new(&mut this.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// How a request's body is framed.
#[derive(Debug, PartialEq)]
enum Framing {
    Length(u64),
    Chunked,
}

#[derive(Debug, PartialEq)]
enum HeadCheck {
    Partial,
    Complete { len: usize, body: Framing },
    Refused(StatusCode, String),
}

/// Checks a request head as hyper will read it.
fn check_head(bytes: &[u8], limits: &ConnectionLimits) -> HeadCheck {
    // Blank lines before a request line are allowed (and skipped by hyper).
    let skip = bytes
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count();
    let line_end = bytes[skip..].iter().position(|&b| b == b'\n');
    let line_len = line_end.unwrap_or(bytes.len() - skip);
    if line_len > limits.max_uri + 32 {
        return HeadCheck::Refused(
            StatusCode::URI_TOO_LONG,
            format!("the request target is longer than {} bytes", limits.max_uri),
        );
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    let len = match req.parse(bytes) {
        Ok(httparse::Status::Partial) => {
            if bytes.len() > limits.max_head {
                return HeadCheck::Refused(
                    StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                    format!(
                        "the request headers are larger than {} bytes",
                        limits.max_head
                    ),
                );
            }
            return HeadCheck::Partial;
        }
        Ok(httparse::Status::Complete(len)) => len,
        Err(httparse::Error::TooManyHeaders) => {
            return HeadCheck::Refused(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                format!("the request has more than {MAX_HEADERS} headers"),
            );
        }
        Err(e) => {
            return HeadCheck::Refused(
                StatusCode::BAD_REQUEST,
                format!("the request is not valid HTTP: {e}"),
            );
        }
    };
    if len > limits.max_head {
        return HeadCheck::Refused(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!(
                "the request headers are larger than {} bytes",
                limits.max_head
            ),
        );
    }
    let path = req.path.unwrap_or("");
    if path.len() > limits.max_uri {
        return HeadCheck::Refused(
            StatusCode::URI_TOO_LONG,
            format!("the request target is longer than {} bytes", limits.max_uri),
        );
    }
    if Uri::try_from(path).is_err() {
        return HeadCheck::Refused(
            StatusCode::BAD_REQUEST,
            "the request target is not a valid URI".into(),
        );
    }
    if req.version != Some(1) && req.version != Some(0) {
        return HeadCheck::Refused(
            StatusCode::HTTP_VERSION_NOT_SUPPORTED,
            "only HTTP/1.0 and HTTP/1.1 are served".into(),
        );
    }
    let mut length: Option<u64> = None;
    let mut chunked = false;
    for h in req.headers.iter() {
        if HeaderName::from_bytes(h.name.as_bytes()).is_err()
            || HeaderValue::from_bytes(h.value).is_err()
        {
            return HeadCheck::Refused(
                StatusCode::BAD_REQUEST,
                format!("the header {:?} is not valid", h.name),
            );
        }
        if h.name.eq_ignore_ascii_case("transfer-encoding") {
            let value = String::from_utf8_lossy(h.value).to_ascii_lowercase();
            let last = value.rsplit(',').next().unwrap_or("").trim().to_string();
            if last != "chunked" {
                return HeadCheck::Refused(
                    StatusCode::BAD_REQUEST,
                    "a request body must be chunked when Transfer-Encoding is given".into(),
                );
            }
            chunked = true;
        } else if h.name.eq_ignore_ascii_case("content-length") {
            let n = std::str::from_utf8(h.value)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok());
            match (n, length) {
                (Some(n), None) => length = Some(n),
                (Some(n), Some(m)) if n == m => {}
                _ => {
                    return HeadCheck::Refused(
                        StatusCode::BAD_REQUEST,
                        "the Content-Length is not valid".into(),
                    );
                }
            }
        }
    }
    let body = if chunked {
        if req.version == Some(0) {
            return HeadCheck::Refused(
                StatusCode::BAD_REQUEST,
                "HTTP/1.0 has no chunked bodies".into(),
            );
        }
        Framing::Chunked
    } else {
        Framing::Length(length.unwrap_or(0))
    };
    HeadCheck::Complete { len, body }
}

enum ChunkStep {
    More,
    Done,
    Broken,
}

/// Follows chunked framing over `bytes`: how many of them belong to the
/// body, and whether it ended.
fn follow_chunks(state: &mut Chunk, bytes: &[u8]) -> (usize, ChunkStep) {
    let mut i = 0;
    while i < bytes.len() {
        match state {
            Chunk::Size(line) => {
                let b = bytes[i];
                i += 1;
                if b == b'\n' {
                    let text = String::from_utf8_lossy(line);
                    let size = text.split(';').next().unwrap_or("").trim();
                    let Ok(n) = u64::from_str_radix(size.trim_end_matches('\r'), 16) else {
                        return (i, ChunkStep::Broken);
                    };
                    *state = if n == 0 {
                        Chunk::Trailer(0)
                    } else {
                        Chunk::Data(n)
                    };
                } else {
                    line.push(b);
                    if line.len() > 1024 {
                        return (i, ChunkStep::Broken);
                    }
                }
            }
            Chunk::Data(left) => {
                let n = (*left).min((bytes.len() - i) as u64);
                i += n as usize;
                *left -= n;
                if *left == 0 {
                    *state = Chunk::DataEnd(2);
                }
            }
            Chunk::DataEnd(left) => {
                let b = bytes[i];
                i += 1;
                if b == b'\n' {
                    *state = Chunk::Size(Vec::new());
                } else if b != b'\r' || *left == 0 {
                    return (i, ChunkStep::Broken);
                } else {
                    *left -= 1;
                }
            }
            Chunk::Trailer(len) => {
                let b = bytes[i];
                i += 1;
                if b == b'\n' {
                    if *len == 0 {
                        return (i, ChunkStep::Done);
                    }
                    *len = 0;
                } else if b != b'\r' {
                    *len += 1;
                    if *len > 8 << 10 {
                        return (i, ChunkStep::Broken);
                    }
                }
            }
        }
    }
    (i, ChunkStep::More)
}

/// An error answer written here, not by the router: the API's JSON shape,
/// the security headers, and the connection closed.
fn error_answer(status: StatusCode, message: &str) -> Vec<u8> {
    let body =
        serde_json::json!({"error": {"status": status.as_u16(), "message": message}}).to_string();
    let mut out = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    );
    for (name, value) in guard::SECURITY_HEADERS {
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.push_str(&body);
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(head: &str) -> HeadCheck {
        check_head(head.as_bytes(), &ConnectionLimits::default())
    }

    #[test]
    fn heads_are_checked_as_hyper_reads_them() {
        assert_eq!(
            check("GET /api/stats HTTP/1.1\r\nHost: x\r\n\r\n"),
            HeadCheck::Complete {
                len: 36,
                body: Framing::Length(0)
            }
        );
        assert_eq!(
            check("GET /api/stats HTTP/1.1\r\nHost: x\r\n"),
            HeadCheck::Partial
        );
        assert!(matches!(
            check("POST /a HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"),
            HeadCheck::Complete {
                body: Framing::Chunked,
                ..
            }
        ));
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(9000));
        assert!(matches!(
            check(&long),
            HeadCheck::Refused(StatusCode::URI_TOO_LONG, _)
        ));
        let big = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n", "a".repeat(70_000));
        assert!(matches!(
            check(&big),
            HeadCheck::Refused(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, _)
        ));
        assert!(matches!(
            check("GET / HTTP/1.1\r\nBad Header: x\r\n\r\n"),
            HeadCheck::Refused(StatusCode::BAD_REQUEST, _)
        ));
        assert!(matches!(
            check("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            HeadCheck::Refused(StatusCode::BAD_REQUEST, _)
        ));
    }

    #[test]
    fn chunked_framing_is_followed_to_its_end() {
        let body = b"3\r\nabc\r\n10;ext=1\r\n0123456789abcdef\r\n0\r\nTrailer: x\r\n\r\nGET";
        let mut state = Chunk::Size(Vec::new());
        let (used, step) = follow_chunks(&mut state, body);
        assert!(matches!(step, ChunkStep::Done));
        assert_eq!(&body[used..], b"GET");
        // The same, a byte at a time.
        let mut state = Chunk::Size(Vec::new());
        let mut total = 0;
        for b in body.chunks(1) {
            let (used, step) = follow_chunks(&mut state, b);
            total += used;
            if matches!(step, ChunkStep::Done) {
                break;
            }
        }
        assert_eq!(total, body.len() - 3);
    }

    #[test]
    fn answers_carry_the_json_shape_and_the_security_headers() {
        let a = String::from_utf8(error_answer(StatusCode::URI_TOO_LONG, "too long")).unwrap();
        assert!(a.starts_with("HTTP/1.1 414 URI Too Long\r\n"));
        assert!(a.contains("x-content-type-options: nosniff\r\n"));
        assert!(a.ends_with(r#"{"error":{"message":"too long","status":414}}"#));
    }
}
