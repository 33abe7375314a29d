//! Persistence for the threads stage: each thread's profile and index
//! keys, each story's place in a thread, merged thread ids, and the reads
//! behind `threads`, `thread` and the timeline.
//!
//! A story's contribution to its thread ([`crate::threads::contribution`]
//! of its profile) is stored by reference (an empty blob, schema 17) when
//! it is that of the story's stored profile, as it nearly always is: it is
//! read from the profile. Before the profile changes or the story goes,
//! the contribution is written out ([`Batch::write_out_contribution`]), so
//! the thread stage takes out exactly what it put in.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use super::stories::{STORY_SUMMARY, SqlStoryIndex, summary_row};
use super::{Batch, Reader, now};
use crate::error::Result;
use crate::stories::{Idf, StoryIndex, StoryProfile, StorySummary};
use crate::threads::{
    Membership, ThreadArticle, ThreadIndex, ThreadMatch, ThreadParams, ThreadSummary,
};

/// The thread stage's state in the store, inside a write transaction.
pub struct SqlThreadIndex<'b, 'c> {
    batch: &'b Batch<'c>,
    stories: SqlStoryIndex<'b, 'c>,
    now: String,
}

impl<'b, 'c> SqlThreadIndex<'b, 'c> {
    /// The index of the transaction's store. Word frequencies are the
    /// stories stage's, as that stage left them.
    pub fn new(batch: &'b Batch<'c>) -> Self {
        SqlThreadIndex {
            batch,
            stories: SqlStoryIndex::new(batch),
            now: now(),
        }
    }
}

impl ThreadIndex for SqlThreadIndex<'_, '_> {
    fn frequencies(&mut self, keys: &[u64], idf: &mut Idf) -> Result<()> {
        self.stories.frequencies(keys, idf)
    }

    fn story_profile(&mut self, story: i64) -> Result<Option<StoryProfile>> {
        self.stories.profile(story)
    }

    fn threads_with_key(&mut self, key: u64, limit: usize) -> Result<Vec<i64>> {
        let mut stmt = self.batch.tx.prepare_cached(
            "SELECT thread_id FROM thread_keys WHERE key = ?1 ORDER BY thread_id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![key as i64, limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn thread(&mut self, thread: i64) -> Result<Option<(StoryProfile, Vec<u64>)>> {
        let blob: Option<Vec<u8>> = self
            .batch
            .tx
            .prepare_cached("SELECT profile FROM threads WHERE id = ?1")?
            .query_row([thread], |r| r.get(0))
            .optional()?;
        Ok(blob
            .and_then(|b| StoryProfile::decode(&b))
            .map(|p| (p, Vec::new())))
    }

    fn thread_size(&mut self, thread: i64) -> Result<u64> {
        let n: i64 = self
            .batch
            .tx
            .prepare_cached("SELECT count(*) FROM thread_stories WHERE thread_id = ?1")?
            .query_row([thread], |r| r.get(0))?;
        Ok(n as u64)
    }

    fn membership(&mut self, story: i64) -> Result<Option<Membership>> {
        let row: Option<(i64, Vec<u8>)> = self
            .batch
            .tx
            .prepare_cached(
                "SELECT thread_id, contribution FROM thread_stories WHERE story_id = ?1",
            )?
            .query_row([story], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((thread, blob)) = row else {
            return Ok(None);
        };
        Ok(self
            .batch
            .stored_contribution(story, &blob)?
            .map(|contribution| Membership {
                thread,
                contribution,
            }))
    }

    fn create_thread(&mut self, profile: &StoryProfile, keys: &[u64]) -> Result<i64> {
        self.batch.tx.execute(
            "INSERT INTO threads (created_at, updated_at, profile) VALUES (?1, ?1, ?2)",
            params![self.now, profile.encode()],
        )?;
        let id = self.batch.tx.last_insert_rowid();
        self.save_thread(id, profile, keys)?;
        Ok(id)
    }

    fn save_thread(&mut self, thread: i64, profile: &StoryProfile, keys: &[u64]) -> Result<()> {
        let tx = &self.batch.tx;
        tx.prepare_cached("UPDATE threads SET profile = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(params![thread, profile.encode(), self.now])?;
        tx.prepare_cached("DELETE FROM thread_keys WHERE thread_id = ?1")?
            .execute([thread])?;
        let mut add = tx
            .prepare_cached("INSERT OR IGNORE INTO thread_keys (key, thread_id) VALUES (?1, ?2)")?;
        for k in keys {
            add.execute(params![*k as i64, thread])?;
        }
        Ok(())
    }

    fn set_membership(&mut self, story: i64, m: &Membership, how: &ThreadMatch) -> Result<()> {
        let old: Option<i64> = self.batch.thread_of_story(story)?;
        self.batch
            .tx
            .prepare_cached(
                "INSERT OR REPLACE INTO thread_stories
                 (story_id, thread_id, contribution, score, words, names, joined_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                story,
                m.thread,
                self.batch.contribution_blob(story, &m.contribution)?,
                how.score as f64,
                how.words as f64,
                how.names as f64,
                self.now
            ])?;
        self.batch.refresh_thread(m.thread)?;
        if let Some(o) = old.filter(|o| *o != m.thread) {
            self.batch.refresh_thread(o)?;
        }
        Ok(())
    }

    fn remove_membership(&mut self, story: i64) -> Result<()> {
        let old = self.batch.thread_of_story(story)?;
        self.batch
            .tx
            .prepare_cached("DELETE FROM thread_stories WHERE story_id = ?1")?
            .execute([story])?;
        if let Some(o) = old {
            self.batch.refresh_thread(o)?;
        }
        Ok(())
    }

    fn merge_threads(&mut self, from: i64, into: i64) -> Result<()> {
        let tx = &self.batch.tx;
        tx.execute(
            "UPDATE thread_stories SET thread_id = ?2 WHERE thread_id = ?1",
            params![from, into],
        )?;
        self.drop_thread(from, Some(into))?;
        self.batch.refresh_thread(into)
    }

    fn drop_thread(&mut self, thread: i64, alias_of: Option<i64>) -> Result<()> {
        let tx = &self.batch.tx;
        match alias_of.filter(|a| *a != thread) {
            Some(into) => {
                tx.execute(
                    "UPDATE thread_aliases SET thread_id = ?2 WHERE thread_id = ?1",
                    params![thread, into],
                )?;
                tx.execute(
                    "INSERT OR REPLACE INTO thread_aliases (alias, thread_id) VALUES (?1, ?2)",
                    params![thread, into],
                )?;
            }
            None => {
                tx.execute("DELETE FROM thread_aliases WHERE thread_id = ?1", [thread])?;
            }
        }
        tx.execute("DELETE FROM threads WHERE id = ?1", [thread])?;
        Ok(())
    }
}

impl Batch<'_> {
    /// Recomputes a thread's counts and span from its stories.
    pub(crate) fn refresh_thread(&self, thread: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE threads SET (story_count, article_count, first_date, last_date,
                                     first_stored, last_stored) =
                     (SELECT count(*), coalesce(sum(s.article_count), 0), min(s.first_date),
                             max(s.last_date), min(s.first_stored), max(s.last_stored)
                      FROM thread_stories ts JOIN stories s ON s.id = ts.story_id
                      WHERE ts.thread_id = ?1)
                 WHERE id = ?1",
            )?
            .execute([thread])?;
        Ok(())
    }

    /// Keeps the thread stage's tuning for later ingests.
    pub fn save_thread_params(&self, params: &ThreadParams) -> Result<()> {
        let json = serde_json::to_string(params)
            .map_err(|e| crate::Error::BadArgument(format!("thread params: {e}")))?;
        self.tx.execute(
            "INSERT INTO story_meta (name, value) VALUES ('thread_params', ?1)
             ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            [json],
        )?;
        Ok(())
    }

    /// The blob a story's contribution is stored as: empty (by reference)
    /// when it is that of the story's stored profile, bit for bit.
    fn contribution_blob(&self, story: i64, contribution: &StoryProfile) -> Result<Vec<u8>> {
        let written = contribution.encode();
        let by_reference = self
            .stored_contribution(story, &[])?
            .is_some_and(|c| c.encode() == written);
        Ok(if by_reference { Vec::new() } else { written })
    }

    /// Writes out the contribution of a story stored by reference, as its
    /// profile now gives it: called before the profile changes or the
    /// story is deleted, since the thread stage takes out of the thread
    /// what the story put in.
    pub(crate) fn write_out_contribution(&self, story: i64) -> Result<()> {
        let by_reference = self
            .tx
            .prepare_cached(
                "SELECT length(contribution) = 0 FROM thread_stories WHERE story_id = ?1",
            )?
            .query_row([story], |r| r.get::<_, bool>(0))
            .optional()?
            .unwrap_or(false);
        if by_reference && let Some(c) = self.stored_contribution(story, &[])? {
            self.tx
                .prepare_cached("UPDATE thread_stories SET contribution = ?2 WHERE story_id = ?1")?
                .execute(params![story, c.encode()])?;
        }
        Ok(())
    }

    /// `compact`'s rewrite of the contributions written out (before schema
    /// 17, or before a profile changed) that the story's profile gives
    /// back bit for bit: stored by reference from now on. Returns how many.
    pub(crate) fn recode_contributions(&self) -> Result<u64> {
        let rows: Vec<(i64, Vec<u8>)> = self
            .tx
            .prepare(
                "SELECT story_id, contribution FROM thread_stories WHERE length(contribution) > 0",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut recoded = 0;
        for (story, blob) in rows {
            let Some(c) = StoryProfile::decode(&blob) else {
                continue;
            };
            if self.contribution_blob(story, &c)?.is_empty() {
                self.tx
                    .prepare_cached(
                        "UPDATE thread_stories SET contribution = x'' WHERE story_id = ?1",
                    )?
                    .execute([story])?;
                recoded += 1;
            }
        }
        Ok(recoded)
    }

    /// Stories deleted (or merged into another) since the threads last
    /// looked; the list is emptied.
    pub fn take_thread_orphans(&self) -> Result<Vec<i64>> {
        let ids: Vec<i64> = self
            .tx
            .prepare_cached("SELECT story_id FROM thread_orphans ORDER BY story_id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        self.tx.execute("DELETE FROM thread_orphans", [])?;
        Ok(ids)
    }

    /// Every merged thread id, with the thread it resolves to: what a
    /// rebuild carries over.
    pub fn thread_alias_pairs(&self) -> Result<Vec<(i64, i64)>> {
        Ok(self
            .tx
            .prepare("SELECT alias, thread_id FROM thread_aliases")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Forgets every thread (before a rebuild).
    pub fn clear_threads(&self) -> Result<()> {
        self.tx.execute_batch(
            "DELETE FROM thread_stories; DELETE FROM thread_keys; DELETE FROM thread_aliases;
             DELETE FROM threads; DELETE FROM thread_orphans;",
        )?;
        Ok(())
    }

    /// Renumbers a rebuilt thread to the id it carries over, and records
    /// the old ids that now resolve to another thread.
    pub fn renumber_threads(&self, ids: &[(i64, i64)], aliases: &[(i64, i64)]) -> Result<()> {
        // Through negative ids first, so no two threads ever share one;
        // the references are checked once all are renumbered.
        self.tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
        for (from, to) in ids {
            self.tx.execute(
                "UPDATE threads SET id = ?2 WHERE id = ?1",
                params![from, -to],
            )?;
            self.tx.execute(
                "UPDATE thread_stories SET thread_id = ?2 WHERE thread_id = ?1",
                params![from, -to],
            )?;
            self.tx.execute(
                "UPDATE thread_keys SET thread_id = ?2 WHERE thread_id = ?1",
                params![from, -to],
            )?;
            self.tx.execute(
                "UPDATE thread_aliases SET thread_id = ?2 WHERE thread_id = ?1",
                params![from, -to],
            )?;
        }
        self.tx.execute_batch(
            "UPDATE threads SET id = -id WHERE id < 0;
             UPDATE thread_stories SET thread_id = -thread_id WHERE thread_id < 0;
             UPDATE thread_keys SET thread_id = -thread_id WHERE thread_id < 0;
             UPDATE thread_aliases SET thread_id = -thread_id WHERE thread_id < 0;",
        )?;
        let mut add = self
            .tx
            .prepare("INSERT OR REPLACE INTO thread_aliases (alias, thread_id) VALUES (?1, ?2)")?;
        for (alias, thread) in aliases {
            add.execute(params![alias, thread])?;
        }
        // AUTOINCREMENT never hands out an id below the largest given.
        self.tx.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(id), 0) FROM threads),
                 (SELECT coalesce(max(alias), 0) FROM thread_aliases))
             WHERE name = 'threads'",
            [],
        )?;
        Ok(())
    }
}

const THREAD_SUMMARY: &str = "th.id,
    (SELECT coalesce(t.title, (SELECT a.title FROM story_articles sa JOIN articles a ON a.id = sa.article_id
                               WHERE sa.story_id = s.id ORDER BY sa.article_id LIMIT 1))
     FROM thread_stories ts JOIN stories s ON s.id = ts.story_id
     LEFT JOIN articles t ON t.id = s.title_article
     WHERE ts.thread_id = th.id ORDER BY s.article_count DESC, s.id LIMIT 1),
    th.story_count, th.article_count,
    (SELECT count(DISTINCT a.source) FROM thread_stories ts
     JOIN story_articles sa ON sa.story_id = ts.story_id JOIN articles a ON a.id = sa.article_id
     WHERE ts.thread_id = th.id),
    coalesce(th.first_date, th.first_stored), coalesce(th.last_date, th.last_stored)";

fn thread_summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ThreadSummary> {
    Ok(ThreadSummary {
        id: r.get(0)?,
        title: r.get(1)?,
        stories: r.get::<_, i64>(2)? as u64,
        articles: r.get::<_, i64>(3)? as u64,
        sources: r.get::<_, i64>(4)? as u64,
        first_seen: r.get(5)?,
        last_seen: r.get(6)?,
    })
}

/// A story's place in its thread, as stored.
#[derive(Debug, Clone)]
pub struct StoredMembership {
    /// The story.
    pub story: i64,
    /// How it matched when it joined.
    pub how: ThreadMatch,
    /// What it added to the thread's profile.
    pub contribution: Option<StoryProfile>,
}

impl Reader {
    /// Threads, most recently active first (those dated only by when
    /// they were stored after every dated one), with at least
    /// `min_stories` stories.
    pub fn threads(&self, limit: usize, min_stories: usize) -> Result<Vec<ThreadSummary>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {THREAD_SUMMARY} FROM threads th WHERE th.story_count >= ?2
             ORDER BY th.last_date IS NOT NULL DESC, coalesce(th.last_date, th.last_stored) DESC,
                      th.id DESC
             LIMIT ?1"
        ))?;
        let rows = stmt.query_map(
            params![
                limit.min(i64::MAX as usize) as i64,
                min_stories.min(i64::MAX as usize) as i64
            ],
            thread_summary_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One thread's listing line.
    pub fn thread_summary(&self, thread: i64) -> Result<Option<ThreadSummary>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {THREAD_SUMMARY} FROM threads th WHERE th.id = ?1"
            ))?
            .query_row([thread], thread_summary_row)
            .optional()?)
    }

    /// Resolves a thread id, following merges.
    pub fn resolve_thread(&self, id: i64) -> Result<Option<i64>> {
        self.resolve_alias(
            "SELECT id FROM threads WHERE id = ?1",
            "SELECT thread_id FROM thread_aliases WHERE alias = ?1",
            id,
        )
    }

    /// The thread a reference names: a thread id, `story:N` for the thread
    /// of story N (or an alias of it), or `article:X` for the thread of
    /// article X's story. A thread id is returned as given, unchecked.
    pub fn thread_ref(&self, reference: &str) -> Result<i64> {
        let story = if let Some(s) = reference.strip_prefix("story:") {
            let id: i64 = s.parse().map_err(|_| {
                crate::Error::BadArgument(format!("{s:?} is not a story id (a number)"))
            })?;
            self.resolve_story(id)?
                .ok_or_else(|| crate::Error::NotFound(format!("no story {id}")))?
        } else if reference.starts_with("article:") {
            self.story_ref(reference)?
        } else {
            return reference.parse().map_err(|_| {
                crate::Error::BadArgument(format!(
                    "{reference:?} is not a thread id (a number, story:N or article:ID)"
                ))
            });
        };
        self.thread_of_story(story)?
            .ok_or_else(|| crate::Error::NotFound(format!("story {story} is in no thread")))
    }

    /// The thread a story is in.
    pub fn thread_of_story(&self, story: i64) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT thread_id FROM thread_stories WHERE story_id = ?1")?
            .query_row([story], |r| r.get(0))
            .optional()?)
    }

    /// Ids merged into a thread.
    pub fn thread_aliases(&self, thread: i64) -> Result<Vec<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT alias FROM thread_aliases WHERE thread_id = ?1 ORDER BY alias")?
            .query_map([thread], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// A story's contribution to its thread as stored in `blob`: read
    /// from the story's profile when stored by reference (empty).
    fn stored_contribution(&self, story: i64, blob: &[u8]) -> Result<Option<StoryProfile>> {
        if !blob.is_empty() {
            return Ok(decode_contribution(blob, None));
        }
        let profile: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT profile FROM stories WHERE id = ?1")?
            .query_row([story], |r| r.get(0))
            .optional()?;
        Ok(decode_contribution(blob, profile.as_deref()))
    }

    /// A thread's stories with how they joined, oldest first (undated
    /// ones last).
    pub fn thread_members(&self, thread: i64) -> Result<Vec<StoredMembership>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT ts.story_id, ts.score, ts.words, ts.names, ts.contribution, s.profile
             FROM thread_stories ts JOIN stories s ON s.id = ts.story_id
             WHERE ts.thread_id = ?1
             ORDER BY s.first_date IS NULL, coalesce(s.first_date, s.first_stored), s.id",
        )?;
        let rows = stmt.query_map([thread], |r| {
            Ok(StoredMembership {
                story: r.get(0)?,
                how: ThreadMatch {
                    score: r.get::<_, f64>(1)? as f32,
                    words: r.get::<_, f64>(2)? as f32,
                    names: r.get::<_, f64>(3)? as f32,
                    gap_days: None,
                    lead_shared: false,
                },
                contribution: decode_contribution(
                    &r.get::<_, Vec<u8>>(4)?,
                    Some(&r.get::<_, Vec<u8>>(5)?),
                ),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A thread's profile.
    pub fn thread_profile(&self, thread: i64) -> Result<Option<StoryProfile>> {
        let blob: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT profile FROM threads WHERE id = ?1", [thread], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(blob.and_then(|b| StoryProfile::decode(&b)))
    }

    /// The thread stage's tuning for this store.
    pub fn thread_params(&self) -> Result<ThreadParams> {
        self.meta_json("thread_params")
    }

    /// Whether some story is in no thread (a store from before threads).
    pub fn has_stories_without_thread(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM stories s WHERE NOT EXISTS
                 (SELECT 1 FROM thread_stories ts WHERE ts.story_id = s.id) LIMIT 1",
                [],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Stories in no thread, oldest first.
    pub fn stories_without_thread(&self) -> Result<Vec<i64>> {
        self.story_list(
            "SELECT s.id FROM stories s WHERE NOT EXISTS
             (SELECT 1 FROM thread_stories ts WHERE ts.story_id = s.id)
             ORDER BY s.first_date IS NULL, coalesce(s.first_date, s.first_stored), s.id",
        )
    }

    /// Every story, oldest first (undated ones after, in the order they
    /// were stored): the order a rebuild places them in.
    pub fn stories_oldest_first(&self) -> Result<Vec<i64>> {
        self.story_list(
            "SELECT s.id FROM stories s
             ORDER BY s.first_date IS NULL, coalesce(s.first_date, s.first_stored), s.id",
        )
    }

    /// Every thread id.
    pub fn thread_ids(&self) -> Result<Vec<i64>> {
        self.story_list("SELECT id FROM threads ORDER BY id")
    }

    fn story_list(&self, sql: &str) -> Result<Vec<i64>> {
        Ok(self
            .conn
            .prepare(sql)?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Every article's thread.
    pub fn article_threads(&self) -> Result<HashMap<i64, i64>> {
        Ok(self
            .conn
            .prepare(
                "SELECT sa.article_id, ts.thread_id FROM story_articles sa
                 JOIN thread_stories ts ON ts.story_id = sa.story_id",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// One story's listing line.
    pub fn story_line(&self, story: i64) -> Result<Option<StorySummary>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {STORY_SUMMARY} FROM stories s LEFT JOIN articles t ON t.id = s.title_article
                 WHERE s.id = ?1"
            ))?
            .query_row([story], summary_row)
            .optional()?)
    }

    /// A thread's articles, oldest first (undated ones after, in the
    /// order they were stored).
    pub fn thread_articles(&self, thread: i64) -> Result<Vec<ThreadArticle>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, sa.story_id, a.title, a.source, a.date, a.ingested_at
             FROM thread_stories ts JOIN story_articles sa ON sa.story_id = ts.story_id
             JOIN articles a ON a.id = sa.article_id
             WHERE ts.thread_id = ?1
             ORDER BY a.date IS NULL, coalesce(a.date, a.ingested_at), a.id",
        )?;
        let mut rows: Vec<ThreadArticle> = stmt
            .query_map([thread], |r| {
                Ok(ThreadArticle {
                    id: r.get(0)?,
                    ref_id: None,
                    story: r.get(1)?,
                    title: r.get(2)?,
                    source: r.get(3)?,
                    date: r.get(4)?,
                    ingested_at: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        for a in &mut rows {
            a.ref_id = self.brief(a.id)?.ref_id;
        }
        Ok(rows)
    }

    /// The document frequencies of `keys`, as the stories stage counts
    /// them.
    pub fn idf_of(&self, keys: &[u64]) -> Result<Idf> {
        let documents: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM story_meta WHERE name = 'documents'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let mut idf = Idf {
            documents: documents.and_then(|v| v.parse().ok()).unwrap_or(0),
            ..Idf::default()
        };
        let mut stmt = self
            .conn
            .prepare_cached("SELECT df FROM story_df WHERE key = ?1")?;
        for &k in keys {
            if let Some(df) = stmt
                .query_row([k as i64], |r| r.get::<_, i64>(0))
                .optional()?
            {
                idf.df.insert(k, df as u32);
            }
        }
        Ok(idf)
    }
}

/// A story's contribution to its thread from its stored `blob`, or, when
/// that is empty (by reference), from the story's stored `profile`.
fn decode_contribution(blob: &[u8], profile: Option<&[u8]>) -> Option<StoryProfile> {
    if blob.is_empty() {
        profile
            .and_then(StoryProfile::decode)
            .map(|p| crate::threads::contribution(&p))
    } else {
        StoryProfile::decode(blob)
    }
}
