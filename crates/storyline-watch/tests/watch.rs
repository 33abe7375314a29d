//! The watcher against a real HTTP site on loopback (`storyline-testsite`):
//! every listing format, robots.txt, politeness per host measured from the
//! site's own log, conditional GET, misbehaving hosts, and private
//! addresses that must never be reached.

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use storyline::store::Store;
use storyline_testsite::{Entry, Host, Resource, Site};
use storyline_watch::{AddressPolicy, Config, PassReport, SharedStore, Watcher, now};

fn pages() -> &'static [(String, Vec<u8>)] {
    static PAGES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    PAGES.get_or_init(storyline_testsite::corpus_pages)
}

/// Corpus pages `from..to` served on `host` at article-like paths, as feed
/// entries with a one-line summary each.
fn serve_pages(host: &Host, from: usize, to: usize) -> Vec<Entry> {
    (from..to)
        .map(|i| {
            let (name, html) = &pages()[i];
            let slug = name
                .split('.')
                .next()
                .unwrap()
                .to_lowercase()
                .replace('_', "-");
            let path = format!("/news/2025/story-{i}-{slug}.html");
            host.set(&path, Resource::html(html.clone()));
            Entry {
                title: format!("Story {i}"),
                link: host.url(&path),
                summary: format!("Summary of story {i}, the feed's own short text."),
                published: format!("2025-03-{:02}T10:00:00Z", 1 + i % 28),
            }
        })
        .collect()
}

fn config(site_ip: &str) -> Config {
    Config {
        contact: Some("https://newsroom.example/watch-bot".into()),
        delay: Duration::ZERO,
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(10),
        max_page_size: 2 << 20,
        addresses: AddressPolicy {
            allow_private: false,
            allowed: vec![site_ip.parse::<IpAddr>().unwrap()],
        },
        max_wait: Duration::from_secs(3),
        ..Config::default()
    }
}

fn open_store(dir: &tempfile::TempDir) -> SharedStore {
    let store = Store::open(dir.path().join("watch.db")).unwrap();
    Arc::new(tokio::sync::Mutex::new(store))
}

async fn add(store: &SharedStore, url: &str, every_secs: u64) -> i64 {
    store
        .lock()
        .await
        .add_source(url, None, every_secs, &now())
        .unwrap()
        .0
}

fn politeness(site: &Site, host: &Host, delay: Duration) {
    let hits = site.hits_on(host);
    assert!(hits.len() > 3, "too few requests to judge: {}", hits.len());
    for h in &hits {
        assert_eq!(h.in_flight, 1, "two requests in flight at {}", h.path);
    }
    for w in hits.windows(2) {
        let gap = w[1].start - w[0].start;
        // The site sees arrivals, which a busy machine jitters by a few
        // milliseconds either way.
        assert!(
            gap + Duration::from_millis(15) >= delay,
            "{} then {} only {gap:?} apart (delay {delay:?})",
            w[0].path,
            w[1].path
        );
        assert!(
            w[1].start >= w[0].end,
            "{} started before {} ended",
            w[1].path,
            w[0].path
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_format_every_item_once_politely() {
    let mut site = Site::new();
    let news = site.host();
    news.set_latency(Duration::from_millis(20));
    let entries = serve_pages(&news, 0, 12);
    news.set(
        "/robots.txt",
        Resource::text("User-agent: *\nDisallow: /private/\nCrawl-delay: 0.2\n"),
    );
    // A forbidden page, listed by the RSS feed: never requested, the
    // feed's text stands in for it.
    news.set(
        "/private/2025/secret-story.html",
        Resource::html(pages()[12].1.clone()),
    );
    let mut rss_items = entries[0..4].to_vec();
    rss_items.push(Entry {
        title: "Behind the robots wall".into(),
        link: news.url("/private/2025/secret-story.html"),
        summary: "A story the site asks robots not to fetch; this summary is all Storyline keeps."
            .into(),
        published: "2025-03-20T10:00:00Z".into(),
    });
    news.set(
        "/rss.xml",
        Resource::xml(
            storyline_testsite::rss("News RSS", &rss_items),
            "application/rss+xml",
        ),
    );
    news.set(
        "/atom.xml",
        Resource::xml(
            storyline_testsite::atom("News Atom", &entries[2..6]),
            "application/atom+xml",
        ),
    );
    news.set(
        "/feed.json",
        Resource::xml(
            storyline_testsite::json_feed("News JSON", &entries[4..8]),
            "application/feed+json",
        ),
    );
    news.set(
        "/sitemap-news.xml",
        Resource::xml(
            storyline_testsite::news_sitemap(&entries[6..10]),
            "application/xml",
        ),
    );
    news.set(
        "/sitemap.xml",
        Resource::xml(
            storyline_testsite::sitemap_index(&[(
                news.url("/sitemap-news.xml"),
                "2025-03-10T00:00:00Z".into(),
            )]),
            "application/xml",
        ),
    );
    news.set(
        "/",
        Resource::xml(
            storyline_testsite::front_page("News", &entries[8..12]),
            "text/html; charset=utf-8",
        ),
    );

    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir);
    for path in ["/rss.xml", "/atom.xml", "/feed.json", "/sitemap.xml", "/"] {
        add(&store, &news.url(path), 1).await;
    }
    let mut cfg = config("127.0.0.1");
    cfg.delay = Duration::from_millis(100);
    let watcher = Watcher::new(store.clone(), cfg).unwrap();
    let report = watcher.once().await.unwrap();
    assert_eq!(report.sources, 5, "{report:#?}");
    assert_eq!(report.source_errors, 0, "{report:#?}");
    // 12 pages and the forbidden one from its feed text.
    assert_eq!(report.added, 13, "{report:#?}");
    assert_eq!(report.fallbacks, 1, "{report:#?}");
    assert_eq!(report.pending, 0);

    let s = store.lock().await;
    let sources = s.sources().unwrap();
    let kinds: HashSet<_> = sources.iter().map(|s| s.kind.clone().unwrap()).collect();
    assert_eq!(
        kinds,
        ["feed", "sitemap_index", "front_page"]
            .iter()
            .map(|k| k.to_string())
            .collect()
    );
    assert_eq!(s.stats().unwrap().articles, 13);
    // Every page was fetched through its own page, not from the summary.
    for e in &entries {
        let hits = site.hits(&news, e.link.trim_start_matches(&news.base()));
        assert_eq!(hits.len(), 1, "{} fetched {} times", e.link, hits.len());
    }
    let fallback = s
        .search("robots wall", 5, 0)
        .unwrap()
        .into_iter()
        .next()
        .expect("the forbidden item is stored from its feed text");
    let article = s.article(fallback.article.id).unwrap().unwrap();
    assert_eq!(article.format, storyline::ingest::Format::Feed);
    assert!(
        site.hits(&news, "/private/2025/secret-story.html")
            .is_empty()
    );
    let rss = sources
        .iter()
        .find(|x| x.url.ends_with("/rss.xml"))
        .unwrap();
    assert_eq!(rss.page_errors, 1);
    assert!(
        rss.last_page_error
            .as_deref()
            .unwrap()
            .contains("robots.txt")
    );
    // A stored page keeps its full text, not the feed's summary.
    assert!(s.search("\"own short text\"", 5, 0).unwrap().is_empty());
    drop(s);

    assert_eq!(site.hits(&news, "/robots.txt").len(), 1);
    for h in site.hits_on(&news) {
        assert!(h.user_agent.starts_with("Storyline/"), "{}", h.user_agent);
        assert!(h.user_agent.contains("https://newsroom.example/watch-bot"));
        assert!(
            h.accept_encoding.contains("gzip") && h.accept_encoding.contains("br"),
            "{}",
            h.accept_encoding
        );
    }
    // The Crawl-delay (0.2 s) wins over the configured 0.1 s.
    politeness(&site, &news, Duration::from_millis(200));

    // Due again a second later: every listing is asked conditionally and
    // answers 304; nothing is fetched twice.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    site.clear_log();
    let second = watcher.once().await.unwrap();
    assert_eq!(second.sources, 5);
    assert_eq!(
        second.not_modified,
        5,
        "{second:#?} {:?}",
        site.log()
            .iter()
            .map(|h| (h.path.clone(), h.status))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        second.added + second.updated + second.pages,
        0,
        "{second:#?}"
    );
    for path in ["/rss.xml", "/atom.xml", "/feed.json", "/sitemap.xml", "/"] {
        for h in site.hits(&news, path) {
            assert!(h.conditional, "{path} asked unconditionally");
        }
    }
    assert_eq!(site.hits(&news, "/rss.xml")[0].status, 304);
    assert_eq!(
        site.log().len(),
        5,
        "{:?}",
        site.log().iter().map(|h| &h.path).collect::<Vec<_>>()
    );
    let s = store.lock().await;
    let rss = s
        .sources()
        .unwrap()
        .into_iter()
        .find(|x| x.url.ends_with("/rss.xml"))
        .unwrap();
    assert_eq!((rss.fetches, rss.not_modified), (2, 1));
    assert_eq!(s.stats().unwrap().articles, 13);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_growing_feed_and_a_changed_page() {
    let mut site = Site::new();
    let host = site.host();
    let mut entries = serve_pages(&host, 20, 26);
    host.set(
        "/feed.xml",
        Resource::xml(
            storyline_testsite::rss("Grows", &entries[..3]),
            "application/rss+xml",
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir);
    add(&store, &host.url("/feed.xml"), 1).await;
    let watcher = Watcher::new(store.clone(), config("127.0.0.1")).unwrap();
    let first = watcher.once().await.unwrap();
    assert_eq!((first.new_items, first.added), (3, 3), "{first:#?}");

    // Three more items appear; the first three are not fetched again.
    host.set(
        "/feed.xml",
        Resource::xml(
            storyline_testsite::rss("Grows", &entries),
            "application/rss+xml",
        ),
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    site.clear_log();
    let second = watcher.once().await.unwrap();
    assert_eq!(
        (second.new_items, second.added, second.pages),
        (3, 3, 3),
        "{second:#?}"
    );
    for e in &entries[..3] {
        assert!(
            site.hits(&host, e.link.trim_start_matches(&host.base()))
                .is_empty()
        );
    }

    // An item changes (its page and its listing): it is fetched again and
    // its article updated in place, not stored twice.
    let path = entries[0].link.trim_start_matches(&host.base()).to_string();
    let before = {
        let s = store.lock().await;
        s.stats().unwrap().articles
    };
    let changed_html = String::from_utf8_lossy(&pages()[20].1).replacen(
        "<p>",
        "<p>CORRECTION: an earlier version misstated the date. ",
        1,
    );
    host.set(&path, Resource::html(changed_html.into_bytes()));
    entries[0].summary.push_str(" (corrected)");
    host.set(
        "/feed.xml",
        Resource::xml(
            storyline_testsite::rss("Grows", &entries),
            "application/rss+xml",
        ),
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let third = watcher.once().await.unwrap();
    assert_eq!(
        (third.changed_items, third.updated, third.added),
        (1, 1, 0),
        "{third:#?}"
    );
    let s = store.lock().await;
    assert_eq!(s.stats().unwrap().articles, before);
    assert!(!s.search("CORRECTION misstated", 5, 0).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn misbehaving_hosts_are_recorded_and_the_rest_goes_in() {
    let mut site = Site::new();
    let good = site.host();
    let good_entries = serve_pages(&good, 30, 33);
    good.set(
        "/feed.xml",
        Resource::xml(
            storyline_testsite::rss("Good", &good_entries),
            "application/rss+xml",
        ),
    );

    let broken = site.host();
    broken.set("/500.xml", Resource::Status(500, None));
    broken.set(
        "/malformed.xml",
        Resource::xml(
            "<rss><channel><item><title>x</title></channel></rss>",
            "application/rss+xml",
        ),
    );
    broken.set("/loop", Resource::Redirect("/loop2".into()));
    broken.set("/loop2", Resource::Redirect("/loop".into()));
    let slow = site.host();
    slow.set(
        "/feed.xml",
        Resource::Slow(
            Duration::from_secs(4),
            Box::new(Resource::Status(200, None)),
        ),
    );
    let busy = site.host();
    busy.set("/feed.xml", Resource::Status(503, Some("120".into())));

    // Item pages that misbehave, behind a good feed.
    let pages_host = site.host();
    let mut items = serve_pages(&pages_host, 33, 35);
    let throttled = items[1]
        .link
        .trim_start_matches(&pages_host.base())
        .to_string();
    pages_host.set(
        &throttled,
        Resource::throttle(429, "1", 1, Resource::html(pages()[34].1.clone())),
    );
    for (path, resource) in [
        (
            "/news/2025/huge-page-story.html",
            Resource::Huge {
                size: 200 << 20,
                declared: false,
            },
        ),
        (
            "/news/2025/huge-declared-story.html",
            Resource::Huge {
                size: 200 << 20,
                declared: true,
            },
        ),
        (
            "/news/2025/gzip-bomb-story.html",
            Resource::gzip_bomb(64 << 20),
        ),
        ("/news/2025/gone-story.html", Resource::Status(404, None)),
    ] {
        pages_host.set(path, resource);
        items.push(Entry {
            title: format!("Item at {path}"),
            link: pages_host.url(path),
            summary: format!("The feed's own words about {path}, kept when the page fails."),
            published: "2025-03-02T10:00:00Z".into(),
        });
    }
    pages_host.set(
        "/feed.xml",
        Resource::xml(
            storyline_testsite::rss("Pages", &items),
            "application/rss+xml",
        ),
    );

    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir);
    let good_id = add(&store, &good.url("/feed.xml"), 1).await;
    let e500 = add(&store, &broken.url("/500.xml"), 1).await;
    let malformed = add(&store, &broken.url("/malformed.xml"), 1).await;
    let looping = add(&store, &broken.url("/loop"), 1).await;
    let slow_id = add(&store, &slow.url("/feed.xml"), 1).await;
    let busy_id = add(&store, &busy.url("/feed.xml"), 1).await;
    let pages_id = add(&store, &pages_host.url("/feed.xml"), 1).await;

    let watcher = Watcher::new(store.clone(), config("127.0.0.1")).unwrap();
    let started = Instant::now();
    let report = watcher.once().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(report.source_errors, 5, "{report:#?}");
    // 3 good pages, 2 pages (one after a 429), 4 feed texts standing in.
    assert_eq!(report.added, 3 + 2 + 4, "{report:#?}");
    assert_eq!(report.fallbacks, 4, "{report:#?}");

    let s = store.lock().await;
    let get = |id| s.source(id).unwrap().unwrap();
    assert_eq!(get(good_id).health, "ok");
    let e = get(e500);
    assert_eq!(
        (e.health, e.consecutive_errors, e.last_status),
        ("failing", 1, Some(500))
    );
    assert!(get(malformed).last_error.unwrap().contains("feed"));
    assert!(get(looping).last_error.unwrap().contains("redirects"));
    assert!(get(slow_id).last_error.unwrap().contains("timed out"));
    let b = get(busy_id);
    assert!(
        b.last_error.as_deref().unwrap().contains("wait 120s"),
        "{b:?}"
    );
    let due = chrono::DateTime::parse_from_rfc3339(&b.next_due).unwrap();
    assert!(
        due > chrono::Utc::now() + chrono::Duration::seconds(100),
        "{}",
        b.next_due
    );
    let p = get(pages_id);
    // The four that fell back; the 429 was waited out within the fetch.
    assert_eq!(p.page_errors, 4, "{p:?}");
    drop(s);

    // The 429's Retry-After was honoured: the page was asked for again at
    // least a second later.
    let hits = site.hits(&pages_host, &throttled);
    assert_eq!(hits.len(), 2);
    assert!(hits[1].start - hits[0].start >= Duration::from_millis(990));
    // The 200 MB page was abandoned at the limit, not read through.
    assert!(
        pages_host.streamed() < 64 << 20,
        "{} bytes streamed",
        pages_host.streamed()
    );

    // Failing again doubles the wait.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let _ = watcher.once().await.unwrap();
    let s = store.lock().await;
    let e = s.source(e500).unwrap().unwrap();
    assert_eq!(e.consecutive_errors, 2);
    let fetched = chrono::DateTime::parse_from_rfc3339(e.last_fetch.as_deref().unwrap()).unwrap();
    let next = chrono::DateTime::parse_from_rfc3339(&e.next_due).unwrap();
    let wait = (next - fetched).num_milliseconds();
    assert!(
        (1800..=2300).contains(&wait),
        "second failure waits {wait} ms"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_are_never_reached() {
    let mut site = Site::new();
    let public = site.host();
    let inside = site.host_on("127.0.0.2".parse().unwrap());
    inside.set(
        "/secret",
        Resource::html("<html><body><p>internal admin page</p></body></html>"),
    );
    inside.set(
        "/feed.xml",
        Resource::xml(
            storyline_testsite::rss("Inside", &[]),
            "application/rss+xml",
        ),
    );
    let port = inside.addr().port();
    public.set(
        "/go-inside-2025-story",
        Resource::Redirect(format!("http://127.0.0.2:{port}/secret")),
    );
    let targets = [
        format!("http://127.0.0.2:{port}/secret"),
        format!("http://[::ffff:127.0.0.2]:{port}/secret"),
        format!("http://2130706434:{port}/secret-by-number"),
        format!("http://[::1]:{port}/secret"),
        public.url("/go-inside-2025-story"),
        "file:///etc/passwd".to_string(),
    ];
    let items: Vec<Entry> = targets
        .iter()
        .enumerate()
        .map(|(i, t)| Entry {
            title: format!("Pointer {i}"),
            link: t.clone(),
            summary: format!("Item {i} points somewhere it should not; this text is what is kept."),
            published: "2025-03-03T10:00:00Z".into(),
        })
        .collect();
    public.set(
        "/feed.xml",
        Resource::xml(
            storyline_testsite::rss("Pointers", &items),
            "application/rss+xml",
        ),
    );

    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir);
    let feed = add(&store, &public.url("/feed.xml"), 1).await;
    let direct = add(&store, &inside.url("/feed.xml"), 1).await;
    let watcher = Watcher::new(store.clone(), config("127.0.0.1")).unwrap();
    let report = watcher.once().await.unwrap();
    assert!(
        site.hits_on(&inside).is_empty(),
        "{:?}",
        site.hits_on(&inside)
    );
    assert_eq!(report.added, targets.len() as u64, "{report:#?}");
    assert_eq!(report.fallbacks, targets.len() as u64);
    let s = store.lock().await;
    let f = s.source(feed).unwrap().unwrap();
    assert_eq!(f.page_errors, targets.len() as u64);
    assert!(f.last_page_error.unwrap().contains("refused"));
    let d = s.source(direct).unwrap().unwrap();
    assert!(
        d.last_error.as_deref().unwrap().contains("refused"),
        "{d:?}"
    );
    drop(s);

    // With no exception at all, a name that resolves to loopback is refused
    // too, and the site sees nothing.
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir);
    let by_name = add(
        &store,
        &format!("http://localhost:{}/feed.xml", public.addr().port()),
        1,
    )
    .await;
    site.clear_log();
    let mut strict = config("127.0.0.1");
    strict.addresses = AddressPolicy::default();
    let watcher = Watcher::new(store.clone(), strict).unwrap();
    let report: PassReport = watcher.once().await.unwrap();
    assert_eq!(report.source_errors, 1);
    assert!(site.log().is_empty());
    let s = store.lock().await;
    let err = s.source(by_name).unwrap().unwrap().last_error.unwrap();
    assert!(err.contains("loopback"), "{err}");
}
