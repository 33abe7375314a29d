//! The store: SQLite (through rusqlite, bundled) in WAL mode, so readers
//! run while an ingest writes. Every stage's results live here, and only
//! this module speaks SQL, so moving to another engine touches one module.
//!
//! Writes come in batches, one transaction each: a process killed mid-ingest
//! leaves every finished batch in place and nothing of the unfinished one,
//! and running the same ingest again adds exactly what is missing.
//!
//! Every read is written once, on [`Reader`]: [`Store`] and [`Batch`] both
//! deref to it (as rusqlite's `Transaction` derefs to `Connection`), so the
//! same query serves a page read and a stage inside a write transaction.

pub mod copies;
pub mod copy_index;
mod export;
mod features_codec;
pub mod maintenance;
mod migrations;
pub mod quotes;
mod quotes_codec;
mod reuse_codec;
pub mod sources;
pub mod stories;
pub mod summary;
pub mod threads;

use std::ops::Deref;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::article::{Article, ArticleSummary, NewArticle, Sentence};
use crate::error::{Error, Result};
use crate::ingest::Format;
use crate::text::Lang;

/// What storing one article did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// A new article.
    Added(i64),
    /// Already stored, identical: nothing changed (its input id was recorded).
    Unchanged(i64),
    /// Already stored under the same URL with different content: replaced.
    Updated(i64),
}

/// A full-text search hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// The article.
    #[serde(flatten)]
    pub article: ArticleSummary,
    /// bm25 relevance (higher is better).
    pub score: f64,
    /// The best passage, with matches wrapped in `<mark>`…`</mark>`.
    pub snippet: String,
}

/// The reads of the store, over its connection. [`Store`] and [`Batch`]
/// deref to it: inside a batch, a read sees the batch's own writes.
pub struct Reader {
    conn: Connection,
    /// The copies index's recent tier and run list, as this process's
    /// writer holds them ([`copy_index`]).
    copy_index: std::cell::RefCell<crate::copies::index::CopyIndex>,
    /// The stem cache's bound that this connection's budget set, in bytes
    /// (0: none; the bound itself is the process's, see [`CacheBudget`]).
    stem_cache_bytes: std::cell::Cell<u64>,
}

/// A write transaction on the store (see [`Store::begin`]). Its reads are
/// the [`Reader`]'s, inside the transaction.
pub struct Batch<'a> {
    reader: &'a Reader,
    tx: rusqlite::Transaction<'a>,
    index_guard: copy_index::RollbackGuard<'a>,
}

impl Deref for Batch<'_> {
    type Target = Reader;

    fn deref(&self) -> &Reader {
        self.reader
    }
}

impl Batch<'_> {
    /// Stores articles.
    pub fn insert_articles(&self, articles: &[NewArticle]) -> Result<Vec<Outcome>> {
        let now = now();
        let tx = &self.tx;
        let mut outcomes = Vec::with_capacity(articles.len());
        {
            let mut find =
                tx.prepare_cached("SELECT id, content_hash FROM articles WHERE key = ?1")?;
            // `id` NULL takes the next rowid; an import gives the id the
            // article had when it is free.
            let mut insert = tx.prepare_cached(
                "INSERT INTO articles (key, content_hash, title, source, url, author, date, text, words, format, origin, metadata, ingested_at, lang, search_title, search_text, id, batch)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            )?;
            // This batch's number, taken whether or not it stores anything
            // (one indexed lookup).
            let batch_no: i64 = tx.query_row(
                "SELECT coalesce(max(batch), 0) + 1 FROM articles",
                [],
                |r| r.get(0),
            )?;
            let mut id_taken = tx.prepare_cached("SELECT 1 FROM articles WHERE id = ?1")?;
            let mut update = tx.prepare_cached(
                "UPDATE articles SET content_hash = ?2, title = ?3, source = ?4, url = ?5, author = ?6, date = ?7,
                 text = ?8, words = ?9, format = ?10, origin = ?11, metadata = ?12, ingested_at = ?13,
                 lang = ?14, search_title = ?15, search_text = ?16, batch = ?17 WHERE id = ?1",
            )?;
            let mut clear_sentences =
                tx.prepare_cached("DELETE FROM sentences WHERE article_id = ?1")?;
            let mut add_sentence = tx.prepare_cached(
                "INSERT INTO sentences (article_id, idx, paragraph, start, end) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut fts_add = tx.prepare_cached(
                "INSERT INTO articles_fts (rowid, title, text) SELECT id, title, text FROM articles_search WHERE id = ?1",
            )?;
            let mut fts_remove = tx.prepare_cached(
                "INSERT INTO articles_fts (articles_fts, rowid, title, text)
                 SELECT 'delete', id, title, text FROM articles_search WHERE id = ?1",
            )?;
            let mut add_ref = tx.prepare_cached(
                "INSERT OR IGNORE INTO article_refs (ref_id, article_id) VALUES (?1, ?2)",
            )?;
            for a in articles {
                let origin = serde_json::to_string(&a.origin).map_err(Error::Encode)?;
                let metadata = serde_json::to_string(&a.metadata).map_err(Error::Encode)?;
                let existing: Option<(i64, String)> = find
                    .query_row([&a.key], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                let lang = a.analyzed.lang.code();
                let search_title = a
                    .title
                    .as_deref()
                    .and_then(|t| crate::text::search_form(t, a.analyzed.lang));
                let search_text = crate::text::search_form(&a.analyzed.text, a.analyzed.lang);
                let stored_at = a.restored.as_ref().map_or(&now, |r| &r.ingested_at);
                let fields = params![
                    a.content_hash,
                    a.title,
                    a.source,
                    a.url,
                    a.author,
                    a.date,
                    a.analyzed.text,
                    a.analyzed.words as i64,
                    a.format.name(),
                    origin,
                    metadata,
                    stored_at,
                    lang,
                    search_title,
                    search_text
                ];
                let outcome = match existing {
                    // A text-keyed article has the same text by definition:
                    // the first copy's title and source stand, and the later
                    // copy's input id becomes another ref of it.
                    Some((id, hash)) if hash == a.content_hash || a.key.starts_with("text:") => {
                        Outcome::Unchanged(id)
                    }
                    Some((id, _)) => {
                        let mut p: Vec<&dyn rusqlite::ToSql> = vec![&id];
                        p.extend_from_slice(fields);
                        p.push(&batch_no);
                        fts_remove.execute([id])?;
                        update.execute(p.as_slice())?;
                        fts_add.execute([id])?;
                        clear_sentences.execute([id])?;
                        Outcome::Updated(id)
                    }
                    None => {
                        let mut keep_id = None;
                        if let Some(r) = &a.restored
                            && !id_taken.exists([r.id])?
                        {
                            keep_id = Some(r.id);
                        }
                        let mut p: Vec<&dyn rusqlite::ToSql> = vec![&a.key];
                        p.extend_from_slice(fields);
                        p.push(&keep_id);
                        p.push(&batch_no);
                        insert.execute(p.as_slice())?;
                        let id = tx.last_insert_rowid();
                        fts_add.execute([id])?;
                        Outcome::Added(id)
                    }
                };
                if let Outcome::Added(id) | Outcome::Updated(id) = outcome {
                    for (i, s) in a.analyzed.sentences.iter().enumerate() {
                        add_sentence.execute(params![
                            id,
                            i as i64,
                            s.paragraph as i64,
                            s.start as i64,
                            s.end as i64
                        ])?;
                    }
                }
                if let (
                    Some(r),
                    Outcome::Added(id) | Outcome::Unchanged(id) | Outcome::Updated(id),
                ) = (&a.ref_id, outcome)
                {
                    add_ref.execute(params![r, id])?;
                }
                if let (
                    Some(r),
                    Outcome::Added(id) | Outcome::Unchanged(id) | Outcome::Updated(id),
                ) = (&a.restored, outcome)
                {
                    for each in &r.refs {
                        add_ref.execute(params![each, id])?;
                    }
                }
                outcomes.push(outcome);
            }
        }
        Ok(outcomes)
    }

    /// Gives a language to articles stored before languages were
    /// identified (the one their input declared, else the one their text
    /// shows), with the search form of their title and text. Returns how
    /// many there were.
    pub fn identify_languages(&self) -> Result<usize> {
        let tx = &self.tx;
        let rows: Vec<(i64, Option<String>, String, String)> = tx
            .prepare("SELECT id, title, text, metadata FROM articles WHERE lang IS NULL")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut set = tx.prepare_cached(
            "UPDATE articles SET lang = ?2, search_title = ?3, search_text = ?4 WHERE id = ?1",
        )?;
        for (id, title, text, metadata) in &rows {
            let declared = serde_json::from_str::<serde_json::Value>(metadata)
                .ok()
                .and_then(|m| m.get("lang")?.as_str().and_then(Lang::parse))
                .filter(|l| !l.is_und());
            let lang = declared.unwrap_or_else(|| Lang::identify(text));
            let search_title = title
                .as_deref()
                .and_then(|t| crate::text::search_form(t, lang));
            let search_text = crate::text::search_form(text, lang);
            let reindex = search_title.is_some() || search_text.is_some();
            if reindex {
                tx.execute(
                    "INSERT INTO articles_fts (articles_fts, rowid, title, text)
                     SELECT 'delete', id, title, text FROM articles_search WHERE id = ?1",
                    [id],
                )?;
            }
            set.execute(params![id, lang.code(), search_title, search_text])?;
            if reindex {
                tx.execute(
                    "INSERT INTO articles_fts (rowid, title, text) SELECT id, title, text FROM articles_search WHERE id = ?1",
                    [id],
                )?;
            }
        }
        Ok(rows.len())
    }

    /// Makes the batch's writes permanent.
    pub fn commit(mut self) -> Result<()> {
        self.tx.commit()?;
        self.index_guard.committed();
        Ok(())
    }
}

/// Makes a statement's plan independent of the values bound to it (SQLite's
/// query planner stability guarantee). Without it, SQLite marks a
/// statement whose plan a bound value might change (`LIMIT ?`, `x = ?`
/// weighed as 0 or 1), and every time rusqlite's statement cache clears
/// the bindings of such a statement, it is compiled again: 26 compilations
/// per article ingested, 7% of an ingest's CPU. The store has no
/// statistics (`ANALYZE`) that a value could make a better plan from.
fn stable_plans(conn: &Connection) -> Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

/// Counts of what is stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Articles.
    pub articles: u64,
    /// Sentences over all articles.
    pub sentences: u64,
    /// Words over all articles.
    pub words: u64,
    /// Distinct sources.
    pub sources: u64,
    /// Input ids recorded.
    pub refs: u64,
    /// Articles per input format.
    pub formats: std::collections::BTreeMap<String, u64>,
    /// Articles per language (ISO 639-1, `und` for unknown or mixed).
    pub languages: std::collections::BTreeMap<String, u64>,
    /// Earliest article date.
    pub first_date: Option<String>,
    /// Latest article date.
    pub last_date: Option<String>,
    /// Schema version.
    pub schema_version: u32,
    /// Near-duplicate pairs (Jaccard 0.5 or more).
    pub near_duplicate_pairs: u64,
    /// Sentences of some article carried by another.
    pub reused_sentences: u64,
    /// Articles judged spun.
    pub spun: u64,
    /// Articles judged stitched.
    pub stitched: u64,
}

/// A Storyline database.
pub struct Store {
    reader: Reader,
    read_only: bool,
}

impl Deref for Store {
    type Target = Reader;

    fn deref(&self) -> &Reader {
        &self.reader
    }
}

/// What [`Store::check`] found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CheckReport {
    /// Whether everything checked out.
    pub ok: bool,
    /// SQLite's `integrity_check` findings (empty when the file is sound).
    pub integrity: Vec<String>,
    /// The full-text index checked against the articles it indexes (FTS5's
    /// `integrity-check`): `None` when it passed or did not run.
    pub search_index: Option<String>,
    /// Whether that check ran: it needs write access (it writes nothing),
    /// so on a read-only store only `integrity_check`'s look at the index's
    /// own structure is made.
    pub search_index_checked: bool,
    /// Articles stored.
    pub articles: Option<u64>,
    /// Schema version.
    pub schema_version: Option<u32>,
    /// Whether the store was opened read-only.
    pub read_only: bool,
}

/// Whether an SQLite error means the file cannot be written (or its
/// journal created) by this user.
fn is_unwritable(e: &Error) -> bool {
    let Error::Sqlite(e) = e.root() else {
        return false;
    };
    matches!(
        e.sqlite_error_code(),
        Some(
            rusqlite::ErrorCode::ReadOnly
                | rusqlite::ErrorCode::CannotOpen
                | rusqlite::ErrorCode::PermissionDenied
                | rusqlite::ErrorCode::AuthorizationForStatementDenied
        )
    )
}

/// A `file:` URI for SQLite, with the characters URIs reserve escaped.
fn file_uri(path: &Path, query: &str) -> String {
    let mut uri = String::from("file:");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push('?');
    uri.push_str(query);
    uri
}

pub use maintenance::{CacheBudget, DEFAULT_CACHE_MB, MIN_CACHE_MB, sqlite_heap};
pub use stories::StoryQuery;

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its
    /// schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        let conn = Connection::open(path).map_err(|e| Error::from(e).with_path(path))?;
        Self::setup(conn).map_err(|e| e.with_path(path))
    }

    /// Opens an existing database without ever writing to it (nor to its
    /// journal): for archives on read-only media or another user's store.
    /// The schema must be the one this program knows.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        if !path.exists() {
            return Err(Error::NotFound("the database does not exist".into()).with_path(path));
        }
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
            | rusqlite::OpenFlags::SQLITE_OPEN_URI
            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let open = |uri: &str| -> Result<Store> {
            let conn = Connection::open_with_flags(uri, flags).map_err(Error::from)?;
            Self::setup_read_only(conn)
        };
        match open(&file_uri(path, "mode=ro")) {
            // A WAL database whose -shm file is gone and cannot be made
            // (a read-only directory or medium): nobody can be writing to
            // it, so it is read as immutable.
            Err(e) if is_unwritable(&e) => open(&file_uri(path, "immutable=1")),
            other => other,
        }
        .map_err(|e| e.with_path(path))
    }

    /// Opens a database for a command that only reads: with write access
    /// when the file (or, when it does not exist yet, its folder) can be
    /// written, so pending upkeep (stories and quotes for articles stored by
    /// an older version) can run; read-only, with no upkeep, when it cannot.
    pub fn open_for_reading(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
        {
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
                ) =>
            {
                return Self::open_read_only(path);
            }
            _ => {}
        }
        match Self::open(path) {
            Err(e) if path.exists() && is_unwritable(&e) => Self::open_read_only(path),
            other => other,
        }
    }

    /// Whether the store was opened read-only: writes fail, upkeep is
    /// skipped.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// An in-memory database, for tests and one-off runs.
    pub fn open_in_memory() -> Result<Store> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup_read_only(conn: Connection) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        stable_plans(&conn)?;
        rusqlite::vtab::array::load_module(&conn)?;
        let mut store = Store {
            reader: Reader::new(conn),
            read_only: true,
        };
        store.apply_cache_budget(CacheBudget::on_open())?;
        let version = store.schema_version()?;
        let target = migrations::MIGRATIONS.len() as u32;
        if version > target {
            return Err(Error::SchemaTooNew {
                found: version,
                known: target,
            });
        }
        if version < target {
            return Err(Error::invalid(format!(
                "the database has schema version {version}, older than this program's ({target}), and it is opened read-only: open it once with write access to upgrade it"
            )));
        }
        Ok(store)
    }

    fn setup(conn: Connection) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        stable_plans(&conn)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        rusqlite::vtab::array::load_module(&conn)?;
        let mut store = Store {
            reader: Reader::new(conn),
            read_only: false,
        };
        // The copies stage reads index pages all over the file: a page
        // cache and memory-mapped reads keep it off the disk. A command
        // that runs for months sets a smaller budget after opening.
        store.apply_cache_budget(CacheBudget::on_open())?;
        store.migrate()?;
        Ok(store)
    }

    /// Applies pending migrations. Each runs in an immediate (write-locked)
    /// transaction that re-reads the version first, so two processes opening
    /// a new database at once cannot both apply the same step.
    fn migrate(&mut self) -> Result<()> {
        let target = migrations::MIGRATIONS.len() as u32;
        // A store that is up to date is opened without the write lock: an
        // ingest holds it for most of its run, and a reader opening the
        // store beside it would otherwise wait for it (and time out).
        let current: u32 = self
            .reader
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current == target {
            return Ok(());
        }
        loop {
            let tx = self
                .reader
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let version: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if version > target {
                return Err(Error::SchemaTooNew {
                    found: version,
                    known: target,
                });
            }
            if version == target {
                return Ok(());
            }
            tx.execute_batch(migrations::MIGRATIONS[version as usize])?;
            tx.pragma_update(None, "user_version", version + 1)?;
            tx.commit()?;
        }
    }

    /// Starts a write transaction: everything done through the [`Batch`]
    /// lands together at [`Batch::commit`], or not at all.
    pub fn begin(&mut self) -> Result<Batch<'_>> {
        let reader = &self.reader;
        // Unchecked only in that rusqlite cannot see the `&mut self`: this
        // borrow of the store is what keeps a second batch from starting.
        let tx = rusqlite::Transaction::new_unchecked(
            &reader.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        Ok(Batch {
            reader,
            tx,
            index_guard: copy_index::RollbackGuard::new(&reader.copy_index),
        })
    }

    /// Stores a batch of articles in one transaction.
    pub fn insert_batch(&mut self, articles: &[NewArticle]) -> Result<Vec<Outcome>> {
        let batch = self.begin()?;
        let outcomes = batch.insert_articles(articles)?;
        batch.commit()?;
        Ok(outcomes)
    }

    /// Deletes articles and everything derived from them. Returns how many
    /// existed.
    pub fn delete_articles(&mut self, ids: &[i64]) -> Result<usize> {
        let batch = self.begin()?;
        batch.write_out_summaries_citing(ids)?;
        let mut n = 0;
        for id in ids {
            n += batch
                .tx
                .execute("DELETE FROM articles WHERE id = ?1", [id])?;
        }
        batch.commit()?;
        Ok(n)
    }
}

impl Reader {
    fn new(conn: Connection) -> Self {
        Reader {
            conn,
            copy_index: Default::default(),
            stem_cache_bytes: Default::default(),
        }
    }

    /// The schema version in force.
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Runs `f` in one read transaction, so all the queries it makes see
    /// the same committed state: a page built from several queries never
    /// mixes the store before and after a batch that an ingest commits
    /// meanwhile. In WAL mode this never waits for the writer. Inside a
    /// transaction already, `f` simply runs.
    pub fn snapshot<T>(&self, f: impl FnOnce(&Reader) -> Result<T>) -> Result<T> {
        if !self.conn.is_autocommit() {
            return f(self);
        }
        // Dropped at the end: a rollback, which for a reader only ends it.
        let _read = self.conn.unchecked_transaction()?;
        f(self)
    }

    /// Articles in store order, `limit` from `offset`.
    pub fn articles(&self, limit: usize, offset: usize) -> Result<Vec<ArticleSummary>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles a ORDER BY a.id LIMIT ?1 OFFSET ?2"
        ))?;
        let rows = stmt.query_map(params![limit as i64, offset as i64], summary_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Resolves an article reference: `id:N`, `ref:X`, a bare number (an
    /// article id, else an input id) or any other input id.
    pub fn resolve(&self, reference: &str) -> Result<Option<i64>> {
        let by_id = |id: i64| -> Result<Option<i64>> {
            Ok(self
                .conn
                .query_row("SELECT id FROM articles WHERE id = ?1", [id], |r| r.get(0))
                .optional()?)
        };
        let by_ref = |r: &str| -> Result<Option<i64>> {
            Ok(self
                .conn
                .query_row(
                    "SELECT article_id FROM article_refs WHERE ref_id = ?1 ORDER BY article_id LIMIT 1",
                    [r],
                    |row| row.get(0),
                )
                .optional()?)
        };
        if let Some(id) = reference.strip_prefix("id:") {
            return match id.parse() {
                Ok(id) => by_id(id),
                Err(_) => Ok(None),
            };
        }
        if let Some(r) = reference.strip_prefix("ref:") {
            return by_ref(r);
        }
        if let Ok(id) = reference.parse::<i64>()
            && let Some(found) = by_id(id)?
        {
            return Ok(Some(found));
        }
        by_ref(reference)
    }

    /// One article with its text and sentences.
    pub fn article(&self, id: i64) -> Result<Option<Article>> {
        let found = self
            .conn
            .query_row(
                "SELECT id, key, title, source, url, author, date, words, format, origin, ingested_at, metadata, text, lang,
                        text_pruned_at IS NOT NULL
                 FROM articles WHERE id = ?1",
                [id],
                |r| {
                    Ok(Article {
                        id: r.get(0)?,
                        ref_id: None,
                        refs: Vec::new(),
                        key: r.get(1)?,
                        title: r.get(2)?,
                        source: r.get(3)?,
                        url: r.get(4)?,
                        author: r.get(5)?,
                        date: r.get(6)?,
                        words: r.get::<_, i64>(7)? as usize,
                        format: named(r, 8, Format::from_name)?,
                        origin: json(r, 9)?,
                        ingested_at: r.get(10)?,
                        metadata: json(r, 11)?,
                        text: r.get(12)?,
                        sentences: Vec::new(),
                        lang: stored_lang(r.get(13)?),
                        text_pruned: r.get(14)?,
                    })
                },
            )
            .optional()?;
        let Some(mut article) = found else {
            return Ok(None);
        };
        article.refs = self.refs(id)?;
        article.ref_id = article.refs.first().cloned();
        article.sentences = self.sentences(id, &article.text)?;
        Ok(Some(article))
    }

    fn refs(&self, id: i64) -> Result<Vec<String>> {
        // In lexical order: an article's `ref` is the smallest of its input
        // ids, the same in every listing and on every run.
        let mut stmt = self.conn.prepare_cached(
            "SELECT ref_id FROM article_refs WHERE article_id = ?1 ORDER BY ref_id",
        )?;
        let rows = stmt.query_map([id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn sentences(&self, id: i64, text: &str) -> Result<Vec<Sentence>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT idx, paragraph, start, end FROM sentences WHERE article_id = ?1 ORDER BY idx",
        )?;
        let spans: Vec<(i64, i64, i64, i64)> = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let chars = CharOffsets::new(text);
        Ok(spans
            .into_iter()
            .filter_map(|(idx, paragraph, start, end)| {
                let (start, end) = (start as usize, end as usize);
                let sentence = text.get(start..end)?;
                Some(Sentence {
                    index: idx as usize,
                    paragraph: paragraph as usize,
                    start: chars.at(start),
                    end: chars.at(end),
                    text: sentence.to_string(),
                })
            })
            .collect())
    }

    /// Whether some article has no language yet (stored before languages
    /// were identified).
    pub fn has_articles_without_language(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM articles WHERE lang IS NULL)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Full-text search (FTS5, bm25 with the headline weighted 4x),
    /// best first. Words are matched by their stems; `"quoted phrases"`,
    /// `prefix*`, `OR` and `NOT` work as in FTS5.
    pub fn search(&self, query: &str, limit: usize, offset: usize) -> Result<Vec<SearchHit>> {
        // Words of languages written without spaces are found as the index
        // stores them (see `text::search_form`).
        let segmented = crate::text::search_form(query, Lang::UND);
        let fts = fts_query(segmented.as_deref().unwrap_or(query));
        if fts.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS}, -bm25(articles_fts, 4.0, 1.0),
                    snippet(articles_fts, 1, '<mark>', '</mark>', '…', 24)
             FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
             WHERE articles_fts MATCH ?1
             ORDER BY bm25(articles_fts, 4.0, 1.0) LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = stmt.query_map(params![fts, limit as i64, offset as i64], |r| {
            Ok(SearchHit {
                article: summary_row(r)?,
                score: r.get(8)?,
                snippet: r
                    .get::<_, String>(9)?
                    .replace(crate::text::ZERO_WIDTH_SPACE, ""),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Counts of what is stored.
    pub fn stats(&self) -> Result<Stats> {
        let (articles, words, sources, first_date, last_date) = self.conn.query_row(
            "SELECT count(*), coalesce(sum(words), 0), count(DISTINCT source), min(date), max(date) FROM articles",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get(3)?, r.get(4)?)),
        )?;
        let count = |sql: &str| -> Result<u64> {
            Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
        };
        let sentences: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sentences", [], |r| r.get(0))?;
        let refs: i64 = self
            .conn
            .query_row("SELECT count(*) FROM article_refs", [], |r| r.get(0))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT format, count(*) FROM articles GROUP BY format ORDER BY format",
        )?;
        let formats = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT coalesce(lang, 'und'), count(*) FROM articles GROUP BY 1 ORDER BY 1",
        )?;
        let languages = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Stats {
            articles: articles as u64,
            languages,
            sentences: sentences as u64,
            words: words as u64,
            sources: sources as u64,
            refs: refs as u64,
            formats,
            first_date,
            last_date,
            schema_version: self.schema_version()?,
            near_duplicate_pairs: count("SELECT count(*) FROM near_duplicates")?,
            reused_sentences: self.reused_sentences_total()?,
            spun: count("SELECT count(*) FROM copy_verdicts WHERE spun")?,
            stitched: count("SELECT count(*) FROM copy_verdicts WHERE stitched")?,
        })
    }
}

impl Store {
    /// Checks the database file and the full-text index for corruption.
    pub fn check_integrity(&self) -> Result<()> {
        let report = self.check()?;
        if report.ok {
            return Ok(());
        }
        let mut problems = report.integrity;
        problems.extend(report.search_index.map(|m| format!("full-text index: {m}")));
        Err(Error::Corrupt(problems.join("; ")))
    }

    /// A quick look for damage (`PRAGMA quick_check`: every page is read,
    /// but indexes are not matched against their tables), for the start of
    /// `serve` and `ingest`. A damaged file is [`Error::Corrupt`].
    pub fn quick_check(&self) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("PRAGMA quick_check(20)")
            .map_err(Error::from)?;
        let found: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(Error::from)?;
        if found.len() == 1 && found[0] == "ok" {
            Ok(())
        } else {
            Err(Error::Corrupt(found.join("; ")))
        }
    }

    /// The full check: SQLite's `integrity_check` (every page, every index
    /// against its table) and the full-text index's own integrity check
    /// against the articles. Damage is reported, not returned as an error.
    pub fn check(&self) -> Result<CheckReport> {
        let mut report = CheckReport {
            read_only: self.read_only,
            ..CheckReport::default()
        };
        let integrity: rusqlite::Result<Vec<String>> = self
            .conn
            .prepare("PRAGMA integrity_check(100)")
            .and_then(|mut stmt| stmt.query_map([], |r| r.get(0))?.collect());
        match integrity {
            Ok(rows) => {
                report.integrity = rows.into_iter().filter(|r| r != "ok").collect();
            }
            Err(e) => report.integrity.push(e.to_string()),
        }
        // FTS5's check compares the index with the articles it indexes.
        // It writes nothing, but is an INSERT in form, which a read-only
        // connection refuses.
        if !self.read_only {
            report.search_index_checked = true;
            let fts = self.conn.execute(
                "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)",
                [],
            );
            if let Err(e) = fts {
                report.search_index = Some(match &e {
                    rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
                    other => other.to_string(),
                });
            }
        }
        report.articles = self
            .conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get::<_, i64>(0))
            .ok()
            .map(|n| n as u64);
        report.schema_version = self.schema_version().ok();
        report.ok = report.integrity.is_empty() && report.search_index.is_none();
        Ok(report)
    }
}

/// Column `i`, a name this program wrote, as the value it names. Any other
/// name is damage, reported as [`Error::Corrupt`].
fn named<T>(
    r: &rusqlite::Row<'_>,
    i: usize,
    from_name: impl FnOnce(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let raw: String = r.get(i)?;
    from_name(&raw).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown name {raw:?}").into(),
        )
    })
}

/// Column `i`, JSON this program wrote, read back into its type. JSON that
/// does not fit is damage, reported as [`Error::Corrupt`].
fn json<T: serde::de::DeserializeOwned>(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<T> {
    let raw: String = r.get(i)?;
    serde_json::from_str(&raw).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// The time now, as the store keeps times (RFC 3339, UTC, whole seconds).
fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

const SUMMARY_COLUMNS: &str = "a.id, (SELECT min(ref_id) FROM article_refs r WHERE r.article_id = a.id), a.title, a.source, a.url, a.date, a.words, a.lang";

/// An article's stored language: `und` when the column says so or is not
/// filled yet (an article stored before languages were identified).
pub(crate) fn stored_lang(code: Option<String>) -> Lang {
    code.as_deref().and_then(Lang::parse).unwrap_or(Lang::UND)
}

fn summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ArticleSummary> {
    Ok(ArticleSummary {
        id: r.get(0)?,
        ref_id: r.get(1)?,
        title: r.get(2)?,
        source: r.get(3)?,
        url: r.get(4)?,
        date: r.get(5)?,
        words: r.get::<_, i64>(6)? as usize,
        lang: stored_lang(r.get(7)?),
    })
}

/// Maps byte offsets of a text to character offsets.
struct CharOffsets {
    starts: Vec<usize>,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        CharOffsets {
            starts: text.char_indices().map(|(b, _)| b).collect(),
        }
    }

    fn at(&self, byte: usize) -> usize {
        self.starts.partition_point(|&b| b < byte)
    }
}

/// Turns a user's query into FTS5 syntax: each word quoted (so punctuation
/// cannot break the query), `"phrases"` kept, `word*` kept as a prefix, and
/// upper-case `OR`/`NOT` kept as operators.
fn fts_query(query: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut rest = query;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        rest = &rest[start..];
        if let Some(after) = rest.strip_prefix('"') {
            let end = after.find('"').unwrap_or(after.len());
            let phrase = after[..end].replace('"', "");
            if phrase.chars().any(char::is_alphanumeric) {
                parts.push(format!("\"{phrase}\""));
            }
            rest = after.get(end + 1..).unwrap_or("");
            continue;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        rest = &rest[end..];
        if matches!(word, "OR" | "NOT" | "AND") {
            if !parts.is_empty() {
                parts.push(word.to_string());
            }
            continue;
        }
        let prefix = word.ends_with('*');
        let clean: String = word
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        let clean = clean.split_whitespace().collect::<Vec<_>>().join(" ");
        if clean.is_empty() {
            continue;
        }
        parts.push(if prefix {
            format!("\"{clean}\"*")
        } else {
            format!("\"{clean}\"")
        });
    }
    while parts
        .last()
        .is_some_and(|p| matches!(p.as_str(), "OR" | "NOT" | "AND"))
    {
        parts.pop();
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_queries_are_safe() {
        assert_eq!(fts_query("Putin's veto"), "\"Putin s\" \"veto\"");
        assert_eq!(
            fts_query("\"chemical attack\" OR sarin*"),
            "\"chemical attack\" OR \"sarin\"*"
        );
        assert_eq!(fts_query("OR ( ) NOT"), "");
        assert_eq!(fts_query("U.S.-Russia"), "\"U S Russia\"");
    }

    /// A reader (`stats`, `serve`) opening a store while an ingest holds the
    /// write lock gets in at once: opening an up-to-date store takes no lock.
    #[test]
    fn a_store_opens_while_another_process_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut writer = Store::open(&path).unwrap();
        let batch = writer.begin().unwrap();
        // Waiting on the lock would end in "database is locked" after the
        // 10 s busy timeout.
        let reader = Store::open(&path).unwrap();
        assert_eq!(reader.stats().unwrap().articles, 0);
        batch.commit().unwrap();
    }

    /// A cached statement is compiled once, whatever values are bound to it
    /// (without the planner's stability guarantee, SQLite compiled this one
    /// again at every use: its `LIMIT ?2`).
    #[test]
    fn a_cached_statement_is_not_compiled_again_for_new_values() {
        let store = Store::open_in_memory().unwrap();
        let sql = "SELECT story_id FROM story_keys WHERE key = ?1 ORDER BY story_id DESC LIMIT ?2";
        for (key, limit) in [(1i64, 5i64), (2, 7), (3, 1), (0, 0)] {
            let mut stmt = store.conn.prepare_cached(sql).unwrap();
            let rows: Vec<i64> = stmt
                .query_map(rusqlite::params![key, limit], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert!(rows.is_empty());
            assert_eq!(
                stmt.get_status(rusqlite::StatementStatus::RePrepare),
                0,
                "compiled again for key {key}, limit {limit}"
            );
        }
    }

    /// A store holding the two JSONL records, with the report.
    fn ingested(lines: &str) -> (Store, crate::pipeline::IngestReport) {
        let mut store = Store::open_in_memory().unwrap();
        let input = crate::ingest::Input::Memory {
            name: "body".into(),
            bytes: lines.as_bytes().into(),
        };
        let report = crate::pipeline::ingest_inputs(
            &mut store,
            &[input],
            Vec::new(),
            &crate::ingest::IngestOptions::default(),
            &|_| {},
        )
        .unwrap();
        (store, report)
    }

    const ARTICLE: &str = r#"{"id": "a1", "title": "Quake hits the coast", "text": "A strong earthquake struck the coast on Monday. Officials said dozens of houses collapsed."}"#;

    #[test]
    fn skipped_records_say_what_kind_of_problem_they_have() {
        let (_, report) = ingested(&format!(
            "{ARTICLE}\n{{\"id\": \"a2\", \"text\"\n{{\"id\": \"a3\", \"title\": \"no text\"}}\n"
        ));
        assert_eq!(report.added, 1);
        let kinds: Vec<_> = report.errors.iter().map(|e| (e.line, e.kind)).collect();
        assert_eq!(
            kinds,
            [
                (Some(2), crate::SkipKind::Malformed),
                (Some(3), crate::SkipKind::NoArticle)
            ],
            "{:?}",
            report.errors
        );
    }

    #[test]
    fn a_newer_schema_is_its_own_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        let known = Store::open(&path).unwrap().schema_version().unwrap();
        rusqlite::Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", known + 1)
            .unwrap();
        let e = Store::open(&path).map(|_| ()).unwrap_err();
        match e.root() {
            Error::SchemaTooNew { found, known: k } => assert_eq!((*found, *k), (known + 1, known)),
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().contains("new.db"), "{e}");
    }

    #[test]
    fn data_the_program_cannot_read_back_is_damage() {
        let (store, _) = ingested(ARTICLE);
        let id = store.resolve("a1").unwrap().unwrap();
        assert!(store.article(id).unwrap().is_some());
        assert!(store.verdicts(id).unwrap().is_some());
        store
            .conn
            .execute(
                "UPDATE copy_verdicts SET spin = '{\"spun\": \"maybe\"}'",
                [],
            )
            .unwrap();
        assert!(matches!(store.verdicts(id), Err(Error::Corrupt(_))));
        store
            .conn
            .execute("UPDATE articles SET format = 'papyrus'", [])
            .unwrap();
        let e = store.article(id).unwrap_err();
        assert!(matches!(e, Error::Corrupt(_)), "{e:?}");
        assert!(e.to_string().contains("papyrus"), "{e}");
    }

    #[test]
    fn story_references_fail_by_kind() {
        let (store, _) = ingested(ARTICLE);
        let story = store.story_ref("article:a1").unwrap();
        assert_eq!(store.story_ref(&story.to_string()).unwrap(), story);
        assert!(matches!(store.story_ref("abc"), Err(Error::BadArgument(_))));
        assert!(matches!(
            store.story_ref("article:nope"),
            Err(Error::NotFound(_))
        ));
    }

    #[test]
    fn char_offsets() {
        let c = CharOffsets::new("é a");
        assert_eq!((c.at(0), c.at(2), c.at(3), c.at(4)), (0, 1, 2, 3));
    }
}
