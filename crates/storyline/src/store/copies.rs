//! Persistence of the copies stage: the LSH index of articles and
//! sentences, near-duplicate pairs, reused sentences and verdicts.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{Batch, Store};
use crate::copies::{Edit, Fingerprint, SentenceMatch, SpinVerdict, StitchVerdict, word_diff};
use crate::error::Result;
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

fn ids_array(ids: impl IntoIterator<Item = i64>) -> Rc<Vec<Value>> {
    Rc::new(ids.into_iter().map(Value::Integer).collect())
}

pub(crate) fn stored_text(conn: &Connection, id: i64) -> Result<Option<StoredText>> {
    let row: Option<(String, Option<String>, Option<String>)> = conn
        .prepare_cached("SELECT text, date, lang FROM articles WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((text, date, lang)) = row else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
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

pub(crate) fn reuse_of(conn: &Connection, id: i64) -> Result<Vec<SentenceMatch>> {
    let mut stmt = conn.prepare_cached(
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

/// Near-duplicates of an article: (other article, Jaccard, exact copy).
pub(crate) fn near_duplicates_of(conn: &Connection, id: i64) -> Result<Vec<(i64, f64, bool)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT b, jaccard, exact FROM near_duplicates WHERE a = ?1
         UNION ALL SELECT a, jaccard, exact FROM near_duplicates WHERE b = ?1
         ORDER BY 2 DESC, 1",
    )?;
    let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// At most this many articles are checked as near-duplicates of a new one.
/// A story syndicated a thousand times puts a thousand copies in the same
/// buckets; linking a new copy to a few hundred of them keeps the group
/// connected without making each arrival cost the whole group.
const MAX_NEAR_CANDIDATES: i64 = 256;
/// At most this many (article, sentence) candidates are read per sentence.
const MAX_SENTENCE_CANDIDATES: i64 = 128;

impl Batch<'_> {
    /// The first stored article (lowest id) before `id` whose text has
    /// hash `text_hash`.
    pub fn exact_duplicate_of(&self, id: i64, text_hash: u64) -> Result<Option<i64>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT min(article_id) FROM copy_fingerprints WHERE text_hash = ?1 AND article_id < ?2",
            )?
            .query_row(params![text_hash as i64, id], |r| r.get(0))?)
    }

    /// Every stored article whose text has hash `text_hash`, in id order.
    pub fn with_text_hash(&self, text_hash: u64) -> Result<Vec<i64>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT article_id FROM copy_fingerprints WHERE text_hash = ?1 ORDER BY article_id",
        )?;
        let rows = stmt.query_map([text_hash as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The text hash of a stored article's fingerprint.
    pub fn text_hash_of(&self, id: i64) -> Result<Option<u64>> {
        Ok(self
            .tx
            .prepare_cached("SELECT text_hash FROM copy_fingerprints WHERE article_id = ?1")?
            .query_row([id], |r| r.get::<_, i64>(0))
            .optional()?
            .map(|h| h as u64))
    }

    /// The connection of the transaction, for reads inside it.
    pub(crate) fn conn(&self) -> &Connection {
        &self.tx
    }

    /// Stores an article's fingerprint and, when `indexed`, its LSH
    /// buckets, replacing any earlier ones, its sentence index and the
    /// matches found with them. A verbatim reprint is not indexed: the
    /// first copy of its text answers for it.
    pub fn save_fingerprint(&self, id: i64, fp: &Fingerprint, indexed: bool) -> Result<()> {
        let tx = &self.tx;
        for table in ["lsh_buckets", "sentence_buckets", "copy_fingerprints"] {
            tx.prepare_cached(&format!("DELETE FROM {table} WHERE article_id = ?1"))?
                .execute([id])?;
        }
        tx.prepare_cached("DELETE FROM near_duplicates WHERE a = ?1 OR b = ?1")?
            .execute([id])?;
        tx.prepare_cached("DELETE FROM sentence_reuse WHERE article_id = ?1 OR other_id = ?1")?
            .execute([id])?;
        let blob: Vec<u8> = fp.shingles.iter().flat_map(|s| s.to_le_bytes()).collect();
        tx.prepare_cached(
            "INSERT INTO copy_fingerprints (article_id, text_hash, shingles) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id, fp.text_hash as i64, blob])?;
        if !indexed {
            return Ok(());
        }
        let mut band = tx.prepare_cached(
            "INSERT OR IGNORE INTO lsh_buckets (bucket, article_id) VALUES (?1, ?2)",
        )?;
        for &b in &fp.bands {
            band.execute(params![b as i64, id])?;
        }
        Ok(())
    }

    /// Indexes the given sentences of an article (index, LSH keys) for
    /// sentence-reuse lookups.
    pub fn index_sentences<'k>(
        &self,
        id: i64,
        sentences: impl IntoIterator<Item = (usize, &'k Vec<u64>)>,
    ) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO sentence_buckets (bucket, article_id, sentence) VALUES (?1, ?2, ?3)",
        )?;
        for (i, bands) in sentences {
            for &b in bands {
                stmt.execute(params![b as i64, id, i as i64])?;
            }
        }
        Ok(())
    }

    /// Articles sharing an LSH bucket with `bands`, with their text hash
    /// and shingle set, for exact verification.
    pub fn near_duplicate_candidates(
        &self,
        id: i64,
        bands: &[u64],
    ) -> Result<Vec<(i64, u64, Vec<u32>)>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT f.article_id, f.text_hash, f.shingles FROM copy_fingerprints f
             WHERE f.article_id IN (SELECT DISTINCT article_id FROM lsh_buckets
                                    WHERE bucket IN rarray(?1) AND article_id != ?2
                                    LIMIT ?3)",
        )?;
        let rows = stmt.query_map(
            params![
                ids_array(bands.iter().map(|&b| b as i64)),
                id,
                MAX_NEAR_CANDIDATES
            ],
            |r| {
                let blob: Vec<u8> = r.get(2)?;
                let shingles = blob
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect();
                Ok((r.get(0)?, r.get::<_, i64>(1)? as u64, shingles))
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
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

    /// Sentences of other articles sharing a bucket with a sentence of this
    /// one: `(sentence, other article, other sentence)`.
    pub fn sentence_candidates(
        &self,
        id: i64,
        sentence_bands: &[Vec<u64>],
    ) -> Result<Vec<(usize, i64, usize)>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT DISTINCT article_id, sentence FROM sentence_buckets
             WHERE bucket IN rarray(?1) AND article_id != ?2 LIMIT ?3",
        )?;
        let mut out = Vec::new();
        for (i, bands) in sentence_bands.iter().enumerate() {
            if bands.is_empty() {
                continue;
            }
            let rows = stmt.query_map(
                params![
                    ids_array(bands.iter().map(|&b| b as i64)),
                    id,
                    MAX_SENTENCE_CANDIDATES
                ],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)? as usize)),
            )?;
            for row in rows {
                let (other, other_sentence) = row?;
                out.push((i, other, other_sentence));
            }
        }
        Ok(out)
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

    /// Stores an article's verdicts.
    pub fn save_verdicts(&self, id: i64, spin: &SpinVerdict, stitch: &StitchVerdict) -> Result<()> {
        let spin_json = serde_json::to_string(spin)?;
        let stitch_json = serde_json::to_string(stitch)?;
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

/// A group of copies of one article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DuplicateGroup {
    /// The earliest copy (by date, then arrival).
    pub original: i64,
    /// Every copy, the original first.
    pub articles: Vec<GroupMember>,
}

/// One copy of an article: a member of a [`DuplicateGroup`], or a
/// near-duplicate in an article's view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupMember {
    /// Article id.
    pub id: i64,
    /// The input's own id.
    #[serde(rename = "ref")]
    pub ref_id: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Publisher.
    pub source: Option<String>,
    /// Publication date.
    pub date: Option<String>,
    /// Jaccard similarity of the word 5-gram shingles with the original
    /// (in a group; 1 for the original) or with the article viewed.
    pub jaccard: Option<f64>,
    /// Same text, ignoring case, punctuation and layout.
    pub exact: bool,
    /// In an article's view: whether this copy came first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earlier: Option<bool>,
}

/// A sentence carried by two articles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReusePair {
    /// The earlier article.
    pub article: i64,
    /// Its sentence.
    pub sentence: usize,
    /// The later article.
    pub other_article: i64,
    /// Its sentence.
    pub other_sentence: usize,
    /// Paraphrase score.
    pub score: f64,
    /// `verbatim` or `reworded`.
    pub kind: &'static str,
    /// The earlier sentence.
    pub text: String,
    /// The later sentence.
    pub other_text: String,
    /// Word-level edit from the earlier sentence to the later one.
    pub diff: Vec<Edit>,
}

/// Everything the copies stage found, for `storyline copies`.
#[derive(Debug, Clone, Serialize)]
pub struct CopiesReport {
    /// The near-duplicate threshold used for grouping.
    pub threshold: f64,
    /// Groups of copies.
    pub duplicate_groups: Vec<DuplicateGroup>,
    /// Reused sentences.
    pub reuse_pairs: Vec<ReusePair>,
    /// Each article's spin and stitch verdicts.
    pub articles: Vec<serde_json::Value>,
}

/// `a` came before `b`: by date where both have one, else by arrival.
pub fn earlier(a: (i64, Option<&str>), b: (i64, Option<&str>)) -> bool {
    match (a.1, b.1) {
        (Some(x), Some(y)) if x[..x.len().min(10)] != y[..y.len().min(10)] => x < y,
        _ => a.0 < b.0,
    }
}

fn verdict_json(raw: Option<String>, key: &str) -> serde_json::Value {
    raw.and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_else(|| serde_json::json!({ key: false, "score": 0.0, "pending": true }))
}

impl Store {
    /// Stored spin and stitch verdicts of an article.
    pub fn verdicts(&self, id: i64) -> Result<(serde_json::Value, serde_json::Value)> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT spin, stitch FROM copy_verdicts WHERE article_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (spin, stitch) = row.unzip();
        Ok((verdict_json(spin, "spun"), verdict_json(stitch, "stitched")))
    }

    /// Near-duplicates of an article: (other article, Jaccard, exact copy).
    pub fn near_duplicates_of(&self, id: i64) -> Result<Vec<(i64, f64, bool)>> {
        near_duplicates_of(&self.conn, id)
    }

    /// Sentences of an article carried by other articles.
    pub fn reuse_of(&self, id: i64) -> Result<Vec<SentenceMatch>> {
        reuse_of(&self.conn, id)
    }

    /// An article's stored text and sentences.
    pub fn stored_text(&self, id: i64) -> Result<Option<StoredText>> {
        stored_text(&self.conn, id)
    }

    /// Groups of near-duplicates at `threshold` (connected components of
    /// the pairs at least that similar), the earliest copy first.
    pub fn duplicate_groups(&self, threshold: f64) -> Result<Vec<DuplicateGroup>> {
        let mut stmt = self
            .conn
            .prepare("SELECT a, b, jaccard, exact FROM near_duplicates WHERE jaccard >= ?1")?;
        let pairs: Vec<(i64, i64, f64, bool)> = stmt
            .query_map([threshold], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut parent: HashMap<i64, i64> = HashMap::new();
        fn find(parent: &mut HashMap<i64, i64>, x: i64) -> i64 {
            let p = *parent.entry(x).or_insert(x);
            if p == x {
                return x;
            }
            let root = find(parent, p);
            parent.insert(x, root);
            root
        }
        for &(a, b, _, _) in &pairs {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent.insert(ra.max(rb), ra.min(rb));
            }
        }
        let mut members: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        let ids: Vec<i64> = parent.keys().copied().collect();
        for id in ids {
            let root = find(&mut parent, id);
            members.entry(root).or_default().push(id);
        }
        let pair_of: HashMap<(i64, i64), (f64, bool)> =
            pairs.iter().map(|&(a, b, j, e)| ((a, b), (j, e))).collect();
        let mut groups = Vec::new();
        for (_, ids) in members {
            let mut info = Vec::new();
            for id in ids {
                let row = self.conn.query_row(
                    "SELECT (SELECT min(ref_id) FROM article_refs WHERE article_id = a.id), title, source, date
                     FROM articles a WHERE id = ?1",
                    [id],
                    |r| Ok((r.get::<_, Option<String>>(0)?, r.get(1)?, r.get(2)?, r.get::<_, Option<String>>(3)?)),
                )?;
                info.push((id, row));
            }
            info.sort_by(|x, y| {
                if earlier((x.0, x.1.3.as_deref()), (y.0, y.1.3.as_deref())) {
                    std::cmp::Ordering::Less
                } else {
                    std::cmp::Ordering::Greater
                }
            });
            let original = info[0].0;
            let articles = info
                .into_iter()
                .map(|(id, (ref_id, title, source, date))| {
                    let link = pair_of.get(&(id.min(original), id.max(original)));
                    GroupMember {
                        id,
                        ref_id,
                        title,
                        source,
                        date,
                        jaccard: if id == original {
                            Some(1.0)
                        } else {
                            link.map(|l| l.0)
                        },
                        exact: id == original || link.is_some_and(|l| l.1),
                        earlier: None,
                    }
                })
                .collect();
            groups.push(DuplicateGroup { original, articles });
        }
        Ok(groups)
    }

    /// Reused sentences, each pair once (earlier article first), with the
    /// word diff; at most `limit` pairs.
    pub fn reuse_pairs(&self, limit: usize) -> Result<Vec<ReusePair>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.article_id, r.sentence, r.other_id, r.other_sentence, r.score, r.verbatim, a.date, b.date
             FROM sentence_reuse r JOIN articles a ON a.id = r.article_id JOIN articles b ON b.id = r.other_id
             WHERE r.article_id < r.other_id ORDER BY r.article_id, r.sentence, r.other_id LIMIT ?1",
        )?;
        type Row = (
            i64,
            i64,
            i64,
            i64,
            f64,
            bool,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = stmt
            .query_map([limit as i64], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut texts: HashMap<i64, StoredText> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for (a, sa, b, sb, score, verbatim, da, db) in rows {
            let ((a, sa), (b, sb)) = if earlier((a, da.as_deref()), (b, db.as_deref())) {
                ((a, sa), (b, sb))
            } else {
                ((b, sb), (a, sa))
            };
            for id in [a, b] {
                if let std::collections::hash_map::Entry::Vacant(e) = texts.entry(id)
                    && let Some(t) = stored_text(&self.conn, id)?
                {
                    e.insert(t);
                }
            }
            let text = texts
                .get(&a)
                .map(|t| t.sentence(sa as usize).to_string())
                .unwrap_or_default();
            let other_text = texts
                .get(&b)
                .map(|t| t.sentence(sb as usize).to_string())
                .unwrap_or_default();
            out.push(ReusePair {
                article: a,
                sentence: sa as usize,
                other_article: b,
                other_sentence: sb as usize,
                score,
                kind: if verbatim { "verbatim" } else { "reworded" },
                diff: word_diff(&text, &other_text),
                text,
                other_text,
            });
        }
        Ok(out)
    }

    /// Verdicts of every article, in id order, at most `limit`.
    pub fn all_verdicts(&self, limit: usize) -> Result<Vec<serde_json::Value>> {
        let mut stmt = self.conn.prepare(
            "SELECT a.id, (SELECT min(ref_id) FROM article_refs WHERE article_id = a.id), a.title, v.spin, v.stitch
             FROM articles a LEFT JOIN copy_verdicts v ON v.article_id = a.id ORDER BY a.id LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(serde_json::json!({
                "id": r.get::<_, i64>(0)?,
                "ref": r.get::<_, Option<String>>(1)?,
                "title": r.get::<_, Option<String>>(2)?,
                "spin": verdict_json(r.get(3)?, "spun"),
                "stitch": verdict_json(r.get(4)?, "stitched"),
            }))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The full report of the copies stage.
    pub fn copies_report(&self, threshold: f64, limit: usize) -> Result<CopiesReport> {
        Ok(CopiesReport {
            threshold,
            duplicate_groups: self.duplicate_groups(threshold)?,
            reuse_pairs: self.reuse_pairs(limit)?,
            articles: self.all_verdicts(limit)?,
        })
    }
}

/// Another article's version of a sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentenceCopy {
    /// The other article.
    pub article: i64,
    /// Its input id.
    #[serde(rename = "ref")]
    pub ref_id: Option<String>,
    /// Its publisher.
    pub source: Option<String>,
    /// The sentence's index there.
    pub sentence: usize,
    /// The other article's version.
    pub text: String,
    /// Paraphrase score.
    pub score: f64,
    /// `verbatim` or `reworded`.
    pub kind: &'static str,
    /// Whether the other article came first (it is the likely source).
    pub earlier: bool,
    /// Word-level edit from the earlier version to the later one.
    pub diff: Vec<Edit>,
}

/// A sentence of an article and its versions elsewhere.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReusedSentence {
    /// Index of the sentence.
    pub sentence: usize,
    /// The sentence.
    pub text: String,
    /// The other articles that carry it.
    pub matches: Vec<SentenceCopy>,
}

/// The copies stage's findings about one article.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleCopies {
    /// Near-duplicates, and the group's original.
    pub copies: serde_json::Value,
    /// Sentences carried by other articles.
    pub reused_sentences: Vec<ReusedSentence>,
    /// Spin verdict with evidence.
    pub spin: serde_json::Value,
    /// Stitch verdict with evidence.
    pub stitch: serde_json::Value,
}

/// Input id, headline, publisher and date of an article.
type Brief = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl Store {
    fn brief(&self, id: i64) -> Result<Brief> {
        Ok(self.conn.query_row(
            "SELECT (SELECT min(ref_id) FROM article_refs WHERE article_id = a.id), title, source, date
             FROM articles a WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?)
    }

    /// What the copies stage found about one article. `threshold` decides
    /// which near-duplicates count as copies.
    pub fn article_copies(&self, id: i64, threshold: f64) -> Result<ArticleCopies> {
        let me = self.stored_text(id)?;
        let my_date = me.as_ref().and_then(|t| t.date.clone());
        let mut near = Vec::new();
        for (other, jaccard, exact) in self.near_duplicates_of(id)? {
            if jaccard < threshold {
                continue;
            }
            let (ref_id, title, source, date) = self.brief(other)?;
            near.push(GroupMember {
                earlier: Some(earlier((other, date.as_deref()), (id, my_date.as_deref()))),
                id: other,
                ref_id,
                title,
                source,
                date,
                jaccard: Some(jaccard),
                exact,
            });
        }
        let original = near
            .iter()
            .filter(|n| n.earlier == Some(true))
            .map(|n| (n.id, n.date.clone()))
            .chain([(id, my_date.clone())])
            .min_by(|a, b| {
                if earlier((a.0, a.1.as_deref()), (b.0, b.1.as_deref())) {
                    std::cmp::Ordering::Less
                } else {
                    std::cmp::Ordering::Greater
                }
            })
            .map_or(id, |o| o.0);
        let copies = serde_json::json!({
            "original": original,
            "is_original": original == id,
            "threshold": threshold,
            "near_duplicates": near,
        });
        let mut reused: BTreeMap<usize, ReusedSentence> = BTreeMap::new();
        let mut others: HashMap<i64, (Option<StoredText>, Brief)> = HashMap::new();
        if let Some(me) = &me {
            for m in self.reuse_of(id)? {
                if let std::collections::hash_map::Entry::Vacant(e) = others.entry(m.other_article)
                {
                    e.insert((
                        self.stored_text(m.other_article)?,
                        self.brief(m.other_article)?,
                    ));
                }
                let (other_text, (ref_id, _, source, date)) = &others[&m.other_article];
                let theirs = other_text
                    .as_ref()
                    .map(|t| t.sentence(m.other_sentence))
                    .unwrap_or("");
                let ours = me.sentence(m.sentence);
                let is_earlier =
                    earlier((m.other_article, date.as_deref()), (id, my_date.as_deref()));
                let diff = if is_earlier {
                    word_diff(theirs, ours)
                } else {
                    word_diff(ours, theirs)
                };
                reused
                    .entry(m.sentence)
                    .or_insert_with(|| ReusedSentence {
                        sentence: m.sentence,
                        text: ours.to_string(),
                        matches: Vec::new(),
                    })
                    .matches
                    .push(SentenceCopy {
                        article: m.other_article,
                        ref_id: ref_id.clone(),
                        source: source.clone(),
                        sentence: m.other_sentence,
                        text: theirs.to_string(),
                        score: m.score,
                        kind: if m.verbatim { "verbatim" } else { "reworded" },
                        earlier: is_earlier,
                        diff,
                    });
            }
        }
        let (spin, stitch) = self.verdicts(id)?;
        Ok(ArticleCopies {
            copies,
            reused_sentences: reused.into_values().collect(),
            spin,
            stitch,
        })
    }
}

/// What the copies stage found about one article of a story.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoryArticleCopies {
    /// Article id.
    pub article: i64,
    /// The earliest article of the story it is a copy of (itself when it is
    /// the first of its copies, or has none).
    pub original: i64,
    /// The story's other articles that are its copies.
    pub near_duplicates: Vec<i64>,
    /// How many of its sentences other articles carry.
    pub reused_sentences: u64,
    /// Judged spun.
    pub spun: bool,
    /// Spin score in [0, 1].
    pub spin_score: f64,
    /// Judged stitched.
    pub stitched: bool,
    /// Stitch score in [0, 1].
    pub stitch_score: f64,
}

/// The copies stage's findings over a story's articles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoryCopies {
    /// Jaccard similarity at which two articles count as copies.
    pub threshold: f64,
    /// Groups of copies within the story, each as article ids, the
    /// earliest first.
    pub duplicate_groups: Vec<Vec<i64>>,
    /// Per article, in the order given.
    pub articles: Vec<StoryArticleCopies>,
}

impl Store {
    /// The copies among `articles` (a story's articles, with their dates,
    /// in time order): groups of near-duplicates at `threshold`, and each
    /// article's reused sentences and verdicts.
    pub fn story_copies(
        &self,
        articles: &[(i64, Option<String>)],
        threshold: f64,
    ) -> Result<StoryCopies> {
        let date: HashMap<i64, Option<&str>> =
            articles.iter().map(|(id, d)| (*id, d.as_deref())).collect();
        let mut near: HashMap<i64, Vec<i64>> = HashMap::new();
        for &(id, _) in articles {
            let mut mine: Vec<i64> = near_duplicates_of(&self.conn, id)?
                .into_iter()
                .filter(|&(other, j, _)| j >= threshold && date.contains_key(&other))
                .map(|(other, _, _)| other)
                .collect();
            mine.sort_unstable();
            near.insert(id, mine);
        }
        let order = |a: &i64, b: &i64| {
            if earlier((*a, date[a]), (*b, date[b])) {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Greater
            }
        };
        // Groups are connected components: a copy of a copy is in the group.
        let mut group_of: HashMap<i64, usize> = HashMap::new();
        let mut groups: Vec<Vec<i64>> = Vec::new();
        for &(id, _) in articles {
            if group_of.contains_key(&id) || near[&id].is_empty() {
                continue;
            }
            let mut members = vec![id];
            group_of.insert(id, groups.len());
            let mut i = 0;
            while i < members.len() {
                for &other in &near[&members[i]] {
                    if let std::collections::hash_map::Entry::Vacant(e) = group_of.entry(other) {
                        e.insert(groups.len());
                        members.push(other);
                    }
                }
                i += 1;
            }
            members.sort_by(order);
            groups.push(members);
        }
        let mut reused = self.conn.prepare_cached(
            "SELECT count(DISTINCT sentence) FROM sentence_reuse WHERE article_id = ?1",
        )?;
        let mut verdict = self.conn.prepare_cached(
            "SELECT spun, spin_score, stitched, stitch_score FROM copy_verdicts WHERE article_id = ?1",
        )?;
        let mut out = Vec::with_capacity(articles.len());
        for &(id, _) in articles {
            let (spun, spin_score, stitched, stitch_score) = verdict
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .optional()?
                .unwrap_or((false, 0.0, false, 0.0));
            out.push(StoryArticleCopies {
                article: id,
                original: group_of.get(&id).map_or(id, |&g| groups[g][0]),
                near_duplicates: near.remove(&id).unwrap_or_default(),
                reused_sentences: reused.query_row([id], |r| r.get::<_, i64>(0))? as u64,
                spun,
                spin_score,
                stitched,
                stitch_score,
            });
        }
        Ok(StoryCopies {
            threshold,
            duplicate_groups: groups,
            articles: out,
        })
    }
}
