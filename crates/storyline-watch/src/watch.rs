//! Polling the sources kept in the store, pass after pass.
//!
//! A pass takes every source that is due, polls them (a few at a time) and
//! then fetches the items they list that are not stored yet. Each source
//! goes through three steps, each its own transaction:
//!
//! 1. its listing is fetched (conditionally) and read;
//! 2. the items are written down in the ledger as pending, together with
//!    the listing's validators and the source's next due time;
//! 3. each pending item's page is fetched, prepared (extraction, text
//!    stage, features) and stored through [`pipeline::store_batch`], and
//!    the item is marked done in that same transaction.
//!
//! So a crash anywhere loses nothing (a pending item is fetched by the next
//! run, even when the listing then answers 304) and stores nothing twice
//! (an item is done exactly when its article is in).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use serde::Serialize;
use storyline::Location;
use storyline::ingest::{self, Format, RawArticle};
use storyline::pipeline;
use storyline::store::sources::{
    ItemEnd, ListedItem, PendingItem, Source, SourceDocument, SourceFetch,
};
use storyline::store::{Outcome, Store};
use storyline::{NewArticle, Result};
use tokio::sync::{Semaphore, mpsc, oneshot, watch};
use tokio::task::JoinSet;

use crate::listing::{self, Listing};
use crate::workers::Workers;
use crate::{Body, Config, FetchError, Fetched, Fetcher, Validators, stamp};

/// The store, shared with whoever else writes to it (the server).
pub type SharedStore = Arc<tokio::sync::Mutex<Store>>;

/// Item pages fetched at once for one source (its host's turn still lets
/// one request at a time through; this overlaps fetching with preparing).
const ITEMS_AT_ONCE: usize = 4;
/// Articles stored per transaction, at most.
const WRITE_BATCH: usize = 64;
/// Errors listed in a pass report, at most (all are counted).
const REPORTED_ERRORS: usize = 50;

/// Asks a running watch to stop: what is in hand is finished and stored,
/// nothing new is started.
#[derive(Clone, Debug)]
pub struct Stop {
    tx: Arc<watch::Sender<bool>>,
}

impl Default for Stop {
    fn default() -> Self {
        Stop {
            tx: Arc::new(watch::channel(false).0),
        }
    }
}

impl Stop {
    /// A stop that has not been asked for.
    pub fn new() -> Stop {
        Stop::default()
    }

    /// Asks to stop.
    pub fn stop(&self) {
        self.tx.send_replace(true);
    }

    /// Whether a stop was asked for.
    pub fn is_stopped(&self) -> bool {
        *self.tx.borrow()
    }

    /// Waits until a stop is asked for.
    pub async fn stopped(&self) {
        let mut rx = self.tx.subscribe();
        let _ = rx.wait_for(|stopped| *stopped).await;
    }
}

/// A problem met in a pass, with the source it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceError {
    /// The source's id.
    pub source: i64,
    /// The address that failed: the source itself or one of its items.
    pub url: String,
    /// What went wrong.
    pub message: String,
}

/// What one pass did (`storyline watch` prints one per pass).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PassReport {
    /// The pass's number in this run, from 1.
    pub pass: u64,
    /// When it started (RFC 3339).
    pub started_at: String,
    /// How long it took.
    pub seconds: f64,
    /// Sources whose listing was fetched.
    pub sources: u64,
    /// Of those, how many answered 304 Not Modified.
    pub not_modified: u64,
    /// Of those, how many failed.
    pub source_errors: u64,
    /// Sources not due whose pending items were fetched (after a restart).
    pub resumed: u64,
    /// Items listed for the first time.
    pub new_items: u64,
    /// Items listed before whose listing changed.
    pub changed_items: u64,
    /// Item pages fetched.
    pub pages: u64,
    /// Articles added.
    pub added: u64,
    /// Articles updated (a changed page).
    pub updated: u64,
    /// Items whose article was already stored unchanged.
    pub unchanged: u64,
    /// Articles stored from the listing's own text because the page failed.
    pub fallbacks: u64,
    /// Item pages that failed (with or without a fallback).
    pub page_errors: u64,
    /// Items left alone for good: not articles, or disallowed without a
    /// fallback.
    pub skipped: u64,
    /// Items still waiting after the pass (a later pass takes them).
    pub pending: u64,
    /// HTTP requests sent (robots.txt and redirects included).
    pub requests: u64,
    /// Whether the pass ended early because a stop was asked for.
    pub stopped: bool,
    /// The problems met, at most 50 (`source_errors` and `page_errors`
    /// count them all).
    pub errors: Vec<SourceError>,
    /// The process's memory after the pass, once the memory it freed was
    /// handed back (`watch` without `--once`): where it is, apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<PassMemory>,
}

/// Where a watcher's memory is after a pass, in bytes, the way a budget
/// (`--cache-mb`) sets it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PassMemory {
    /// The process's resident set, heap, SQLite's heap and its mapped file
    /// pages.
    #[serde(flatten)]
    pub process: storyline::memory::MemoryUse,
    /// The copies index's recent tier (part of the heap).
    pub recent_tier_bytes: u64,
    /// Words in the shared stem cache, all languages (part of the heap).
    pub stem_cache_words: u64,
    /// What those words weigh, by the cache's own count (part of the
    /// heap; at most `stem_cache_capacity_bytes`).
    pub stem_cache_bytes: u64,
    /// The stem cache's bound, a sixteenth of `--cache-mb`.
    pub stem_cache_capacity_bytes: u64,
}

impl PassReport {
    fn absorb(&mut self, o: SourceOutcome) {
        self.sources += u64::from(o.polled);
        self.resumed += u64::from(!o.polled);
        self.not_modified += u64::from(o.not_modified);
        self.source_errors += u64::from(o.failed);
        self.new_items += o.new_items;
        self.changed_items += o.changed_items;
        self.pages += o.pages;
        self.added += o.added;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
        self.fallbacks += o.fallbacks;
        self.page_errors += o.page_errors;
        self.skipped += o.skipped;
        self.pending += o.pending;
        for e in o.errors {
            if self.errors.len() < REPORTED_ERRORS {
                self.errors.push(e);
            }
        }
    }
}

#[derive(Debug, Default)]
struct SourceOutcome {
    polled: bool,
    not_modified: bool,
    failed: bool,
    new_items: u64,
    changed_items: u64,
    pages: u64,
    added: u64,
    updated: u64,
    unchanged: u64,
    fallbacks: u64,
    page_errors: u64,
    skipped: u64,
    pending: u64,
    errors: Vec<SourceError>,
}

/// Follows the sources kept in the store.
#[derive(Clone)]
pub struct Watcher {
    inner: Arc<Inner>,
}

struct Inner {
    store: SharedStore,
    fetcher: Fetcher,
    config: Config,
    /// Pages prepared at once (extraction and the text stage are CPU work).
    preparing: Semaphore,
    /// The threads that do the blocking work (see [`Workers`]): one per
    /// page prepared at once, and one more so that the store's calls need
    /// not wait behind them for a thread.
    workers: Arc<Workers>,
    passes: std::sync::atomic::AtomicU64,
}

/// An item's result, for the writer.
enum Planned {
    /// Store `article`; `fallback` when it is the listing's text.
    Store {
        /// Taken by the writer.
        article: Option<Box<NewArticle>>,
        page_error: Option<String>,
        fallback: bool,
    },
    Retry {
        error: String,
        counts: bool,
    },
    Failed {
        error: String,
    },
    Skipped {
        reason: String,
    },
}

struct Job {
    source: i64,
    key: String,
    planned: Planned,
    reply: oneshot::Sender<WriteResult>,
}

/// What the writer did with a job's item: its article's outcome, if it
/// stored one.
type WriteResult = std::result::Result<Option<Outcome>, NotStored>;

/// Why an item was not stored.
struct NotStored {
    message: String,
    /// Whether the item is still pending (the write failed and was rolled
    /// back), rather than marked failed for good.
    pending: bool,
}

impl Watcher {
    /// A watcher over `store` with `config`.
    pub fn new(store: SharedStore, config: Config) -> Result<Watcher> {
        let fetcher = Fetcher::new(config.clone())
            .map_err(|e| storyline::Error::invalid(format!("cannot build the HTTP client: {e}")))?;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let workers = Workers::new(cores + 1, "storyline-watch").map_err(|e| {
            storyline::Error::invalid(format!("cannot start the watcher's threads: {e}"))
        })?;
        Ok(Watcher {
            inner: Arc::new(Inner {
                store,
                fetcher,
                config,
                preparing: Semaphore::new(cores),
                workers: Arc::new(workers),
                passes: Default::default(),
            }),
        })
    }

    /// The fetcher (for its counters).
    pub fn fetcher(&self) -> &Fetcher {
        &self.inner.fetcher
    }

    /// One pass over every due source, and over every source with items
    /// left pending by an earlier run; with no time budget unless the
    /// configuration sets one. For `--once`.
    pub async fn once(&self) -> Result<PassReport> {
        self.pass(&Stop::new(), true, self.inner.config.pass_budget)
            .await
    }

    /// Passes until `stop`: each pass when a source is due, and
    /// `on_pass` after each pass that did something. The first pass also
    /// fetches items an earlier run left pending. A pass spends at most the
    /// shortest interval of its sources (10 s at least) fetching items, so
    /// a slow host cannot hold the others' next polls back.
    pub async fn run(&self, stop: &Stop, mut on_pass: impl FnMut(&PassReport)) -> Result<()> {
        let mut first = true;
        while !stop.is_stopped() {
            let budget = match self.inner.config.pass_budget {
                Some(b) => b,
                None => {
                    let shortest = self
                        .with_store(|s| s.sources())
                        .await?
                        .iter()
                        .map(|s| s.every_seconds)
                        .min()
                        .unwrap_or(60);
                    Duration::from_secs(shortest.max(10))
                }
            };
            let mut report = self.pass(stop, first, Some(budget)).await?;
            storyline::memory::release_freed();
            report.memory = Some(
                self.with_store(|s| {
                    Ok(PassMemory {
                        process: storyline::memory::MemoryUse::now(None),
                        recent_tier_bytes: s.copy_index_memory(),
                        stem_cache_words: storyline::text::filters::stem_cache_words() as u64,
                        stem_cache_bytes: storyline::text::filters::stem_cache_bytes(),
                        stem_cache_capacity_bytes: storyline::text::filters::stem_cache_capacity(),
                    })
                })
                .await?,
            );
            first = false;
            if report.sources + report.resumed > 0 {
                on_pass(&report);
            }
            if stop.is_stopped() {
                break;
            }
            let next = self.with_store(|s| s.next_due()).await?;
            let wait = next
                .and_then(|n| chrono::DateTime::parse_from_rfc3339(&n).ok())
                .map(|n| {
                    (n.with_timezone(&Utc) - Utc::now())
                        .to_std()
                        .unwrap_or(Duration::ZERO)
                })
                .unwrap_or(Duration::from_secs(30))
                .clamp(Duration::from_millis(50), Duration::from_secs(30));
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.stopped() => break,
            }
        }
        Ok(())
    }

    async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        with_store(&self.inner.workers, &self.inner.store, f).await
    }

    /// One pass: the due sources (and, with `resume`, every source with
    /// pending items), until done, stopped, or `budget` is spent on items.
    pub async fn pass(
        &self,
        stop: &Stop,
        resume: bool,
        budget: Option<Duration>,
    ) -> Result<PassReport> {
        let started = Instant::now();
        let started_at = Utc::now();
        let number = self
            .inner
            .passes
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        let requests_before = self.inner.fetcher.requests();
        let now = stamp(started_at);
        let (due, waiting) = self
            .with_store(move |s| {
                let due = s.due_sources(&now)?;
                let waiting = if resume {
                    s.sources_with_pending()?
                } else {
                    Vec::new()
                };
                Ok((due, waiting))
            })
            .await?;
        let mut work: Vec<(Source, bool)> = due.into_iter().map(|s| (s, true)).collect();
        for s in waiting {
            if !work.iter().any(|(d, _)| d.id == s.id) {
                work.push((s, false));
            }
        }
        let deadline = budget.map(|b| started + b);
        let (tx, rx) = mpsc::channel::<Job>(WRITE_BATCH * 4);
        let writer = tokio::spawn(write_jobs(
            self.inner.workers.clone(),
            self.inner.store.clone(),
            rx,
        ));
        let slots = Arc::new(Semaphore::new(self.inner.config.concurrency.max(1)));
        let mut tasks = JoinSet::new();
        for (source, poll) in work {
            let watcher = self.clone();
            let stop = stop.clone();
            let tx = tx.clone();
            let slots = slots.clone();
            tasks.spawn(async move {
                let _slot = slots.acquire_owned().await;
                if stop.is_stopped() {
                    return SourceOutcome {
                        polled: poll,
                        ..SourceOutcome::default()
                    };
                }
                watcher.follow(source, poll, deadline, &stop, tx).await
            });
        }
        drop(tx);
        let mut report = PassReport {
            pass: number,
            started_at: stamp(started_at),
            ..PassReport::default()
        };
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(outcome) => report.absorb(outcome),
                Err(e) => report.errors.push(SourceError {
                    source: 0,
                    url: String::new(),
                    message: format!("a source's task failed: {e}"),
                }),
            }
        }
        writer
            .await
            .map_err(|e| storyline::Error::invalid(format!("the store writer failed: {e}")))??;
        report.stopped = stop.is_stopped();
        report.requests = self.inner.fetcher.requests() - requests_before;
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }

    /// Polls one source (when `poll`) and fetches its pending items.
    async fn follow(
        &self,
        source: Source,
        poll: bool,
        deadline: Option<Instant>,
        stop: &Stop,
        writer: mpsc::Sender<Job>,
    ) -> SourceOutcome {
        let mut out = SourceOutcome {
            polled: poll,
            ..SourceOutcome::default()
        };
        if poll && let Err(e) = self.poll(&source, &mut out).await {
            out.errors.push(SourceError {
                source: source.id,
                url: source.url.clone(),
                message: format!("the store failed: {e}"),
            });
            return out;
        }
        let id = source.id;
        let pending = match self.with_store(move |s| s.pending_items(id)).await {
            Ok(p) => p,
            Err(e) => {
                out.errors.push(SourceError {
                    source: source.id,
                    url: source.url.clone(),
                    message: format!("the store failed: {e}"),
                });
                return out;
            }
        };
        let front_page = source.kind.as_deref() == Some("front_page");
        let source = Arc::new(source);
        let slots = Arc::new(Semaphore::new(ITEMS_AT_ONCE));
        let mut tasks = JoinSet::new();
        let total = pending.len() as u64;
        let mut started = 0u64;
        for item in pending {
            // A permit is taken before the checks, so the deadline is
            // checked when an item could actually start.
            let Ok(permit) = slots.clone().acquire_owned().await else {
                break;
            };
            if stop.is_stopped() || deadline.is_some_and(|d| Instant::now() >= d) {
                break;
            }
            started += 1;
            let watcher = self.clone();
            let writer = writer.clone();
            let source = source.clone();
            tasks.spawn(async move {
                let _permit = permit;
                let key = item.key.clone();
                let url = item.url.clone();
                let planned = watcher.item(&source, item, front_page).await;
                let summary = ItemSummary::of(&planned);
                let (reply, answer) = oneshot::channel();
                let job = Job {
                    source: source.id,
                    key,
                    planned,
                    reply,
                };
                let stopped = || NotStored {
                    message: "the writer stopped".into(),
                    pending: true,
                };
                let outcome = match writer.send(job).await {
                    Ok(()) => answer.await.unwrap_or_else(|_| Err(stopped())),
                    Err(_) => Err(stopped()),
                };
                (url, summary, outcome)
            });
        }
        out.pending = total - started;
        while let Some(done) = tasks.join_next().await {
            let Ok((url, summary, outcome)) = done else {
                continue;
            };
            let url = url.unwrap_or_default();
            if summary.page_fetched {
                out.pages += 1;
            }
            if let Some(error) = &summary.page_error {
                out.page_errors += 1;
                out.errors.push(SourceError {
                    source: source.id,
                    url: url.clone(),
                    message: error.clone(),
                });
            }
            match outcome {
                Ok(Some(o)) => {
                    match o {
                        Outcome::Added(_) => out.added += 1,
                        Outcome::Updated(_) => out.updated += 1,
                        Outcome::Unchanged(_) => out.unchanged += 1,
                    }
                    out.fallbacks += u64::from(summary.fallback);
                }
                Ok(None) => {
                    out.skipped += u64::from(summary.skipped);
                    out.pending += u64::from(summary.retry);
                }
                Err(e) => {
                    out.pending += u64::from(e.pending);
                    out.errors.push(SourceError {
                        source: source.id,
                        url,
                        message: format!("not stored: {}", e.message),
                    });
                }
            }
        }
        out
    }

    /// Fetches and reads a source's listing, and records it with the
    /// source's new state in one transaction.
    async fn poll(&self, source: &Source, out: &mut SourceOutcome) -> Result<()> {
        let started_at = Utc::now();
        let every = Duration::from_secs(source.every_seconds.max(1));
        let validators = Validators {
            etag: source.etag.clone(),
            last_modified: source.last_modified.clone(),
        };
        let fetched = self.inner.fetcher.get(&source.url, &validators).await;
        let at = stamp(Utc::now());
        let on_time = stamp(started_at + every);
        let id = source.id;
        let (status, result) = match fetched {
            Ok(Fetched::NotModified) => {
                out.not_modified = true;
                self.with_store(move |s| {
                    let b = s.begin()?;
                    b.record_source_fetch(id, &at, Some(304), SourceFetch::NotModified, &on_time)?;
                    b.commit()
                })
                .await?;
                return Ok(());
            }
            Ok(Fetched::Body(body)) => {
                let status = body.status;
                (
                    Some(status),
                    self.read_listing(source, body).await.map_err(|e| (e, None)),
                )
            }
            Err(e) => (status_of(&e), Err((e.to_string(), wait_of(&e)))),
        };
        match result {
            Ok((kind, items, docs)) => {
                let (etag, last_modified) = (docs.0.clone(), docs.1.clone());
                let children = docs.2;
                let counts = self
                    .with_store(move |s| {
                        let b = s.begin()?;
                        let counts = b.record_listing(id, &items, &at)?;
                        for doc in &children {
                            b.save_source_document(id, doc, &at)?;
                        }
                        b.record_source_fetch(
                            id,
                            &at,
                            status,
                            SourceFetch::Modified {
                                kind,
                                etag: etag.as_deref(),
                                last_modified: last_modified.as_deref(),
                            },
                            &on_time,
                        )?;
                        b.commit()?;
                        Ok(counts)
                    })
                    .await?;
                out.new_items += counts.new;
                out.changed_items += counts.changed;
            }
            Err((error, asked)) => {
                out.failed = true;
                let errors = source.consecutive_errors + 1;
                let wait = backoff(every, errors).max(asked.unwrap_or_default());
                let next = stamp(Utc::now() + wait);
                out.errors.push(SourceError {
                    source: id,
                    url: source.url.clone(),
                    message: error.clone(),
                });
                self.with_store(move |s| {
                    let b = s.begin()?;
                    b.record_source_fetch(
                        id,
                        &at,
                        status,
                        SourceFetch::Failed { error: &error },
                        &next,
                    )?;
                    b.commit()
                })
                .await?;
            }
        }
        Ok(())
    }

    /// Reads a fetched listing into items; a sitemap index's changed child
    /// sitemaps are fetched (conditionally) and read too.
    #[allow(clippy::type_complexity)]
    async fn read_listing(
        &self,
        source: &Source,
        body: Body,
    ) -> std::result::Result<
        (
            &'static str,
            Vec<ListedItem>,
            (Option<String>, Option<String>, Vec<SourceDocument>),
        ),
        String,
    > {
        let limit = self.inner.config.max_page_size;
        let validators = (body.etag.clone(), body.last_modified.clone());
        let listing = parse_blocking(&self.inner.workers, body, limit).await?;
        let kind = listing.kind();
        let items = match listing {
            Listing::Feed(items) | Listing::Sitemap(items) | Listing::FrontPage(items) => items,
            Listing::SitemapIndex(children) => {
                let id = source.id;
                let known = self
                    .with_store(move |s| s.source_documents(id))
                    .await
                    .map_err(|e| e.to_string())?;
                let (items, docs) = self.read_children(children, known).await;
                return Ok((kind, items, (validators.0, validators.1, docs)));
            }
        };
        Ok((kind, items, (validators.0, validators.1, Vec::new())))
    }

    async fn read_children(
        &self,
        children: Vec<(String, Option<String>)>,
        known: Vec<SourceDocument>,
    ) -> (Vec<ListedItem>, Vec<SourceDocument>) {
        let limit = self.inner.config.max_page_size;
        // New and changed children first, most recently changed first; an
        // unchanged child (same <lastmod>) is not fetched again.
        let mut todo: Vec<(String, Option<String>, Option<SourceDocument>)> = children
            .into_iter()
            .filter_map(|(url, lastmod)| {
                let prior = known.iter().find(|d| d.url == url).cloned();
                match &prior {
                    Some(p) if lastmod.is_some() && p.lastmod == lastmod => None,
                    _ => Some((url, lastmod, prior)),
                }
            })
            .collect();
        todo.sort_by(|a, b| b.1.cmp(&a.1));
        todo.truncate(self.inner.config.max_child_sitemaps);
        let mut items = Vec::new();
        let mut docs = Vec::new();
        let mut queue: std::collections::VecDeque<_> = todo.into();
        let mut nested = 0;
        while let Some((url, lastmod, prior)) = queue.pop_front() {
            let validators = Validators {
                etag: prior.as_ref().and_then(|p| p.etag.clone()),
                last_modified: prior.as_ref().and_then(|p| p.last_modified.clone()),
            };
            match self.inner.fetcher.get(&url, &validators).await {
                Ok(Fetched::NotModified) => docs.push(SourceDocument {
                    url,
                    lastmod,
                    ..prior.unwrap_or_default()
                }),
                Ok(Fetched::Body(body)) => {
                    let (etag, last_modified) = (body.etag.clone(), body.last_modified.clone());
                    match parse_blocking(&self.inner.workers, body, limit).await {
                        Ok(Listing::Sitemap(more)) => {
                            items.extend(more);
                            docs.push(SourceDocument {
                                url,
                                etag,
                                last_modified,
                                lastmod,
                            });
                        }
                        // An index inside an index: one level is followed.
                        Ok(Listing::SitemapIndex(grand))
                            if nested < self.inner.config.max_child_sitemaps =>
                        {
                            for (u, l) in grand {
                                nested += 1;
                                queue.push_back((u, l, None));
                                if nested >= self.inner.config.max_child_sitemaps {
                                    break;
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Err(_) => {}
            }
        }
        (items, docs)
    }

    /// Fetches and prepares one item, or says why not.
    async fn item(&self, source: &Source, item: PendingItem, front_page: bool) -> Planned {
        let listed = item.feed_item.clone();
        let Some(url) = item.url.clone() else {
            return self.fallback(source, listed, None).await;
        };
        let fetched = self.inner.fetcher.get(&url, &Validators::default()).await;
        let error = match fetched {
            Ok(Fetched::Body(body)) => {
                match self.prepare_page(source, body, listed.clone()).await {
                    Ok(article) => {
                        return Planned::Store {
                            article: Some(Box::new(article)),
                            page_error: None,
                            fallback: false,
                        };
                    }
                    Err(PageError::NotArticle(why)) if front_page => {
                        return Planned::Skipped { reason: why };
                    }
                    Err(PageError::NotArticle(why) | PageError::Other(why)) => why,
                }
            }
            Ok(Fetched::NotModified) => "HTTP 304 to an unconditional request".to_string(),
            Err(FetchError::Throttled { status, wait }) => {
                return Planned::Retry {
                    error: format!("HTTP {status}: the host asks to wait {}s", wait.as_secs()),
                    counts: false,
                };
            }
            Err(e) if e.is_transient() && item.attempts + 1 < self.inner.config.max_attempts => {
                return Planned::Retry {
                    error: e.to_string(),
                    counts: true,
                };
            }
            Err(e @ FetchError::Disallowed(_)) if !has_text(&listed) => {
                return Planned::Skipped {
                    reason: e.to_string(),
                };
            }
            Err(e) => e.to_string(),
        };
        self.fallback(source, listed, Some(error)).await
    }

    /// The listing's own article, when it has text; else the item failed.
    async fn fallback(
        &self,
        source: &Source,
        listed: Option<RawArticle>,
        page_error: Option<String>,
    ) -> Planned {
        let Some(raw) = listed.filter(|a| !a.text.trim().is_empty()) else {
            return Planned::Failed {
                error: page_error.unwrap_or_else(|| "the item has no link and no text".into()),
            };
        };
        let origin = Location {
            source: Some(source.url.clone()),
            line: None,
            record: None,
        };
        let _slot = self.inner.preparing.acquire().await;
        let prepared = self
            .inner
            .workers
            .run(move || pipeline::new_article(raw, Format::Feed, origin))
            .await;
        match prepared {
            Ok(Ok(article)) => Planned::Store {
                fallback: page_error.is_some(),
                article: Some(Box::new(article)),
                page_error,
            },
            Ok(Err(e)) => Planned::Failed {
                error: match page_error {
                    Some(p) => format!("{p}; the feed's text: {}", e.message()),
                    None => e.message(),
                },
            },
            Err(e) => Planned::Failed {
                error: format!("preparing the article failed: {e}"),
            },
        }
    }

    async fn prepare_page(
        &self,
        source: &Source,
        body: Body,
        listed: Option<RawArticle>,
    ) -> std::result::Result<NewArticle, PageError> {
        if let Some(ct) = body.content_type.as_deref() {
            let ct = ct.to_ascii_lowercase();
            if !(ct.contains("html") || ct.starts_with("text/plain")) {
                return Err(PageError::NotArticle(format!(
                    "not an HTML page ({})",
                    ct.split(';').next().unwrap_or("").trim()
                )));
            }
        }
        let source_url = source.url.clone();
        let _slot = self.inner.preparing.acquire().await;
        self.inner
            .workers
            .run(move || {
                let page_url = body.url.to_string();
                let charset = body.charset();
                let fetched_at = stamp(Utc::now());
                let mut raw = ingest::read_page(
                    &body.bytes,
                    charset.as_deref(),
                    Some(page_url.clone()),
                    Some(fetched_at),
                    &ingest::HtmlLimits::default(),
                    &storyline::Cancel::new(),
                )
                .map_err(|e| {
                    PageError::NotArticle(format!("no article in the page: {}", e.message()))
                })?;
                if let Some(l) = listed {
                    merge_listing(&mut raw, l);
                }
                raw.metadata
                    .insert("watched_from".into(), source_url.into());
                let origin = Location {
                    source: Some(page_url),
                    line: None,
                    record: None,
                };
                pipeline::new_article(raw, Format::Html, origin).map_err(|e| {
                    PageError::NotArticle(format!("no article in the page: {}", e.message()))
                })
            })
            .await
            .map_err(|e| PageError::Other(format!("preparing the page failed: {e}")))?
    }
}

enum PageError {
    /// The page has no article (extraction found no main text).
    NotArticle(String),
    Other(String),
}

/// What the report needs to know of an item's plan once it is handed over.
struct ItemSummary {
    page_fetched: bool,
    page_error: Option<String>,
    fallback: bool,
    skipped: bool,
    retry: bool,
}

impl ItemSummary {
    fn of(p: &Planned) -> Self {
        match p {
            Planned::Store {
                page_error,
                fallback,
                ..
            } => ItemSummary {
                page_fetched: page_error.is_none() && !fallback,
                page_error: page_error.clone(),
                fallback: *fallback,
                skipped: false,
                retry: false,
            },
            Planned::Retry { error, .. } => ItemSummary {
                page_fetched: false,
                page_error: Some(error.clone()),
                fallback: false,
                skipped: false,
                retry: true,
            },
            Planned::Failed { error } => ItemSummary {
                page_fetched: false,
                page_error: Some(error.clone()),
                fallback: false,
                skipped: false,
                retry: false,
            },
            Planned::Skipped { .. } => ItemSummary {
                page_fetched: false,
                page_error: None,
                fallback: false,
                skipped: true,
                retry: false,
            },
        }
    }
}

fn has_text(listed: &Option<RawArticle>) -> bool {
    listed.as_ref().is_some_and(|a| !a.text.trim().is_empty())
}

/// Fills what the page lacks from what the listing said of it.
fn merge_listing(page: &mut RawArticle, listed: RawArticle) {
    if page.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        page.title = listed.title;
    }
    if page.published.is_none() {
        page.published = listed.published;
    }
    if page.author.is_none() {
        page.author = listed.author;
    }
    if page.source.is_none() {
        page.source = listed.source;
    }
    if let Some(u) = listed.url
        && page.url.as_deref() != Some(u.as_str())
    {
        page.metadata.insert("listed_url".into(), u.into());
    }
}

/// The wait after `errors` failures in a row: the interval, doubled for
/// each failure after the first, at most a day (or the interval, if
/// longer).
fn backoff(every: Duration, errors: u32) -> Duration {
    let factor = 1u32 << errors.saturating_sub(1).min(16);
    let cap = every.max(Duration::from_secs(24 * 3600));
    every.saturating_mul(factor).min(cap)
}

fn status_of(e: &FetchError) -> Option<u16> {
    match e {
        FetchError::Status(s) => Some(*s),
        FetchError::Throttled { status, .. } => Some(*status),
        _ => None,
    }
}

/// The wait a host asked for.
fn wait_of(e: &FetchError) -> Option<Duration> {
    match e {
        FetchError::Throttled { wait, .. } => Some(*wait),
        _ => None,
    }
}

async fn parse_blocking(
    workers: &Workers,
    body: Body,
    limit: u64,
) -> std::result::Result<Listing, String> {
    workers
        .run(move || listing::parse(&body, limit).map_err(|e| e.to_string()))
        .await
        .map_err(|e| format!("reading the listing failed: {e}"))?
}

pub(crate) async fn with_store<T: Send + 'static>(
    workers: &Workers,
    store: &SharedStore,
    f: impl FnOnce(&mut Store) -> Result<T> + Send + 'static,
) -> Result<T> {
    let mut guard = store.clone().lock_owned().await;
    workers
        .run(move || f(&mut guard))
        .await
        .map_err(|e| storyline::Error::invalid(format!("a store call failed: {e}")))?
}

/// The one writer of a pass: takes the items as they are ready and stores
/// them in batches, each item's ledger entry in the transaction that
/// stores its article.
async fn write_jobs(
    workers: Arc<Workers>,
    store: SharedStore,
    mut rx: mpsc::Receiver<Job>,
) -> Result<()> {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < WRITE_BATCH {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let mut guard = store.clone().lock_owned().await;
        let done = workers
            .run(move || {
                let results = write_guarded(&mut guard, &mut jobs);
                (jobs, results)
            })
            .await;
        let (jobs, results) = match done {
            Ok(r) => r,
            Err(e) => {
                return Err(storyline::Error::invalid(format!(
                    "the store writer failed: {e}"
                )));
            }
        };
        for (job, result) in jobs.into_iter().zip(results) {
            let _ = job.reply.send(result);
        }
    }
    Ok(())
}

/// [`write_batch`], guarded against a bug in a stage: when the batch
/// panics, its transaction is rolled back (dropped in the unwind) and its
/// items are written again one at a time, so only an article that panics
/// on its own is lost, and its item is marked failed with the panic's
/// message instead of stopping the watcher.
fn write_guarded(store: &mut Store, jobs: &mut [Job]) -> Vec<WriteResult> {
    let (articles, index) = take_articles(jobs);
    let whole = catch_unwind(AssertUnwindSafe(|| {
        write_batch(store, jobs, &articles, &index)
    }));
    match whole {
        Ok(Ok(outcomes)) => return outcomes.into_iter().map(Ok).collect(),
        Ok(Err(e)) => {
            let message = e.to_string();
            return jobs
                .iter()
                .map(|_| {
                    Err(NotStored {
                        message: message.clone(),
                        pending: true,
                    })
                })
                .collect();
        }
        Err(_) => {}
    }
    let mut results = Vec::with_capacity(jobs.len());
    for (i, at) in index.iter().enumerate() {
        let job = &mut jobs[i..=i];
        let article = at
            .map(|a| std::slice::from_ref(&articles[a]))
            .unwrap_or(&[]);
        let one = catch_unwind(AssertUnwindSafe(|| {
            write_batch(store, job, article, &[at.map(|_| 0)])
        }));
        results.push(match one {
            Ok(Ok(mut outcome)) => Ok(outcome.pop().flatten()),
            Ok(Err(e)) => Err(NotStored {
                message: e.to_string(),
                pending: true,
            }),
            Err(panic) => {
                let error = format!("storing the article panicked: {}", panic_message(&*panic));
                job[0].planned = Planned::Failed {
                    error: error.clone(),
                };
                let failed =
                    catch_unwind(AssertUnwindSafe(|| write_batch(store, job, &[], &[None])));
                Err(NotStored {
                    message: error,
                    pending: !matches!(failed, Ok(Ok(_))),
                })
            }
        });
    }
    results
}

/// What a panic said.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

/// Takes the articles out of the jobs that store one, and says which
/// article each job has.
fn take_articles(jobs: &mut [Job]) -> (Vec<NewArticle>, Vec<Option<usize>>) {
    let mut articles = Vec::new();
    let mut index = Vec::with_capacity(jobs.len());
    for job in jobs.iter_mut() {
        match &mut job.planned {
            Planned::Store { article, .. } => match article.take() {
                Some(a) => {
                    index.push(Some(articles.len()));
                    articles.push(*a);
                }
                None => index.push(None),
            },
            _ => index.push(None),
        }
    }
    (articles, index)
}

/// Stores `articles` and ends each job's item in the ledger, in one
/// transaction; `index` says which article each job has.
fn write_batch(
    store: &mut Store,
    jobs: &[Job],
    articles: &[NewArticle],
    index: &[Option<usize>],
) -> Result<Vec<Option<Outcome>>> {
    let at = crate::now();
    let stored = pipeline::store_batch(
        store,
        articles,
        &storyline::Cancel::new(),
        |batch, outcomes| {
            for (job, i) in jobs.iter().zip(index) {
                let end = match (&job.planned, i) {
                    (Planned::Store { page_error, .. }, Some(i)) => {
                        let (Outcome::Added(id) | Outcome::Updated(id) | Outcome::Unchanged(id)) =
                            outcomes[*i];
                        ItemEnd::Stored {
                            article_id: id,
                            changed: !matches!(outcomes[*i], Outcome::Unchanged(_)),
                            page_error: page_error.as_deref(),
                        }
                    }
                    (Planned::Retry { error, counts }, _) => ItemEnd::Retry {
                        error,
                        counts: *counts,
                    },
                    (Planned::Failed { error }, _) => ItemEnd::Failed { error },
                    (Planned::Skipped { reason }, _) => ItemEnd::Skipped { reason },
                    (Planned::Store { .. }, None) => ItemEnd::Retry {
                        error: "the article was lost on its way to the store",
                        counts: true,
                    },
                };
                batch.finish_item(job.source, &job.key, end, &at)?;
            }
            Ok(())
        },
    )?;
    Ok(index
        .iter()
        .map(|i| i.map(|i| stored.outcomes[i]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(store: &mut Store, source: i64, n: usize, text: &str) -> Job {
        let url = format!("https://news.example/2025/story-{n}.html");
        let key = ingest::identity_key(Some(&url), "");
        let raw = RawArticle {
            title: Some(format!("Story {n}")),
            url: Some(url.clone()),
            text: text.into(),
            ..RawArticle::default()
        };
        let batch = store.begin().unwrap();
        batch
            .record_listing(
                source,
                &[ListedItem {
                    key: key.clone(),
                    url: Some(url),
                    fingerprint: Some("f".into()),
                    feed_item: None,
                }],
                &crate::now(),
            )
            .unwrap();
        batch.commit().unwrap();
        let article = pipeline::new_article(raw, Format::Feed, Location::default()).unwrap();
        Job {
            source,
            key,
            planned: Planned::Store {
                article: Some(Box::new(article)),
                page_error: None,
                fallback: false,
            },
            reply: oneshot::channel().0,
        }
    }

    /// A stage that panics on one article (here, sentence spans past the
    /// end of its text) costs that article alone: the batch is written
    /// again one item at a time, the others are stored, and the culprit's
    /// item is marked failed with the panic's message.
    #[test]
    fn a_panicking_article_fails_alone() {
        let mut store = Store::open_in_memory().unwrap();
        let (source, _) = store
            .add_source("https://news.example/rss", None, 600, &crate::now())
            .unwrap();
        let text = "The council voted on Tuesday to close the old bridge. \
                    Repairs will take two years, the mayor said.";
        let mut jobs = vec![
            job(&mut store, source, 1, text),
            job(
                &mut store,
                source,
                2,
                "A second, unrelated report about the harbour. It reopens in May.",
            ),
            job(
                &mut store,
                source,
                3,
                "A third report, on the schools. They open late this winter.",
            ),
        ];
        let Planned::Store {
            article: Some(broken),
            ..
        } = &mut jobs[1].planned
        else {
            unreachable!()
        };
        broken.analyzed.text.truncate(10);
        let results = write_guarded(&mut store, &mut jobs);
        assert!(matches!(results[0], Ok(Some(Outcome::Added(_)))));
        assert!(matches!(results[2], Ok(Some(Outcome::Added(_)))));
        let Err(e) = &results[1] else {
            panic!("the broken article was stored")
        };
        assert!(e.message.contains("panicked"), "{}", e.message);
        assert!(!e.pending);
        assert_eq!(store.stats().unwrap().articles, 2);
        let state = |j: &Job| store.watch_item(&j.key).unwrap().unwrap().0;
        assert_eq!(state(&jobs[0]), "done");
        assert_eq!(state(&jobs[1]), "failed");
        assert_eq!(state(&jobs[2]), "done");
        let s = store.source(source).unwrap().unwrap();
        assert!(s.last_page_error.unwrap().contains("panicked"));
    }

    #[test]
    fn backoff_doubles_up_to_a_day() {
        let m = Duration::from_secs(60);
        assert_eq!(backoff(m, 1), m);
        assert_eq!(backoff(m, 2), 2 * m);
        assert_eq!(backoff(m, 4), 8 * m);
        assert_eq!(backoff(m, 40), Duration::from_secs(24 * 3600));
        let week = Duration::from_secs(7 * 24 * 3600);
        assert_eq!(backoff(week, 5), week);
    }

    #[test]
    fn the_page_keeps_its_own_and_takes_what_it_lacks() {
        let mut page = RawArticle {
            url: Some("https://n.example/a".into()),
            title: Some("Page title".into()),
            text: "Page text.".into(),
            ..RawArticle::default()
        };
        merge_listing(
            &mut page,
            RawArticle {
                url: Some("https://n.example/a?from=rss".into()),
                title: Some("Feed title".into()),
                published: Some("2026-01-02T10:00:00Z".into()),
                author: Some("A. Writer".into()),
                text: "Feed summary.".into(),
                ..RawArticle::default()
            },
        );
        assert_eq!(page.title.as_deref(), Some("Page title"));
        assert_eq!(page.text, "Page text.");
        assert_eq!(page.published.as_deref(), Some("2026-01-02T10:00:00Z"));
        assert_eq!(page.author.as_deref(), Some("A. Writer"));
        assert_eq!(page.metadata["listed_url"], "https://n.example/a?from=rss");
    }
}
