//! Persistence for watching live sources: each source with its fetch state,
//! and the ledger of the items sources list.
//!
//! The ledger is what makes watching lose nothing and store nothing twice:
//! an item is written down as `pending` in the same transaction that saves
//! the listing's validators (ETag, Last-Modified), and marked `done` in the
//! transaction that stores its article. A process killed between the two
//! finds the item still pending on the next run, even when the listing then
//! answers 304 Not Modified.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{Batch, Reader, Store};
use crate::error::{Error, Result};
use crate::ingest::RawArticle;

/// A watched source and its health.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// Store id.
    pub id: i64,
    /// The address polled.
    pub url: String,
    /// A name given when it was added (or from an OPML outline).
    pub name: Option<String>,
    /// What the source turned out to be: `feed`, `sitemap`, `sitemap_index`
    /// or `front_page`; `null` until its first successful fetch.
    pub kind: Option<String>,
    /// How often it is polled, as written (`10m`, `1h`, `90s`).
    pub every: String,
    /// The same in seconds.
    pub every_seconds: u64,
    /// When it was added (RFC 3339, UTC).
    pub added_at: String,
    /// When it was last fetched, successfully or not.
    pub last_fetch: Option<String>,
    /// When it was last fetched successfully (200 or 304).
    pub last_success: Option<String>,
    /// The HTTP status of the last fetch, when there was one.
    pub last_status: Option<u16>,
    /// The validator the last 200 carried, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last 200, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// Fetches in a row that failed (reset by a success).
    pub consecutive_errors: u32,
    /// When it is next due.
    pub next_due: String,
    /// Distinct items it has listed.
    pub items_seen: u64,
    /// Articles stored or updated from its items.
    pub articles: u64,
    /// Items listed and not yet fetched.
    pub pending: u64,
    /// Fetches of the source itself.
    pub fetches: u64,
    /// Of those, how many the server answered 304 Not Modified.
    pub not_modified: u64,
    /// What went wrong with the last failing fetch of the source itself
    /// (cleared by a success).
    pub last_error: Option<String>,
    /// Item pages that failed (the feed's own text may have stood in).
    pub page_errors: u64,
    /// The last of those: the page's address and what went wrong.
    pub last_page_error: Option<String>,
    /// `new` (never fetched), `ok`, or `failing` (the last fetch failed).
    pub health: &'static str,
}

/// What a fetch of a source itself came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFetch<'a> {
    /// A 200: the listing was read. The validators are saved for the next
    /// conditional request.
    Modified {
        /// What the source is (`feed`, `sitemap`, …).
        kind: &'a str,
        /// The response's `ETag`.
        etag: Option<&'a str>,
        /// The response's `Last-Modified`.
        last_modified: Option<&'a str>,
    },
    /// A 304: nothing changed since the validators were saved.
    NotModified,
    /// The fetch failed; `error` says how.
    Failed {
        /// What went wrong.
        error: &'a str,
    },
}

/// An item as a source lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedItem {
    /// Identity: the same key an article stored from the item's address
    /// gets (`url:` and the canonical URL), so an item whose page is
    /// already stored is recognised.
    pub key: String,
    /// The page to fetch, when the item links to one.
    pub url: Option<String>,
    /// What the listing says about the item (title, date, summary…): a
    /// different fingerprint later means the item changed and is fetched
    /// again.
    pub fingerprint: Option<String>,
    /// The listing's own article, stored when the page cannot be.
    pub feed_item: Option<RawArticle>,
}

/// What recording a listing did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ListingCounts {
    /// Items never listed before, now pending.
    pub new: u64,
    /// Items listed before whose listing changed, pending again.
    pub changed: u64,
    /// Items whose article was already stored (by an ingest, say): not fetched.
    pub already_stored: u64,
    /// Items already in the ledger, unchanged.
    pub known: u64,
}

/// An item waiting to be fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingItem {
    /// Ledger key.
    pub key: String,
    /// The page to fetch, if any.
    pub url: Option<String>,
    /// The listing's own article, the fallback.
    pub feed_item: Option<RawArticle>,
    /// Fetches tried so far.
    pub attempts: u32,
}

/// How an item ended (or did not, yet).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ItemEnd<'a> {
    /// Its article was stored (added, updated or found unchanged);
    /// `page_error` is set when the page failed and the listing's own text
    /// stood in.
    Stored {
        /// The article.
        article_id: i64,
        /// Whether this added or changed an article (counted on the source).
        changed: bool,
        /// Why the page could not be used, when the feed's text stood in.
        page_error: Option<&'a str>,
    },
    /// It failed this time and will be tried again on a later poll.
    Retry {
        /// What went wrong.
        error: &'a str,
        /// Whether this counts as an attempt (a host asking to wait does not).
        counts: bool,
    },
    /// It failed for good and nothing could be stored.
    Failed {
        /// What went wrong.
        error: &'a str,
    },
    /// It is not an article (a front page's link to a section page, say) or
    /// may not be fetched: left alone for good, and not counted as an error.
    Skipped {
        /// Why.
        reason: &'a str,
    },
}

/// A child sitemap of a sitemap index, with what was seen of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceDocument {
    /// Its address.
    pub url: String,
    /// Validators of its last 200.
    pub etag: Option<String>,
    /// `Last-Modified` of its last 200.
    pub last_modified: Option<String>,
    /// The `<lastmod>` the index gave it when it was last read.
    pub lastmod: Option<String>,
}

/// Formats a poll interval the way it is written on the command line.
pub fn format_interval(seconds: u64) -> String {
    match seconds {
        0 => "0s".into(),
        s if s % 86400 == 0 => format!("{}d", s / 86400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

const SOURCE_COLUMNS: &str = "s.id, s.url, s.name, s.kind, s.every_seconds, s.added_at, s.last_fetch, s.last_success,
    s.last_status, s.etag, s.last_modified, s.consecutive_errors, s.next_due, s.items_seen, s.articles,
    (SELECT count(*) FROM watch_items w WHERE w.source_id = s.id AND w.state = 'pending'),
    s.fetches, s.not_modified, s.last_error, s.page_errors, s.last_page_error";

fn source_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Source> {
    let every_seconds = r.get::<_, i64>(4)?.max(0) as u64;
    let last_fetch: Option<String> = r.get(6)?;
    let consecutive_errors = r.get::<_, i64>(11)?.max(0) as u32;
    let health = match (&last_fetch, consecutive_errors) {
        (None, _) => "new",
        (Some(_), 0) => "ok",
        _ => "failing",
    };
    Ok(Source {
        id: r.get(0)?,
        url: r.get(1)?,
        name: r.get(2)?,
        kind: r.get(3)?,
        every: format_interval(every_seconds),
        every_seconds,
        added_at: r.get(5)?,
        last_fetch,
        last_success: r.get(7)?,
        last_status: r.get::<_, Option<i64>>(8)?.map(|s| s as u16),
        etag: r.get(9)?,
        last_modified: r.get(10)?,
        consecutive_errors,
        next_due: r.get(12)?,
        items_seen: r.get::<_, i64>(13)? as u64,
        articles: r.get::<_, i64>(14)? as u64,
        pending: r.get::<_, i64>(15)? as u64,
        fetches: r.get::<_, i64>(16)? as u64,
        not_modified: r.get::<_, i64>(17)? as u64,
        last_error: r.get(18)?,
        page_errors: r.get::<_, i64>(19)? as u64,
        last_page_error: r.get(20)?,
        health,
    })
}

fn list_sources(conn: &Connection, due_by: Option<&str>) -> Result<Vec<Source>> {
    let (filter, order) = match due_by {
        Some(_) => ("WHERE s.next_due <= ?1", "s.next_due, s.id"),
        None => ("WHERE ?1 IS NULL OR 1", "s.id"),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SOURCE_COLUMNS} FROM sources s {filter} ORDER BY {order}"
    ))?;
    let rows = stmt.query_map([due_by], source_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn one_source(conn: &Connection, id: i64) -> Result<Option<Source>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {SOURCE_COLUMNS} FROM sources s WHERE s.id = ?1"
        ))?
        .query_row([id], source_row)
        .optional()?)
}

fn to_json(item: &Option<RawArticle>) -> Result<Option<String>> {
    item.as_ref()
        .map(|a| serde_json::to_string(a).map_err(Error::Json))
        .transpose()
}

impl Store {
    /// Adds a source polled every `every_seconds`, due at once. A URL
    /// already watched is left as it is (its interval and name are updated
    /// when given). Returns the id and whether it was new.
    pub fn add_source(
        &mut self,
        url: &str,
        name: Option<&str>,
        every_seconds: u64,
        now: &str,
    ) -> Result<(i64, bool)> {
        let tx = self.begin()?;
        let existing: Option<i64> = tx
            .tx
            .query_row("SELECT id FROM sources WHERE url = ?1", [url], |r| r.get(0))
            .optional()?;
        let result = match existing {
            Some(id) => {
                tx.tx.execute(
                    "UPDATE sources SET every_seconds = ?2, name = coalesce(?3, name) WHERE id = ?1",
                    params![id, every_seconds as i64, name],
                )?;
                (id, false)
            }
            None => {
                tx.tx.execute(
                    "INSERT INTO sources (url, name, every_seconds, added_at, next_due) VALUES (?1, ?2, ?3, ?4, ?4)",
                    params![url, name, every_seconds as i64, now],
                )?;
                (tx.tx.last_insert_rowid(), true)
            }
        };
        tx.commit()?;
        Ok(result)
    }

    /// Stops watching a source. Its stored articles stay, and so does the
    /// ledger of items already fetched (so adding it again fetches nothing
    /// twice); items only it listed and not yet fetched are passed to
    /// another source that listed them, or dropped. Returns whether it
    /// existed.
    pub fn remove_source(&mut self, id: i64) -> Result<bool> {
        let tx = self.begin()?;
        tx.tx.execute(
            "UPDATE watch_items SET source_id = (
                 SELECT si.source_id FROM source_items si
                 WHERE si.key = watch_items.key AND si.source_id <> ?1 ORDER BY si.source_id LIMIT 1)
             WHERE source_id = ?1 AND state = 'pending'",
            [id],
        )?;
        tx.tx.execute(
            "DELETE FROM watch_items WHERE source_id IS NULL AND state = 'pending'",
            [],
        )?;
        let n = tx.tx.execute("DELETE FROM sources WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(n > 0)
    }
}

impl Reader {
    /// Every source, by id.
    pub fn sources(&self) -> Result<Vec<Source>> {
        list_sources(&self.conn, None)
    }

    /// One source.
    pub fn source(&self, id: i64) -> Result<Option<Source>> {
        one_source(&self.conn, id)
    }

    /// Sources due at or before `now` (RFC 3339, UTC, as stored), most
    /// overdue first.
    pub fn due_sources(&self, now: &str) -> Result<Vec<Source>> {
        list_sources(&self.conn, Some(now))
    }

    /// Sources with items waiting to be fetched, by id.
    pub fn sources_with_pending(&self) -> Result<Vec<Source>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SOURCE_COLUMNS} FROM sources s
             WHERE EXISTS (SELECT 1 FROM watch_items w WHERE w.source_id = s.id AND w.state = 'pending')
             ORDER BY s.id"
        ))?;
        let rows = stmt.query_map([], source_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// When the next source is due, if any source is watched.
    pub fn next_due(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT min(next_due) FROM sources", [], |r| r.get(0))?)
    }

    /// The items of a source waiting to be fetched, oldest first.
    pub fn pending_items(&self, source_id: i64) -> Result<Vec<PendingItem>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT key, url, feed_item, attempts FROM watch_items
             WHERE source_id = ?1 AND state = 'pending' ORDER BY rowid",
        )?;
        let rows = stmt.query_map([source_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        let mut items = Vec::new();
        for row in rows {
            let (key, url, feed_item, attempts) = row?;
            let feed_item = match feed_item {
                Some(json) => Some(serde_json::from_str(&json)?),
                None => None,
            };
            items.push(PendingItem {
                key,
                url,
                feed_item,
                attempts: attempts.max(0) as u32,
            });
        }
        Ok(items)
    }

    /// The child sitemaps of a sitemap index source, as last seen.
    pub fn source_documents(&self, source_id: i64) -> Result<Vec<SourceDocument>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT url, etag, last_modified, lastmod FROM source_documents WHERE source_id = ?1",
        )?;
        let rows = stmt.query_map([source_id], |r| {
            Ok(SourceDocument {
                url: r.get(0)?,
                etag: r.get(1)?,
                last_modified: r.get(2)?,
                lastmod: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The ledger state of an item (`pending`, `done`, `failed` or `skipped`) and its
    /// article, by key.
    pub fn watch_item(&self, key: &str) -> Result<Option<(String, Option<i64>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT state, article_id FROM watch_items WHERE key = ?1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }
}

impl Batch<'_> {
    /// Records a fetch of a source itself: its validators and kind on a
    /// 200, a success on a 304, the error on a failure; and when it is due
    /// next.
    pub fn record_source_fetch(
        &self,
        id: i64,
        at: &str,
        status: Option<u16>,
        fetch: SourceFetch<'_>,
        next_due: &str,
    ) -> Result<()> {
        let status = status.map(i64::from);
        match fetch {
            SourceFetch::Modified {
                kind,
                etag,
                last_modified,
            } => self.tx.execute(
                "UPDATE sources SET last_fetch = ?2, last_success = ?2, last_status = ?3, kind = ?4,
                 etag = ?5, last_modified = ?6, consecutive_errors = 0, last_error = NULL,
                 fetches = fetches + 1, next_due = ?7 WHERE id = ?1",
                params![id, at, status, kind, etag, last_modified, next_due],
            )?,
            SourceFetch::NotModified => self.tx.execute(
                "UPDATE sources SET last_fetch = ?2, last_success = ?2, last_status = ?3,
                 consecutive_errors = 0, last_error = NULL, fetches = fetches + 1,
                 not_modified = not_modified + 1, next_due = ?4 WHERE id = ?1",
                params![id, at, status, next_due],
            )?,
            SourceFetch::Failed { error } => self.tx.execute(
                "UPDATE sources SET last_fetch = ?2, last_status = ?3,
                 consecutive_errors = consecutive_errors + 1, last_error = ?4,
                 fetches = fetches + 1, next_due = ?5 WHERE id = ?1",
                params![id, at, status, error, next_due],
            )?,
        };
        Ok(())
    }

    /// Moves a source's next poll (a host asked to wait, say).
    pub fn set_next_due(&self, id: i64, next_due: &str) -> Result<()> {
        self.tx.execute(
            "UPDATE sources SET next_due = ?2 WHERE id = ?1",
            params![id, next_due],
        )?;
        Ok(())
    }

    /// Writes down the items a source lists: new ones become pending,
    /// changed ones pending again, and ones whose article is already stored
    /// are done without a fetch.
    pub fn record_listing(
        &self,
        source_id: i64,
        items: &[ListedItem],
        at: &str,
    ) -> Result<ListingCounts> {
        let mut counts = ListingCounts::default();
        // A fingerprint is compared with what the same source said before:
        // two sources describe one item differently, and that is no change.
        let mut said = self.tx.prepare_cached(
            "SELECT fingerprint FROM source_items WHERE source_id = ?1 AND key = ?2",
        )?;
        let mut link = self.tx.prepare_cached(
            "INSERT INTO source_items (source_id, key, fingerprint) VALUES (?1, ?2, ?3)",
        )?;
        let mut relink = self.tx.prepare_cached(
            "UPDATE source_items SET fingerprint = ?3 WHERE source_id = ?1 AND key = ?2",
        )?;
        let mut find = self
            .tx
            .prepare_cached("SELECT state FROM watch_items WHERE key = ?1")?;
        let mut stored = self
            .tx
            .prepare_cached("SELECT id FROM articles WHERE key = ?1")?;
        let mut insert = self.tx.prepare_cached(
            "INSERT INTO watch_items (key, url, source_id, state, feed_item, article_id, first_seen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        let mut again = self.tx.prepare_cached(
            "UPDATE watch_items SET state = 'pending', url = ?2, feed_item = ?3, attempts = 0,
             source_id = ?4 WHERE key = ?1",
        )?;
        let mut seen = 0u64;
        for item in items {
            let before: Option<Option<String>> = said
                .query_row(params![source_id, item.key], |r| r.get(0))
                .optional()?;
            let changed = match &before {
                None => {
                    link.execute(params![source_id, item.key, item.fingerprint])?;
                    seen += 1;
                    false
                }
                Some(old) if *old != item.fingerprint => {
                    relink.execute(params![source_id, item.key, item.fingerprint])?;
                    old.is_some() && item.fingerprint.is_some()
                }
                Some(_) => false,
            };
            let state: Option<String> = find.query_row([&item.key], |r| r.get(0)).optional()?;
            match state {
                None => {
                    let article: Option<i64> =
                        stored.query_row([&item.key], |r| r.get(0)).optional()?;
                    let (state, feed_item) = match article {
                        Some(_) => ("done", None),
                        None => ("pending", to_json(&item.feed_item)?),
                    };
                    insert.execute(params![
                        item.key, item.url, source_id, state, feed_item, article, at
                    ])?;
                    if article.is_some() {
                        counts.already_stored += 1;
                    } else {
                        counts.new += 1;
                    }
                }
                Some(state) if changed && state != "pending" => {
                    again.execute(params![
                        item.key,
                        item.url,
                        to_json(&item.feed_item)?,
                        source_id
                    ])?;
                    counts.changed += 1;
                }
                Some(_) => counts.known += 1,
            }
        }
        if seen > 0 {
            self.tx.execute(
                "UPDATE sources SET items_seen = items_seen + ?2 WHERE id = ?1",
                params![source_id, seen as i64],
            )?;
        }
        Ok(counts)
    }

    /// Records how an item ended, on the item and on its source.
    pub fn finish_item(&self, source_id: i64, key: &str, end: ItemEnd<'_>, at: &str) -> Result<()> {
        // Failed and skipped items are written alike; only a failure is an error of its source.
        let failed = matches!(end, ItemEnd::Failed { .. });
        let page_error = match end {
            ItemEnd::Stored {
                article_id,
                changed,
                page_error,
            } => {
                self.tx.execute(
                    "UPDATE watch_items SET state = 'done', article_id = ?2, feed_item = NULL,
                     last_error = ?3, fetched_at = ?4, attempts = attempts + 1 WHERE key = ?1",
                    params![key, article_id, page_error, at],
                )?;
                if changed {
                    self.tx.execute(
                        "UPDATE sources SET articles = articles + 1 WHERE id = ?1",
                        [source_id],
                    )?;
                }
                page_error
            }
            ItemEnd::Retry { error, counts } => {
                self.tx.execute(
                    "UPDATE watch_items SET last_error = ?2, attempts = attempts + ?3 WHERE key = ?1",
                    params![key, error, i64::from(counts)],
                )?;
                Some(error)
            }
            ItemEnd::Failed { error: why } | ItemEnd::Skipped { reason: why } => {
                self.tx.execute(
                    "UPDATE watch_items SET state = ?4, feed_item = NULL, last_error = ?2,
                     fetched_at = ?3, attempts = attempts + 1 WHERE key = ?1",
                    params![key, why, at, if failed { "failed" } else { "skipped" }],
                )?;
                failed.then_some(why)
            }
        };
        if let Some(error) = page_error {
            self.tx.execute(
                "UPDATE sources SET page_errors = page_errors + 1, last_page_error = ?2 WHERE id = ?1",
                params![source_id, error],
            )?;
        }
        Ok(())
    }

    /// Saves what was seen of a child sitemap of a sitemap index.
    pub fn save_source_document(
        &self,
        source_id: i64,
        doc: &SourceDocument,
        at: &str,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO source_documents (source_id, url, etag, last_modified, lastmod, fetched_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                source_id,
                doc.url,
                doc.etag,
                doc.last_modified,
                doc.lastmod,
                at
            ])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(key: &str, fingerprint: &str) -> ListedItem {
        ListedItem {
            key: key.into(),
            url: Some(format!("https://{}", key.trim_start_matches("url:"))),
            fingerprint: Some(fingerprint.into()),
            feed_item: Some(RawArticle {
                title: Some("T".into()),
                text: "Feed text.".into(),
                ..RawArticle::default()
            }),
        }
    }

    #[test]
    fn sources_and_ledger() {
        let mut store = Store::open_in_memory().unwrap();
        let now = "2026-01-01T00:00:00.000Z";
        let (id, new) = store
            .add_source("https://a.example/feed", Some("A"), 600, now)
            .unwrap();
        assert!(new);
        let (again, new) = store
            .add_source("https://a.example/feed", None, 60, now)
            .unwrap();
        assert_eq!((again, new), (id, false));
        let s = store.source(id).unwrap().unwrap();
        assert_eq!(
            (s.every.as_str(), s.name.as_deref(), s.health),
            ("1m", Some("A"), "new")
        );
        assert_eq!(store.due_sources(now).unwrap().len(), 1);
        assert!(
            store
                .due_sources("2025-01-01T00:00:00.000Z")
                .unwrap()
                .is_empty()
        );

        let batch = store.begin().unwrap();
        let counts = batch
            .record_listing(
                id,
                &[item("url:a.example/1", "x"), item("url:a.example/2", "y")],
                now,
            )
            .unwrap();
        assert_eq!(counts.new, 2);
        batch
            .record_source_fetch(
                id,
                now,
                Some(200),
                SourceFetch::Modified {
                    kind: "feed",
                    etag: Some("\"v1\""),
                    last_modified: None,
                },
                "2026-01-01T00:01:00.000Z",
            )
            .unwrap();
        batch.commit().unwrap();
        let pending = store.pending_items(id).unwrap();
        assert_eq!(pending.len(), 2);
        assert_eq!(pending[0].feed_item.as_ref().unwrap().text, "Feed text.");
        let s = store.source(id).unwrap().unwrap();
        assert_eq!((s.pending, s.items_seen, s.health), (2, 2, "ok"));
        assert_eq!(s.etag.as_deref(), Some("\"v1\""));

        // Listed again unchanged: nothing new; with a new fingerprint once
        // done: pending again.
        let batch = store.begin().unwrap();
        batch
            .finish_item(
                id,
                "url:a.example/1",
                ItemEnd::Failed { error: "gone" },
                now,
            )
            .unwrap();
        let counts = batch
            .record_listing(
                id,
                &[item("url:a.example/1", "x"), item("url:a.example/2", "y")],
                now,
            )
            .unwrap();
        assert_eq!((counts.new, counts.known, counts.changed), (0, 2, 0));
        let counts = batch
            .record_listing(id, &[item("url:a.example/1", "x2")], now)
            .unwrap();
        assert_eq!(counts.changed, 1);
        // Another source describing a done item its own way is no change.
        let other = batch.tx.execute(
            "INSERT INTO sources (url, every_seconds, added_at, next_due) VALUES ('https://b.example/', 60, ?1, ?1)",
            [now],
        );
        assert!(other.is_ok());
        let other = batch.tx.last_insert_rowid();
        batch
            .finish_item(
                id,
                "url:a.example/1",
                ItemEnd::Skipped { reason: "test" },
                now,
            )
            .unwrap();
        let counts = batch
            .record_listing(other, &[item("url:a.example/1", "said otherwise")], now)
            .unwrap();
        assert_eq!((counts.changed, counts.known), (0, 1));
        let counts = batch
            .record_listing(id, &[item("url:a.example/1", "x3")], now)
            .unwrap();
        assert_eq!(counts.changed, 1);
        batch
            .record_source_fetch(
                id,
                now,
                None,
                SourceFetch::Failed { error: "timed out" },
                now,
            )
            .unwrap();
        batch.commit().unwrap();
        let s = store.source(id).unwrap().unwrap();
        assert_eq!(
            (s.consecutive_errors, s.health, s.page_errors),
            (1, "failing", 1)
        );
        assert_eq!(s.last_error.as_deref(), Some("timed out"));
        assert_eq!(s.items_seen, 2);
        assert_eq!(store.pending_items(id).unwrap().len(), 2);
        assert!(store.remove_source(other).unwrap());

        // Removing the source drops what only it listed and had not fetched.
        assert!(store.remove_source(id).unwrap());
        assert!(store.sources().unwrap().is_empty());
        assert_eq!(store.watch_item("url:a.example/2").unwrap(), None);
    }

    #[test]
    fn intervals_print_as_written() {
        assert_eq!(format_interval(600), "10m");
        assert_eq!(format_interval(3600), "1h");
        assert_eq!(format_interval(90), "90s");
        assert_eq!(format_interval(86400 * 2), "2d");
    }
}
