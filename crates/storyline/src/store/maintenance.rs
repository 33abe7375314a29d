//! Keeping a store that grows for a year in shape: its size by table,
//! compaction, pruning old articles' text, an online backup, and how much
//! memory SQLite may take.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, params};
use serde::Serialize;

use super::{Reader, Store, now};
use crate::copies::index::{GENERATION, IndexBudget};
use crate::error::{Error, Result};

/// How big the store is on disk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StoreSize {
    /// The database file and its write-ahead log.
    pub bytes: u64,
    /// The write-ahead log alone.
    pub wal_bytes: u64,
    /// Free pages inside the file (reused by later writes, or given back
    /// by `compact`).
    pub free_bytes: u64,
    /// Bytes of each table with its indexes (SQLite's `dbstat`; the
    /// full-text index's shadow tables each under their own name).
    pub tables: BTreeMap<String, u64>,
}

/// What [`Store::compact`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CompactReport {
    /// Size before (file and log).
    pub bytes_before: u64,
    /// Size after.
    pub bytes_after: u64,
    /// `bytes_before - bytes_after` (0 when it grew).
    pub bytes_saved: u64,
    /// Runs of the copies index before the merge; after it there is one
    /// (or none).
    pub index_runs_merged: u64,
    /// Articles' attributions written before the compact encoding, now
    /// written in it.
    pub attributions_recoded: u64,
    /// Articles' story features written before the compact encoding, now
    /// written in it.
    pub story_features_recoded: u64,
    /// Of those, the rows now read from the article's text (schema 15):
    /// only their day and headline flag stay written.
    pub story_features_from_text: u64,
    /// Summaries rewritten by reference to their articles' stored
    /// sentences (written out in full before schema 16, or for a text
    /// since pruned).
    pub summaries_recoded: u64,
    /// Stories' contributions to their threads stored by reference to the
    /// story's profile (written out before schema 17).
    pub contributions_recoded: u64,
    /// Articles' copy verdicts stored as JSON text before, now deflated.
    pub verdicts_deflated: u64,
    /// Articles' fingerprints whose shingles were written out before
    /// schema 14, now read from their text.
    pub fingerprints_recoded: u64,
    /// Articles whose reused sentences were stored a row a sentence pair
    /// before schema 14, now packed a row a pair of articles.
    pub reuse_packed: u64,
}

/// What [`Store::prune_text`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PruneReport {
    /// The cut-off: articles dated before it lost their text.
    pub before: String,
    /// Articles whose text was pruned now.
    pub pruned: u64,
    /// Articles pruned before, left alone.
    pub already_pruned: u64,
}

/// What [`Store::backup_to`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BackupReport {
    /// The backup file.
    pub path: String,
    /// Its size.
    pub bytes: u64,
    /// Articles in it.
    pub articles: u64,
}

/// SQLite's own heap now and at its highest (page caches, statements),
/// in bytes.
pub fn sqlite_heap() -> (u64, u64) {
    // SAFETY: both only read SQLite's global memory counters.
    unsafe {
        (
            rusqlite::ffi::sqlite3_memory_used() as u64,
            rusqlite::ffi::sqlite3_memory_highwater(0) as u64,
        )
    }
}

impl Reader {
    /// The store's size on disk, by table.
    pub fn size(&self) -> Result<StoreSize> {
        let pragma = |name: &str| -> Result<u64> {
            Ok(self
                .conn
                .pragma_query_value(None, name, |r| r.get::<_, i64>(0))? as u64)
        };
        let page = pragma("page_size")?;
        let file = pragma("page_count")? * page;
        let wal_bytes = self
            .conn
            .path()
            .filter(|p| !p.is_empty())
            .and_then(|p| std::fs::metadata(format!("{p}-wal")).ok())
            .map_or(0, |m| m.len());
        let mut tables = BTreeMap::new();
        // dbstat names indexes apart: each is counted with its table.
        let rows: rusqlite::Result<Vec<(String, i64)>> = self
            .conn
            .prepare(
                "SELECT coalesce(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat d
                 LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY 1",
            )
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect());
        // A build without dbstat still reports the totals.
        for (name, bytes) in rows.unwrap_or_default() {
            tables.insert(name, bytes as u64);
        }
        Ok(StoreSize {
            bytes: file + wal_bytes,
            wal_bytes,
            free_bytes: pragma("freelist_count")? * page,
            tables,
        })
    }
}

/// The memory budget of a batch command (`ingest` and the rest) when
/// `--cache-mb` is not given, in MiB: a 128 MiB page cache, 128 MiB of
/// mapped reads, a 224 MiB recent tier (about 87,000 articles) and a
/// 32 MiB stem cache. Long-running commands choose smaller ones (`watch`
/// and `serve`).
pub const DEFAULT_CACHE_MB: u64 = 512;

/// The smallest budget taken, in MiB: less is raised to it.
pub const MIN_CACHE_MB: u64 = 4;

/// The smallest page cache a connection gets, in bytes, however many
/// connections share a budget.
const MIN_PAGE_CACHE: u64 = 256 << 10;

/// What an article takes in the copies index's open generation, spare
/// capacity included (see [`CacheBudget::index_budget`]).
const OPEN_GENERATION_BYTES_PER_ARTICLE: usize = 16 << 10;

/// The fewest articles a generation holds, whatever the budget: a tiny
/// budget archives early rather than sealing a generation per article.
const MIN_GENERATION: usize = 64;

/// What one connection to the store may take of its process's memory
/// budget (`--cache-mb`), in bytes. Of a budget of `B`:
/// - seven sixteenths are the copies index's recent tier, which only the
///   writer holds;
/// - a sixteenth is the stem cache (every language's words together,
///   [`crate::text::filters::set_stem_cache_bytes`]), one for the
///   process, set by the writer's budget;
/// - a quarter is SQLite's page caches (heap), and a quarter its
///   memory-mapped reads (`mmap_size`: file pages the kernel counts as
///   resident), both shared evenly among the process's connections, since
///   each connection has a cache and a mapping of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CacheBudget {
    /// SQLite's page cache of this connection (`cache_size`).
    pub page_cache_bytes: u64,
    /// How much of the file this connection maps into memory
    /// (`mmap_size`); what lies beyond is read into the page cache.
    pub mmap_bytes: u64,
    /// The copies index's recent tier (0 on a connection that only reads).
    pub recent_tier_bytes: u64,
    /// The process's stem cache, all languages (0: this connection's
    /// budget leaves it as it is, as a reader's and a fresh open's do).
    pub stem_cache_bytes: u64,
}

impl CacheBudget {
    /// The writer's share of `mb` MiB for a process with `connections`
    /// connections to the store, the writer included.
    pub fn share(mb: u64, connections: usize) -> CacheBudget {
        let bytes = mb.max(MIN_CACHE_MB) << 20;
        let each = bytes / 4 / connections.max(1) as u64;
        // The stem cache's sixteenth comes out of the recent tier's half:
        // both are the writer's heap, and a watcher's 4 MiB of words fill
        // within its first minutes (a sixteenth of 512 MiB, 32 MiB, holds
        // five times the 65,536 English words a batch had before).
        let stems = bytes / 16;
        CacheBudget {
            page_cache_bytes: each.max(MIN_PAGE_CACHE),
            mmap_bytes: each,
            recent_tier_bytes: bytes / 2 - stems,
            stem_cache_bytes: stems,
        }
    }

    /// The copies index's budget: the recent tier's bytes, and generations
    /// small enough that the open one stays within half of them.
    ///
    /// Only sealed generations can move to the archive, so the open one
    /// is held whatever the budget says, and it is the costly one: a hash
    /// table of its keys and a chain of postings, each grown by doubling,
    /// about 16 KiB an article counting the spare capacity (some 440 keys
    /// an article in the watch soak's articles, up to 36 bytes each just
    /// after both have doubled), against 8 bytes a key once sealed. With
    /// 4,096 articles a generation, a watcher's open generation outgrew its
    /// whole 28 MiB tier before it was full (`tests/index_budget.rs`: 33.3
    /// MB at 4,096 articles of about 400 keys), and nothing could move it
    /// out until it was sealed, a day or so of a watcher storing a few
    /// articles a minute.
    pub fn index_budget(&self) -> IndexBudget {
        let recent_bytes = self.recent_tier_bytes as usize;
        IndexBudget {
            recent_bytes,
            generation: (recent_bytes / 2 / OPEN_GENERATION_BYTES_PER_ARTICLE)
                .clamp(MIN_GENERATION, GENERATION),
        }
    }

    /// The same share for a connection that only reads: no recent tier,
    /// and the writer's budget sets the stem cache.
    pub fn for_reader(self) -> CacheBudget {
        CacheBudget {
            recent_tier_bytes: 0,
            stem_cache_bytes: 0,
            ..self
        }
    }

    /// What every connection gets when it opens: a batch command's share,
    /// without touching the process's stem cache (opening one more
    /// connection must not undo the bound a watcher's budget set).
    pub(super) fn on_open() -> CacheBudget {
        CacheBudget {
            stem_cache_bytes: 0,
            ..CacheBudget::share(DEFAULT_CACHE_MB, 1)
        }
    }
}

impl Store {
    /// Sets the memory this store's caches may take, `mb` MiB in all, when
    /// it is its process's only connection (see [`CacheBudget`]).
    pub fn set_cache_budget(&mut self, mb: u64) -> Result<()> {
        self.apply_cache_budget(CacheBudget::share(mb, 1))
    }

    /// Sets this connection's page cache, mapped size and recent tier, and
    /// the process's stem cache unless `stem_cache_bytes` is 0.
    pub fn apply_cache_budget(&mut self, budget: CacheBudget) -> Result<()> {
        let conn = &self.reader.conn;
        conn.pragma_update(
            None,
            "cache_size",
            -((budget.page_cache_bytes / 1024) as i64),
        )?;
        conn.pragma_update(None, "mmap_size", budget.mmap_bytes as i64)?;
        self.set_copy_index_budget(budget.index_budget());
        if budget.stem_cache_bytes > 0 {
            crate::text::filters::set_stem_cache_bytes(budget.stem_cache_bytes);
        }
        self.reader.stem_cache_bytes.set(budget.stem_cache_bytes);
        Ok(())
    }
}

impl Reader {
    /// The budget in force on this connection, read back from SQLite
    /// (`cache_size`, `mmap_size`), from the copies index, and the stem
    /// cache's bound this connection's budget set.
    pub fn cache_budget(&self) -> Result<CacheBudget> {
        let pragma = |name: &str| -> Result<i64> {
            Ok(self.conn.pragma_query_value(None, name, |r| r.get(0))?)
        };
        let cache = pragma("cache_size")?;
        // Negative: KiB; positive: pages.
        let page_cache_bytes = if cache < 0 {
            cache.unsigned_abs() * 1024
        } else {
            cache as u64 * pragma("page_size")? as u64
        };
        Ok(CacheBudget {
            page_cache_bytes,
            mmap_bytes: pragma("mmap_size")?.max(0) as u64,
            recent_tier_bytes: self.copy_index.borrow().budget().recent_bytes as u64,
            stem_cache_bytes: self.stem_cache_bytes.get(),
        })
    }
}

impl Store {
    /// Checkpoints the log, merges the copies index's runs into one
    /// (dropping deleted and pruned articles' postings), writes
    /// attributions, story features, copy verdicts, fingerprints and reused
    /// sentences stored before their compact encodings in them, optimises the
    /// full-text index and rewrites the file without free pages.
    pub fn compact(&mut self) -> Result<CompactReport> {
        let bytes_before = self.size()?.bytes;
        let runs = self.compact_copy_index()? as u64;
        let batch = self.begin()?;
        let attributions_recoded = batch.recode_json_attributions()?;
        let (story_features_recoded, story_features_from_text) = batch.recode_story_features()?;
        let summaries_recoded = batch.recode_summaries()?;
        let contributions_recoded = batch.recode_contributions()?;
        let verdicts_deflated = batch.deflate_text_verdicts()?;
        let fingerprints_recoded = batch.recode_fingerprints()?;
        let reuse_packed = batch.pack_reuse_rows()?;
        batch.commit()?;
        let conn = &self.reader.conn;
        conn.execute_batch(
            "INSERT INTO articles_fts(articles_fts) VALUES ('optimize');
             PRAGMA wal_checkpoint(TRUNCATE);",
        )?;
        conn.execute_batch("VACUUM")?;
        conn.execute_batch("PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);")?;
        let bytes_after = self.size()?.bytes;
        Ok(CompactReport {
            bytes_before,
            bytes_after,
            bytes_saved: bytes_before.saturating_sub(bytes_after),
            index_runs_merged: runs,
            attributions_recoded,
            story_features_recoded,
            story_features_from_text,
            summaries_recoded,
            contributions_recoded,
            verdicts_deflated,
            fingerprints_recoded,
            reuse_packed,
        })
    }

    /// Drops the text of the articles dated before `before` (a date,
    /// `YYYY-MM-DD`), with their sentences, full-text rows (the headline
    /// stays searchable), fingerprints and index keys. Their stories,
    /// summaries, quotes, copy evidence and citations stay, and the article
    /// is marked "text pruned". Undated articles are kept.
    pub fn prune_text(&mut self, before: &str) -> Result<PruneReport> {
        let day = chrono::NaiveDate::parse_from_str(before, "%Y-%m-%d").map_err(|_| {
            Error::invalid(format!("--before {before:?}: expected a date, YYYY-MM-DD"))
        })?;
        let cutoff = day.format("%Y-%m-%d").to_string();
        let batch = self.begin()?;
        let tx = &batch.tx;
        let already_pruned: i64 = tx.query_row(
            "SELECT count(*) FROM articles WHERE date < ?1 AND text_pruned_at IS NOT NULL",
            [&cutoff],
            |r| r.get(0),
        )?;
        let ids: Vec<i64> = tx
            .prepare(
                "SELECT id FROM articles WHERE date < ?1 AND text_pruned_at IS NULL ORDER BY id",
            )?
            .query_map([&cutoff], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let stamp = now();
        batch.write_out_summaries_citing(&ids)?;
        for &id in &ids {
            // Compact attributions point into the text, and story features
            // may be read from it: both written out first.
            batch.recode_attributions(id, "")?;
            batch.write_out_story_features(id)?;
            tx.prepare_cached(
                "INSERT INTO articles_fts(articles_fts, rowid, title, text)
                 SELECT 'delete', id, coalesce(search_title, title), coalesce(search_text, text)
                 FROM articles WHERE id = ?1",
            )?
            .execute([id])?;
            tx.prepare_cached(
                "UPDATE articles SET text = '', search_text = NULL, text_pruned_at = ?2 WHERE id = ?1",
            )?
            .execute(params![id, stamp])?;
            tx.prepare_cached(
                "INSERT INTO articles_fts(rowid, title, text)
                 SELECT id, coalesce(search_title, title), '' FROM articles WHERE id = ?1",
            )?
            .execute([id])?;
            for table in ["sentences", "copy_fingerprints", "copy_recent"] {
                tx.prepare_cached(&format!("DELETE FROM {table} WHERE article_id = ?1"))?
                    .execute([id])?;
            }
            tx.prepare_cached("INSERT OR IGNORE INTO copy_deleted (article_id) VALUES (?1)")?
                .execute([id])?;
        }
        batch.commit()?;
        Ok(PruneReport {
            before: cutoff,
            pruned: ids.len() as u64,
            already_pruned: already_pruned as u64,
        })
    }

    /// Writes a consistent copy of the store to `path` with SQLite's online
    /// backup, in one step under one read transaction: writers (another
    /// process ingesting) go on meanwhile, and the copy is the store as of
    /// the moment it started. Refuses to overwrite a file.
    pub fn backup_to(&self, path: &Path) -> Result<BackupReport> {
        if path.exists() {
            return Err(
                Error::invalid("the backup file exists already; choose a new name").with_path(path),
            );
        }
        let partial = path.with_extension("partial");
        let run = || -> Result<()> {
            let mut dest = Connection::open(&partial)?;
            {
                let backup = rusqlite::backup::Backup::new(&self.reader.conn, &mut dest)?;
                // Every page in one step: one read transaction, so the
                // copy is one moment of the store however writers go on.
                let mut waits = 0;
                loop {
                    match backup.step(-1)? {
                        rusqlite::backup::StepResult::Done => break,
                        rusqlite::backup::StepResult::More => {}
                        _ if waits < 1200 => {
                            waits += 1;
                            std::thread::sleep(Duration::from_millis(50));
                        }
                        _ => return Err(Error::invalid("the store stayed locked for a minute")),
                    }
                }
            }
            // A single file, with no log beside it.
            dest.pragma_update(None, "journal_mode", "DELETE")?;
            let ok: String = dest.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
            if ok != "ok" {
                return Err(Error::invalid(format!(
                    "the backup does not check out: {ok}"
                )));
            }
            Ok(())
        };
        if let Err(e) = run() {
            let _ = std::fs::remove_file(&partial);
            return Err(e.with_path(path));
        }
        std::fs::rename(&partial, path).map_err(|e| Error::from(e).with_path(path))?;
        let copy = Store::open_read_only(path)?;
        Ok(BackupReport {
            path: path.display().to_string(),
            bytes: std::fs::metadata(path)
                .map_err(|e| Error::from(e).with_path(path))?
                .len(),
            articles: copy.stats()?.articles,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::store::quotes::tests::encodings;

    fn ingest(store: &mut Store, lines: &[&str]) {
        let r = crate::pipeline::tests::ingest_lines(store, lines);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
    }

    fn corpus() -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/jsonl/ecbplus.jsonl");
        std::fs::read_to_string(path).unwrap()
    }

    /// Story features are read from the article's text (schema 15): rows a
    /// store wrote before, compact, are left to the text by `compact` and
    /// read the same; `prune` writes a row out before its text goes, so a
    /// pruned article keeps its features, and `recluster` still places it.
    #[test]
    fn story_features_read_from_the_text_outlive_compact_prune_and_recluster() {
        let corpus = corpus();
        let lines: Vec<&str> = corpus.lines().collect();
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("news.db")).unwrap();
        ingest(&mut store, &lines);
        let ids = crate::store::copies::tests::article_ids(&store);
        let n = ids.len() as i64;
        let read = |store: &Store| -> Vec<crate::stories::StoryFeatures> {
            ids.iter()
                .map(|&id| store.current_story_features(id).unwrap().unwrap())
                .collect()
        };
        let before = read(&store);
        assert!(before.iter().all(|f| !f.terms.is_empty()));
        assert_eq!(encodings(&store, "story_features"), [(2, n)].into());
        let stored: i64 = store
            .conn
            .query_row("SELECT sum(length(terms)) FROM story_features", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(stored, 0);

        // As schema 14 wrote them: compact, in the row.
        let batch = store.begin().unwrap();
        for (id, f) in ids.iter().zip(&before) {
            batch.save_story_features(*id, f).unwrap();
        }
        batch.commit().unwrap();
        assert_eq!(encodings(&store, "story_features"), [(1, n)].into());
        assert_eq!(read(&store), before);
        let report = store.compact().unwrap();
        assert_eq!(
            (
                report.story_features_recoded,
                report.story_features_from_text
            ),
            (n as u64, n as u64)
        );
        assert_eq!(encodings(&store, "story_features"), [(2, n)].into());
        assert_eq!(read(&store), before);

        let placed = |store: &mut Store| -> Vec<Option<i64>> {
            let report = crate::pipeline::stories::recluster(store, None).unwrap();
            assert_eq!(report.articles, n as u64);
            ids.iter().map(|&id| store.story_of(id).unwrap()).collect()
        };
        let stories_before = placed(&mut store);
        assert!(stories_before.iter().all(Option::is_some));
        let pruned = store.prune_text("2013-05-03").unwrap().pruned as i64;
        assert!(pruned >= 4, "{pruned}");
        assert_eq!(
            encodings(&store, "story_features"),
            [(1, pruned), (2, n - pruned)].into()
        );
        assert_eq!(read(&store), before);
        // A second compact leaves the pruned rows written out.
        assert_eq!(store.compact().unwrap().story_features_from_text, 0);
        assert_eq!(read(&store), before);
        assert_eq!(placed(&mut store), stories_before);
    }

    /// The budget reaches the connection: SQLite's `cache_size` and
    /// `mmap_size` read back, the copies index's recent tier and the stem
    /// cache's bound; the default on every open, read-only ones included,
    /// which leaves the process's stem cache as it is.
    #[test]
    fn the_cache_budget_reaches_the_connection() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("news.db");
        let mut store = Store::open(&db).unwrap();
        let batch = CacheBudget {
            page_cache_bytes: 128 << 20,
            mmap_bytes: 128 << 20,
            recent_tier_bytes: 224 << 20,
            stem_cache_bytes: 0,
        };
        assert_eq!(store.cache_budget().unwrap(), batch);
        store.set_cache_budget(512).unwrap();
        assert_eq!(
            store.cache_budget().unwrap(),
            CacheBudget {
                stem_cache_bytes: 32 << 20,
                ..batch
            }
        );
        // A watcher's: its 4 MiB of stems bound the process's cache.
        store.set_cache_budget(64).unwrap();
        let watcher = CacheBudget {
            page_cache_bytes: 16 << 20,
            mmap_bytes: 16 << 20,
            recent_tier_bytes: 28 << 20,
            stem_cache_bytes: 4 << 20,
        };
        assert_eq!(store.cache_budget().unwrap(), watcher);
        // Less than the least is raised to it.
        store.set_cache_budget(0).unwrap();
        assert_eq!(
            store.cache_budget().unwrap(),
            CacheBudget {
                page_cache_bytes: 1 << 20,
                mmap_bytes: 1 << 20,
                recent_tier_bytes: 1792 << 10,
                stem_cache_bytes: 256 << 10,
            }
        );
        // It is the connection's: another one has its own.
        let other = Store::open(&db).unwrap();
        assert_eq!(other.cache_budget().unwrap(), batch);
        drop(other);
        let mut read_only = Store::open_read_only(&db).unwrap();
        assert_eq!(read_only.cache_budget().unwrap(), batch);
        read_only
            .apply_cache_budget(CacheBudget::share(64, 4).for_reader())
            .unwrap();
        assert_eq!(
            read_only.cache_budget().unwrap(),
            CacheBudget {
                page_cache_bytes: 4 << 20,
                mmap_bytes: 4 << 20,
                recent_tier_bytes: 0,
                stem_cache_bytes: 0,
            }
        );
    }

    #[test]
    fn a_backup_is_the_store_as_it_was_when_it_started_and_restores() {
        let corpus = corpus();
        let lines: Vec<&str> = corpus.lines().take(30).collect();
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("news.db");
        let mut store = Store::open(&db).unwrap();
        ingest(&mut store, &lines);
        // Another process is writing: its transaction is open, uncommitted.
        let mut other = Store::open(&db).unwrap();
        let batch = other.begin().unwrap();
        batch
            .tx
            .execute("DELETE FROM articles WHERE id <= 10", [])
            .unwrap();
        let copy = dir.path().join("copy.db");
        let report = store.backup_to(&copy).unwrap();
        assert_eq!(report.articles, 30);
        assert!(store.backup_to(&copy).is_err(), "an existing file is kept");
        batch.commit().unwrap();
        let later = store.backup_to(&dir.path().join("later.db")).unwrap();
        assert_eq!(later.articles, 20);

        // Restored: the copy is a sound, whole store that takes new articles.
        let mut restored = Store::open(&copy).unwrap();
        assert!(restored.check().unwrap().ok);
        assert_eq!(restored.stats().unwrap().articles, 30);
        let id = restored.resolve("1_11ecb").unwrap().unwrap();
        assert!(restored.story_of(id).unwrap().is_some());
        assert!(!restored.search("Reid", 5, 0).unwrap().is_empty());
        let more: Vec<&str> = corpus.lines().skip(30).take(5).collect();
        ingest(&mut restored, &more);
        assert_eq!(restored.stats().unwrap().articles, 35);
    }

    /// Summaries are stored by reference to their articles' sentences
    /// (schema 16): they read the same as written out, at a fraction of
    /// the bytes; rows written out as before are rewritten by `compact`;
    /// deleting a cited article writes the summaries that read its text
    /// out first.
    #[test]
    fn summaries_stored_by_reference_read_as_written_out() {
        let corpus = corpus();
        let lines: Vec<&str> = corpus.lines().collect();
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("news.db")).unwrap();
        ingest(&mut store, &lines);
        let stories = store.story_ids().unwrap();
        let read = |store: &Store| -> Vec<Option<Vec<crate::summary::SummarySentence>>> {
            stories.iter().map(|&s| store.summary(s).unwrap()).collect()
        };
        let before = read(&store);
        let n = before.iter().flatten().count() as i64;
        assert!(n > 20, "{n}");
        assert_eq!(encodings(&store, "story_summaries"), [(1, n)].into());
        let bytes = |store: &Store| -> i64 {
            store
                .conn
                .query_row(
                    "SELECT sum(length(summary)) FROM story_summaries",
                    [],
                    |r| r.get(0),
                )
                .unwrap()
        };
        let by_reference = bytes(&store);

        // As schema 15 wrote them: every text in the row.
        let batch = store.begin().unwrap();
        for (&story, summary) in stories.iter().zip(&before) {
            if let Some(summary) = summary {
                let json = serde_json::to_string(summary).unwrap();
                batch
                    .tx
                    .execute(
                        "UPDATE story_summaries SET summary = ?2, encoding = 0 WHERE story_id = ?1",
                        rusqlite::params![story, json],
                    )
                    .unwrap();
            }
        }
        batch.commit().unwrap();
        let written_out = bytes(&store);
        assert!(
            by_reference * 3 < written_out,
            "{by_reference} against {written_out}"
        );
        assert_eq!(read(&store), before);
        assert_eq!(store.compact().unwrap().summaries_recoded, n as u64);
        assert_eq!(encodings(&store, "story_summaries"), [(1, n)].into());
        assert_eq!(bytes(&store), by_reference);
        assert_eq!(read(&store), before);

        // A story whose summary cites an article about to be deleted.
        let (story, summary) = stories
            .iter()
            .zip(&before)
            .find_map(|(&s, summary)| {
                let summary = summary.as_ref()?;
                let cited = summary.iter().flat_map(|x| &x.citations);
                (cited
                    .map(|c| c.article)
                    .collect::<std::collections::HashSet<_>>()
                    .len()
                    >= 2)
                    .then_some((s, summary))
            })
            .unwrap();
        let gone = summary[0].citations[0].article;
        assert_eq!(store.delete_articles(&[gone]).unwrap(), 1);
        if let Some(after) = store.summary(story).unwrap() {
            for (a, b) in after.iter().zip(summary) {
                assert_eq!(a.text, b.text);
                let texts = |s: &crate::summary::SummarySentence| -> Vec<(i64, String)> {
                    s.citations
                        .iter()
                        .map(|c| (c.article, c.text.clone()))
                        .collect()
                };
                assert_eq!(texts(a), texts(b));
            }
        }
        assert!(
            encodings(&store, "story_summaries")
                .get(&0)
                .copied()
                .unwrap_or(0)
                >= 1
        );
    }

    fn thread_profiles(store: &Store) -> Vec<(i64, Vec<u8>)> {
        store
            .conn
            .prepare("SELECT id, profile FROM threads ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn by_reference_contributions(store: &Store) -> (i64, i64) {
        store
            .conn
            .query_row(
                "SELECT count(*), sum(length(contribution) = 0) FROM thread_stories",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    }

    /// A story's contribution to its thread is read from its profile
    /// (schema 17), and written out before the profile changes: a store
    /// whose contributions were all written out halfway (as before schema
    /// 17) ends with the same threads, bit for bit, as one that kept them
    /// by reference while its stories grew; `compact` takes the written-out
    /// ones back to references.
    #[test]
    fn thread_contributions_by_reference_take_out_what_they_put_in() {
        let corpus = corpus();
        let lines: Vec<&str> = corpus.lines().collect();
        // Every other article first, the rest after: the stories of the
        // first half grow in the second.
        let first: Vec<&str> = lines.iter().copied().step_by(2).collect();
        let second: Vec<&str> = lines.iter().copied().skip(1).step_by(2).collect();
        let dir = tempfile::tempdir().unwrap();
        let mut by_reference = Store::open(dir.path().join("a.db")).unwrap();
        let mut written_out = Store::open(dir.path().join("b.db")).unwrap();
        ingest(&mut by_reference, &first);
        ingest(&mut written_out, &first);
        let (rows, empty) = by_reference_contributions(&by_reference);
        assert!(rows > 5 && empty == rows, "{rows} {empty}");
        let batch = written_out.begin().unwrap();
        for story in batch.story_ids().unwrap() {
            batch.write_out_contribution(story).unwrap();
        }
        batch.commit().unwrap();
        assert_eq!(by_reference_contributions(&written_out).1, 0);
        ingest(&mut by_reference, &second);
        ingest(&mut written_out, &second);
        let threads = thread_profiles(&by_reference);
        assert!(threads.len() > 5, "{}", threads.len());
        // (Not assert_eq: a profile is kilobytes of blob.)
        assert!(
            threads == thread_profiles(&written_out),
            "the threads differ from those of contributions written out"
        );
        let (rows, empty) = by_reference_contributions(&written_out);
        assert!(empty < rows, "{rows} {empty}");
        let recoded = written_out.compact().unwrap().contributions_recoded as i64;
        assert_eq!(recoded, rows - empty);
        assert_eq!(by_reference_contributions(&written_out), (rows, rows));
        assert!(thread_profiles(&written_out) == threads);
    }

    #[test]
    fn pruned_articles_keep_their_stories_summaries_and_evidence() {
        let corpus = corpus();
        let lines: Vec<&str> = corpus.lines().collect();
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("news.db")).unwrap();
        ingest(&mut store, &lines);
        let id = store.resolve("1_2ecbplus").unwrap().unwrap();
        let before = store.article(id).unwrap().unwrap();
        assert_eq!(before.date.as_deref(), Some("2013-05-02"));
        let story = store.story_of(id).unwrap().unwrap();
        let summary = store.summary(story).unwrap();
        let reuse = store.reuse_of(id).unwrap();
        let near = store.near_duplicates_of(id).unwrap();
        let undated = store.resolve("1_11ecb").unwrap().unwrap();
        let attributions = store.attributions(id).unwrap().unwrap();
        assert!(!attributions.mentions.is_empty());
        let quotes = crate::pipeline::quotes::for_story(&store, story).unwrap();

        let report = store.prune_text("2013-05-03").unwrap();
        assert!(report.pruned >= 4, "{report:?}");
        let after = store.article(id).unwrap().unwrap();
        assert!(after.text_pruned && after.text.is_empty() && after.sentences.is_empty());
        assert_eq!(after.title, before.title);
        assert_eq!(store.story_of(id).unwrap(), Some(story));
        assert_eq!(store.summary(story).unwrap(), summary);
        assert_eq!(store.reuse_of(id).unwrap(), reuse);
        assert_eq!(store.near_duplicates_of(id).unwrap(), near);
        // Quotes and names were written out before their text went.
        assert_eq!(store.attributions(id).unwrap(), Some(attributions));
        assert_eq!(
            crate::pipeline::quotes::for_story(&store, story).unwrap(),
            quotes
        );
        let kept = store.article(undated).unwrap().unwrap();
        assert!(!kept.text_pruned && !kept.text.is_empty());
        // The headline is still searched; the text is not.
        let title_hits = store
            .search("Lohan checks into rehab facility", 20, 0)
            .unwrap();
        assert!(title_hits.iter().any(|h| h.article.id == id));
        assert_eq!(
            store.prune_text("2013-05-03").unwrap().already_pruned,
            report.pruned
        );
        assert!(store.prune_text("May 3rd").is_err());

        // A reprint of a pruned text still goes in, and the store checks out
        // after compaction.
        let reprint = lines
            .iter()
            .find(|l| l.contains("\"1_2ecbplus\""))
            .unwrap()
            .replace("\"1_2ecbplus\"", "\"reprint\"");
        ingest(&mut store, &[&reprint]);
        let compacted = store.compact().unwrap();
        assert_eq!(
            compacted.bytes_saved,
            compacted.bytes_before.saturating_sub(compacted.bytes_after)
        );
        assert!(store.check().unwrap().ok);
        let size = store.size().unwrap();
        assert!(
            size.bytes > 0 && size.tables.contains_key("articles"),
            "{size:?}"
        );
    }
}
