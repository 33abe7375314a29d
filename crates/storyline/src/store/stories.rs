//! Persistence for the stories stage: the clusterer's state behind
//! [`StoryIndex`] on a write transaction, and the story listings.

use std::collections::HashMap;
use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params};

use super::features_codec;
use super::{Batch, Reader, now};
use crate::error::Result;
use crate::stories::features::{decode_weights, encode_weights};
use crate::stories::{
    Idf, JoinModel, JoinReason, Member, Signal, Signals, Story, StoryArticle, StoryFeatures,
    StoryIndex, StoryParams, StoryProfile, StorySummary,
};

/// Signals shown per article of a story: the ones that weighed most.
const SIGNALS_SHOWN: usize = 5;

fn keys_array(keys: impl IntoIterator<Item = u64>) -> Rc<Vec<Value>> {
    Rc::new(keys.into_iter().map(|k| Value::Integer(k as i64)).collect())
}

fn encode_keys(keys: &[u64]) -> Vec<u8> {
    keys.iter().flat_map(|k| k.to_le_bytes()).collect()
}

fn decode_keys(b: &[u8]) -> Vec<u64> {
    b.chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
        .collect()
}

/// Which stories [`Reader::stories_matching`] lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryQuery {
    /// At most this many.
    pub limit: usize,
    /// Skip this many first.
    pub offset: usize,
    /// Only stories with at least this many articles.
    pub min_articles: usize,
    /// Only stories active at or after this moment (an ISO 8601 day or
    /// timestamp in UTC, as the store keeps dates).
    pub since: Option<String>,
    /// Only stories that began at or before this moment (a day takes in
    /// the whole day).
    pub until: Option<String>,
}

impl Default for StoryQuery {
    fn default() -> Self {
        StoryQuery {
            limit: usize::MAX >> 1,
            offset: 0,
            min_articles: 1,
            since: None,
            until: None,
        }
    }
}

/// The articles an article copies or is copied by.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CopyLinks {
    /// Near-duplicates, closest first.
    pub near_duplicates: Vec<i64>,
    /// Its sentences that other articles carry: (its sentence, the other
    /// article).
    pub shared_sentences: Vec<(u32, i64)>,
}

/// What the stories stage reads of a stored article whose features it
/// has to extract again.
#[derive(Debug, Clone)]
pub struct StorySource {
    /// Headline.
    pub title: Option<String>,
    /// Whether the headline was taken from the text (the input had none).
    pub title_from_text: bool,
    /// Text, sentences and date.
    pub text: super::copies::StoredText,
}

impl StorySource {
    /// The story features these give, as ingest extracted them.
    pub fn features(&self) -> StoryFeatures {
        StoryFeatures::extract(
            self.title.as_deref(),
            self.title_from_text,
            &self.text.analyzed(),
            self.text.date.as_deref(),
        )
    }
}

/// Where every article is, and which ids were merged into which story.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoryAssignments {
    /// Article → story.
    pub members: HashMap<i64, i64>,
    /// Merged-away id → story.
    pub aliases: Vec<(i64, i64)>,
}

/// The clusterer's state on a write transaction. Document frequencies read
/// in the transaction are cached and kept current as documents are counted;
/// the counts are written once, in key order, at [`SqlStoryIndex::finish`]:
/// a common word counted by every article of a batch is one write, and the
/// writes walk the index in order instead of all over it.
pub struct SqlStoryIndex<'b, 'c> {
    batch: &'b Batch<'c>,
    // Keys of article text, looked up for every key of every arrival:
    // seeded hashers (no chosen collisions), not SipHash.
    df: foldhash::HashMap<u64, u32>,
    pending: foldhash::HashMap<u64, u32>,
    documents: Option<u64>,
    counted: u64,
    now: String,
}

impl<'b, 'c> SqlStoryIndex<'b, 'c> {
    /// The index of the transaction's store.
    pub fn new(batch: &'b Batch<'c>) -> Self {
        SqlStoryIndex {
            batch,
            df: foldhash::HashMap::default(),
            pending: foldhash::HashMap::default(),
            documents: None,
            counted: 0,
            now: now(),
        }
    }

    fn documents(&mut self) -> Result<u64> {
        if let Some(n) = self.documents {
            return Ok(n);
        }
        let n: Option<String> = self
            .batch
            .tx
            .query_row(
                "SELECT value FROM story_meta WHERE name = 'documents'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let n = n.and_then(|v| v.parse().ok()).unwrap_or(0);
        self.documents = Some(n);
        Ok(n)
    }

    /// Writes the counts back; call before the transaction commits.
    pub fn finish(mut self) -> Result<()> {
        let mut pending: Vec<(u64, u32)> = std::mem::take(&mut self.pending).into_iter().collect();
        pending.sort_unstable_by_key(|p| p.0 as i64);
        let mut stmt = self.batch.tx.prepare_cached(
            "INSERT INTO story_df (key, df) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET df = df + excluded.df",
        )?;
        for (k, n) in pending {
            stmt.execute(params![k as i64, n])?;
        }
        if self.counted > 0 {
            let n = self.documents()?;
            self.batch.tx.execute(
                "INSERT INTO story_meta (name, value) VALUES ('documents', ?1)
                 ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                [n.to_string()],
            )?;
        }
        Ok(())
    }
}

impl StoryIndex for SqlStoryIndex<'_, '_> {
    fn count_document(&mut self, keys: &[u64]) -> Result<()> {
        let n = self.documents()? + 1;
        self.documents = Some(n);
        self.counted += 1;
        for k in keys {
            *self.pending.entry(*k).or_default() += 1;
            if let Some(df) = self.df.get_mut(k) {
                *df += 1;
            }
        }
        Ok(())
    }

    fn frequencies(&mut self, keys: &[u64], idf: &mut Idf) -> Result<()> {
        idf.documents = self.documents()?;
        let missing: Vec<u64> = keys
            .iter()
            .copied()
            .filter(|k| !self.df.contains_key(k))
            .collect();
        if !missing.is_empty() {
            let mut stored: foldhash::HashMap<u64, u32> = foldhash::HashMap::default();
            let mut stmt = self
                .batch
                .tx
                .prepare_cached("SELECT key, df FROM story_df WHERE key IN rarray(?1)")?;
            let rows = stmt.query_map([keys_array(missing.iter().copied())], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u32))
            })?;
            for row in rows {
                let (k, df) = row?;
                stored.insert(k, df);
            }
            // What the store holds plus what this transaction counted and
            // has not written yet.
            for k in missing {
                let df = stored.get(&k).copied().unwrap_or(0)
                    + self.pending.get(&k).copied().unwrap_or(0);
                self.df.insert(k, df);
            }
        }
        for k in keys {
            if let Some(&df) = self.df.get(k)
                && df > 0
            {
                idf.df.insert(*k, df);
            }
        }
        Ok(())
    }

    fn stories_with_key(&mut self, key: u64, limit: usize) -> Result<Vec<i64>> {
        let mut stmt = self.batch.tx.prepare_cached(
            "SELECT story_id FROM story_keys WHERE key = ?1 ORDER BY story_id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![key as i64, limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn profile(&mut self, story: i64) -> Result<Option<StoryProfile>> {
        let mut stmt = self
            .batch
            .tx
            .prepare_cached("SELECT profile FROM stories WHERE id = ?1")?;
        let blob: Option<Vec<u8>> = stmt.query_row([story], |r| r.get(0)).optional()?;
        Ok(blob.and_then(|b| StoryProfile::decode(&b)))
    }

    fn create_story(&mut self, profile: &StoryProfile) -> Result<i64> {
        self.batch.tx.execute(
            "INSERT INTO stories (created_at, updated_at, profile) VALUES (?1, ?1, ?2)",
            params![self.now, profile.encode()],
        )?;
        let id = self.batch.tx.last_insert_rowid();
        self.update_story(id, &[], profile)?;
        Ok(id)
    }

    fn update_story(&mut self, story: i64, old_keys: &[u64], profile: &StoryProfile) -> Result<()> {
        self.batch.write_out_contribution(story)?;
        let tx = &self.batch.tx;
        tx.prepare_cached("UPDATE stories SET profile = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(params![story, profile.encode(), self.now])?;
        let mut remove =
            tx.prepare_cached("DELETE FROM story_keys WHERE key = ?1 AND story_id = ?2")?;
        for k in old_keys.iter().filter(|k| !profile.keys.contains(k)) {
            remove.execute(params![*k as i64, story])?;
        }
        let mut add =
            tx.prepare_cached("INSERT OR IGNORE INTO story_keys (key, story_id) VALUES (?1, ?2)")?;
        for k in profile.keys.iter().filter(|k| !old_keys.contains(k)) {
            add.execute(params![*k as i64, story])?;
        }
        Ok(())
    }

    fn add_member(&mut self, story: i64, member: &Member) -> Result<()> {
        let tx = &self.batch.tx;
        tx.prepare_cached(
            "INSERT OR REPLACE INTO story_articles (article_id, story_id, score, reason, joined_at, signals)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            member.article,
            story,
            member.score as f64,
            member.reason.name(),
            self.now,
            member.signals.map(|s| s.encode())
        ])?;
        tx.prepare_cached(
            "UPDATE stories SET article_count = article_count + 1,
                 first_date = coalesce(min(first_date, a.date), first_date, a.date),
                 last_date = coalesce(max(last_date, a.date), last_date, a.date),
                 first_stored = coalesce(min(first_stored, a.ingested_at), a.ingested_at),
                 last_stored = coalesce(max(last_stored, a.ingested_at), a.ingested_at)
             FROM (SELECT date, ingested_at FROM articles WHERE id = ?2) AS a
             WHERE stories.id = ?1",
        )?
        .execute(params![story, member.article])?;
        Ok(())
    }

    fn set_title(&mut self, story: i64, article: i64) -> Result<()> {
        self.batch
            .tx
            .prepare_cached("UPDATE stories SET title_article = ?2 WHERE id = ?1")?
            .execute(params![story, article])?;
        Ok(())
    }

    fn merge(
        &mut self,
        from: i64,
        into: i64,
        old_keys: &[u64],
        profile: &StoryProfile,
    ) -> Result<()> {
        let gone = self.profile(from)?;
        let kept = self.profile(into)?;
        let tx = &self.batch.tx;
        if let (Some(g), Some(k)) = (&gone, &kept)
            && g.title_score > k.title_score
        {
            tx.execute(
                "UPDATE stories SET title_article = (SELECT title_article FROM stories WHERE id = ?1)
                 WHERE id = ?2",
                params![from, into],
            )?;
        }
        tx.execute(
            "UPDATE story_articles SET story_id = ?2 WHERE story_id = ?1",
            params![from, into],
        )?;
        tx.execute(
            "UPDATE story_aliases SET story_id = ?2 WHERE story_id = ?1",
            params![from, into],
        )?;
        tx.execute(
            "INSERT OR REPLACE INTO story_aliases (alias, story_id) VALUES (?1, ?2)",
            params![from, into],
        )?;
        self.batch.write_out_contribution(from)?;
        tx.execute("DELETE FROM stories WHERE id = ?1", [from])?;
        self.batch.refresh_story_span(into)?;
        self.update_story(into, old_keys, profile)
    }
}

impl Batch<'_> {
    /// Recomputes a story's article count and first/last seen from its
    /// members.
    pub(crate) fn refresh_story_span(&self, story: i64) -> Result<()> {
        self.tx.execute(
            "UPDATE stories SET (article_count, first_date, last_date, first_stored, last_stored) =
                 (SELECT count(*), min(a.date), max(a.date), min(a.ingested_at), max(a.ingested_at)
                  FROM story_articles sa JOIN articles a ON a.id = sa.article_id
                  WHERE sa.story_id = ?1)
             WHERE id = ?1",
            [story],
        )?;
        Ok(())
    }

    /// Stores an article's story features, compact when the encoding gives
    /// them back exactly (else in the five blobs of before).
    pub fn save_story_features(&self, id: i64, f: &StoryFeatures) -> Result<()> {
        let mut insert = self.tx.prepare_cached(
            "INSERT OR REPLACE INTO story_features
                 (article_id, day, has_title, terms, entities, lead, headline, figures, encoding)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        match features_codec::encode(f) {
            // `headline` empty, not NULL: the row is current.
            Some(blob) => insert.execute(params![
                id,
                f.day,
                f.has_title,
                blob,
                [0u8; 0],
                [0u8; 0],
                [0u8; 0],
                Option::<Vec<u8>>::None,
                features_codec::COMPACT
            ])?,
            None => insert.execute(params![
                id,
                f.day,
                f.has_title,
                encode_weights(&f.terms),
                encode_weights(&f.entities),
                encode_keys(&f.lead),
                encode_keys(&f.headline),
                encode_keys(&f.figures),
                features_codec::BLOBS
            ])?,
        };
        Ok(())
    }

    /// Stores the story features of an article that were extracted from
    /// its stored text, headline and date (the article is stored first, in
    /// this batch): they are read from those again, not written out (2.2 KB
    /// an article in the compact encoding).
    pub fn save_text_story_features(&self, id: i64, f: &StoryFeatures) -> Result<()> {
        #[cfg(debug_assertions)]
        debug_assert_eq!(
            self.text_story_features(id)?.as_ref(),
            Some(f),
            "article {id}"
        );
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO story_features
                     (article_id, day, has_title, terms, entities, lead, headline, figures, encoding)
                 VALUES (?1, ?2, ?3, x'', x'', x'', x'', NULL, ?4)",
            )?
            .execute(params![id, f.day, f.has_title, features_codec::FROM_TEXT])?;
        Ok(())
    }

    /// Writes out the story features of an article read from its text, in
    /// the compact encoding: before its text is pruned.
    pub(crate) fn write_out_story_features(&self, id: i64) -> Result<()> {
        let from_text: bool = self
            .tx
            .prepare_cached("SELECT encoding = ?2 FROM story_features WHERE article_id = ?1")?
            .query_row(params![id, features_codec::FROM_TEXT], |r| r.get(0))
            .optional()?
            .unwrap_or(false);
        if from_text && let Some(f) = self.story_features(id)? {
            self.save_story_features(id, &f)?;
        }
        Ok(())
    }

    /// `compact`'s rewrite of the story features: every current row that
    /// the article's text gives back exactly is read from it from now on
    /// (the rows written before schema 15, all of them unless the
    /// extraction changed since); any other current row still in the five
    /// blobs is written compact. Rows stored before the headline was kept
    /// are left to be extracted again. Returns how many rows were written
    /// (`story_features_recoded`) and how many of those are now read from
    /// the text.
    pub(crate) fn recode_story_features(&self) -> Result<(u64, u64)> {
        let rows: Vec<(i64, i64)> = self
            .tx
            .prepare(
                "SELECT f.article_id, f.encoding FROM story_features f
                 JOIN articles a ON a.id = f.article_id
                 WHERE f.encoding != ?1 AND f.headline IS NOT NULL AND a.text_pruned_at IS NULL",
            )?
            .query_map([features_codec::FROM_TEXT], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let (mut recoded, mut from_text) = (0, 0);
        for (id, encoding) in rows {
            let Some(f) = self.current_story_features(id)? else {
                continue;
            };
            if self.text_story_features(id)?.as_ref() == Some(&f) {
                self.save_text_story_features(id, &f)?;
                from_text += 1;
            } else if encoding == features_codec::BLOBS {
                self.save_story_features(id, &f)?;
            } else {
                continue;
            }
            recoded += 1;
        }
        Ok((recoded, from_text))
    }

    /// Records the clusterer's tuning for this store.
    pub fn save_story_params(&self, params: &StoryParams) -> Result<()> {
        let json = serde_json::to_string(params).map_err(crate::Error::Encode)?;
        self.tx.execute(
            "INSERT INTO story_meta (name, value) VALUES ('params', ?1)
             ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            [json],
        )?;
        Ok(())
    }

    /// Stories after some of their articles were deleted: each story left
    /// with articles is rebuilt from them; an empty one is dropped.
    pub fn rebuild_stories(&self, stories: &[i64]) -> Result<()> {
        let documents: u64 = self
            .tx
            .query_row(
                "SELECT value FROM story_meta WHERE name = 'documents'",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        for &story in stories {
            let mut stmt = self.tx.prepare_cached(
                "SELECT article_id, score, reason, signals FROM story_articles WHERE story_id = ?1
                 ORDER BY article_id",
            )?;
            let members: Vec<Member> = stmt
                .query_map([story], |r| {
                    Ok(Member {
                        article: r.get(0)?,
                        score: r.get::<_, f64>(1)? as f32,
                        reason: super::named(r, 2, JoinReason::from_name)?,
                        signals: r
                            .get::<_, Option<Vec<u8>>>(3)?
                            .and_then(|b| Signals::decode(&b)),
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            if members.is_empty() {
                self.write_out_contribution(story)?;
                self.tx
                    .execute("DELETE FROM stories WHERE id = ?1", [story])?;
                continue;
            }
            let old = self
                .tx
                .query_row("SELECT profile FROM stories WHERE id = ?1", [story], |r| {
                    r.get::<_, Vec<u8>>(0)
                })
                .optional()?
                .and_then(|b| StoryProfile::decode(&b))
                .unwrap_or_default();
            let mut idf = Idf {
                documents,
                ..Idf::default()
            };
            let mut profile = StoryProfile::default();
            let mut title: Option<(f32, i64)> = None;
            for m in &members {
                let Some(f) = self.story_features(m.article)? else {
                    continue;
                };
                let keys: Vec<u64> = f
                    .terms
                    .iter()
                    .chain(&f.entities)
                    .map(|e| e.0)
                    .chain(profile.all_keys())
                    .collect();
                let mut stmt = self
                    .tx
                    .prepare_cached("SELECT key, df FROM story_df WHERE key IN rarray(?1)")?;
                for row in stmt.query_map([keys_array(keys)], |r| {
                    Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u32))
                })? {
                    let (k, df) = row?;
                    idf.df.insert(k, df);
                }
                profile.add(&f, &idf);
                if m.reason == JoinReason::Similar {
                    profile.joins += 1;
                    profile.score_sum += m.score;
                    // The word similarity it joined with; a join scored by
                    // the rules kept none, and its score stands in.
                    profile.words_sum += m.signals.map(|s| s.get(Signal::Words)).unwrap_or(m.score);
                }
                if f.has_title && title.is_none_or(|(s, _)| m.score > s) {
                    title = Some((m.score, m.article));
                }
            }
            profile.title_score = title.map_or(0.0, |t| t.0);
            let mut index = SqlStoryIndex::new(self);
            index.update_story(story, &old.keys, &profile)?;
            let title_article = title.map(|t| t.1).unwrap_or(members[0].article);
            self.tx.execute(
                "UPDATE stories SET title_article = ?2 WHERE id = ?1",
                params![story, title_article],
            )?;
            self.refresh_story_span(story)?;
        }
        Ok(())
    }

    /// Replaces every story with `stories` (id → members, title article,
    /// profile) and `aliases` (old id → story), keeping the document
    /// frequencies in `df` (with `documents` documents counted).
    pub fn replace_stories(
        &self,
        stories: &[(i64, Vec<Member>, Option<i64>, StoryProfile)],
        aliases: &[(i64, i64)],
        df: &HashMap<u64, u32>,
        documents: u64,
    ) -> Result<()> {
        let tx = &self.tx;
        tx.execute_batch(
            "DELETE FROM story_aliases; DELETE FROM story_keys; DELETE FROM story_articles;
             DELETE FROM stories; DELETE FROM story_df;",
        )?;
        {
            let mut stmt = tx.prepare_cached("INSERT INTO story_df (key, df) VALUES (?1, ?2)")?;
            for (k, n) in df {
                stmt.execute(params![*k as i64, n])?;
            }
        }
        tx.execute(
            "INSERT INTO story_meta (name, value) VALUES ('documents', ?1)
             ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            [documents.to_string()],
        )?;
        let stamp = now();
        let mut index = SqlStoryIndex::new(self);
        for (id, members, title, profile) in stories {
            tx.execute(
                "INSERT INTO stories (id, title_article, created_at, updated_at, profile)
                 VALUES (?1, ?2, ?3, ?3, ?4)",
                params![id, title, stamp, profile.encode()],
            )?;
            index.update_story(*id, &[], profile)?;
            let mut stmt = tx.prepare_cached(
                "INSERT INTO story_articles (article_id, story_id, score, reason, joined_at, signals)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for m in members {
                stmt.execute(params![
                    m.article,
                    id,
                    m.score as f64,
                    m.reason.name(),
                    stamp,
                    m.signals.map(|s| s.encode())
                ])?;
            }
            self.refresh_story_span(*id)?;
        }
        let mut stmt =
            tx.prepare_cached("INSERT INTO story_aliases (alias, story_id) VALUES (?1, ?2)")?;
        for (alias, story) in aliases {
            stmt.execute(params![alias, story])?;
        }
        Ok(())
    }
}

pub(super) const STORY_SUMMARY: &str = "s.id,
    coalesce(t.title, (SELECT a.title FROM story_articles sa JOIN articles a ON a.id = sa.article_id
                       WHERE sa.story_id = s.id ORDER BY sa.article_id LIMIT 1)),
    s.article_count,
    (SELECT count(DISTINCT a.source) FROM story_articles sa JOIN articles a ON a.id = sa.article_id
     WHERE sa.story_id = s.id),
    coalesce(s.first_date, s.first_stored), coalesce(s.last_date, s.last_stored)";

pub(super) fn summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StorySummary> {
    Ok(StorySummary {
        id: r.get(0)?,
        title: r.get(1)?,
        articles: r.get::<_, i64>(2)? as u64,
        sources: r.get::<_, i64>(3)? as u64,
        first_seen: r.get(4)?,
        last_seen: r.get(5)?,
    })
}

impl Reader {
    /// Stories, most recently active first (undated ones, known only by
    /// when they were stored, after every dated one), `limit` from `offset`, with at
    /// least `min_articles` articles.
    pub fn stories(
        &self,
        limit: usize,
        offset: usize,
        min_articles: usize,
    ) -> Result<Vec<StorySummary>> {
        self.stories_matching(&StoryQuery {
            limit,
            offset,
            min_articles,
            ..StoryQuery::default()
        })
    }

    /// Stories as [`Store::stories`] lists them, within a time window: a
    /// story is in it when its span (`first_seen` to `last_seen`) meets
    /// `since`..=`until`.
    pub fn stories_matching(&self, q: &StoryQuery) -> Result<Vec<StorySummary>> {
        // `until` compares as a prefix, so that a bare day takes in the
        // whole of that day's timestamps.
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {STORY_SUMMARY} FROM stories s LEFT JOIN articles t ON t.id = s.title_article
             WHERE s.article_count >= ?3
               AND (?4 IS NULL OR coalesce(s.last_date, s.last_stored) >= ?4)
               AND (?5 IS NULL OR substr(coalesce(s.first_date, s.first_stored), 1, length(?5)) <= ?5)
             ORDER BY s.last_date IS NOT NULL DESC, coalesce(s.last_date, s.last_stored) DESC,
                      s.id DESC
             LIMIT ?1 OFFSET ?2"
        ))?;
        let rows = stmt.query_map(
            params![
                q.limit.min(i64::MAX as usize) as i64,
                q.offset.min(i64::MAX as usize) as i64,
                q.min_articles.min(i64::MAX as usize) as i64,
                q.since,
                q.until
            ],
            summary_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Resolves a story id, following merges: itself if it is a story, the
    /// story it was merged into if it is an alias.
    pub fn resolve_story(&self, id: i64) -> Result<Option<i64>> {
        self.resolve_alias(
            "SELECT id FROM stories WHERE id = ?1",
            "SELECT story_id FROM story_aliases WHERE alias = ?1",
            id,
        )
    }

    /// `id` if `direct` finds it, else what `alias` maps it to.
    pub(crate) fn resolve_alias(&self, direct: &str, alias: &str, id: i64) -> Result<Option<i64>> {
        let found: Option<i64> = self.conn.query_row(direct, [id], |r| r.get(0)).optional()?;
        if found.is_some() {
            return Ok(found);
        }
        Ok(self.conn.query_row(alias, [id], |r| r.get(0)).optional()?)
    }

    /// The story a reference names, as the CLI and the server take one: a
    /// story id, or `article:X` for the story of article X (an id or a
    /// ref, as [`Reader::resolve`] reads it). A story id is returned as
    /// given, unchecked; an article without a story is
    /// [`Error::NotFound`](crate::Error::NotFound), a reference of neither
    /// form [`Error::BadArgument`](crate::Error::BadArgument).
    pub fn story_ref(&self, reference: &str) -> Result<i64> {
        let Some(article) = reference.strip_prefix("article:") else {
            return reference.parse().map_err(|_| {
                crate::Error::BadArgument(format!(
                    "{reference:?} is not a story id (a number, or article:ID)"
                ))
            });
        };
        let Some(id) = self.resolve(article)? else {
            return Err(crate::Error::NotFound(format!(
                "no article with id or ref {article:?}"
            )));
        };
        self.story_of(id)?
            .ok_or_else(|| crate::Error::NotFound(format!("no story of article {article:?}")))
    }

    /// The story an article is in.
    pub fn story_of(&self, article: i64) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT story_id FROM story_articles WHERE article_id = ?1")?
            .query_row([article], |r| r.get(0))
            .optional()?)
    }

    /// The clusterer's tuning for this store.
    pub fn story_params(&self) -> Result<StoryParams> {
        self.meta_json("params")
    }

    /// A tuning stored as JSON in `story_meta` under `name`; the default
    /// when it is absent or no longer reads (a field renamed since).
    pub(crate) fn meta_json<T: serde::de::DeserializeOwned + Default>(
        &self,
        name: &str,
    ) -> Result<T> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM story_meta WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        Ok(json
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default())
    }

    /// An article's stored story features. Features stored before the
    /// headline and figures were kept come back without them.
    pub fn story_features(&self, id: i64) -> Result<Option<StoryFeatures>> {
        Ok(self.story_features_row(id)?.map(|(f, _)| f))
    }

    /// An article's stored story features, `None` also when they were
    /// stored before the headline and figures were kept.
    pub fn current_story_features(&self, id: i64) -> Result<Option<StoryFeatures>> {
        Ok(self
            .story_features_row(id)?
            .and_then(|(f, current)| current.then_some(f)))
    }

    /// An article's story features, and whether they are current (stored
    /// with the headline and figures).
    fn story_features_row(&self, id: i64) -> Result<Option<(StoryFeatures, bool)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT day, has_title, terms, entities, lead, headline, figures, encoding
             FROM story_features WHERE article_id = ?1",
        )?;
        let row = stmt
            .query_row([id], |r| {
                let day: Option<i32> = r.get(0)?;
                let has_title: bool = r.get(1)?;
                match r.get::<_, i64>(7)? {
                    features_codec::FROM_TEXT => return Ok(Err(None)),
                    features_codec::COMPACT => {
                        return Ok(features_codec::decode(
                            r.get_ref(2)?.as_blob()?,
                            day,
                            has_title,
                        )
                        .map(|f| (f, true))
                        .map_err(Some));
                    }
                    _ => {}
                }
                let headline: Option<Vec<u8>> = r.get(5)?;
                let figures: Option<Vec<u8>> = r.get(6)?;
                let current = headline.is_some();
                Ok(Ok((
                    StoryFeatures {
                        day,
                        has_title,
                        terms: decode_weights(&r.get::<_, Vec<u8>>(2)?),
                        entities: decode_weights(&r.get::<_, Vec<u8>>(3)?),
                        lead: decode_keys(&r.get::<_, Vec<u8>>(4)?),
                        headline: decode_keys(&headline.unwrap_or_default()),
                        figures: decode_keys(&figures.unwrap_or_default()),
                    },
                    current,
                )))
            })
            .optional()?;
        match row {
            None => Ok(None),
            Some(Ok(found)) => Ok(Some(found)),
            Some(Err(None)) => match self.text_story_features(id)? {
                Some(f) => Ok(Some((f, true))),
                None => Err(crate::Error::Corrupt(format!(
                    "story features of article {id}: they are read from its text, and it has none"
                ))),
            },
            Some(Err(Some(e))) => Err(crate::Error::Corrupt(format!(
                "story features of article {id}: {e}"
            ))),
        }
    }

    /// The story features an article's stored text, headline and date
    /// give (`None` when it is not stored or its text was pruned).
    pub(crate) fn text_story_features(&self, id: i64) -> Result<Option<StoryFeatures>> {
        Ok(self
            .story_source(id)?
            .filter(|source| !source.text.text.is_empty())
            .map(|source| source.features()))
    }

    /// Whether some article's story features were stored before the
    /// headline and figures were kept. Through a partial index: no scan.
    pub fn has_outdated_story_features(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM story_features WHERE headline IS NULL)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Articles whose story features were stored before the headline and
    /// figures were kept (none, after the first ingest that finds them).
    pub fn outdated_story_features(&self) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT article_id FROM story_features WHERE headline IS NULL ORDER BY article_id",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One story (an alias resolves to the story it was merged into) with
    /// its articles, oldest first.
    pub fn story(&self, id: i64) -> Result<Option<Story>> {
        let Some(id) = self.resolve_story(id)? else {
            return Ok(None);
        };
        let summary = self.conn.query_row(
            &format!(
                "SELECT {STORY_SUMMARY} FROM stories s LEFT JOIN articles t ON t.id = s.title_article
                 WHERE s.id = ?1"
            ),
            [id],
            summary_row,
        )?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.title, a.source, a.url, a.date, a.ingested_at, sa.score, sa.reason,
                    sa.signals
             FROM story_articles sa JOIN articles a ON a.id = sa.article_id
             WHERE sa.story_id = ?1
             ORDER BY coalesce(a.date, a.ingested_at), a.id",
        )?;
        let model = JoinModel::shipped();
        let mut articles: Vec<StoryArticle> = stmt
            .query_map([id], |r| {
                Ok(StoryArticle {
                    id: r.get(0)?,
                    ref_id: None,
                    refs: Vec::new(),
                    title: r.get(1)?,
                    source: r.get(2)?,
                    url: r.get(3)?,
                    date: r.get(4)?,
                    ingested_at: r.get(5)?,
                    score: r.get(6)?,
                    reason: super::named(r, 7, JoinReason::from_name)?,
                    signals: r
                        .get::<_, Option<Vec<u8>>>(8)?
                        .and_then(|b| Signals::decode(&b))
                        .map(|s| {
                            let mut c = model.contributions(&s);
                            c.truncate(SIGNALS_SHOWN);
                            c
                        })
                        .unwrap_or_default(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        for a in &mut articles {
            a.refs = self.refs(a.id)?;
            a.ref_id = a.refs.first().cloned();
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.source, count(*) FROM story_articles sa JOIN articles a ON a.id = sa.article_id
             WHERE sa.story_id = ?1 AND a.source IS NOT NULL
             GROUP BY a.source ORDER BY 2 DESC, 1",
        )?;
        let sources = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT alias FROM story_aliases WHERE story_id = ?1 ORDER BY alias")?;
        let aliases = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(Story {
            id,
            title: summary.title,
            article_count: summary.articles,
            sources,
            first_seen: summary.first_seen,
            last_seen: summary.last_seen,
            aliases,
            articles,
        }))
    }

    /// Whether some article is in no story (a database from before the
    /// stories stage). A read: it never waits for a running ingest.
    pub fn has_articles_without_story(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM articles a LEFT JOIN story_articles sa ON sa.article_id = a.id
                           WHERE sa.article_id IS NULL)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Number of stories.
    pub fn story_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM stories", [], |r| r.get::<_, i64>(0))?
            as u64)
    }

    /// Articles in the same language that this one copies or is copied
    /// by: near-duplicates at Jaccard ≥ `near` (closest first), and
    /// articles it shares reused sentences with, with how many of its
    /// sentences (most first). A copy in another language (the same text
    /// declared as another language) is no reason to join its story.
    pub fn copy_links(&self, id: i64, near: f64) -> Result<CopyLinks> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT o.id FROM near_duplicates n
             JOIN articles o ON o.id = CASE WHEN n.a = ?1 THEN n.b ELSE n.a END
             WHERE (n.a = ?1 OR n.b = ?1) AND n.jaccard >= ?2
               AND o.lang IS (SELECT lang FROM articles WHERE id = ?1)
             ORDER BY n.jaccard DESC, 1",
        )?;
        let copies = stmt
            .query_map(params![id, near], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let shared = self.shared_sentences(id)?;
        Ok(CopyLinks {
            near_duplicates: copies,
            shared_sentences: shared,
        })
    }

    /// The id the next new story will get.
    pub fn next_story_id(&self) -> Result<i64> {
        let seq: Option<i64> = self
            .conn
            .query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = 'stories'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let max: Option<i64> = self
            .conn
            .query_row("SELECT max(id) FROM stories", [], |r| r.get(0))?;
        let alias: Option<i64> =
            self.conn
                .query_row("SELECT max(alias) FROM story_aliases", [], |r| r.get(0))?;
        Ok(seq
            .unwrap_or(0)
            .max(max.unwrap_or(0))
            .max(alias.unwrap_or(0))
            + 1)
    }

    /// Articles in no story, in store order.
    pub fn articles_without_story(&self) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id FROM articles a LEFT JOIN story_articles sa ON sa.article_id = a.id
             WHERE sa.article_id IS NULL ORDER BY a.id",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every article's story, with the ids merged into each story.
    pub fn story_assignments(&self) -> Result<StoryAssignments> {
        let mut stmt = self
            .conn
            .prepare("SELECT article_id, story_id FROM story_articles")?;
        let members = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self
            .conn
            .prepare("SELECT alias, story_id FROM story_aliases")?;
        let aliases = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(StoryAssignments { members, aliases })
    }

    /// Articles with their dates, for a rebuild in time order.
    pub fn article_days(&self) -> Result<Vec<(i64, Option<String>)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, date FROM articles ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What the stories stage reads of a stored article: its headline,
    /// whether that headline was taken from the text, its text and date.
    pub fn story_source(&self, id: i64) -> Result<Option<StorySource>> {
        let row: Option<(Option<String>, String)> = self
            .conn
            .prepare_cached("SELECT title, metadata FROM articles WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((title, metadata)) = row else {
            return Ok(None);
        };
        let from_text = serde_json::from_str::<serde_json::Value>(&metadata)
            .ok()
            // As ingest decides it: the key's presence.
            .is_some_and(|m| m.get("title_from_text").is_some());
        Ok(self.stored_text(id)?.map(|text| StorySource {
            title,
            title_from_text: from_text,
            text,
        }))
    }

    /// Every story id.
    pub fn story_ids(&self) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare("SELECT id FROM stories ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
