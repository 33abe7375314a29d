//! The server's hold on the store: a fixed pool of read connections and one
//! writer. A rusqlite connection is not `Sync`, and every store call blocks,
//! so each call runs on tokio's blocking threads with a connection of its
//! own; SQLite's WAL lets the readers go on while the writer commits.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use storyline::store::{Reader, Store};
use tokio::sync::Semaphore;

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
    /// How long a write (an ingest) may take before the client gets 408.
    /// The ingest itself still finishes: a batch is committed whole or not
    /// at all.
    pub write_timeout: Duration,
    /// Whether this server also follows the live sources (`serve
    /// --watch`); the Sources page says so.
    pub watching: bool,
    /// Writes each client may make per second, on average.
    pub write_rate: f64,
    /// Writes a client may make at once before the rate applies.
    pub write_burst: u32,
}

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
            write_timeout: Duration::from_secs(300),
            write_rate: 2.0,
            write_burst: 10,
            watching: false,
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
    writer: Arc<tokio::sync::Mutex<Store>>,
    pub(crate) limiter: RateLimiter,
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
    pub fn open(config: Config) -> storyline::Result<AppState> {
        let mut writer = Store::open(&config.db)?;
        storyline::pipeline::stories::backfill(&mut writer)?;
        // Articles stored before the quotes stage (or by an older extractor)
        // get their attributions now, not on every read of their story.
        storyline::pipeline::quotes::backfill(&mut writer)?;
        // All readers are opened now: opening one takes the write lock
        // briefly (for the schema check), which would wait on an ingest.
        let readers = (0..config.readers.max(1))
            .map(|_| Store::open(&config.db))
            .collect::<storyline::Result<Vec<_>>>()?;
        let limiter = RateLimiter::new(config.write_rate, config.write_burst);
        Ok(AppState {
            inner: Arc::new(Inner {
                permits: Arc::new(Semaphore::new(readers.len())),
                readers: Mutex::new(readers),
                writer: Arc::new(tokio::sync::Mutex::new(writer)),
                limiter,
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
        let permit = self
            .inner
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(ApiError::internal)?;
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
                None => Err(storyline::Error::invalid("no free read connection")),
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
    /// `POST /api/articles`.
    pub fn writer(&self) -> Arc<tokio::sync::Mutex<Store>> {
        self.inner.writer.clone()
    }

    /// Runs `f` with the one write connection, on a blocking thread, after
    /// the writes queued before it.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> storyline::Result<T> + Send + 'static,
    {
        let mut guard = self.inner.writer.clone().lock_owned().await;
        let joined = tokio::task::spawn_blocking(move || f(&mut guard)).await;
        match joined {
            Ok(r) => r.map_err(ApiError::from),
            Err(e) => Err(ApiError::internal(format!("a write failed: {e}"))),
        }
    }
}
