//! `storyline sources` and `storyline watch` end to end, against a news
//! site on loopback: the commands' output, a `kill -9` in the middle of a
//! pass followed by a restart (nothing lost, nothing twice), and SIGTERM.

mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{json, storyline};
use serde_json::Value;
use storyline_testsite::{Entry, Host, Resource, Site};

/// `n` corpus pages on `host`, and an RSS feed of them at `/feed.xml`.
fn news_site(host: &Host, n: usize) -> Vec<Entry> {
    let pages = storyline_testsite::corpus_pages();
    let entries: Vec<Entry> = pages
        .iter()
        .take(n)
        .enumerate()
        .map(|(i, (_, html))| {
            let path = format!("/news/2025/story-number-{i}.html");
            host.set(&path, Resource::html(html.clone()));
            Entry {
                title: format!("Story {i}"),
                link: host.url(&path),
                summary: format!("Summary {i}."),
                published: "2025-03-01T10:00:00Z".into(),
            }
        })
        .collect();
    host.set(
        "/feed.xml",
        Resource::xml(
            storyline_testsite::rss("Site", &entries),
            "application/rss+xml",
        ),
    );
    entries
}

fn articles(db: &Path) -> u64 {
    storyline::store::Store::open(db)
        .and_then(|s| s.stats())
        .map(|s| s.articles)
        .unwrap_or(0)
}

/// Sends SIGTERM and waits (30 s at most) for the exit code.
fn terminate(child: &mut std::process::Child) -> Option<i32> {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s.code();
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "it did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sources_add_import_list_remove() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let out = storyline(&db)
        .args([
            "sources", "add", "--json", "--every", "15m", "--name", "Wire",
        ])
        .args(["https://wire.example/rss", "ftp://wire.example/x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a refused URL is reported");
    let r = json(&out);
    assert_eq!(r["sources"][0]["every"], "15m");
    assert_eq!(r["sources"][0]["name"], "Wire");
    assert_eq!(r["sources"][0]["added"], true);
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("only http and https")
    );

    let opml = dir.path().join("subs.opml");
    std::fs::write(
        &opml,
        r#"<?xml version="1.0"?><opml version="2.0"><body>
<outline text="News"><outline text="Wire" xmlUrl="https://wire.example/rss"/>
<outline title="Daily" xmlUrl="https://daily.example/atom.xml"/></outline></body></opml>"#,
    )
    .unwrap();
    let r = json(
        &storyline(&db)
            .args(["sources", "import", "--json", "--every", "1h"])
            .arg(&opml)
            .output()
            .unwrap(),
    );
    let added: Vec<bool> = r["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["added"].as_bool().unwrap())
        .collect();
    assert_eq!(added, [false, true]);

    let list = json(
        &storyline(&db)
            .args(["sources", "list", "--json"])
            .output()
            .unwrap(),
    );
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    for key in [
        "id",
        "url",
        "name",
        "kind",
        "every",
        "every_seconds",
        "added_at",
        "last_fetch",
        "last_success",
        "last_status",
        "etag",
        "last_modified",
        "consecutive_errors",
        "next_due",
        "items_seen",
        "articles",
        "pending",
        "fetches",
        "not_modified",
        "last_error",
        "page_errors",
        "last_page_error",
        "health",
    ] {
        assert!(
            list[0].get(key).is_some(),
            "sources list --json lacks {key}"
        );
    }
    assert_eq!(list[1]["health"], "new");
    assert_eq!(list[1]["every_seconds"], 3600);

    let text = storyline(&db).args(["sources", "list"]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Daily <https://daily.example/atom.xml>"),
        "{text}"
    );

    let r = json(
        &storyline(&db)
            .args(["sources", "remove", "--json", "1", "99"])
            .output()
            .unwrap(),
    );
    assert_eq!(r["removed"], serde_json::json!([1]));
    assert_eq!(r["missing"], serde_json::json!([99]));
}

/// A `kill -9` in the middle of a pass, then a restart: every item is
/// stored exactly once. The restart finds the feed unchanged (304) and
/// still fetches what the killed run had listed but not stored.
#[test]
fn kill_9_mid_pass_then_restart_loses_and_duplicates_nothing() {
    let mut site = Site::new();
    let host = site.host();
    let entries = news_site(&host, 40);
    // Slow enough that the kill lands mid-pass.
    host.set_latency(Duration::from_millis(60));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let out = storyline(&db)
        .args(["sources", "add", "--every", "1s"])
        .arg(host.url("/feed.xml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));

    let watch = |db: &Path| {
        let mut cmd = storyline(db);
        cmd.args([
            "watch",
            "--once",
            "--json",
            "--allow-private",
            "--delay",
            "0",
        ]);
        cmd
    };
    let mut child = watch(&db)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while articles(&db) < 8 && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let partial = articles(&db);
    assert!((8..40).contains(&partial), "killed at {partial} of 40");
    let store = storyline::store::Store::open(&db).unwrap();
    store.check_integrity().unwrap();
    let source = &store.sources().unwrap()[0];
    assert!(source.pending > 0, "{source:?}");
    assert_eq!(source.pending + partial, 40, "{source:?}");
    drop(store);

    std::thread::sleep(Duration::from_millis(1100));
    site.clear_log();
    let out = watch(&db).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pass: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(pass["not_modified"], 1, "{pass}");
    assert_eq!(pass["added"].as_u64().unwrap() + partial, 40, "{pass}");
    // Pages stored before the kill were not fetched again.
    let refetched = site
        .log()
        .iter()
        .filter(|h| h.path.starts_with("/news/"))
        .count() as u64;
    assert_eq!(refetched, 40 - partial, "pages fetched after the restart");

    let list = json(
        &storyline(&db)
            .args(["articles", "--json"])
            .output()
            .unwrap(),
    );
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 40);
    let urls: HashSet<&str> = list.iter().map(|a| a["url"].as_str().unwrap()).collect();
    assert_eq!(urls.len(), 40, "an article was stored twice");
    let sources = json(
        &storyline(&db)
            .args(["sources", "list", "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(sources[0]["pending"], 0);
    assert_eq!(sources[0]["articles"], 40);
    assert_eq!(sources[0]["items_seen"], entries.len() as u64);
}

/// `watch` runs until SIGTERM, printing a JSON line per pass, and exits 0.
#[test]
fn watch_runs_until_sigterm() {
    let mut site = Site::new();
    let host = site.host();
    news_site(&host, 3);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    storyline(&db)
        .args(["sources", "add", "--every", "1s"])
        .arg(host.url("/feed.xml"))
        .output()
        .unwrap();
    let mut child = storyline(&db)
        .args(["watch", "--json", "--allow-private", "--delay", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["pass"], 1);
    assert_eq!(first["added"], 3);
    // The source is due every second: the next pass asks conditionally.
    let second: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(second["not_modified"], 1, "{second}");
    let code = terminate(&mut child);
    assert_eq!(code, Some(0));
    assert_eq!(articles(&db), 3);
    drop(site);
}

/// A bare HTTP/1.0 GET on loopback, its body as JSON.
fn get_json(addr: &str, path: &str) -> Value {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(
        head.starts_with("HTTP/1.0 200") || head.starts_with("HTTP/1.1 200"),
        "{head}"
    );
    serde_json::from_str(body).unwrap()
}

/// `serve --watch` follows the sources inside the server: the articles
/// arrive, `/api/sources` shows the source healthy, and SIGTERM stops both
/// with exit 0.
#[test]
fn serve_watch_follows_sources_and_stops_on_sigterm() {
    let mut site = Site::new();
    let host = site.host();
    news_site(&host, 3);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    storyline(&db)
        .args(["sources", "add", "--every", "1s"])
        .arg(host.url("/feed.xml"))
        .output()
        .unwrap();
    let mut child = storyline(&db)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--watch",
            "--allow-private",
        ])
        .args(["--delay", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The server says where it listens on stderr; the watcher's pass lines
    // follow there and are drained so the pipe never fills.
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let addr = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the server did not start");
        if let Some(rest) = line.split_once(" on http://").map(|(_, r)| r) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    let started = Instant::now();
    let sources = loop {
        let sources = get_json(&addr, "/api/sources");
        if sources[0]["articles"] == 3 {
            break sources;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the watcher stored nothing: {sources}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(sources[0]["health"], "ok", "{sources}");
    assert_eq!(sources[0]["kind"], "feed");
    // Stored from their pages (the pages' own titles), not the feed's text.
    let stored = get_json(&addr, "/api/articles?limit=10");
    let stored = stored.as_array().unwrap();
    assert_eq!(stored.len(), 3);
    for a in stored {
        assert!(!a["title"].as_str().unwrap().starts_with("Story "), "{a}");
    }
    let code = terminate(&mut child);
    assert_eq!(code, Some(0));
    assert_eq!(articles(&db), 3);
    // Each page was fetched once, however many passes ran.
    for i in 0..3 {
        let path = format!("/news/2025/story-number-{i}.html");
        assert_eq!(site.hits(&host, &path).len(), 1, "{path}");
    }
}
