//! Load on the server, loopback only: readers hammer the read endpoints
//! while an ingest of many articles goes in through `POST /api/articles`.
//!
//!   cargo run --release -p storyline-bench --bin serve_load -- [--articles 10000]
//!       [--readers 50] [--seconds 30] [--batch 250] [--data DIR] [--db FILE]
//!
//! The server runs in this process on its own runtime, over a temp database
//! that starts with the bundled corpus (`corpus/`), or over `--db` (a big
//! store, as bench/year.sh runs it). The articles are made at
//! run time from the shared data sets' `*/articles.jsonl` (research use: read,
//! never copied): each text is used again with its own id and URL and a last
//! sentence of its own, so every article is new to the store. Readers run
//! for `--seconds`; the ingest runs from the start until it is done. Prints
//! one JSON object: requests/s, p50/p99 latency per endpoint class, errors,
//! and articles posted against stored (each posted id looked up after).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use serde_json::{Value, json};
use storyline::ingest::IngestOptions;
use storyline_server::{AppState, Config};
use tokio::sync::Mutex;

#[derive(Parser)]
struct Args {
    /// Articles to ingest over HTTP.
    #[arg(long, default_value_t = 10_000)]
    articles: usize,
    /// Concurrent readers.
    #[arg(long, default_value_t = 50)]
    readers: usize,
    /// How long the readers run, in seconds.
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// Run against this existing store (written to: use a copy) instead of
    /// a temp one seeded with the bundled corpus.
    #[arg(long)]
    db: Option<PathBuf>,
    /// Articles per POST.
    #[arg(long, default_value_t = 250)]
    batch: usize,
    /// The shared data directory.
    #[arg(long)]
    data: Option<PathBuf>,
}

const TOKEN: &str = "bench-token";
const WORDS: &[&str] = &[
    "president",
    "police",
    "earthquake",
    "election",
    "company",
    "court",
    "fire",
    "market",
    "rehab",
    "attack",
    "government",
    "\"prime minister\"",
    "storm OR flood",
    "bank*",
];

/// Where the per-class samples go.
#[derive(Default)]
struct Samples {
    latency_ms: BTreeMap<&'static str, Vec<f64>>,
    errors: BTreeMap<String, u64>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn summarize(latency: &[f64]) -> Value {
    let mut v = latency.to_vec();
    v.sort_by(f64::total_cmp);
    json!({
        "requests": v.len(),
        "p50_ms": round(percentile(&v, 0.5)),
        "p99_ms": round(percentile(&v, 0.99)),
        "max_ms": round(v.last().copied().unwrap_or(0.0)),
    })
}

/// The articles to post: the shared texts again and again, each copy its
/// own article.
fn articles(data: &Path, n: usize) -> Result<Vec<Value>> {
    let mut texts: Vec<(Option<String>, String)> = Vec::new();
    for set in ["ecbplus", "duc2004", "multinews"] {
        let path = data.join(set).join("articles.jsonl");
        let raw = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
        for line in raw.lines() {
            let v: Value = serde_json::from_str(line)?;
            if let Some(text) = v["text"].as_str().filter(|t| !t.trim().is_empty()) {
                texts.push((v["title"].as_str().map(String::from), text.to_string()));
            }
        }
    }
    if texts.is_empty() {
        bail!("no articles under {}", data.display());
    }
    Ok((0..n)
        .map(|i| {
            let (title, text) = &texts[i % texts.len()];
            let round = i / texts.len();
            json!({
                "id": format!("load-{i}"),
                "url": format!("https://load.example/{i}"),
                "title": title,
                "text": format!("{text}\n\nThis is copy {round} of report {}, filed as load item {i}.", i % texts.len()),
                "source": format!("Load Wire {}", i % 7),
                "date": format!("2021-03-{:02}T{:02}:00:00Z", 1 + (i / 400) % 28, i % 24),
            })
        })
        .collect())
}

fn main() -> Result<()> {
    let args = Args::parse();
    let data = args
        .data
        .clone()
        .unwrap_or_else(storyline_bench::shared_data);
    let posts = articles(&data, args.articles)?;

    let dir = tempfile::tempdir()?;
    let db = args
        .db
        .clone()
        .unwrap_or_else(|| dir.path().join("load.db"));
    let seeded = if args.db.is_some() {
        storyline::store::Store::open(&db)?.stats()?.articles
    } else {
        let mut store = storyline::store::Store::open(&db)?;
        let r = storyline::pipeline::ingest(
            &mut store,
            &[Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus")],
            &IngestOptions::default(),
            &|_| {},
        )?;
        r.added
    };

    // The server on its own runtime, so the load generator's threads do not
    // run its tasks.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut config = Config::new(&db);
    config.token = Some(TOKEN.into());
    config.write_rate = 1000.0;
    config.write_burst = 1000;
    config.max_body = 64 << 20;
    let state = AppState::open(config)?;
    let listener = server_rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = server_rt.spawn(storyline_server::serve(listener, state, async move {
        let _ = stopped.await;
    }));

    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let report = client_rt.block_on(load(args, addr, posts, seeded))?;

    let _ = stop.send(());
    server_rt.block_on(server)??;
    drop(server_rt);

    // No article lost: each posted id is in the store.
    let store = storyline::store::Store::open(&db)?;
    let mut missing = 0u64;
    let posted = report["ingest"]["articles_posted"].as_u64().unwrap_or(0);
    for i in 0..posted {
        if store.resolve(&format!("ref:load-{i}"))?.is_none() {
            missing += 1;
        }
    }
    let stored = store.stats()?.articles;
    let mut report = report;
    report["ingest"]["articles_stored"] = json!(stored - seeded);
    report["ingest"]["posted_ids_missing"] = json!(missing);
    report["ingest"]["no_article_lost"] = json!(missing == 0 && stored - seeded == posted);
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

async fn load(
    args: Args,
    addr: std::net::SocketAddr,
    posts: Vec<Value>,
    seeded: u64,
) -> Result<Value> {
    let base = format!("http://{addr}");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.readers + 4)
        .timeout(Duration::from_secs(600))
        .build()?;
    let stories: Vec<i64> = http
        .get(format!("{base}/api/stories?limit=500"))
        .send()
        .await?
        .json::<Vec<Value>>()
        .await?
        .iter()
        .filter_map(|s| s["id"].as_i64())
        .collect();
    let stories = Arc::new(Mutex::new(stories));
    let max_article = Arc::new(AtomicI64::new(seeded as i64));
    let samples = Arc::new(Mutex::new(Samples::default()));
    let stop = Arc::new(AtomicBool::new(false));

    // The writer: every batch in turn, as JSON Lines.
    let writer = {
        let http = http.clone();
        let base = base.clone();
        let max_article = max_article.clone();
        let batch = args.batch.max(1);
        tokio::spawn(async move {
            let started = Instant::now();
            let mut latency = Vec::new();
            let (mut added, mut errors, mut posted) = (0u64, 0u64, 0u64);
            for chunk in posts.chunks(batch) {
                let body: String = chunk.iter().map(|a| format!("{a}\n")).collect();
                let t = Instant::now();
                let res = http
                    .post(format!("{base}/api/articles"))
                    .bearer_auth(TOKEN)
                    .header("Content-Type", "application/x-ndjson")
                    .body(body)
                    .send()
                    .await;
                latency.push(t.elapsed().as_secs_f64() * 1000.0);
                posted += chunk.len() as u64;
                match res {
                    Ok(r) if r.status().is_success() => {
                        let report: Value = r.json().await.unwrap_or_default();
                        added += report["added"].as_u64().unwrap_or(0);
                        errors += report["errors"].as_array().map_or(0, |e| e.len() as u64);
                        // Ids are given in order and only after the commit
                        // that this answer follows.
                        max_article.store(seeded as i64 + added as i64, Ordering::SeqCst);
                    }
                    Ok(r) => {
                        errors += 1;
                        eprintln!("POST failed: {}", r.status());
                    }
                    Err(e) => {
                        errors += 1;
                        eprintln!("POST failed: {e}");
                    }
                }
            }
            let seconds = started.elapsed().as_secs_f64();
            json!({
                "articles_posted": posted,
                "requests": latency.len(),
                "articles_added": added,
                "record_errors_or_failed_posts": errors,
                "seconds": round(seconds),
                "articles_per_s": round(posted as f64 / seconds),
                "post_latency": summarize(&latency),
            })
        })
    };

    // The readers: list, story, article, search and the story page, in turn
    // from a random start.
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let mut readers = Vec::new();
    for r in 0..args.readers {
        let http = http.clone();
        let base = base.clone();
        let stories = stories.clone();
        let max_article = max_article.clone();
        let samples = samples.clone();
        let stop = stop.clone();
        readers.push(tokio::spawn(async move {
            let mut rng =
                0x9E37_79B9_7F4A_7C15u64 ^ (r as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            let mut next = move || {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                rng
            };
            let mut turn = next() as usize;
            let mut local: Vec<(&'static str, f64)> = Vec::new();
            let mut errs: Vec<String> = Vec::new();
            while Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
                turn += 1;
                let (class, path) = match turn % 6 {
                    0 => (
                        "list",
                        format!("/api/stories?limit=20&offset={}", next() % 3 * 20),
                    ),
                    1 => {
                        let s = stories.lock().await;
                        let id = s[(next() as usize) % s.len()];
                        ("story", format!("/api/stories/{id}"))
                    }
                    2 | 3 => {
                        let max = max_article.load(Ordering::SeqCst).max(1) as u64;
                        ("article", format!("/api/articles/{}", 1 + next() % max))
                    }
                    4 => (
                        "search",
                        format!(
                            "/api/search?q={}",
                            encode(WORDS[(next() as usize) % WORDS.len()])
                        ),
                    ),
                    _ => {
                        let s = stories.lock().await;
                        let id = s[(next() as usize) % s.len()];
                        ("page", format!("/stories/{id}"))
                    }
                };
                let t = Instant::now();
                let res = http.get(format!("{base}{path}")).send().await;
                let outcome = match res {
                    Ok(r) if r.status().is_success() => match r.bytes().await {
                        Ok(b) => {
                            if class == "list"
                                && let Ok(list) = serde_json::from_slice::<Vec<Value>>(&b)
                            {
                                let mut s = stories.lock().await;
                                for id in list.iter().filter_map(|x| x["id"].as_i64()) {
                                    if !s.contains(&id) {
                                        s.push(id);
                                    }
                                }
                            }
                            Ok(())
                        }
                        Err(e) => Err(format!("{class}: body: {e}")),
                    },
                    Ok(r) => Err(format!("{class}: {} {path}", r.status())),
                    Err(e) => Err(format!("{class}: {e}")),
                };
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                match outcome {
                    Ok(()) => local.push((class, ms)),
                    Err(e) => errs.push(e),
                }
            }
            let mut s = samples.lock().await;
            for (class, ms) in local {
                s.latency_ms.entry(class).or_default().push(ms);
            }
            for e in errs {
                *s.errors.entry(e).or_default() += 1;
            }
        }));
    }
    for r in readers {
        r.await?;
    }
    let read_seconds = started.elapsed().as_secs_f64();
    let ingest_done_during_reads = writer.is_finished();
    let ingest = writer.await?;
    let s = samples.lock().await;
    let all: Vec<f64> = s.latency_ms.values().flatten().copied().collect();
    let errors: u64 = s.errors.values().sum();
    let stats: Value = http
        .get(format!("{base}/api/stats"))
        .send()
        .await?
        .json()
        .await?;
    Ok(json!({
        "readers": args.readers,
        "read_seconds": round(read_seconds),
        "reads": {
            "requests": all.len(),
            "requests_per_s": round(all.len() as f64 / read_seconds),
            "errors": errors,
            "error_kinds": s.errors.iter().take(10).map(|(k, v)| json!({"error": k, "count": v})).collect::<Vec<_>>(),
            "all": summarize(&all),
            "by_class": s.latency_ms.iter().map(|(k, v)| (k.to_string(), summarize(v))).collect::<BTreeMap<_, _>>(),
        },
        "ingest": ingest,
        "ingest_finished_within_read_window": ingest_done_during_reads,
        "store_after": {"articles": stats["articles"], "stories": stats["stories"], "seeded_articles": seeded},
        "machine": {"cores": std::thread::available_parallelism().map_or(0, |n| n.get())},
    }))
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
