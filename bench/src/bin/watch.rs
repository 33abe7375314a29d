//! Benchmarks of watching live sources (`storyline-watch`), on a news site
//! served on loopback by `storyline-testsite` with pages from the shared
//! data sets (each page gets its own canonical URL, so each item is its own
//! article):
//!
//! - `site`: serves N hosts × M items (an RSS feed and a front page that
//!   names it, per host) until killed, and writes `sources.opml` and
//!   `fronts.txt` for the crawlers under test (`bench/watch.sh` runs
//!   `storyline watch --once` and news-please against it).
//! - `freshness`: items appear in feeds at random times while a watcher
//!   polls every `--every`; seconds from an item's appearance to its story
//!   being updated (its article stored and joined, one transaction).
//! - `conditional`: unchanged feeds polled again and again; the share
//!   answered 304.
//! - `soak`: `storyline watch` over 500 sources for an hour, its RSS
//!   sampled.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use serde_json::json;
use storyline::store::Store;
use storyline_testsite::{Entry, Host, Resource, Site, Validators};

#[derive(Parser)]
struct Cli {
    /// The shared data (default ../shared/data or $STORYLINE_SHARED/data).
    #[arg(long, global = true)]
    data: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site until killed.
    Site {
        #[arg(long, default_value_t = 200)]
        hosts: usize,
        #[arg(long, default_value_t = 50)]
        items: usize,
        /// Where to write sources.opml, fronts.txt and ready.
        #[arg(long)]
        out: PathBuf,
    },
    /// Freshness at a poll interval.
    Freshness {
        #[arg(long, default_value_t = 20)]
        hosts: usize,
        #[arg(long, default_value_t = 10)]
        minutes: u64,
        /// Poll interval, seconds.
        #[arg(long, default_value_t = 60)]
        every: u64,
        /// Mean seconds between two new items (over all feeds).
        #[arg(long, default_value_t = 6.0)]
        new_every: f64,
        /// Per-host delay, seconds (politeness as shipped: 1).
        #[arg(long, default_value_t = 1.0)]
        delay: f64,
    },
    /// Conditional-GET hit rate on unchanged feeds.
    Conditional {
        #[arg(long, default_value_t = 500)]
        sources: usize,
        #[arg(long, default_value_t = 50)]
        hosts: usize,
        #[arg(long, default_value_t = 5)]
        passes: usize,
    },
    /// `storyline watch` over many sources, its memory sampled.
    Soak {
        /// The storyline binary.
        #[arg(long, default_value = "target/release/storyline")]
        storyline: PathBuf,
        #[arg(long, default_value_t = 500)]
        sources: usize,
        #[arg(long, default_value_t = 50)]
        hosts: usize,
        #[arg(long, default_value_t = 60)]
        minutes: u64,
        /// Poll interval, seconds.
        #[arg(long, default_value_t = 60)]
        every: u64,
        /// Seconds between two new items (over all feeds).
        #[arg(long, default_value_t = 10)]
        new_every: u64,
        /// Seconds between two memory samples.
        #[arg(long, default_value_t = 30)]
        sample: u64,
        /// Appends the watcher's JSON line of each pass (with its memory
        /// apart: heap, SQLite, mapped file pages, the recent tier) here.
        #[arg(long)]
        passes: Option<PathBuf>,
    },
}

fn data_dir(cli: &Option<PathBuf>) -> PathBuf {
    if let Some(d) = cli {
        return d.clone();
    }
    if let Ok(s) = std::env::var("STORYLINE_SHARED") {
        return PathBuf::from(s).join("data");
    }
    PathBuf::from("../shared/data")
}

/// The shared sets' pages (extraction and extraction_web), decompressed.
fn shared_pages(data: &Path) -> Result<Vec<Vec<u8>>> {
    let mut pages = Vec::new();
    for set in ["extraction", "extraction_web"] {
        let dir = data.join(set).join("html");
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(".html.gz"))
            .collect();
        names.sort();
        for path in names {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(std::fs::File::open(&path)?).read_to_end(&mut out)?;
            pages.push(out);
        }
    }
    anyhow::ensure!(!pages.is_empty(), "no pages under {}", data.display());
    Ok(pages)
}

/// A page with its own canonical URL first in `<head>`, so copies served
/// at different addresses are different articles (extraction takes the
/// first canonical link).
fn with_canonical(page: &[u8], url: &str) -> Vec<u8> {
    let link = format!("<link rel=\"canonical\" href=\"{url}\">");
    let lower: Vec<u8> = page.iter().map(u8::to_ascii_lowercase).collect();
    let at = find(&lower, b"<head")
        .and_then(|h| find(&lower[h..], b">").map(|e| h + e + 1))
        .unwrap_or(0);
    let mut out = Vec::with_capacity(page.len() + link.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(link.as_bytes());
    out.extend_from_slice(&page[at..]);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// One host of the benchmark site: robots.txt, a feed, a front page.
struct NewsHost {
    host: Host,
    entries: Vec<Entry>,
    validators: Validators,
}

impl NewsHost {
    fn publish(&self) {
        self.host.set(
            "/feed.xml",
            Resource::doc(
                storyline_testsite::rss(&format!("Host {}", self.host.addr()), &self.entries),
                "application/rss+xml",
                self.validators,
            ),
        );
        self.host.set(
            "/",
            Resource::doc(
                storyline_testsite::front_page(
                    &format!("Host {}", self.host.addr()),
                    &self.entries,
                ),
                "text/html; charset=utf-8",
                self.validators,
            ),
        );
    }

    fn add_item(&mut self, n: usize, page: &[u8], published: &str) -> String {
        let path = format!("/news/2025/{n}-story.html");
        let url = self.host.url(&path);
        self.host
            .set(&path, Resource::html(with_canonical(page, &url)));
        self.entries.push(Entry {
            title: format!("Story {n}"),
            link: url.clone(),
            summary: format!("Summary of story {n}."),
            published: published.to_string(),
        });
        url
    }
}

fn build_site(
    site: &mut Site,
    pages: &[Vec<u8>],
    hosts: usize,
    items: usize,
    validators: impl Fn(usize) -> Validators,
) -> Vec<NewsHost> {
    let mut out = Vec::with_capacity(hosts);
    let mut n = 0;
    for h in 0..hosts {
        let host = site.host();
        host.set("/robots.txt", Resource::text("User-agent: *\nAllow: /\n"));
        let mut news = NewsHost {
            host,
            entries: Vec::new(),
            validators: validators(h),
        };
        for _ in 0..items {
            news.add_item(n, &pages[n % pages.len()], "2025-03-01T10:00:00Z");
            n += 1;
        }
        news.publish();
        out.push(news);
    }
    out
}

fn opml(urls: &[String]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><head><title>bench</title></head><body>\n",
    );
    for (i, u) in urls.iter().enumerate() {
        s.push_str(&format!(
            "<outline type=\"rss\" text=\"feed {i}\" xmlUrl=\"{u}\"/>\n"
        ));
    }
    s.push_str("</body></opml>\n");
    s
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let data = data_dir(&cli.data);
    match cli.command {
        Command::Site { hosts, items, out } => serve_site(&data, hosts, items, &out),
        Command::Freshness {
            hosts,
            minutes,
            every,
            new_every,
            delay,
        } => freshness(&data, hosts, minutes, every, new_every, delay),
        Command::Conditional {
            sources,
            hosts,
            passes,
        } => conditional(&data, sources, hosts, passes),
        Command::Soak {
            storyline,
            sources,
            hosts,
            minutes,
            every,
            new_every,
            sample,
            passes,
        } => soak(
            &data,
            &storyline,
            sources,
            hosts,
            minutes,
            every,
            new_every,
            sample,
            passes.as_deref(),
        ),
    }
}

fn serve_site(data: &Path, hosts: usize, items: usize, out: &Path) -> Result<()> {
    let pages = shared_pages(data)?;
    let mut site = Site::new();
    let news = build_site(&mut site, &pages, hosts, items, |_| Validators::Both);
    std::fs::create_dir_all(out)?;
    let feeds: Vec<String> = news.iter().map(|h| h.host.url("/feed.xml")).collect();
    std::fs::write(out.join("sources.opml"), opml(&feeds))?;
    let fronts: Vec<String> = news.iter().map(|h| h.host.url("/")).collect();
    std::fs::write(out.join("fronts.txt"), fronts.join("\n") + "\n")?;
    std::fs::write(
        out.join("ready"),
        json!({"hosts": hosts, "items": hosts * items, "pages": pages.len()}).to_string(),
    )?;
    eprintln!(
        "serving {hosts} hosts x {items} items ({} distinct pages) until killed",
        pages.len()
    );
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

fn open_shared(db: &Path) -> Result<storyline_watch::SharedStore> {
    Ok(Arc::new(tokio::sync::Mutex::new(Store::open(db)?)))
}

fn freshness(
    data: &Path,
    hosts: usize,
    minutes: u64,
    every: u64,
    new_every: f64,
    delay: f64,
) -> Result<()> {
    let pages = shared_pages(data)?;
    let mut site = Site::new();
    let news = Arc::new(Mutex::new(build_site(&mut site, &pages, hosts, 5, |_| {
        Validators::Both
    })));
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("fresh.db");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let store = open_shared(&db)?;
        {
            let mut s = store.lock().await;
            for h in news.lock().unwrap().iter() {
                s.add_source(
                    &h.host.url("/feed.xml"),
                    None,
                    every,
                    &storyline_watch::now(),
                )?;
            }
        }
        let config = storyline_watch::Config {
            delay: Duration::from_secs_f64(delay),
            addresses: storyline_watch::AddressPolicy {
                allow_private: true,
                allowed: vec![],
            },
            ..storyline_watch::Config::default()
        };
        let watcher = storyline_watch::Watcher::new(store.clone(), config)?;
        // The first pass stores what the feeds hold at the start.
        let warm = watcher.once().await?;
        eprintln!("warm-up: {} articles", warm.added);
        let stop = storyline_watch::Stop::new();
        let passes = Arc::new(Mutex::new(Vec::new()));
        let run = {
            let watcher = watcher.clone();
            let stop = stop.clone();
            let passes = passes.clone();
            tokio::spawn(async move {
                watcher
                    .run(&stop, |r| passes.lock().unwrap().push(r.clone()))
                    .await
            })
        };
        // New items at random times; each one's appearance time kept.
        let appeared: Arc<Mutex<HashMap<String, Instant>>> = Default::default();
        let seen: Arc<Mutex<HashMap<String, f64>>> = Default::default();
        let end = Instant::now() + Duration::from_secs(minutes * 60);
        let writer = {
            let news = news.clone();
            let appeared = appeared.clone();
            let pages = pages.clone();
            tokio::spawn(async move {
                let mut rng = 0x9E3779B97F4A7C15u64;
                let mut next = || {
                    rng ^= rng << 13;
                    rng ^= rng >> 7;
                    rng ^= rng << 17;
                    (rng >> 11) as f64 / (1u64 << 53) as f64
                };
                let mut n = 1_000_000;
                // Stop adding one interval before the end, so every item
                // has had its chance to be polled.
                let stop_adding = end - Duration::from_secs(every + 10);
                while Instant::now() < stop_adding {
                    let wait = -new_every * (1.0 - next()).ln();
                    tokio::time::sleep(Duration::from_secs_f64(wait.min(120.0))).await;
                    let h = (next() * hosts as f64) as usize % hosts;
                    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
                    let mut guard = news.lock().unwrap();
                    let host = &mut guard[h];
                    let url = host.add_item(n, &pages[n % pages.len()], &now);
                    host.publish();
                    appeared.lock().unwrap().insert(url, Instant::now());
                    n += 1;
                }
            })
        };
        // Watches the store from a connection of its own.
        let reader = Store::open(dir.path().join("fresh.db"))?;
        while Instant::now() < end {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let waiting: Vec<(String, Instant)> = {
                let a = appeared.lock().unwrap();
                let s = seen.lock().unwrap();
                a.iter()
                    .filter(|(u, _)| !s.contains_key(*u))
                    .map(|(u, t)| (u.clone(), *t))
                    .collect()
            };
            for (url, t) in waiting {
                let key = storyline::ingest::identity_key(Some(&url), "");
                if let Some((state, Some(article))) = reader.watch_item(&key)?
                    && state == "done"
                    && reader.story_of(article)?.is_some()
                {
                    seen.lock().unwrap().insert(url, t.elapsed().as_secs_f64());
                }
            }
        }
        stop.stop();
        writer.abort();
        run.await??;
        let appeared = appeared.lock().unwrap().len();
        let mut secs: Vec<f64> = seen.lock().unwrap().values().copied().collect();
        secs.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let passes = passes.lock().unwrap();
        println!(
            "{}",
            json!({
                "hosts": hosts,
                "every_seconds": every,
                "delay_seconds": delay,
                "minutes": minutes,
                "items_appeared": appeared,
                "items_seen": secs.len(),
                "p50_seconds": percentile(&secs, 0.5),
                "p95_seconds": percentile(&secs, 0.95),
                "max_seconds": secs.last().copied().unwrap_or(f64::NAN),
                "goal_p95_under": every + 5,
                "passes": passes.len(),
                "pass_seconds_max": passes.iter().map(|p| p.seconds).fold(0.0, f64::max),
            })
        );
        anyhow::Ok(())
    })
}

fn conditional(data: &Path, sources: usize, hosts: usize, passes: usize) -> Result<()> {
    let pages = shared_pages(data)?;
    let mut site = Site::new();
    // A third of the hosts send both validators, a third only an ETag, a
    // third only Last-Modified.
    let kinds = [Validators::Both, Validators::ETag, Validators::LastModified];
    let news = build_site(&mut site, &pages, hosts, 20, |h| kinds[h % 3]);
    let per_host = sources.div_ceil(hosts);
    let mut urls = Vec::new();
    for h in &news {
        for f in 0..per_host {
            if urls.len() == sources {
                break;
            }
            let path = format!("/feeds/{f}.xml");
            h.host.set(
                &path,
                Resource::doc(
                    storyline_testsite::rss("f", &h.entries[f % h.entries.len()..]),
                    "application/rss+xml",
                    h.validators,
                ),
            );
            urls.push(h.host.url(&path));
        }
    }
    let dir = tempfile::tempdir()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let store = open_shared(&dir.path().join("cg.db"))?;
        {
            let mut s = store.lock().await;
            for u in &urls {
                s.add_source(u, None, 1, &storyline_watch::now())?;
            }
        }
        let config = storyline_watch::Config {
            delay: Duration::ZERO,
            concurrency: 64,
            max_in_flight: 64,
            addresses: storyline_watch::AddressPolicy {
                allow_private: true,
                allowed: vec![],
            },
            ..storyline_watch::Config::default()
        };
        let watcher = storyline_watch::Watcher::new(store.clone(), config)?;
        let first = watcher.once().await?;
        let mut polled = 0;
        let mut not_modified = 0;
        let mut requests = 0;
        for _ in 0..passes {
            tokio::time::sleep(Duration::from_millis(1100)).await;
            let r = watcher.once().await?;
            polled += r.sources;
            not_modified += r.not_modified;
            requests += r.requests;
        }
        let by_kind: Vec<serde_json::Value> = {
            let s = store.lock().await;
            let all = s.sources()?;
            ["both", "etag", "last-modified"]
                .iter()
                .enumerate()
                .map(|(k, name)| {
                    let mine: Vec<_> = all
                        .iter()
                        .filter(|src| {
                            news.iter()
                                .position(|h| src.url.starts_with(&h.host.base()))
                                .is_some_and(|h| h % 3 == k)
                        })
                        .collect();
                    let fetches: u64 = mine.iter().map(|s| s.fetches - 1).sum();
                    let nm: u64 = mine.iter().map(|s| s.not_modified).sum();
                    json!({"validators": name, "sources": mine.len(), "fetches": fetches, "not_modified": nm})
                })
                .collect()
        };
        println!(
            "{}",
            json!({
                "sources": urls.len(),
                "first_pass_articles": first.added,
                "passes": passes,
                "polled": polled,
                "not_modified": not_modified,
                "hit_rate": not_modified as f64 / polled.max(1) as f64,
                "requests_after_first": requests,
                "by_validators": by_kind,
            })
        );
        anyhow::Ok(())
    })
}

fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

#[allow(clippy::too_many_arguments)]
fn soak(
    data: &Path,
    storyline: &Path,
    sources: usize,
    hosts: usize,
    minutes: u64,
    every: u64,
    new_every: u64,
    sample: u64,
    passes_log: Option<&Path>,
) -> Result<()> {
    let pages = shared_pages(data)?;
    let mut site = Site::new();
    let mut news = build_site(&mut site, &pages, hosts, 10, |_| Validators::Both);
    let per_host = sources.div_ceil(hosts);
    let mut urls = Vec::new();
    for h in &news {
        for f in 0..per_host {
            if urls.len() < sources {
                urls.push(h.host.url(&format!("/feed.xml?f={f}")));
            }
        }
    }
    // Every feed of a host is its one feed, under several addresses.
    let republish = |h: &NewsHost| {
        for f in 0..per_host {
            h.host.set(
                &format!("/feed.xml?f={f}"),
                Resource::xml(
                    storyline_testsite::rss("soak", &h.entries),
                    "application/rss+xml",
                ),
            );
        }
    };
    for h in &news {
        republish(h);
    }
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("soak.db");
    let opml_path = dir.path().join("soak.opml");
    std::fs::write(&opml_path, opml(&urls))?;
    let status = std::process::Command::new(storyline)
        .arg("--db")
        .arg(&db)
        .args(["sources", "import", "--every", &format!("{every}s")])
        .arg(&opml_path)
        .stdout(std::process::Stdio::null())
        .status()?;
    anyhow::ensure!(status.success(), "sources import failed");
    let mut child = std::process::Command::new(storyline)
        .arg("--db")
        .arg(&db)
        .args(["watch", "--json", "--allow-private"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let pid = child.id();
    let stdout = child.stdout.take().unwrap();
    let passes = Arc::new(Mutex::new(Vec::<serde_json::Value>::new()));
    let mut log = match passes_log {
        Some(path) => Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("cannot open {}", path.display()))?,
        ),
        None => None,
    };
    let reader = {
        let passes = passes.clone();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if let Some(log) = log.as_mut() {
                    let _ = writeln!(log, "{line}");
                }
                if let Ok(v) = serde_json::from_str(&line) {
                    passes.lock().unwrap().push(v);
                }
            }
        })
    };
    let started = Instant::now();
    let end = started + Duration::from_secs(minutes * 60);
    let mut samples = Vec::new();
    let mut next_sample = started;
    let mut next_item = started + Duration::from_secs(new_every);
    let mut n = 10_000_000;
    let mut out = std::io::stderr();
    while Instant::now() < end {
        let now = Instant::now();
        if now >= next_item {
            let h = n % news.len();
            news[h].add_item(n, &pages[n % pages.len()], "2025-03-02T10:00:00Z");
            if news[h].entries.len() > 60 {
                news[h].entries.remove(0);
            }
            republish(&news[h]);
            n += 1;
            next_item += Duration::from_secs(new_every);
        }
        if now >= next_sample {
            let rss = rss_kb(pid).unwrap_or(0);
            let minute = started.elapsed().as_secs_f64() / 60.0;
            let done = passes.lock().unwrap().len();
            writeln!(
                out,
                "{minute:6.1} min  RSS {:7.1} MB  passes {done}",
                rss as f64 / 1024.0
            )?;
            samples.push((minute, rss));
            next_sample += Duration::from_secs(sample);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let code = child.wait()?.code();
    let _ = reader.join();
    let passes = passes.lock().unwrap();
    let added: u64 = passes.iter().filter_map(|p| p["added"].as_u64()).sum();
    let errors: u64 = passes
        .iter()
        .filter_map(|p| Some(p["source_errors"].as_u64()? + p["page_errors"].as_u64()?))
        .sum();
    let nm: u64 = passes
        .iter()
        .filter_map(|p| p["not_modified"].as_u64())
        .sum();
    let polled: u64 = passes.iter().filter_map(|p| p["sources"].as_u64()).sum();
    let mb = |kb: u64| kb as f64 / 1024.0;
    let at = |frac: f64| {
        samples
            .iter()
            .find(|(m, _)| *m >= minutes as f64 * frac)
            .map(|(_, r)| mb(*r))
            .unwrap_or(f64::NAN)
    };
    // The slope over the second half, MB per hour: growth shows here.
    let half: Vec<&(f64, u64)> = samples
        .iter()
        .filter(|(m, _)| *m >= minutes as f64 / 2.0)
        .collect();
    let slope = if half.len() >= 2 {
        let (x0, y0) = (half[0].0, mb(half[0].1));
        let (x1, y1) = (half[half.len() - 1].0, mb(half[half.len() - 1].1));
        (y1 - y0) / ((x1 - x0) / 60.0)
    } else {
        f64::NAN
    };
    println!(
        "{}",
        json!({
            "sources": urls.len(),
            "hosts": hosts,
            "minutes": minutes,
            "every_seconds": every,
            "exit_code": code,
            "passes": passes.len(),
            "articles_added": added,
            "errors": errors,
            "conditional_hit_rate": nm as f64 / polled.max(1) as f64,
            "rss_mb": {
                "at_10pct": at(0.1),
                "at_50pct": at(0.5),
                "at_end": samples.last().map(|(_, r)| mb(*r)),
                "max": samples.iter().map(|(_, r)| mb(*r)).fold(0.0, f64::max),
                "second_half_mb_per_hour": slope,
            },
            "samples": samples.iter().map(|(m, r)| json!([((m * 10.0).round() / 10.0), mb(*r)])).collect::<Vec<_>>(),
        })
    );
    Ok(())
}
