//! Persistence of the copies stage: fingerprints, near-duplicate pairs,
//! reused sentences and verdicts (the index of keys is in
//! [`super::copy_index`]). The reports built from them are in
//! [`crate::view`].

use std::collections::HashMap;
use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params};

use super::{Batch, Reader};
use crate::copies::{Fingerprint, SentenceMatch, SpinVerdict, StitchVerdict, Verdict};
use crate::error::{Error, Result};
use crate::text::SentenceSpan;

/// An article's text and sentences as stored, for the copies stage.
#[derive(Debug, Clone)]
pub struct StoredText {
    /// Normalised text.
    pub text: String,
    /// Sentences as byte ranges of `text`.
    pub sentences: Vec<SentenceSpan>,
    /// Publication date.
    pub date: Option<String>,
    /// Language.
    pub lang: crate::text::Lang,
}

impl StoredText {
    /// The text, its sentences and its language, as the stages read them.
    pub fn analyzed(&self) -> crate::text::AnalyzedText {
        crate::text::AnalyzedText {
            text: self.text.clone(),
            sentences: self.sentences.clone(),
            words: 0,
            lang: self.lang,
        }
    }

    /// The text of sentence `i`.
    pub fn sentence(&self, i: usize) -> &str {
        self.sentences
            .get(i)
            .and_then(|s| self.text.get(s.start..s.end))
            .unwrap_or("")
    }
}

/// Another article an article is a near-duplicate of.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearDuplicate {
    /// The other article.
    pub other: i64,
    /// Jaccard similarity of their word 5-gram shingles.
    pub jaccard: f64,
    /// Same text, ignoring case, punctuation and layout.
    pub exact: bool,
}

/// A stored near-duplicate pair, `a < b`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearDuplicatePair {
    /// The article with the lower id.
    pub a: i64,
    /// The other one.
    pub b: i64,
    /// Jaccard similarity of their word 5-gram shingles.
    pub jaccard: f64,
    /// Same text, ignoring case, punctuation and layout.
    pub exact: bool,
}

/// An article that shares an LSH bucket with another, to be verified.
#[derive(Debug, Clone, PartialEq)]
pub struct NearCandidate {
    /// The article.
    pub id: i64,
    /// Its text hash.
    pub text_hash: u64,
    /// Its shingle set.
    pub shingles: Vec<u32>,
}

/// A sentence of another article that shares a bucket with one of ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceCandidate {
    /// Our sentence.
    pub sentence: usize,
    /// The other article.
    pub other_article: i64,
    /// Its sentence.
    pub other_sentence: usize,
}

/// A stored reused sentence, once per pair (`article < other_article`),
/// with both articles' dates.
#[derive(Debug, Clone, PartialEq)]
pub struct ReuseRow {
    /// The match, seen from `article`.
    pub article: i64,
    /// How `article`'s sentence is carried by the other article.
    pub found: SentenceMatch,
    /// `article`'s date.
    pub date: Option<String>,
    /// The other article's date.
    pub other_date: Option<String>,
}

/// Input id, headline, publisher and date of an article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleBrief {
    /// The smallest input id.
    pub ref_id: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Publisher.
    pub source: Option<String>,
    /// Publication date.
    pub date: Option<String>,
}

/// The verdicts' flags and scores, without their evidence.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct VerdictScores {
    /// Judged spun.
    pub spun: bool,
    /// Spin score in [0, 1].
    pub spin_score: f64,
    /// Judged stitched.
    pub stitched: bool,
    /// Stitch score in [0, 1].
    pub stitch_score: f64,
}

fn ids_array(ids: impl IntoIterator<Item = i64>) -> Rc<Vec<Value>> {
    Rc::new(ids.into_iter().map(Value::Integer).collect())
}

/// `a` came before `b`: by date where both have one, else by arrival.
///
/// This decides which of two articles is the other's source. It is not a
/// total order when dated and undated articles mix ((1, 2017-01-02) before
/// (2, undated) before (3, 2017-01-01) before (1)): sort by [`earliness`].
pub fn earlier(a: (i64, Option<&str>), b: (i64, Option<&str>)) -> bool {
    match (a.1, b.1) {
        (Some(x), Some(y)) if day(x) != day(y) => x < y,
        _ => a.0 < b.0,
    }
}

/// The sort key for "earliest first": dated articles by day, then the
/// undated ones, each by arrival (id). A total order, which agrees with
/// [`earlier`] on any two articles both dated or both undated.
pub fn earliness(id: i64, date: Option<&str>) -> (bool, &str, i64) {
    (date.is_none(), date.map_or("", day), id)
}

/// The day of an RFC 3339 date (all of it, if it is not one).
fn day(date: &str) -> &str {
    date.get(..10).unwrap_or(date)
}

/// An article's spin and stitch verdicts, with their evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdicts {
    /// Spin.
    pub spin: SpinVerdict,
    /// Stitching.
    pub stitch: StitchVerdict,
}

/// An article's spin and stitch verdicts, as `copies --json` lists them.
/// (Fields in alphabetical order: the JSON keys have always come out so.)
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ArticleVerdicts {
    /// Article id.
    pub id: i64,
    /// The input's own id (the smallest, when several inputs carried it).
    #[serde(rename = "ref")]
    pub ref_id: Option<String>,
    /// Spin verdict with evidence.
    pub spin: Verdict<SpinVerdict>,
    /// Stitch verdict with evidence.
    pub stitch: Verdict<StitchVerdict>,
    /// Headline.
    pub title: Option<String>,
}

/// Reads the verdicts stored as JSON for article `id`.
/// A verdict as stored: JSON text (as every row was before schema 13), or
/// that JSON deflated into a blob. The value's type says which. The JSON
/// spells every key of every signal and repeats excerpts of the text: 2.1
/// KB an article at 100k, which deflate takes to about 600 bytes.
struct StoredJson(String);

/// The most a deflated verdict may inflate to: more is damage.
const MAX_VERDICT_BYTES: u64 = 64 << 20;

impl rusqlite::types::FromSql for StoredJson {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        use rusqlite::types::{FromSqlError, ValueRef};
        use std::io::Read;
        match v {
            ValueRef::Text(t) => std::str::from_utf8(t)
                .map(|s| StoredJson(s.to_string()))
                .map_err(|e| FromSqlError::Other(Box::new(e))),
            ValueRef::Blob(b) => {
                let mut json = String::with_capacity(b.len() * 4);
                flate2::read::DeflateDecoder::new(b)
                    .take(MAX_VERDICT_BYTES)
                    .read_to_string(&mut json)
                    .map_err(|e| FromSqlError::Other(Box::new(e)))?;
                Ok(StoredJson(json))
            }
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

/// A verdict's JSON as it is stored: deflated.
fn deflated(json: &str) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut z = flate2::write::DeflateEncoder::new(
        Vec::with_capacity(json.len() / 3),
        flate2::Compression::default(),
    );
    z.write_all(json.as_bytes())?;
    Ok(z.finish()?)
}

fn verdicts_of(
    id: i64,
    spin: Option<StoredJson>,
    stitch: Option<StoredJson>,
) -> Result<Option<Verdicts>> {
    let (Some(spin), Some(stitch)) = (spin, stitch) else {
        return Ok(None);
    };
    let unreadable =
        |e: serde_json::Error| Error::Corrupt(format!("verdicts of article {id}: {e}"));
    Ok(Some(Verdicts {
        spin: serde_json::from_str(&spin.0).map_err(unreadable)?,
        stitch: serde_json::from_str(&stitch.0).map_err(unreadable)?,
    }))
}

impl Reader {
    /// An article's stored text and sentences.
    pub fn stored_text(&self, id: i64) -> Result<Option<StoredText>> {
        let row: Option<(String, Option<String>, Option<String>)> = self
            .conn
            .prepare_cached("SELECT text, date, lang FROM articles WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((text, date, lang)) = row else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT paragraph, start, end FROM sentences WHERE article_id = ?1 ORDER BY idx",
        )?;
        let sentences = stmt
            .query_map([id], |r| {
                Ok(SentenceSpan {
                    paragraph: r.get::<_, i64>(0)? as usize,
                    start: r.get::<_, i64>(1)? as usize,
                    end: r.get::<_, i64>(2)? as usize,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(StoredText {
            text,
            sentences,
            date,
            lang: super::stored_lang(lang),
        }))
    }

    /// Input id, headline, publisher and date of an article.
    pub fn brief(&self, id: i64) -> Result<ArticleBrief> {
        Ok(self.conn.prepare_cached(
            "SELECT (SELECT min(ref_id) FROM article_refs WHERE article_id = a.id), title, source, date
             FROM articles a WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok(ArticleBrief {
                ref_id: r.get(0)?,
                title: r.get(1)?,
                source: r.get(2)?,
                date: r.get(3)?,
            })
        })?)
    }

    /// Sentences of an article carried by other articles.
    pub fn reuse_of(&self, id: i64) -> Result<Vec<SentenceMatch>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT sentence, other_id, other_sentence, score, verbatim FROM sentence_reuse
             WHERE article_id = ?1 ORDER BY sentence, score DESC, other_id",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(SentenceMatch {
                sentence: r.get::<_, i64>(0)? as usize,
                other_article: r.get(1)?,
                other_sentence: r.get::<_, i64>(2)? as usize,
                score: r.get(3)?,
                verbatim: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many of an article's sentences other articles carry.
    pub fn reused_sentence_count(&self, id: i64) -> Result<u64> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT count(DISTINCT sentence) FROM sentence_reuse WHERE article_id = ?1",
            )?
            .query_row([id], |r| r.get::<_, i64>(0))? as u64)
    }

    /// Near-duplicates of an article, most similar first.
    pub fn near_duplicates_of(&self, id: i64) -> Result<Vec<NearDuplicate>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT b, jaccard, exact FROM near_duplicates WHERE a = ?1
             UNION ALL SELECT a, jaccard, exact FROM near_duplicates WHERE b = ?1
             ORDER BY 2 DESC, 1",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(NearDuplicate {
                other: r.get(0)?,
                jaccard: r.get(1)?,
                exact: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every near-duplicate pair at least `threshold` similar.
    pub fn near_duplicate_pairs(&self, threshold: f64) -> Result<Vec<NearDuplicatePair>> {
        let mut stmt = self
            .conn
            .prepare("SELECT a, b, jaccard, exact FROM near_duplicates WHERE jaccard >= ?1")?;
        let rows = stmt.query_map([threshold], |r| {
            Ok(NearDuplicatePair {
                a: r.get(0)?,
                b: r.get(1)?,
                jaccard: r.get(2)?,
                exact: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Reused sentences, each pair once, in article and sentence order; at
    /// most `limit`.
    pub fn reuse_rows(&self, limit: usize) -> Result<Vec<ReuseRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.article_id, r.sentence, r.other_id, r.other_sentence, r.score, r.verbatim, a.date, b.date
             FROM sentence_reuse r JOIN articles a ON a.id = r.article_id JOIN articles b ON b.id = r.other_id
             WHERE r.article_id < r.other_id ORDER BY r.article_id, r.sentence, r.other_id LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit.min(i64::MAX as usize) as i64], |r| {
            Ok(ReuseRow {
                article: r.get(0)?,
                found: SentenceMatch {
                    sentence: r.get::<_, i64>(1)? as usize,
                    other_article: r.get(2)?,
                    other_sentence: r.get::<_, i64>(3)? as usize,
                    score: r.get(4)?,
                    verbatim: r.get(5)?,
                },
                date: r.get(6)?,
                other_date: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Stored spin and stitch verdicts of an article (`None`: not judged).
    pub fn verdicts(&self, id: i64) -> Result<Option<Verdicts>> {
        let row: Option<(StoredJson, StoredJson)> = self
            .conn
            .query_row(
                "SELECT spin, stitch FROM copy_verdicts WHERE article_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (spin, stitch) = row.unzip();
        verdicts_of(id, spin, stitch)
    }

    /// An article's verdict flags and scores, if it was judged.
    pub fn verdict_scores(&self, id: i64) -> Result<Option<VerdictScores>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT spun, spin_score, stitched, stitch_score FROM copy_verdicts WHERE article_id = ?1",
            )?
            .query_row([id], |r| {
                Ok(VerdictScores {
                    spun: r.get(0)?,
                    spin_score: r.get(1)?,
                    stitched: r.get(2)?,
                    stitch_score: r.get(3)?,
                })
            })
            .optional()?)
    }

    /// Every article with its verdicts, in id order, at most `limit`.
    pub fn all_verdicts(&self, limit: usize) -> Result<Vec<ArticleVerdicts>> {
        let mut stmt = self.conn.prepare(
            "SELECT a.id, (SELECT min(ref_id) FROM article_refs WHERE article_id = a.id), a.title, v.spin, v.stitch
             FROM articles a LEFT JOIN copy_verdicts v ON v.article_id = a.id ORDER BY a.id LIMIT ?1",
        )?;
        type Row = (
            i64,
            Option<String>,
            Option<String>,
            Option<StoredJson>,
            Option<StoredJson>,
        );
        let rows: Vec<Row> = stmt
            .query_map([limit.min(i64::MAX as usize) as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(id, ref_id, title, spin, stitch)| {
                let (spin, stitch) = verdicts_of(id, spin, stitch)?
                    .map(|v| (v.spin, v.stitch))
                    .unzip();
                Ok(ArticleVerdicts {
                    id,
                    ref_id,
                    spin: spin.into(),
                    stitch: stitch.into(),
                    title,
                })
            })
            .collect()
    }

    /// The first stored article (lowest id) before `id` whose text has
    /// hash `text_hash`.
    pub fn exact_duplicate_of(&self, id: i64, text_hash: u64) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT min(article_id) FROM copy_fingerprints WHERE text_hash = ?1 AND article_id < ?2",
            )?
            .query_row(params![text_hash as i64, id], |r| r.get(0))?)
    }

    /// Every stored article whose text has hash `text_hash`, in id order.
    pub fn with_text_hash(&self, text_hash: u64) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT article_id FROM copy_fingerprints WHERE text_hash = ?1 ORDER BY article_id",
        )?;
        let rows = stmt.query_map([text_hash as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The text hash of a stored article's fingerprint.
    pub fn text_hash_of(&self, id: i64) -> Result<Option<u64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT text_hash FROM copy_fingerprints WHERE article_id = ?1")?
            .query_row([id], |r| r.get::<_, i64>(0))
            .optional()?
            .map(|h| h as u64))
    }

    /// The text hash and shingle set of each of `ids` that has a
    /// fingerprint, in id order, for exact verification.
    pub fn near_duplicate_candidates(&self, ids: &[i64]) -> Result<Vec<NearCandidate>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT article_id, text_hash, shingles FROM copy_fingerprints
             WHERE article_id IN rarray(?1) ORDER BY article_id",
        )?;
        let rows = stmt.query_map(params![ids_array(ids.iter().copied())], |r| {
            let blob: Vec<u8> = r.get(2)?;
            let shingles = blob
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect();
            Ok(NearCandidate {
                id: r.get(0)?,
                text_hash: r.get::<_, i64>(1)? as u64,
                shingles,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every article with a fingerprint, with its text hash, in id order.
    pub fn fingerprinted_articles(&self) -> Result<Vec<(i64, u64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT article_id, text_hash FROM copy_fingerprints ORDER BY article_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Batch<'_> {
    /// Stores an article's fingerprint, replacing any earlier one and the
    /// matches found with it.
    pub fn save_fingerprint(&self, id: i64, fp: &Fingerprint) -> Result<()> {
        let tx = &self.tx;
        tx.prepare_cached("DELETE FROM copy_fingerprints WHERE article_id = ?1")?
            .execute([id])?;
        tx.prepare_cached("DELETE FROM near_duplicates WHERE a = ?1 OR b = ?1")?
            .execute([id])?;
        tx.prepare_cached("DELETE FROM sentence_reuse WHERE article_id = ?1 OR other_id = ?1")?
            .execute([id])?;
        let blob: Vec<u8> = fp.shingles.iter().flat_map(|s| s.to_le_bytes()).collect();
        tx.prepare_cached(
            "INSERT INTO copy_fingerprints (article_id, text_hash, shingles) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id, fp.text_hash as i64, blob])?;
        Ok(())
    }

    /// Deflates every verdict stored as JSON text (`compact` does, for a
    /// store written before schema 13). Returns how many articles' were.
    pub(crate) fn deflate_text_verdicts(&self) -> Result<u64> {
        let rows: Vec<(i64, StoredJson, StoredJson)> = self
            .tx
            .prepare(
                "SELECT article_id, spin, stitch FROM copy_verdicts
                 WHERE typeof(spin) = 'text' OR typeof(stitch) = 'text'",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut update = self.tx.prepare_cached(
            "UPDATE copy_verdicts SET spin = ?2, stitch = ?3 WHERE article_id = ?1",
        )?;
        for (id, spin, stitch) in &rows {
            update.execute(params![id, deflated(&spin.0)?, deflated(&stitch.0)?])?;
        }
        Ok(rows.len() as u64)
    }

    /// Records a near-duplicate pair.
    pub fn save_near_duplicate(&self, a: i64, b: i64, jaccard: f64, exact: bool) -> Result<()> {
        let (a, b) = (a.min(b), a.max(b));
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO near_duplicates (a, b, jaccard, exact) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![a, b, jaccard, exact])?;
        Ok(())
    }

    /// Records that sentence `m.sentence` of `article` is carried by
    /// `m.other_article`, in both directions.
    pub fn save_reuse(&self, article: i64, m: &SentenceMatch) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT OR REPLACE INTO sentence_reuse (article_id, sentence, other_id, other_sentence, score, verbatim)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        stmt.execute(params![
            article,
            m.sentence as i64,
            m.other_article,
            m.other_sentence as i64,
            m.score,
            m.verbatim
        ])?;
        stmt.execute(params![
            m.other_article,
            m.other_sentence as i64,
            article,
            m.sentence as i64,
            m.score,
            m.verbatim
        ])?;
        Ok(())
    }

    /// Adds one to the usage count of each key (an article's words, word
    /// pairs and names, [`crate::copies::usage::counted_keys`]), `counts`
    /// summed over the articles of one batch.
    pub fn count_usage(&self, counts: &HashMap<u64, u32>) -> Result<()> {
        let mut keys: Vec<(&u64, &u32)> = counts.iter().collect();
        // In key order, the upserts walk the table's B-tree forward.
        keys.sort_unstable_by_key(|(k, _)| **k as i64);
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO usage_counts (key, n) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET n = n + excluded.n",
        )?;
        for (k, n) in keys {
            stmt.execute(params![*k as i64, n])?;
        }
        Ok(())
    }

    /// The usage counts of `keys` (missing keys are 0).
    pub fn usage_counts(&self, keys: &[u64]) -> Result<HashMap<u64, u32>> {
        let array: Rc<Vec<Value>> =
            Rc::new(keys.iter().map(|&k| Value::Integer(k as i64)).collect());
        let mut stmt = self
            .tx
            .prepare_cached("SELECT key, n FROM usage_counts WHERE key IN rarray(?1)")?;
        let rows = stmt.query_map([array], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u32))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Stores an article's verdicts.
    pub fn save_verdicts(&self, id: i64, spin: &SpinVerdict, stitch: &StitchVerdict) -> Result<()> {
        let spin_json = deflated(&serde_json::to_string(spin).map_err(Error::Encode)?)?;
        let stitch_json = deflated(&serde_json::to_string(stitch).map_err(Error::Encode)?)?;
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO copy_verdicts (article_id, spun, spin_score, stitched, stitch_score, spin, stitch)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                id,
                spin.spun,
                spin.score,
                stitch.stitched,
                stitch.score,
                spin_json,
                stitch_json
            ])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliness_is_a_total_order_that_agrees_with_earlier_where_earlier_is_one() {
        // `earlier` goes round in a circle on these: 1 < 2 < 3 < 1.
        let (a, b, c) = (
            (1, Some("2017-01-02T10:00:00Z")),
            (2, None),
            (3, Some("2017-01-01")),
        );
        assert!(earlier(a, b) && earlier(b, c) && earlier(c, a));
        let mut all = vec![b, a, c];
        all.sort_by_key(|&(id, date)| earliness(id, date));
        assert_eq!(all, [c, a, b]);

        let dated = [
            (5, Some("2017-01-02T23:00:00Z")),
            (4, Some("2017-01-02T01:00:00Z")),
            (9, Some("2016-12-31")),
            (1, Some("2017-01-03")),
            (7, Some("bad")),
        ];
        let undated = [(8, None), (2, None), (6, None)];
        for set in [&dated[..], &undated[..]] {
            for &x in set {
                for &y in set {
                    if x != y {
                        assert_eq!(
                            earlier(x, y),
                            earliness(x.0, x.1) < earliness(y.0, y.1),
                            "{x:?} {y:?}"
                        );
                    }
                }
            }
        }
    }
}
