//! A server on 127.0.0.1 over a copy of a database ingested from the
//! repository's bundled corpus.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use storyline::ingest::IngestOptions;
use storyline_server::{AppState, Config};
use tokio::sync::oneshot;

/// The corpus database, built once per test binary and copied per server,
/// so that one test's writes never show in another's.
fn corpus_db() -> &'static Path {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DB.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("corpus.db");
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        {
            let mut store = storyline::store::Store::open(&path).expect("the db opens");
            let report = storyline::pipeline::ingest(
                &mut store,
                &[corpus],
                &IngestOptions::default(),
                &|_| {},
            )
            .expect("the corpus goes in");
            assert!(report.added > 300, "{report:?}");
        }
        (dir, path)
    });
    path
}

/// A running server.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Its address.
    pub addr: SocketAddr,
    /// The database it serves.
    pub db: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

impl Server {
    /// A server over a fresh copy of the corpus database, configured by
    /// `tune`.
    pub async fn start(tune: impl FnOnce(&mut Config)) -> Server {
        let dir = tempfile::tempdir().expect("a temp dir");
        let db = dir.path().join("serve.db");
        std::fs::copy(corpus_db(), &db).expect("the db copies");
        Self::start_on(dir, db, tune).await
    }

    /// A server over a copy of the corpus database whose stories were
    /// rebuilt by `recluster`: ids the online pass gave out and recluster
    /// did not keep become aliases of the stories that took their articles.
    pub async fn start_reclustered(tune: impl FnOnce(&mut Config)) -> Server {
        let dir = tempfile::tempdir().expect("a temp dir");
        let db = dir.path().join("serve.db");
        std::fs::copy(corpus_db(), &db).expect("the db copies");
        {
            let mut store = storyline::store::Store::open(&db).expect("the db opens");
            storyline::pipeline::stories::recluster(&mut store, None).expect("the stories rebuild");
        }
        Self::start_on(dir, db, tune).await
    }

    /// A server over an empty database.
    pub async fn start_empty(tune: impl FnOnce(&mut Config)) -> Server {
        let dir = tempfile::tempdir().expect("a temp dir");
        let db = dir.path().join("empty.db");
        Self::start_on(dir, db, tune).await
    }

    async fn start_on(
        dir: tempfile::TempDir,
        db: PathBuf,
        tune: impl FnOnce(&mut Config),
    ) -> Server {
        let mut config = Config::new(&db);
        tune(&mut config);
        let state = AppState::open(config).expect("the server state opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port on loopback");
        let addr = listener.local_addr().expect("an address");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(storyline_server::serve(listener, state, async move {
            let _ = stopped.await;
        }));
        Server {
            base: format!("http://{addr}"),
            addr,
            db,
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
        }
    }

    /// The full address of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            t.await.expect("the server task").expect("the server ran");
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// Sends `request` as written (no URL normalisation on the way) and
/// returns the status and the whole response.
pub async fn raw_request(addr: SocketAddr, request: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("the request goes out");
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).await.expect("a response");
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// Articles in JSON Lines, made from the corpus's JSONL texts under new
/// URLs and ids (`{prefix}-{n}`), `n` of them.
pub fn synthetic_articles(prefix: &str, n: usize) -> Vec<serde_json::Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/jsonl");
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus/jsonl")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    for f in files {
        for line in std::fs::read_to_string(f).expect("readable").lines() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(line)
                && let (Some(t), Some(x)) = (v["title"].as_str(), v["text"].as_str())
            {
                texts.push((t.to_string(), x.to_string()));
            }
        }
    }
    assert!(!texts.is_empty(), "the corpus has JSONL articles");
    (0..n)
        .map(|i| {
            let (title, text) = &texts[i % texts.len()];
            serde_json::json!({
                "id": format!("{prefix}-{i}"),
                "url": format!("https://example.test/{prefix}/{i}"),
                "title": title,
                "text": format!("{text}\n\nUpdate {i} from the {prefix} desk."),
                "source": format!("{prefix} wire"),
                "date": "2020-01-02T10:00:00Z",
            })
        })
        .collect()
}

/// JSON Lines of `articles`.
pub fn jsonl(articles: &[serde_json::Value]) -> String {
    articles.iter().map(|a| format!("{a}\n")).collect()
}

/// Sends the start of a request and stops sending, then reads what the
/// server answers (until it closes, or for at most 10 s).
pub async fn stalled_request(addr: SocketAddr, start: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    stream
        .write_all(start.as_bytes())
        .await
        .expect("the request goes out");
    let mut buf = Vec::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut chunk = [0u8; 4096];
    while let Ok(Ok(n)) = tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if String::from_utf8_lossy(&buf).contains("}}") {
            break;
        }
    }
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}
