//! Sentence alignment within a set of articles held in memory: which
//! sentences carry the same content, word for word or reworded. The same
//! keys and the same judge as the stored copies stage, asked lazily: only
//! the sentences a caller is interested in are judged against the
//! sentences that share a key with them.

use rustc_hash::FxHashMap as HashMap;

use super::paraphrase::{PARAPHRASE_THRESHOLD, SentenceProfile, score_profiles};
use super::shingles::word_hashes;
use super::{quote_containment_of, sentence_bands_in};
use crate::text::{AnalyzedText, Lang};

/// At most this many candidates are judged per sentence: a line repeated
/// in every article must not make the set quadratic.
const MAX_CANDIDATES_PER_SENTENCE: usize = 32;

/// A sentence: (article index, sentence index).
pub type SentenceRef = (usize, usize);

/// Two sentences that carry the same content.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlignedPair {
    /// One side.
    pub a: SentenceRef,
    /// The other side (another article).
    pub b: SentenceRef,
    /// Paraphrase probability (1 for identical wording).
    pub score: f64,
    /// Identical wording.
    pub verbatim: bool,
}

/// How much two sentences are one (a score at or above
/// [`PARAPHRASE_THRESHOLD`] means reused), given their profiles: the
/// paraphrase model, raised for a quotation trimmed or merged into a longer
/// one, which is the same words however different the sentences around it.
pub fn reuse_score(
    a: &str,
    pa: &SentenceProfile,
    b: &str,
    pb: &SentenceProfile,
    lang: Lang,
) -> f64 {
    let score = score_profiles(pa, pb);
    if score >= PARAPHRASE_THRESHOLD {
        return score;
    }
    let contained = quote_containment_of(a, pa, b, pb, lang);
    if contained >= 0.6 {
        score.max(PARAPHRASE_THRESHOLD + (1.0 - PARAPHRASE_THRESHOLD) * (contained - 0.6))
    } else {
        score
    }
}

/// Finds the sentences of other articles that carry a given sentence.
pub struct Aligner<'a> {
    texts: &'a [&'a AnalyzedText],
    /// Hash of each sentence's words (case and punctuation aside), and the
    /// sentences worded so.
    wording: Vec<Vec<u64>>,
    same_words: HashMap<u64, Vec<SentenceRef>>,
    bands: Vec<Vec<Vec<u64>>>,
    buckets: HashMap<u64, Vec<SentenceRef>>,
    profiles: HashMap<SentenceRef, SentenceProfile>,
    judged: HashMap<(SentenceRef, SentenceRef), Option<AlignedPair>>,
}

impl<'a> Aligner<'a> {
    /// Indexes every sentence of `texts` under its keys.
    pub fn new(texts: &'a [&'a AnalyzedText]) -> Self {
        let bands = texts
            .iter()
            .map(|t| {
                t.sentences
                    .iter()
                    .map(|s| sentence_bands_in(&t.text[s.start..s.end], t.lang))
                    .collect()
            })
            .collect();
        Self::with_bands(texts, bands)
    }

    /// [`Self::new`] with each sentence's [`sentence_bands_in`] computed
    /// already (`bands[article][sentence]`).
    pub fn with_bands(texts: &'a [&'a AnalyzedText], bands: Vec<Vec<Vec<u64>>>) -> Self {
        let mut al = Aligner {
            texts,
            wording: Vec::with_capacity(texts.len()),
            same_words: HashMap::default(),
            bands: Vec::new(),
            buckets: HashMap::default(),
            profiles: HashMap::default(),
            judged: HashMap::default(),
        };
        for (i, (t, article_bands)) in texts.iter().zip(&bands).enumerate() {
            let mut wording = Vec::with_capacity(t.sentences.len());
            for (k, (s, bands)) in t.sentences.iter().zip(article_bands).enumerate() {
                let key = word_hashes(&t.text[s.start..s.end])
                    .iter()
                    .fold(0x9E37_79B9_7F4A_7C15u64, |h, w| {
                        (h.rotate_left(27) ^ w).wrapping_mul(0xBF58_476D_1CE4_E5B9)
                    });
                al.same_words.entry(key).or_default().push((i, k));
                wording.push(key);
                for &b in bands {
                    al.buckets.entry(b).or_default().push((i, k));
                }
            }
            al.wording.push(wording);
        }
        al.bands = bands;
        al
    }

    fn word_key(&self, (i, k): SentenceRef) -> u64 {
        self.wording[i][k]
    }

    fn bands_of(&self, (i, k): SentenceRef) -> &[u64] {
        &self.bands[i][k]
    }

    fn sentence(&self, (i, k): SentenceRef) -> &'a str {
        let t = self.texts[i];
        let s = t.sentences[k];
        &t.text[s.start..s.end]
    }

    /// Whether `a` and `b` (of different articles) carry the same content,
    /// judged when they share a key.
    pub fn judge(&mut self, a: SentenceRef, b: SentenceRef) -> Option<AlignedPair> {
        if a.0 == b.0 {
            return None;
        }
        let key = (a.min(b), a.max(b));
        if let Some(done) = self.judged.get(&key) {
            // Oriented as asked: `a` is the sentence asked about.
            return done.map(|p| AlignedPair { a, b, ..p });
        }
        let verdict = if self.word_key(a) == self.word_key(b) {
            Some(AlignedPair {
                a,
                b,
                score: 1.0,
                verbatim: true,
            })
        } else if self
            .bands_of(a)
            .iter()
            .any(|x| self.bands_of(b).contains(x))
        {
            for s in [a, b] {
                if !self.profiles.contains_key(&s) {
                    let p = SentenceProfile::new_in(self.sentence(s), self.texts[s.0].lang);
                    self.profiles.insert(s, p);
                }
            }
            let score = reuse_score(
                self.sentence(a),
                &self.profiles[&a],
                self.sentence(b),
                &self.profiles[&b],
                self.texts[a.0].lang,
            );
            (score >= PARAPHRASE_THRESHOLD).then_some(AlignedPair {
                a,
                b,
                score,
                verbatim: false,
            })
        } else {
            None
        };
        self.judged.insert(key, verdict);
        verdict
    }

    /// Every sentence of another article that carries `a`: all its
    /// identical copies, and the reworded ones among up to 32 sentences
    /// sharing a key with it.
    pub fn matches(&mut self, a: SentenceRef) -> Vec<AlignedPair> {
        let mut out: Vec<AlignedPair> = Vec::new();
        let same: Vec<SentenceRef> = self.same_words[&self.word_key(a)].clone();
        for b in same.into_iter().filter(|b| b.0 != a.0) {
            out.extend(self.judge(a, b));
        }
        let mut candidates: Vec<SentenceRef> = self
            .bands_of(a)
            .iter()
            .flat_map(|band| self.buckets[band].iter().copied())
            .filter(|&b| b.0 != a.0 && self.word_key(b) != self.word_key(a))
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        for b in candidates.into_iter().take(MAX_CANDIDATES_PER_SENTENCE) {
            out.extend(self.judge(a, b));
        }
        out
    }
}

/// Every pair of sentences of different articles that carry the same
/// content, each pair once (`a` before `b`).
pub fn align_sentences(texts: &[&AnalyzedText]) -> Vec<AlignedPair> {
    let mut al = Aligner::new(texts);
    let mut out = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        for k in 0..t.sentences.len() {
            out.extend(al.matches((i, k)).into_iter().filter(|p| p.a < p.b));
        }
    }
    out.sort_by(|x, y| x.a.cmp(&y.a).then(x.b.cmp(&y.b)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyze;

    #[test]
    fn reworded_and_verbatim_sentences_align_across_articles_only() {
        let a = analyze(
            "Russia suspended the air safety agreement after the Trump administration fired cruise missiles at a Syrian airbase. \
             The weather in Moscow was cold.",
        );
        let b = analyze(
            "Russian Federation suspended the air safety agreement after the Trump administration fired cruise missiles at a Syrian airbase. \
             Lindsay Lohan checked into the Betty Ford Center on Thursday night.",
        );
        let c = analyze("The weather in Moscow was cold.");
        let texts = [&a, &b, &c];
        let pairs = align_sentences(&texts);
        assert!(
            pairs
                .iter()
                .any(|p| p.a == (0, 0) && p.b == (1, 0) && !p.verbatim)
        );
        assert!(
            pairs
                .iter()
                .any(|p| p.a == (0, 1) && p.b == (2, 0) && p.verbatim)
        );
        assert!(!pairs.iter().any(|p| p.b == (1, 1) || p.a == (1, 1)));
        assert_eq!(pairs.len(), 2);
        let mut al = Aligner::new(&texts);
        assert!(al.judge((0, 0), (1, 0)).is_some());
        assert!(
            al.judge((0, 0), (0, 1)).is_none(),
            "one article is not aligned with itself"
        );
        assert!(al.judge((1, 1), (2, 0)).is_none());
    }
}
