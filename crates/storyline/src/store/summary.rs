//! Persistence for the summary stage: each story's summary as JSON, with
//! the number of articles it was made from.
//!
//! A summary is stored by reference (`encoding` [`BY_REFERENCE`]): each
//! citation as its article and sentence, its text only where the
//! article's stored sentence is not it, and a summary sentence's text only
//! where it is not [`crate::summary::shown`] of its first citation. The
//! texts were most of a summary's bytes, and the article holds them
//! already. `prune` and `delete` write a summary out in full
//! ([`WRITTEN_OUT`]) before the text it reads goes.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::copies::StoredTexts;
use super::{Batch, Reader, now};
use crate::error::Result;
use crate::summary::{Citation, SummarySentence, shown};
use crate::text::AnalyzedText;

/// `story_summaries.encoding`: the summary's sentences and citations with
/// their texts, as [`SummarySentence`]s in JSON (every row before schema
/// 16, and those written out).
pub const WRITTEN_OUT: i64 = 0;
/// `story_summaries.encoding`: [`ByReference`] sentences in JSON.
pub const BY_REFERENCE: i64 = 1;

/// A summary sentence stored by reference.
#[derive(Debug, Serialize, Deserialize)]
struct ByReference {
    /// Its text, when not that shown of its first citation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t: Option<String>,
    /// Its citations.
    c: Vec<CitationByReference>,
}

/// A citation stored by reference.
#[derive(Debug, Serialize, Deserialize)]
struct CitationByReference {
    /// The article.
    a: i64,
    /// The sentence's index in it.
    k: usize,
    /// The text, when the article's stored sentence is not it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t: Option<String>,
    /// `ref` and `source`, kept only for an article with no row left to
    /// read them from (otherwise read anew, see [`Reader::summary`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    r: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    s: Option<String>,
}

/// A summary by reference: the texts the stored articles give back left
/// out.
fn by_reference(summary: &[SummarySentence], cited: &mut StoredTexts<'_>) -> Result<String> {
    let mut out = Vec::with_capacity(summary.len());
    for s in summary {
        let mut c = Vec::with_capacity(s.citations.len());
        for citation in &s.citations {
            let stored = cited.sentence(citation.article, citation.sentence)?;
            let text = (stored != Some(citation.text.as_str())).then(|| citation.text.clone());
            let gone = !cited.exists(citation.article)?;
            c.push(CitationByReference {
                a: citation.article,
                k: citation.sentence,
                t: text,
                r: citation.ref_id.clone().filter(|_| gone),
                s: citation.source.clone().filter(|_| gone),
            });
        }
        let first = s.citations.first();
        let t = (first.map(|f| shown(&f.text, f.sentence)) != Some(s.text.as_str()))
            .then(|| s.text.clone());
        out.push(ByReference { t, c });
    }
    serde_json::to_string(&out).map_err(crate::Error::Encode)
}

/// A summary sentence's text, and each citation's article, sentence and
/// text.
type SentenceTexts<'s> = (&'s str, Vec<(i64, usize, &'s str)>);

/// What a summary stored by reference keeps of each sentence.
fn texts(summary: &[SummarySentence]) -> Vec<SentenceTexts<'_>> {
    summary
        .iter()
        .map(|s| {
            let c = s.citations.iter();
            (
                s.text.as_str(),
                c.map(|c| (c.article, c.sentence, c.text.as_str()))
                    .collect(),
            )
        })
        .collect()
}

/// A summary stored by reference, its texts read from the articles. A
/// citation's `ref` and `source` are left empty: [`Reader::summary`] reads
/// them anew from the article. `None` when a text is missing (a row this
/// program did not write).
fn resolve(json: &str, cited: &mut StoredTexts<'_>) -> Result<Option<Vec<SummarySentence>>> {
    let Ok(stored) = serde_json::from_str::<Vec<ByReference>>(json) else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(stored.len());
    for s in stored {
        let mut citations = Vec::with_capacity(s.c.len());
        for c in s.c {
            let text = match c.t {
                Some(t) => t,
                None => match cited.sentence(c.a, c.k)? {
                    Some(t) => t.to_string(),
                    None => return Ok(None),
                },
            };
            citations.push(Citation {
                article: c.a,
                ref_id: c.r,
                source: c.s,
                sentence: c.k,
                text,
            });
        }
        let text = match s.t {
            Some(t) => t,
            None => match citations.first() {
                Some(f) => shown(&f.text, f.sentence).to_string(),
                None => return Ok(None),
            },
        };
        out.push(SummarySentence { text, citations });
    }
    Ok(Some(out))
}

/// A stored article, as the summary stage reads it.
#[derive(Debug, Clone)]
pub struct SummarySource {
    /// Article id.
    pub id: i64,
    /// Its smallest input id.
    pub ref_id: Option<String>,
    /// Publisher or site.
    pub source: Option<String>,
    /// Publication date.
    pub date: Option<String>,
    /// Text and sentences.
    pub text: AnalyzedText,
}

/// Where a story's summary stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SummaryState {
    /// The story's articles.
    pub articles: u64,
    /// The articles its summary was made from (none when it has none).
    pub summarized: Option<u64>,
}

impl Reader {
    /// A story's stored summary.
    pub fn summary(&self, story: i64) -> Result<Option<Vec<SummarySentence>>> {
        let Some(mut summary) = self.stored_summary(story)? else {
            return Ok(None);
        };
        // A citation names its article as it stood when the story was
        // summarised; an input carrying the same text under a smaller id
        // since, or an update of its source, would leave it stale.
        let mut stmt = self.conn.prepare_cached(
            "SELECT (SELECT min(ref_id) FROM article_refs WHERE article_id = a.id), a.source
             FROM articles a WHERE a.id = ?1",
        )?;
        let mut now: HashMap<i64, (Option<String>, Option<String>)> = HashMap::new();
        for c in summary.iter_mut().flat_map(|s| s.citations.iter_mut()) {
            if let Entry::Vacant(e) = now.entry(c.article) {
                let row = stmt
                    .query_row([c.article], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                e.insert(row.unwrap_or((c.ref_id.clone(), c.source.clone())));
            }
            let (ref_id, source) = &now[&c.article];
            c.ref_id.clone_from(ref_id);
            c.source.clone_from(source);
        }
        Ok(Some(summary))
    }

    /// A story's summary as stored, its texts read back from the articles
    /// where it is stored by reference (citations' `ref` and `source` as
    /// stored, or empty).
    fn stored_summary(&self, story: i64) -> Result<Option<Vec<SummarySentence>>> {
        let row: Option<(String, i64)> = self
            .conn
            .prepare_cached("SELECT summary, encoding FROM story_summaries WHERE story_id = ?1")?
            .query_row([story], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(match row {
            None => None,
            Some((json, BY_REFERENCE)) => resolve(&json, &mut StoredTexts::new(self))?,
            Some((json, _)) => serde_json::from_str::<Vec<SummarySentence>>(&json).ok(),
        })
    }

    /// How many articles a story has, and how many its summary was made
    /// from; `None` when there is no such story.
    pub fn summary_state(&self, story: i64) -> Result<Option<SummaryState>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT s.article_count, ss.articles FROM stories s
                 LEFT JOIN story_summaries ss ON ss.story_id = s.id WHERE s.id = ?1",
            )?
            .query_row([story], |r| {
                Ok(SummaryState {
                    articles: r.get::<_, i64>(0)? as u64,
                    summarized: r.get::<_, Option<i64>>(1)?.map(|n| n as u64),
                })
            })
            .optional()?)
    }

    /// The articles of a story to summarise: its `first` earliest and
    /// `last` latest by date (then arrival), with their text.
    pub fn summary_sources(
        &self,
        story: i64,
        first: usize,
        last: usize,
    ) -> Result<Vec<SummarySource>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.source, a.date FROM story_articles sa JOIN articles a ON a.id = sa.article_id
             WHERE sa.story_id = ?1 ORDER BY a.date IS NULL, a.date, a.id",
        )?;
        let all: Vec<(i64, Option<String>, Option<String>)> = stmt
            .query_map([story], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let keep: Vec<&(i64, Option<String>, Option<String>)> = if all.len() > first + last {
            all[..first]
                .iter()
                .chain(&all[all.len() - last..])
                .collect()
        } else {
            all.iter().collect()
        };
        let mut out = Vec::with_capacity(keep.len());
        for (id, source, date) in keep {
            let brief = self.brief(*id)?;
            if let Some(text) = self.stored_text(*id)? {
                out.push(SummarySource {
                    id: *id,
                    ref_id: brief.ref_id,
                    source: source.clone(),
                    date: date.clone(),
                    text: text.analyzed(),
                });
            }
        }
        Ok(out)
    }
}

impl Batch<'_> {
    /// Stores a story's summary, by reference to its articles' stored
    /// sentences.
    pub fn save_summary(
        &self,
        story: i64,
        words: usize,
        articles: usize,
        summary: &[SummarySentence],
    ) -> Result<()> {
        let json = by_reference(summary, &mut StoredTexts::new(self))?;
        debug_assert_eq!(
            resolve(&json, &mut StoredTexts::new(self))
                .ok()
                .flatten()
                .as_deref()
                .map(texts),
            Some(texts(summary)),
            "a summary stored by reference reads back as itself"
        );
        self.put_summary(story, words, articles, &json, BY_REFERENCE)
    }

    fn put_summary(
        &self,
        story: i64,
        words: usize,
        articles: usize,
        json: &str,
        encoding: i64,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO story_summaries (story_id, words, articles, summary, updated_at, encoding)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![story, words as i64, articles as i64, json, now(), encoding])?;
        Ok(())
    }

    /// Writes out in full every summary stored by reference that reads a
    /// text of `articles`: their text is about to go (`prune`, `delete`).
    /// Returns how many were written out.
    pub(crate) fn write_out_summaries_citing(&self, articles: &[i64]) -> Result<u64> {
        if articles.is_empty() {
            return Ok(0);
        }
        let going: std::collections::HashSet<i64> = articles.iter().copied().collect();
        let rows: Vec<(i64, i64, i64, String)> = self
            .tx
            .prepare(
                "SELECT story_id, words, articles, summary FROM story_summaries WHERE encoding = ?1",
            )?
            .query_map([BY_REFERENCE], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut written = 0;
        for (story, words, count, json) in rows {
            let Ok(stored) = serde_json::from_str::<Vec<ByReference>>(&json) else {
                continue;
            };
            let reads_going = stored
                .iter()
                .flat_map(|s| &s.c)
                .any(|c| c.t.is_none() && going.contains(&c.a));
            if !reads_going {
                continue;
            }
            if let Some(summary) = self.stored_summary(story)? {
                let full = serde_json::to_string(&summary).map_err(crate::Error::Encode)?;
                self.put_summary(story, words as usize, count as usize, &full, WRITTEN_OUT)?;
                written += 1;
            }
        }
        Ok(written)
    }

    /// `compact`'s rewrite of the summaries written out in full (before
    /// schema 16, or written out for a text since pruned) by reference to
    /// the stored texts they still find. Returns how many were rewritten.
    pub(crate) fn recode_summaries(&self) -> Result<u64> {
        let rows: Vec<(i64, i64, i64)> = self
            .tx
            .prepare("SELECT story_id, words, articles FROM story_summaries WHERE encoding != ?1")?
            .query_map([BY_REFERENCE], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut recoded = 0;
        for (story, words, count) in rows {
            if let Some(summary) = self.stored_summary(story)? {
                self.save_summary(story, words as usize, count as usize, &summary)?;
                recoded += 1;
            }
        }
        Ok(recoded)
    }

    /// Drops a story's summary, so the summary stage makes it again.
    pub fn forget_summary(&self, story: i64) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM story_summaries WHERE story_id = ?1")?
            .execute([story])?;
        Ok(())
    }
}

/// Writes every summary stored by reference out in full and drops
/// `encoding`: the store as a program before schema 16 left it, for the
/// tests that take a store back to an older schema. The caller sets
/// `user_version`.
#[cfg(test)]
pub(crate) fn back_to_schema_15(db: &std::path::Path) {
    let reader = Reader::new(rusqlite::Connection::open(db).unwrap());
    let stories: Vec<i64> = reader
        .conn
        .prepare("SELECT story_id FROM story_summaries WHERE encoding = ?1")
        .unwrap()
        .query_map([BY_REFERENCE], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for story in stories {
        let summary = reader.stored_summary(story).unwrap().unwrap();
        reader
            .conn
            .execute(
                "UPDATE story_summaries SET summary = ?2 WHERE story_id = ?1",
                params![story, serde_json::to_string(&summary).unwrap()],
            )
            .unwrap();
    }
    reader
        .conn
        .execute_batch("ALTER TABLE story_summaries DROP COLUMN encoding;")
        .unwrap();
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::pipeline::tests::ingest_lines;
    use crate::store::Store;

    /// The same text arriving later under a smaller input id changes the
    /// article's `ref` without changing its story; the summary's citations
    /// name it as it is now, not as it was when the story was summarised.
    #[test]
    fn a_citation_names_its_article_as_it_is_now() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/jsonl/ecbplus.jsonl");
        let corpus = std::fs::read_to_string(path).unwrap();
        let lines: Vec<&str> = corpus.lines().take(20).collect();
        let mut store = Store::open_in_memory().unwrap();
        assert!(ingest_lines(&mut store, &lines).errors.is_empty());
        let first = store.resolve("1_1ecb").unwrap().unwrap();
        let story = store.story_of(first).unwrap().unwrap();
        let summary = store.summary(story).unwrap().unwrap();
        let cited = &summary[0].citations[0];
        let old_ref = cited.ref_id.clone().unwrap();
        let line = lines
            .iter()
            .find(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"] == old_ref)
            .unwrap();
        let mut again: serde_json::Value = serde_json::from_str(line).unwrap();
        again["id"] = "0_again".into();
        let report = ingest_lines(&mut store, &[&again.to_string()]);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(store.resolve("0_again").unwrap(), Some(cited.article));
        let now = store.summary(story).unwrap().unwrap();
        let same = now
            .iter()
            .flat_map(|s| &s.citations)
            .find(|c| c.article == cited.article)
            .unwrap();
        assert_eq!(same.ref_id.as_deref(), Some("0_again"));
    }
}
