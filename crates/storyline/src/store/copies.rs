//! Persistence of the copies stage: fingerprints, near-duplicate pairs,
//! reused sentences and verdicts (the index of keys is in
//! [`super::copy_index`]). The reports built from them are in
//! [`crate::view`].

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params};

use super::reuse_codec::{self, Entry};
use super::{Batch, Reader};
use crate::copies::{Fingerprint, SentenceMatch, SpinVerdict, StitchVerdict, Verdict, shingle_set};
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

/// Stored texts read while building one answer (a summary, a report),
/// each article's read once.
pub(crate) struct StoredTexts<'r> {
    reader: &'r Reader,
    texts: HashMap<i64, Option<StoredText>>,
}

impl<'r> StoredTexts<'r> {
    pub(crate) fn new(reader: &'r Reader) -> Self {
        StoredTexts {
            reader,
            texts: HashMap::new(),
        }
    }

    fn stored(&mut self, article: i64) -> Result<&Option<StoredText>> {
        Ok(match self.texts.entry(article) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(self.reader.stored_text(article)?)
            }
        })
    }

    /// Whether the article has a row (its text may be pruned).
    pub(crate) fn exists(&mut self, article: i64) -> Result<bool> {
        Ok(self.stored(article)?.is_some())
    }

    /// Sentence `k` of `article` as stored; `None` when the article, its
    /// text or the sentence is gone.
    pub(crate) fn sentence(&mut self, article: i64, k: usize) -> Result<Option<&str>> {
        Ok(self
            .stored(article)?
            .as_ref()
            .filter(|t| k < t.sentences.len())
            .map(|t| t.sentence(k)))
    }
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

/// `copy_fingerprints.encoding` of a shingle set written out in the blob,
/// four bytes a shingle (every row before schema 14).
const SHINGLES_WRITTEN: i64 = 0;
/// `copy_fingerprints.encoding` of a shingle set read from the article's
/// stored text (the blob is empty): the set was made from that text, and
/// is made again from it as exactly.
const SHINGLES_FROM_TEXT: i64 = 1;

/// A shingle set written out: four bytes each, little-endian.
fn written_shingles(blob: &[u8]) -> Vec<u32> {
    blob.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// Column `i` of a row, a blob, read in place.
fn blob_at<'a>(r: &'a rusqlite::Row<'_>, i: usize) -> Result<&'a [u8]> {
    Ok(r.get_ref(i)?.as_blob().map_err(rusqlite::Error::from)?)
}

/// Column `i` of a row, text, read in place.
fn text_at<'a>(r: &'a rusqlite::Row<'_>, i: usize) -> Result<&'a str> {
    Ok(r.get_ref(i)?.as_str().map_err(rusqlite::Error::from)?)
}

fn damaged_reuse(article: i64, other: i64, e: &str) -> Error {
    Error::Corrupt(format!(
        "reused sentences of articles {article} and {other}: {e}"
    ))
}

/// The sentence pairs of a packed `reuse_packed` row.
fn packed_entries(article: i64, other: i64, blob: &[u8]) -> Result<Vec<Entry>> {
    reuse_codec::decode(blob).map_err(|e| damaged_reuse(article, other, e))
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
    use flate2::{Compress, Compression, FlushCompress, Status};
    thread_local! {
        // A compressor's tables are about 300 KB, zeroed when made: made
        // once per thread and reset, not made for each of the two
        // verdicts of every judged article.
        static COMPRESS: std::cell::RefCell<Compress> =
            std::cell::RefCell::new(Compress::new(Compression::default(), false));
    }
    COMPRESS.with_borrow_mut(|z| {
        z.reset();
        let mut out = Vec::with_capacity(json.len() / 3 + 64);
        loop {
            let read = z.total_in() as usize;
            if out.len() == out.capacity() {
                out.reserve(out.capacity().max(64));
            }
            match z.compress_vec(&json.as_bytes()[read..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return Ok(out),
                Ok(_) => {}
                Err(e) => return Err(std::io::Error::other(e).into()),
            }
        }
    })
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

    /// Every stored sentence pair of an article with others, seen from it,
    /// in (sentence, other article, other sentence) order: the packed rows
    /// and the rows written before schema 14 (a packed pair stands for a
    /// row of the same sentences, as a later `INSERT OR REPLACE` did).
    fn matches_of(&self, id: i64) -> Result<Vec<SentenceMatch>> {
        let mut all: BTreeMap<(usize, i64, usize), SentenceMatch> = BTreeMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT sentence, other_id, other_sentence, score, verbatim FROM sentence_reuse
             WHERE article_id = ?1",
        )?;
        let mut rows = stmt.query([id])?;
        while let Some(r) = rows.next()? {
            let m = SentenceMatch {
                sentence: r.get::<_, i64>(0)? as usize,
                other_article: r.get(1)?,
                other_sentence: r.get::<_, i64>(2)? as usize,
                score: r.get(3)?,
                verbatim: r.get(4)?,
            };
            all.insert((m.sentence, m.other_article, m.other_sentence), m);
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT other_id, matches FROM reuse_packed WHERE article_id = ?1")?;
        let mut rows = stmt.query([id])?;
        while let Some(r) = rows.next()? {
            let other: i64 = r.get(0)?;
            for e in packed_entries(id, other, blob_at(r, 1)?)? {
                all.insert(
                    (e.sentence, other, e.other_sentence),
                    SentenceMatch {
                        sentence: e.sentence,
                        other_article: other,
                        other_sentence: e.other_sentence,
                        score: e.score,
                        verbatim: e.verbatim,
                    },
                );
            }
        }
        Ok(all.into_values().collect())
    }

    /// Sentences of an article carried by other articles: by sentence,
    /// then best score first, then by the other article (and its
    /// sentence).
    pub fn reuse_of(&self, id: i64) -> Result<Vec<SentenceMatch>> {
        let mut all = self.matches_of(id)?;
        // Stable: ties keep the other sentence's order.
        all.sort_by(|a, b| {
            a.sentence
                .cmp(&b.sentence)
                .then(b.score.total_cmp(&a.score))
                .then(a.other_article.cmp(&b.other_article))
        });
        Ok(all)
    }

    /// How many of an article's sentences other articles carry.
    pub fn reused_sentence_count(&self, id: i64) -> Result<u64> {
        let all = self.matches_of(id)?;
        Ok(all
            .iter()
            .map(|m| m.sentence)
            .collect::<BTreeSet<_>>()
            .len() as u64)
    }

    /// (Its sentence, the other article) for each sentence of `id` another
    /// article carries, seen from either side, in order, without repeats.
    pub(crate) fn shared_sentences(&self, id: i64) -> Result<Vec<(u32, i64)>> {
        let mut shared: BTreeSet<(u32, i64)> = self
            .matches_of(id)?
            .into_iter()
            .map(|m| (m.sentence as u32, m.other_article))
            .collect();
        // Each pair is stored both ways; the other side is read too, as it
        // always was, so a row missing on one side is not missed.
        let mut stmt = self.conn.prepare_cached(
            "SELECT other_sentence, article_id FROM sentence_reuse WHERE other_id = ?1",
        )?;
        let mut rows = stmt.query([id])?;
        while let Some(r) = rows.next()? {
            shared.insert((r.get::<_, i64>(0)? as u32, r.get(1)?));
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT article_id, matches FROM reuse_packed WHERE other_id = ?1")?;
        let mut rows = stmt.query([id])?;
        while let Some(r) = rows.next()? {
            let article: i64 = r.get(0)?;
            for e in packed_entries(article, id, blob_at(r, 1)?)? {
                shared.insert((e.other_sentence as u32, article));
            }
        }
        Ok(shared.into_iter().collect())
    }

    /// How many (article, sentence) pairs other articles carry, over the
    /// whole store.
    pub(crate) fn reused_sentences_total(&self) -> Result<u64> {
        // Rows from before schema 14 (none once `compact` has run).
        let old: HashSet<(i64, usize)> = self
            .conn
            .prepare("SELECT DISTINCT article_id, sentence FROM sentence_reuse")?
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut total = old.len() as u64;
        // The packed rows of one article are together, in key order.
        let mut stmt = self.conn.prepare(
            "SELECT article_id, other_id, matches FROM reuse_packed ORDER BY article_id, other_id",
        )?;
        let mut rows = stmt.query([])?;
        let mut current: Option<i64> = None;
        let mut sentences: BTreeSet<usize> = BTreeSet::new();
        while let Some(r) = rows.next()? {
            let (article, other): (i64, i64) = (r.get(0)?, r.get(1)?);
            if current != Some(article) {
                total += sentences.len() as u64;
                sentences.clear();
                current = Some(article);
            }
            for e in packed_entries(article, other, blob_at(r, 2)?)? {
                if !old.contains(&(article, e.sentence)) {
                    sentences.insert(e.sentence);
                }
            }
        }
        Ok(total + sentences.len() as u64)
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

    /// Reused sentences, each pair once, in article, sentence, other
    /// article and other sentence order; at most `limit`.
    pub fn reuse_rows(&self, limit: usize) -> Result<Vec<ReuseRow>> {
        type Key = (i64, usize, i64, usize);
        let key = |r: &ReuseRow| -> Key {
            let m = &r.found;
            (r.article, m.sentence, m.other_article, m.other_sentence)
        };
        // The first `limit` of each kind of row: the first `limit` of all
        // are among them.
        let mut all: BTreeMap<Key, ReuseRow> = BTreeMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT r.article_id, r.sentence, r.other_id, r.other_sentence, r.score, r.verbatim, a.date, b.date
             FROM sentence_reuse r JOIN articles a ON a.id = r.article_id JOIN articles b ON b.id = r.other_id
             WHERE r.article_id < r.other_id
             ORDER BY r.article_id, r.sentence, r.other_id, r.other_sentence LIMIT ?1",
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
        for row in rows {
            let row = row?;
            all.insert(key(&row), row);
        }
        // Packed rows in key order: an article's pairs are all read before
        // stopping, since their order is by sentence across other articles.
        let mut stmt = self.conn.prepare(
            "SELECT r.article_id, r.other_id, r.matches, a.date, b.date
             FROM reuse_packed r JOIN articles a ON a.id = r.article_id JOIN articles b ON b.id = r.other_id
             WHERE r.article_id < r.other_id ORDER BY r.article_id, r.other_id",
        )?;
        let mut rows = stmt.query([])?;
        let (mut packed, mut current) = (0usize, None);
        while let Some(r) = rows.next()? {
            let (article, other): (i64, i64) = (r.get(0)?, r.get(1)?);
            if current != Some(article) {
                if packed >= limit {
                    break;
                }
                current = Some(article);
            }
            let (date, other_date): (Option<String>, Option<String>) = (r.get(3)?, r.get(4)?);
            for e in packed_entries(article, other, blob_at(r, 2)?)? {
                let row = ReuseRow {
                    article,
                    found: SentenceMatch {
                        sentence: e.sentence,
                        other_article: other,
                        other_sentence: e.other_sentence,
                        score: e.score,
                        verbatim: e.verbatim,
                    },
                    date: date.clone(),
                    other_date: other_date.clone(),
                };
                all.insert(key(&row), row);
                packed += 1;
            }
        }
        Ok(all.into_values().take(limit).collect())
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
        // The text is read only for the rows that need it.
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.article_id, f.text_hash, f.encoding, f.shingles,
                    CASE WHEN f.encoding = 1 THEN a.text END
             FROM copy_fingerprints f JOIN articles a ON a.id = f.article_id
             WHERE f.article_id IN rarray(?1) ORDER BY f.article_id",
        )?;
        let mut rows = stmt.query(params![ids_array(ids.iter().copied())])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let shingles = match r.get::<_, i64>(2)? {
                SHINGLES_WRITTEN => written_shingles(blob_at(r, 3)?),
                SHINGLES_FROM_TEXT => shingle_set(text_at(r, 4)?),
                other => {
                    return Err(Error::Corrupt(format!(
                        "fingerprint of article {id}: unknown encoding {other}"
                    )));
                }
            };
            out.push(NearCandidate {
                id,
                text_hash: r.get::<_, i64>(1)? as u64,
                shingles,
            });
        }
        Ok(out)
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
        tx.prepare_cached("DELETE FROM reuse_packed WHERE article_id = ?1 OR other_id = ?1")?
            .execute([id])?;
        // The shingles are the stored text's (the article is stored before
        // its fingerprint, from the same analysed text): they are read from
        // it, not written out again.
        #[cfg(debug_assertions)]
        {
            let text: String =
                tx.query_row("SELECT text FROM articles WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?;
            debug_assert_eq!(shingle_set(&text), fp.shingles, "article {id}");
        }
        tx.prepare_cached(
            "INSERT INTO copy_fingerprints (article_id, text_hash, shingles, encoding)
             VALUES (?1, ?2, x'', ?3)",
        )?
        .execute(params![id, fp.text_hash as i64, SHINGLES_FROM_TEXT])?;
        Ok(())
    }

    /// Reads from the text every fingerprint whose shingles were written
    /// out (`compact` does, for a store written before schema 14), where
    /// the text gives the same set (it always did; a row that does not
    /// agree keeps its blob). Returns how many articles' were.
    pub(crate) fn recode_fingerprints(&self) -> Result<u64> {
        let mut same = Vec::new();
        {
            let mut stmt = self.tx.prepare(
                "SELECT f.article_id, f.shingles, a.text
                 FROM copy_fingerprints f JOIN articles a ON a.id = f.article_id
                 WHERE f.encoding = 0",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let written = written_shingles(blob_at(r, 1)?);
                if written == shingle_set(text_at(r, 2)?) {
                    same.push(r.get::<_, i64>(0)?);
                }
            }
        }
        let mut update = self.tx.prepare_cached(
            "UPDATE copy_fingerprints SET shingles = x'', encoding = ?2 WHERE article_id = ?1",
        )?;
        for id in &same {
            update.execute(params![id, SHINGLES_FROM_TEXT])?;
        }
        Ok(same.len() as u64)
    }

    /// Moves the reused sentences stored a row a sentence pair (before
    /// schema 14) into packed rows (`compact` does). Returns how many
    /// articles' were.
    pub(crate) fn pack_reuse_rows(&self) -> Result<u64> {
        let mut groups: BTreeMap<(i64, i64), Vec<Entry>> = BTreeMap::new();
        {
            let mut stmt = self.tx.prepare(
                "SELECT article_id, other_id, sentence, other_sentence, score, verbatim
                 FROM sentence_reuse",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let e = Entry {
                    sentence: r.get::<_, i64>(2)? as usize,
                    other_sentence: r.get::<_, i64>(3)? as usize,
                    score: r.get(4)?,
                    verbatim: r.get(5)?,
                };
                let entries = groups.entry((r.get(0)?, r.get(1)?)).or_default();
                reuse_codec::upsert(entries, e);
            }
        }
        let articles: BTreeSet<i64> = groups.keys().map(|&(a, _)| a).collect();
        for ((article, other), old) in groups {
            // A packed pair of the same sentences stands (it was written
            // later).
            let mut entries = self.packed_row(article, other)?;
            for e in old {
                if entries
                    .binary_search_by_key(&(e.sentence, e.other_sentence), |x| {
                        (x.sentence, x.other_sentence)
                    })
                    .is_err()
                {
                    reuse_codec::upsert(&mut entries, e);
                }
            }
            self.write_packed_row(article, other, &entries)?;
        }
        self.tx.execute("DELETE FROM sentence_reuse", [])?;
        Ok(articles.len() as u64)
    }

    fn packed_row(&self, article: i64, other: i64) -> Result<Vec<Entry>> {
        let blob: Option<Vec<u8>> = self
            .tx
            .prepare_cached(
                "SELECT matches FROM reuse_packed WHERE article_id = ?1 AND other_id = ?2",
            )?
            .query_row(params![article, other], |r| r.get(0))
            .optional()?;
        match blob {
            Some(b) => packed_entries(article, other, &b),
            None => Ok(Vec::new()),
        }
    }

    fn write_packed_row(&self, article: i64, other: i64, entries: &[Entry]) -> Result<()> {
        self.tx
            .prepare_cached(
                // An update in place leaves the index on `other_id` alone.
                "INSERT INTO reuse_packed (article_id, other_id, matches) VALUES (?1, ?2, ?3)
                 ON CONFLICT (article_id, other_id) DO UPDATE SET matches = excluded.matches",
            )?
            .execute(params![article, other, reuse_codec::encode(entries)])?;
        Ok(())
    }

    /// Adds a sentence pair to the packed row of `article` and `other`.
    fn add_reuse(&self, article: i64, other: i64, e: Entry) -> Result<()> {
        let mut entries = self.packed_row(article, other)?;
        reuse_codec::upsert(&mut entries, e);
        self.write_packed_row(article, other, &entries)
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
        let e = Entry {
            sentence: m.sentence,
            other_sentence: m.other_sentence,
            score: m.score,
            verbatim: m.verbatim,
        };
        self.add_reuse(article, m.other_article, e)?;
        self.add_reuse(
            m.other_article,
            article,
            Entry {
                sentence: m.other_sentence,
                other_sentence: m.sentence,
                ..e
            },
        )
    }

    /// Adds one to the usage count of each key (an article's words, word
    /// pairs and names, [`crate::copies::usage::counted_keys`]), `counts`
    /// summed over the articles of one batch.
    pub fn count_usage<S>(&self, counts: &HashMap<u64, u32, S>) -> Result<()> {
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
pub(crate) mod tests {
    use std::path::Path;

    use super::*;
    use crate::store::Store;

    /// The reused compressor writes what a new one would, whatever came
    /// before it: real verdict-sized JSON, nothing, and text that does not
    /// compress and outgrows the first guess at the output's size.
    #[test]
    fn a_reused_compressor_writes_what_a_new_one_writes() {
        use std::io::{Read, Write};
        let corpus = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/jsonl/ecbplus.jsonl"),
        )
        .unwrap();
        let mut noise = String::new();
        let mut x: u64 = 1;
        for _ in 0..20_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            noise.push(char::from(b'!' + (x >> 58) as u8));
        }
        let texts: Vec<&str> = corpus
            .lines()
            .take(5)
            .chain(["", noise.as_str(), "{\"spun\":false}"])
            .collect();
        for text in texts {
            let mut fresh =
                flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
            fresh.write_all(text.as_bytes()).unwrap();
            let fresh = fresh.finish().unwrap();
            let reused = deflated(text).unwrap();
            assert_eq!(reused, fresh, "{} bytes", text.len());
            let mut back = String::new();
            flate2::read::DeflateDecoder::new(&reused[..])
                .read_to_string(&mut back)
                .unwrap();
            assert_eq!(back, text);
        }
    }

    /// A store at `db` holding one of the bundled corpus's JSONL files.
    pub(crate) fn ingested(db: &Path, file: &str) -> Store {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../corpus/jsonl")
            .join(file);
        let corpus = std::fs::read_to_string(path).unwrap();
        let lines: Vec<&str> = corpus.lines().collect();
        let mut store = Store::open(db).unwrap();
        let r = crate::pipeline::tests::ingest_lines(&mut store, &lines);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        store
    }

    /// Every stored article's id, in order.
    pub(crate) fn article_ids(store: &Reader) -> Vec<i64> {
        store
            .conn
            .prepare("SELECT id FROM articles ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// Everything the copies stage's tables answer: every article's
    /// candidates' shingles, reused sentences (as the pipeline, the
    /// stories stage and the views read them), the store-wide reports as
    /// `copies --json` and `article --json` write them, and the count
    /// `stats` gives.
    fn everything(store: &Reader) -> String {
        let ids = article_ids(store);
        let mut out = Vec::new();
        for &id in &ids {
            let c = &store.near_duplicate_candidates(&[id]).unwrap()[0];
            out.push(format!("{id} {} {:?}", c.text_hash, c.shingles));
            out.push(format!("{:?}", store.reuse_of(id).unwrap()));
            out.push(format!("{}", store.reused_sentence_count(id).unwrap()));
            out.push(format!("{:?}", store.copy_links(id, 0.5).unwrap()));
            let copies = crate::view::article_copies(store, id, 0.5).unwrap();
            out.push(serde_json::to_string(&copies).unwrap());
        }
        out.push(format!("{:?}", store.reuse_rows(usize::MAX).unwrap()));
        out.push(format!("{:?}", store.reuse_rows(7).unwrap()));
        let report = crate::view::copies_report(store, 0.5, usize::MAX).unwrap();
        out.push(serde_json::to_string(&report).unwrap());
        out.push(format!("{}", store.stats().unwrap().reused_sentences));
        out.join("\n")
    }

    fn count(store: &Reader, sql: &str) -> i64 {
        store.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Bytes the rows of `tables` (with their indexes) take in their pages.
    fn used_bytes(store: &Reader, tables: &[&str]) -> i64 {
        let names = tables
            .iter()
            .map(|t| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(", ");
        count(
            store,
            &format!(
                "SELECT coalesce(sum(d.pgsize - d.unused), 0) FROM dbstat d
                 JOIN sqlite_schema m ON m.name = d.name WHERE m.tbl_name IN ({names})"
            ),
        )
    }

    /// Writes a store's fingerprints and reused sentences back as a program
    /// of schema 13 wrote them (shingles written out, a row a sentence pair
    /// each way), and drops what schema 14 added. Returns how many
    /// `sentence_reuse` rows it wrote. The caller sets `user_version`.
    pub(crate) fn back_to_schema_13(conn: &rusqlite::Connection) -> usize {
        crate::store::summary::back_to_schema_15(Path::new(conn.path().unwrap()));
        let texts: Vec<(i64, String)> = conn
            .prepare(
                "SELECT f.article_id, a.text FROM copy_fingerprints f
                 JOIN articles a ON a.id = f.article_id",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for (id, text) in &texts {
            let blob: Vec<u8> = shingle_set(text)
                .iter()
                .flat_map(|s| s.to_le_bytes())
                .collect();
            conn.execute(
                "UPDATE copy_fingerprints SET shingles = ?2 WHERE article_id = ?1",
                params![id, blob],
            )
            .unwrap();
        }
        let packed: Vec<(i64, i64, Vec<u8>)> = conn
            .prepare("SELECT article_id, other_id, matches FROM reuse_packed")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut rows = 0;
        for (a, b, blob) in &packed {
            for e in reuse_codec::decode(blob).unwrap() {
                rows += conn
                    .execute(
                        "INSERT INTO sentence_reuse (article_id, sentence, other_id, other_sentence, score, verbatim)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![a, e.sentence as i64, b, e.other_sentence as i64, e.score, e.verbatim],
                    )
                    .unwrap();
            }
        }
        conn.execute_batch(
            "DROP TABLE reuse_packed;
             ALTER TABLE copy_fingerprints DROP COLUMN encoding;",
        )
        .unwrap();
        rows
    }

    /// Fingerprints read from the stored text give every real article's
    /// shingle set as the pipeline made it from the article as it came in.
    #[test]
    fn shingles_read_from_the_text_are_the_ones_made_from_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = ingested(&dir.path().join("news.db"), "ecbplus.jsonl");
        let ids = article_ids(&store);
        assert!(ids.len() > 100);
        assert_eq!(
            count(
                &store,
                "SELECT count(*) FROM copy_fingerprints WHERE encoding = 1 AND length(shingles) = 0"
            ),
            ids.len() as i64
        );
        let found = store.near_duplicate_candidates(&ids).unwrap();
        assert_eq!(found.len(), ids.len());
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/jsonl/ecbplus.jsonl");
        let corpus = std::fs::read_to_string(path).unwrap();
        let by_ref: HashMap<String, String> = corpus
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (
                    v["id"].as_str().unwrap().to_string(),
                    v["text"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        for c in found {
            // Made again from the input's own text, as the ingest made it.
            let ref_id = store.brief(c.id).unwrap().ref_id.unwrap();
            let made = crate::copies::fingerprint(&crate::text::analyze(&by_ref[&ref_id]));
            assert_eq!(c.shingles, made.shingles, "article {ref_id}");
            assert_eq!(c.text_hash, made.text_hash);
            assert!(c.shingles.len() > 10);
        }
    }

    /// A store written before schema 14 (shingles written out, a row a
    /// reused sentence pair each way; written here by SQL from what the
    /// corpus's ingest stored) reads the same after the upgrade; `compact`
    /// rewrites its rows in the new encodings, and they still read the
    /// same; the new rows are a fraction of the old ones' bytes.
    #[test]
    fn rows_of_an_older_store_read_the_same_and_compact_rewrites_them() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("news.db");
        let store = ingested(&db, "ecbplus.jsonl");
        let before = everything(&store);
        let n = article_ids(&store).len() as i64;
        let pairs = count(&store, "SELECT count(*) FROM reuse_packed");
        assert!(pairs > 20, "{pairs}");
        let reusing = count(
            &store,
            "SELECT count(DISTINCT article_id) FROM reuse_packed",
        );
        let packed_bytes = count(&store, "SELECT sum(length(matches)) FROM reuse_packed");
        let new_bytes = used_bytes(&store, &["copy_fingerprints", "reuse_packed"]);
        let packed: Vec<(i64, i64, Vec<u8>)> = store
            .conn
            .prepare("SELECT article_id, other_id, matches FROM reuse_packed")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        drop(store);

        // Back to what a program of schema 13 wrote.
        {
            let conn = rusqlite::Connection::open(&db).unwrap();
            let rows = back_to_schema_13(&conn);
            assert!(rows as i64 > 2 * pairs, "{rows} rows, {pairs} pairs");
            conn.execute_batch("PRAGMA user_version = 13;").unwrap();
        }
        let mut store = Store::open(&db).unwrap();
        assert_eq!(
            count(
                &store,
                "SELECT count(*) FROM copy_fingerprints WHERE encoding = 0"
            ),
            n
        );
        assert_eq!(count(&store, "SELECT count(*) FROM reuse_packed"), 0);
        let old_bytes = used_bytes(&store, &["copy_fingerprints", "sentence_reuse"]);
        assert_eq!(everything(&store), before);

        let report = store.compact().unwrap();
        assert_eq!(report.fingerprints_recoded, n as u64);
        assert_eq!(report.reuse_packed, reusing as u64);
        assert_eq!(count(&store, "SELECT count(*) FROM sentence_reuse"), 0);
        assert_eq!(
            count(
                &store,
                "SELECT count(*) FROM copy_fingerprints WHERE encoding = 1 AND length(shingles) = 0"
            ),
            n
        );
        assert_eq!(
            count(&store, "SELECT sum(length(matches)) FROM reuse_packed"),
            packed_bytes
        );
        assert_eq!(everything(&store), before);
        // The bytes the two tables' rows take, against the old ones'.
        assert!(
            new_bytes * 10 < old_bytes,
            "{new_bytes} bytes against {old_bytes} before"
        );
        let again = store.compact().unwrap();
        assert_eq!((again.fingerprints_recoded, again.reuse_packed), (0, 0));

        // A store with rows of both kinds (an older store that took new
        // articles) reads each pair once, the later row standing.
        let (a, b, blob) = &packed[0];
        let e = reuse_codec::decode(blob).unwrap()[0];
        store
            .conn
            .execute(
                "INSERT INTO sentence_reuse (article_id, sentence, other_id, other_sentence, score, verbatim)
                 VALUES (?1, ?2, ?3, ?4, 0.25, 0)",
                params![a, e.sentence as i64, b, e.other_sentence as i64],
            )
            .unwrap();
        assert_eq!(everything(&store), before);
    }

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
