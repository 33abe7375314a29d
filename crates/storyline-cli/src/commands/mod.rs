//! One module per command, each a `run` that returns the exit code.

pub mod article;
pub mod articles;
pub mod check;
pub mod copies;
pub mod delete;
pub mod export;
pub mod ingest;
pub mod quotes;
pub mod recluster;
pub mod search;
pub mod serve;
pub mod sources;
pub mod stats;
pub mod stories;
pub mod story;
pub mod summarize;
pub mod thread;
pub mod threads;
pub mod upkeep;
pub mod watch;

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use storyline::store::Store;

/// The database the command works on, and whether it must only be read.
pub struct Db {
    /// The file.
    pub path: PathBuf,
    /// `--read-only`: never write to it, nor to its journal.
    pub read_only: bool,
    /// `--cache-mb`: memory for caches, in MiB (each command has a
    /// default).
    pub cache_mb: Option<u64>,
}

impl std::ops::Deref for Db {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.path
    }
}

impl Db {
    /// Opens the database for a command that writes (creating it if
    /// missing), with a batch command's cache budget unless `--cache-mb`
    /// gives one.
    pub fn writer(&self) -> Result<Store> {
        self.writer_with_budget(storyline::store::DEFAULT_CACHE_MB)
    }

    /// Opens the database for a command that writes, with `default_mb` of
    /// caches unless `--cache-mb` gives the budget.
    pub fn writer_with_budget(&self, default_mb: u64) -> Result<Store> {
        self.open_writer(default_mb, true)
    }

    /// Opens the database for `watch`: a watcher's budget, without
    /// memory-mapped reads. Over a 70-minute soak the mapped pages grew
    /// toward their 16 MiB cap (9.0 MB resident at 7 minutes, 14.4 at 67)
    /// while a watcher without them used the same CPU (34.9 s against
    /// 34.6 s for ~917 articles) and 15 MB less RSS: it
    /// reads little, and what it reads the page cache and the kernel's
    /// file cache serve. A batch command keeps its mapped quarter.
    pub fn watcher(&self) -> Result<Store> {
        self.open_writer(storyline_watch::DEFAULT_CACHE_MB, false)
    }

    fn open_writer(&self, default_mb: u64, mapped: bool) -> Result<Store> {
        if self.read_only {
            bail!(
                "this command writes to the database, and --read-only says not to: run it without --read-only"
            );
        }
        let mut store = Store::open(&self.path).map_err(|e| opening(e, &self.path))?;
        let mut budget = storyline::store::CacheBudget::share(self.budget_mb(default_mb), 1);
        if !mapped {
            budget.mmap_bytes = 0;
        }
        if let Some(mb) = mmap_mb_override()? {
            budget.mmap_bytes = mb << 20;
        }
        store.apply_cache_budget(budget)?;
        Ok(store)
    }

    /// The cache budget in MiB: `--cache-mb`, else the command's default.
    pub fn budget_mb(&self, default_mb: u64) -> u64 {
        self.cache_mb.unwrap_or(default_mb)
    }

    /// Opens the database for a command that only reads: read-only when
    /// `--read-only` says so or when the file cannot be written (another
    /// user's store, a read-only medium).
    pub fn reader(&self) -> Result<Store> {
        let store = if self.read_only {
            Store::open_read_only(&self.path)
        } else {
            Store::open_for_reading(&self.path)
        };
        let mut store = store.map_err(|e| opening(e, &self.path))?;
        store.set_cache_budget(self.budget_mb(storyline::store::DEFAULT_CACHE_MB))?;
        Ok(store)
    }
}

/// `STORYLINE_MMAP_MB`, a knob for measuring: the writer's memory-mapped
/// size in MiB in place of its quarter of the budget (0: no mapped reads).
fn mmap_mb_override() -> Result<Option<u64>> {
    match std::env::var("STORYLINE_MMAP_MB") {
        Ok(v) => match v.trim().parse() {
            Ok(mb) => Ok(Some(mb)),
            Err(_) => bail!("STORYLINE_MMAP_MB={v:?}: expected a whole number of MiB"),
        },
        Err(_) => Ok(None),
    }
}

/// The database file `--db` (or `$STORYLINE_DB`) names: a path, or
/// `sqlite:FILE` (`sqlite:///abs/path` too, as database URLs write it). A
/// PostgreSQL URL is refused, without repeating it (it may hold a
/// password): that backend is not built yet.
pub fn store_path(db: PathBuf) -> Result<PathBuf> {
    let Some(s) = db.to_str() else {
        return Ok(db);
    };
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
        bail!(
            "--db: PostgreSQL is not built in yet: issue 21. Give a database file, or sqlite:FILE"
        );
    }
    if lower.starts_with("sqlite:") {
        let rest = &s["sqlite:".len()..];
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        if rest.is_empty() {
            bail!("--db {s}: names no file; give sqlite:FILE");
        }
        return Ok(PathBuf::from(rest));
    }
    Ok(db)
}

/// One clear message for a database that cannot be opened: the library's
/// error already names the file.
pub fn opening(e: storyline::Error, db: &Path) -> anyhow::Error {
    match e.root() {
        storyline::Error::Corrupt(_) => anyhow::anyhow!("{}: {}", db.display(), e.message()),
        _ => anyhow::anyhow!("cannot open the database: {e}"),
    }
}

/// The story a `story` argument names: a story id or `article:X`. Prints
/// why not and returns `None` when there is none.
pub fn story_arg(store: &Store, id: &str) -> Result<Option<i64>> {
    match store.story_ref(id) {
        Ok(story) => Ok(Some(story)),
        Err(e @ (storyline::Error::NotFound(_) | storyline::Error::BadArgument(_))) => {
            eprintln!("storyline: {e}");
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `watch` maps nothing of the store, and takes a watcher's budget
    /// otherwise; a batch command keeps its mapped quarter.
    #[test]
    fn a_watcher_maps_nothing_and_a_batch_command_maps_its_quarter() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db {
            path: dir.path().join("news.db"),
            read_only: false,
            cache_mb: None,
        };
        let budget = db.watcher().unwrap().cache_budget().unwrap();
        assert_eq!(budget.mmap_bytes, 0);
        assert_eq!(budget.page_cache_bytes, 16 << 20);
        assert_eq!(budget.stem_cache_bytes, 4 << 20);
        let budget = db.writer().unwrap().cache_budget().unwrap();
        assert_eq!(budget.mmap_bytes, 128 << 20);
        assert_eq!(budget.stem_cache_bytes, 32 << 20);
    }
}
