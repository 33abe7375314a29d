//! SQLite storage of the copies index ([`crate::copies::index`]). The
//! schema (migration 9):
//!
//! ```sql
//! -- The recent tier's keys, one row per indexed article (the tier itself
//! -- lives in the writer's memory and is loaded from here).
//! copy_recent (article_id INTEGER PRIMARY KEY, keys BLOB)
//! -- Archive runs: level, the id of the first of their consecutive blocks,
//! -- entry count, article span, and the first key of each block (u32 LE).
//! copy_runs (id INTEGER PRIMARY KEY, level, first_block, entries,
//!            first_article, last_article, fences BLOB)
//! -- Blocks: entries (key, article, sentence) sorted by key, as varints
//! -- (key delta, article, sentence + 1 with 0 for the article itself).
//! copy_blocks (id INTEGER PRIMARY KEY, data BLOB)
//! -- Articles deleted since the last full merge (a trigger adds them).
//! copy_deleted (article_id INTEGER PRIMARY KEY)
//! -- 'version': bumped whenever runs or the log change other than by
//! -- appending; 'reindex': 1 while stored articles wait to be indexed.
//! copy_meta (name TEXT PRIMARY KEY, value INTEGER)
//! ```
//!
//! Every write happens in the batch's transaction, so the index commits or
//! rolls back with the articles it describes.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};

use super::{Batch, Reader, Store};
use crate::copies::index::{ArticleKeys, CopyIndex, IndexBudget, IndexStorage, Key, RunMeta};
use crate::error::{Error, Result};

/// Sizes of the copies index in the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct IndexStats {
    /// Articles whose keys are logged (the recent tier).
    pub recent_articles: u64,
    /// Archive runs.
    pub runs: u64,
    /// Entries in the archive.
    pub archive_entries: u64,
}

impl Reader {
    /// Bytes the copies index's recent tier takes in this process's memory
    /// (it grows with each article until its budget, then stays there).
    pub fn copy_index_memory(&self) -> u64 {
        self.copy_index.borrow().recent_bytes() as u64
    }

    /// How the copies index is laid out.
    pub fn copy_index_stats(&self) -> Result<IndexStats> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM copy_recent), count(*), coalesce(sum(entries), 0) FROM copy_runs",
            [],
            |r| {
                Ok(IndexStats {
                    recent_articles: r.get::<_, i64>(0)? as u64,
                    runs: r.get::<_, i64>(1)? as u64,
                    archive_entries: r.get::<_, i64>(2)? as u64,
                })
            },
        )?)
    }

    /// Whether stored articles wait to be indexed (a store made before the
    /// index had tiers).
    pub fn copy_index_needs_rebuild(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM copy_meta WHERE name = 'reindex'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .unwrap_or(0)
            != 0)
    }

    fn meta(&self, name: &str) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM copy_meta WHERE name = ?1")?
            .query_row([name], |r| r.get(0))
            .optional()?
            .unwrap_or(0))
    }
}

/// Forgets what a batch put in the in-memory index when it does not
/// commit: the next batch loads the index again from the store.
pub(super) struct RollbackGuard<'a> {
    index: &'a RefCell<CopyIndex>,
    used: Cell<bool>,
    committed: bool,
}

impl<'a> RollbackGuard<'a> {
    pub(super) fn new(index: &'a RefCell<CopyIndex>) -> Self {
        RollbackGuard {
            index,
            used: Cell::new(false),
            committed: false,
        }
    }

    pub(super) fn committed(&mut self) {
        self.committed = true;
    }
}

impl Drop for RollbackGuard<'_> {
    fn drop(&mut self) {
        if self.used.get()
            && !self.committed
            && let Ok(mut index) = self.index.try_borrow_mut()
        {
            index.invalidate();
        }
    }
}

impl Store {
    /// Sets how much memory the copies index's recent tier may take.
    pub fn set_copy_index_budget(&mut self, budget: IndexBudget) {
        self.reader.copy_index.borrow_mut().set_budget(budget);
    }

    /// Merges the copies index's runs into one, dropping deleted and
    /// pruned articles' postings. Returns how many runs there were.
    pub fn compact_copy_index(&mut self) -> Result<usize> {
        let batch = self.begin()?;
        let runs = batch.with_copy_index(|index, storage| index.compact(storage))?;
        batch.commit()?;
        Ok(runs)
    }
}

impl Batch<'_> {
    /// Runs `f` on the copies index, brought in step with the store first.
    /// What `f` writes is part of the batch: rolled back, it is forgotten.
    pub fn with_copy_index<T>(
        &self,
        f: impl FnOnce(&mut CopyIndex, &dyn IndexStorage) -> Result<T>,
    ) -> Result<T> {
        let mut index = self.reader.copy_index.borrow_mut();
        self.index_guard.used.set(true);
        index.sync(self)?;
        f(&mut index, self)
    }

    /// Records that the stored articles are indexed.
    pub fn copy_index_rebuilt(&self) -> Result<()> {
        self.tx.execute(
            "INSERT OR REPLACE INTO copy_meta (name, value) VALUES ('reindex', 0)",
            [],
        )?;
        Ok(())
    }
}

fn decode_fences(blob: &[u8]) -> Vec<Key> {
    blob.chunks_exact(4)
        .map(|c| Key::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

impl IndexStorage for Batch<'_> {
    fn index_version(&self) -> Result<i64> {
        self.meta("version")
    }

    fn bump_index_version(&self) -> Result<()> {
        self.tx.execute(
            "INSERT INTO copy_meta (name, value) VALUES ('version', 1)
             ON CONFLICT(name) DO UPDATE SET value = value + 1",
            [],
        )?;
        Ok(())
    }

    fn recent_keys(&self, after: i64) -> Result<Vec<ArticleKeys>> {
        self.logged_range(after.saturating_add(1), i64::MAX)
    }

    fn log_keys(&self, keys: &ArticleKeys) -> Result<()> {
        // An id given again after its article was deleted is live again.
        self.tx
            .prepare_cached("DELETE FROM copy_deleted WHERE article_id = ?1")?
            .execute([keys.article])?;
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO copy_recent (article_id, keys) VALUES (?1, ?2)",
            )?
            .execute(params![keys.article, keys.encode()])?;
        Ok(())
    }

    fn logged_range(&self, first: i64, last: i64) -> Result<Vec<ArticleKeys>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT article_id, keys FROM copy_recent WHERE article_id BETWEEN ?1 AND ?2 ORDER BY article_id",
        )?;
        let rows = stmt.query_map([first, last], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, blob) = row?;
            out.push(ArticleKeys::decode(id, &blob)?);
        }
        Ok(out)
    }

    fn unlog_range(&self, first: i64, last: i64) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM copy_recent WHERE article_id BETWEEN ?1 AND ?2")?
            .execute([first, last])?;
        Ok(())
    }

    fn runs(&self) -> Result<Vec<RunMeta>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT id, level, first_block, entries, first_article, last_article, fences
             FROM copy_runs ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(RunMeta {
                id: r.get(0)?,
                level: r.get::<_, i64>(1)? as u32,
                first_block: r.get(2)?,
                entries: r.get::<_, i64>(3)? as u64,
                articles: (r.get(4)?, r.get(5)?),
                fences: decode_fences(&r.get::<_, Vec<u8>>(6)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn block(&self, id: i64) -> Result<Vec<u8>> {
        self.tx
            .prepare_cached("SELECT data FROM copy_blocks WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::invalid(format!("the copies index has no block {id}")))
    }

    fn next_block_id(&self) -> Result<i64> {
        Ok(self.tx.query_row(
            "SELECT coalesce(max(id), 0) + 1 FROM copy_blocks",
            [],
            |r| r.get(0),
        )?)
    }

    fn put_block(&self, id: i64, data: &[u8]) -> Result<()> {
        self.tx
            .prepare_cached("INSERT INTO copy_blocks (id, data) VALUES (?1, ?2)")?
            .execute(params![id, data])?;
        Ok(())
    }

    fn add_run(&self, run: &RunMeta) -> Result<i64> {
        let fences: Vec<u8> = run.fences.iter().flat_map(|k| k.to_le_bytes()).collect();
        self.tx.execute(
            "INSERT INTO copy_runs (level, first_block, entries, first_article, last_article, fences)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                run.level as i64,
                run.first_block,
                run.entries as i64,
                run.articles.0,
                run.articles.1,
                fences
            ],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    fn remove_runs(&self, runs: &[RunMeta]) -> Result<()> {
        for r in runs {
            self.tx.execute(
                "DELETE FROM copy_blocks WHERE id >= ?1 AND id < ?2",
                [r.first_block, r.first_block + r.fences.len() as i64],
            )?;
            self.tx
                .execute("DELETE FROM copy_runs WHERE id = ?1", [r.id])?;
        }
        Ok(())
    }

    fn deleted_articles(&self) -> Result<HashSet<i64>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT article_id FROM copy_deleted")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn clear_deleted_articles(&self) -> Result<()> {
        self.tx.execute("DELETE FROM copy_deleted", [])?;
        Ok(())
    }
}
