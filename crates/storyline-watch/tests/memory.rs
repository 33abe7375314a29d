//! Memory over a long watch. tokio's blocking pool ends a thread idle for
//! 10 s and starts a new one for the next call; a watcher polling every
//! minute goes idle that long between passes, so with its work on that pool
//! every pass ran on threads never seen before, and every cache a library
//! keeps per thread (each `regex` keeps its lazy DFA caches per thread,
//! spread over 8 slots by thread id) kept multiplying and filling: an
//! hour's soak under heaptrack found the page furniture regexes' caches
//! alone growing 1.3 MB every 10 minutes. Here the runtime ends idle
//! blocking threads after 5 ms, so a few dozen passes over real pages stand
//! for hours of a watch.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use storyline::store::Store;
use storyline_testsite::{Entry, Resource, Site};
use storyline_watch::{AddressPolicy, Config, Watcher, now};

/// Counts the bytes in use (this test binary's allocator).
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; only
// a counter is updated beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            IN_USE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            IN_USE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            IN_USE.fetch_add(new_size, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Threads the watcher's runtime started, workers and blocking pool alike.
static STARTED: AtomicUsize = AtomicUsize::new(0);

const ROUNDS: usize = 36;
const PER_ROUND: usize = 2;

#[test]
fn the_watchers_work_stays_on_a_few_threads_and_its_caches_do_not_multiply() {
    let pages = storyline_testsite::corpus_pages();
    assert!(pages.len() >= ROUNDS * PER_ROUND, "{} pages", pages.len());
    let mut site = Site::new();
    let host = site.host();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_keep_alive(Duration::from_millis(5))
        .on_thread_start(|| {
            STARTED.fetch_add(1, Ordering::Relaxed);
        })
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("watch.db")).unwrap();
    let store = Arc::new(tokio::sync::Mutex::new(store));
    let config = Config {
        contact: Some("https://newsroom.example/watch-bot".into()),
        delay: Duration::ZERO,
        addresses: AddressPolicy {
            allow_private: false,
            allowed: vec!["127.0.0.1".parse().unwrap()],
        },
        ..Config::default()
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut in_use = Vec::new();
    let mut threads = Vec::new();
    runtime.block_on(async {
        store
            .lock()
            .await
            .add_source(&host.url("/feed.xml"), None, 1, &now())
            .unwrap();
        let watcher = Watcher::new(store.clone(), config).unwrap();
        for round in 0..ROUNDS {
            // Two new real articles a round, the feed keeping its last 10.
            let first = round * PER_ROUND;
            for (i, (name, html)) in pages.iter().enumerate().skip(first).take(PER_ROUND) {
                let path = format!("/news/{i}-{}.html", name.replace(['.', '_'], "-"));
                host.set(&path, Resource::html(html.clone()));
                entries.push(Entry {
                    title: format!("Story {i}"),
                    link: host.url(&path),
                    summary: format!("Summary of story {i}."),
                    published: format!("2025-03-{:02}T10:00:00Z", 1 + i % 28),
                });
            }
            let shown = &entries[entries.len().saturating_sub(10)..];
            host.set(
                "/feed.xml",
                Resource::xml(
                    storyline_testsite::rss("Memory", shown),
                    "application/rss+xml",
                ),
            );
            // The source is due again (every second), and the pool's idle
            // threads have ended.
            tokio::time::sleep(Duration::from_millis(1010)).await;
            let report = watcher.once().await.unwrap();
            assert_eq!(report.added, PER_ROUND as u64, "round {round}: {report:#?}");
            // The heap beside the caches with bounds of their own: SQLite's
            // page cache, the copies index's recent tier, the stem cache.
            let bounded = {
                let s = store.lock().await;
                storyline::memory::MemoryUse::now(None).sqlite_heap_bytes
                    + s.copy_index_memory()
                    + storyline::text::filters::stem_cache_bytes()
            };
            in_use.push(
                IN_USE
                    .load(Ordering::Relaxed)
                    .saturating_sub(bounded as usize),
            );
            threads.push(STARTED.load(Ordering::Relaxed));
        }
    });
    drop(runtime);
    let mb = |b: usize| b as f64 / 1e6;
    eprintln!(
        "threads started after each round: {threads:?}\nheap in use beside the bounded caches after each round, MB: {:?}",
        in_use
            .iter()
            .map(|&b| (mb(b) * 100.0).round() / 100.0)
            .collect::<Vec<_>>()
    );
    // The runtime's two workers, and no blocking thread after the first
    // passes: with the blocking pool doing the work it was three new
    // threads a round (112 in all).
    let later = threads[ROUNDS - 1] - threads[ROUNDS / 3];
    assert!(
        later <= 2,
        "{later} threads started over the last {} rounds: {threads:?}",
        ROUNDS - ROUNDS / 3
    );
    // The heap beside the bounded caches, from the first pass to the last
    // (70 more articles): 3.6 MB on the watcher's own threads (new
    // languages' analyzers, the regexes' caches filling), 10.5 MB with the
    // work on the blocking pool (a set of regex caches per new thread).
    let growth = mb(in_use[ROUNDS - 1]) - mb(in_use[0]);
    assert!(
        growth < GROWTH_MB,
        "the heap beside the bounded caches grew {growth:.2} MB after the first pass: {in_use:?}"
    );
}

/// The heap's growth allowed after the first pass, MB.
const GROWTH_MB: f64 = 6.0;
