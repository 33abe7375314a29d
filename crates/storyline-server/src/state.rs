//! The server's hold on the store: a fixed pool of read connections and one
//! writer. A rusqlite connection is not `Sync`, and every store call blocks,
//! so each call runs on tokio's blocking threads with a connection of its
//! own; SQLite's WAL lets the readers go on while the writer commits.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use storyline::Cancel;
use storyline::ingest::IngestOptions;
use storyline::store::{CacheBudget, Reader, Store};
use tokio::sync::Semaphore;

use crate::connection::ConnectionLimits;
use crate::error::ApiError;
use crate::rate_limit::RateLimiter;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The database file.
    pub db: PathBuf,
    /// The bearer token that writes need; without one the server is
    /// read-only.
    pub token: Option<String>,
    /// Read connections (at least 1).
    pub readers: usize,
    /// Largest request body accepted, in bytes.
    pub max_body: usize,
    /// How long a read may take before the client gets 408.
    pub read_timeout: Duration,
    /// How long a read waits for a free read connection before the client
    /// gets 503 with `Retry-After` (every connection taken by slow reads).
    pub read_wait: Duration,
    /// How long a write waits for the one writer (held by an earlier write
    /// or by the watcher) before the client gets 503 with `Retry-After`.
    pub write_wait: Duration,
    /// How long a write (an ingest) may take before the client gets 408.
    /// The ingest then stops (between records, between stages and inside
    /// extraction) and the writer is free for the next write; the batches
    /// committed before stay, the one under way is rolled back.
    pub write_timeout: Duration,
    /// Whether this server also follows the live sources (`serve
    /// --watch`); the Sources page says so.
    pub watching: bool,
    /// Writes the token holder may make per second, on average.
    pub write_rate: f64,
    /// Writes the token holder may make at once before the rate applies.
    pub write_burst: u32,
    /// Writes without a valid token each client address may try per
    /// second, on average (they are answered 401 or 403, but cost a try).
    pub unauthenticated_rate: f64,
    /// Writes without a valid token each client address may try at once.
    pub unauthenticated_burst: u32,
    /// Never write to the database: writes get 403. Set by itself when the
    /// database cannot be written.
    pub read_only: bool,
    /// The bounds on what one posted record may cost (sizes, HTML depth and
    /// elements).
    pub ingest: IngestOptions,
    /// Connections open at once, the header timeout and the head limits.
    pub connections: ConnectionLimits,
    /// Run `PRAGMA quick_check` when opening (a damaged database is
    /// refused with one message).
    pub check_at_start: bool,
    /// The memory the store's caches may take, in MiB, for the whole
    /// server: shared among the writer and the read connections (see
    /// [`CacheBudget`]).
    pub cache_mb: u64,
}

/// The server's memory budget when none is given, in MiB: its page caches
/// and mapped reads are shared among every read connection, so a server
/// with many of them still stays within it.
pub const DEFAULT_CACHE_MB: u64 = 256;

impl Config {
    /// Defaults for a database file.
    pub fn new(db: impl Into<PathBuf>) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Config {
            db: db.into(),
            token: None,
            readers: (2 * cores).max(4),
            max_body: 16 << 20,
            read_timeout: Duration::from_secs(30),
            read_wait: Duration::from_secs(10),
            write_wait: Duration::from_secs(60),
            write_timeout: Duration::from_secs(300),
            write_rate: 2.0,
            write_burst: 10,
            watching: false,
            unauthenticated_rate: 0.2,
            unauthenticated_burst: 5,
            read_only: false,
            ingest: IngestOptions::default(),
            connections: ConnectionLimits::default(),
            check_at_start: true,
            cache_mb: DEFAULT_CACHE_MB,
        }
    }
}

/// Shared state of the server; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: Config,
    readers: Mutex<Vec<Store>>,
    permits: Arc<Semaphore>,
    /// `None` on a read-only store.
    writer: Option<Arc<tokio::sync::Mutex<Store>>>,
    /// The token holder's writes.
    pub(crate) limiter: RateLimiter<()>,
    /// Writes without a valid token, per client address.
    pub(crate) unauthenticated: RateLimiter<std::net::IpAddr>,
}

fn busy(what: &str) -> storyline::Error {
    storyline::Error::Busy(what.into())
}

/// Hands a connection back to the pool even when the call panics.
struct Lease<'a> {
    store: Option<Store>,
    pool: &'a Mutex<Vec<Store>>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(s) = self.store.take() {
            self.pool.lock().unwrap_or_else(|p| p.into_inner()).push(s);
        }
    }
}

impl AppState {
    /// Opens the database (creating it if needed): the writer first, which
    /// brings the schema up to date and gives any article from before the
    /// stories and quotes stages their story and attributions, then the
    /// readers.
    ///
    /// A database that cannot be written (or `config.read_only`) is opened
    /// read-only: readers only, and writes get 403.
    pub fn open(mut config: Config) -> storyline::Result<AppState> {
        let budget = CacheBudget::share(config.cache_mb, config.readers.max(1) + 1);
        let mut first = if config.read_only {
            Store::open_read_only(&config.db)?
        } else {
            Store::open_for_reading(&config.db)?
        };
        first.apply_cache_budget(budget)?;
        if config.check_at_start {
            first.quick_check().map_err(|e| e.with_path(&config.db))?;
        }
        config.read_only = first.is_read_only();
        let writer = if config.read_only {
            None
        } else {
            let mut writer = first;
            // Articles stored before the stories and quotes stages (or by an
            // older extractor) get their story and attributions now, not on
            // every read of their story.
            storyline::pipeline::catch_up(&mut writer)?;
            Some(Arc::new(tokio::sync::Mutex::new(writer)))
        };
        // All readers are opened now: opening one takes the write lock
        // briefly (for the schema check), which would wait on an ingest.
        let readers = (0..config.readers.max(1))
            .map(|_| -> storyline::Result<Store> {
                let mut reader = if config.read_only {
                    Store::open_read_only(&config.db)
                } else {
                    Store::open(&config.db)
                }?;
                reader.apply_cache_budget(budget.for_reader())?;
                Ok(reader)
            })
            .collect::<storyline::Result<Vec<_>>>()?;
        let limiter = RateLimiter::new(config.write_rate, config.write_burst);
        let unauthenticated =
            RateLimiter::new(config.unauthenticated_rate, config.unauthenticated_burst);
        Ok(AppState {
            inner: Arc::new(Inner {
                permits: Arc::new(Semaphore::new(readers.len())),
                readers: Mutex::new(readers),
                writer,
                limiter,
                unauthenticated,
                config,
            }),
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Runs `f` with a read connection, on a blocking thread, waiting for a
    /// free connection first.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Reader) -> storyline::Result<T> + Send + 'static,
    {
        let waiting = self.inner.permits.clone().acquire_owned();
        let permit = match tokio::time::timeout(self.inner.config.read_wait, waiting).await {
            Ok(permit) => permit.map_err(ApiError::internal)?,
            Err(_) => return Err(busy("every read connection is taken").into()),
        };
        let inner = self.inner.clone();
        let joined = tokio::task::spawn_blocking(move || {
            // The permit travels with the call: when a timeout drops the
            // request, the connection stays counted as busy until the call
            // actually ends.
            let _permit = permit;
            let store = inner
                .readers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .pop();
            let lease = Lease {
                store,
                pool: &inner.readers,
            };
            match &lease.store {
                Some(store) => store.snapshot(f),
                None => Err(busy("no free read connection")),
            }
        })
        .await;
        match joined {
            Ok(r) => r.map_err(ApiError::from),
            Err(e) => Err(ApiError::internal(format!("a read failed: {e}"))),
        }
    }

    /// The one write connection, for a writer that runs beside the
    /// requests (the watcher of `serve --watch`): its writes take turns with
    /// `POST /api/articles`. None when the store is read-only.
    pub fn writer(&self) -> Option<Arc<tokio::sync::Mutex<Store>>> {
        self.inner.writer.clone()
    }

    /// Runs `f` with the one write connection, on a blocking thread, after
    /// the writes queued before it. `f` gets a [`Cancel`] that is raised
    /// when the request is dropped (it timed out, or its client left): the
    /// work stops and the writer is free for the next write.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store, Cancel) -> storyline::Result<T> + Send + 'static,
    {
        let Some(writer) = &self.inner.writer else {
            return Err(ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "the database is read-only here: writes are not accepted",
            ));
        };
        let cancel = Cancel::new();
        let on_drop = cancel.on_drop();
        let waiting = writer.clone().lock_owned();
        let mut guard = match tokio::time::timeout(self.inner.config.write_wait, waiting).await {
            Ok(guard) => guard,
            Err(_) => {
                on_drop.disarm();
                return Err(busy("the writer is taken by earlier writes").into());
            }
        };
        let joined = tokio::task::spawn_blocking(move || f(&mut guard, cancel)).await;
        on_drop.disarm();
        match joined {
            Ok(Err(storyline::Error::Cancelled)) => Err(ApiError::new(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                "the request took too long and was stopped",
            )),
            Ok(r) => r.map_err(ApiError::from),
            Err(e) => Err(ApiError::internal(format!("a write failed: {e}"))),
        }
    }

    /// Whether writes are refused because the database is read-only.
    pub fn is_read_only(&self) -> bool {
        self.inner.writer.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;

    /// `--cache-mb` reaches every connection the server opens: the
    /// writer's and each reader's `cache_size` and `mmap_size`, read back
    /// from SQLite, with the budget shared among them.
    #[test]
    fn the_cache_budget_reaches_every_connection() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path().join("budget.db"));
        config.readers = 3;
        config.cache_mb = 64;
        let state = AppState::open(config).unwrap();
        // 64 MiB over four connections: 4 MiB of page cache and 4 MiB of
        // mapped file each, and 28 MiB of recent tier and the process's
        // 4 MiB stem cache set by the writer only.
        let writer = state.writer().unwrap();
        let writer = writer.try_lock().unwrap().cache_budget().unwrap();
        assert_eq!(
            writer,
            CacheBudget {
                page_cache_bytes: 4 << 20,
                mmap_bytes: 4 << 20,
                recent_tier_bytes: 28 << 20,
                stem_cache_bytes: 4 << 20,
            }
        );
        let readers = state.inner.readers.lock().unwrap();
        assert_eq!(readers.len(), 3);
        for reader in readers.iter() {
            assert_eq!(
                reader.cache_budget().unwrap(),
                CacheBudget {
                    recent_tier_bytes: 0,
                    stem_cache_bytes: 0,
                    ..writer
                }
            );
        }
    }

    /// With every read connection taken, a read waits `read_wait`, then
    /// gets 503 with `Retry-After`; once a connection is free, reads go on.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_read_with_every_connection_taken_is_busy() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path().join("busy.db"));
        config.readers = 1;
        config.read_wait = Duration::from_millis(100);
        let state = AppState::open(config).unwrap();
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started, running) = tokio::sync::oneshot::channel::<()>();
        let slow = tokio::spawn({
            let state = state.clone();
            async move {
                state
                    .read(move |r| {
                        let _ = started.send(());
                        let _ = held.recv();
                        r.stats()
                    })
                    .await
            }
        });
        running.await.unwrap();
        let err = match state.read(|r| r.stats()).await {
            Err(e) => e,
            Ok(_) => panic!("a read got a connection the slow read holds"),
        };
        assert_eq!(err.status, StatusCode::SERVICE_UNAVAILABLE);
        let res = err.into_response();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        let after: u64 = res.headers()[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(after >= 1);
        release.send(()).unwrap();
        assert!(slow.await.unwrap().is_ok());
        assert!(state.read(|r| r.stats()).await.is_ok());
    }
}
