//! Persistence for the summary stage: each story's summary as JSON, with
//! the number of articles it was made from.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use rusqlite::{OptionalExtension, params};

use super::{Batch, Reader, now};
use crate::error::Result;
use crate::summary::SummarySentence;
use crate::text::AnalyzedText;

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
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT summary FROM story_summaries WHERE story_id = ?1",
                [story],
                |r| r.get(0),
            )
            .optional()?;
        let Some(mut summary) =
            json.and_then(|j| serde_json::from_str::<Vec<SummarySentence>>(&j).ok())
        else {
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
    /// Stores a story's summary.
    pub fn save_summary(
        &self,
        story: i64,
        words: usize,
        articles: usize,
        summary: &[SummarySentence],
    ) -> Result<()> {
        let json = serde_json::to_string(summary).map_err(crate::Error::Encode)?;
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO story_summaries (story_id, words, articles, summary, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![story, words as i64, articles as i64, json, now()])?;
        Ok(())
    }

    /// Drops a story's summary, so the summary stage makes it again.
    pub fn forget_summary(&self, story: i64) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM story_summaries WHERE story_id = ?1")?
            .execute([story])?;
        Ok(())
    }
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
