//! Sentence alignment within a set of articles held in memory: which
//! sentences carry the same content, word for word or reworded. The same
//! keys and the same judge as the stored copies stage, asked lazily: only
//! the sentences a caller is interested in are judged against the
//! sentences that share a key with them.

use std::collections::HashMap;

use super::paraphrase::{PARAPHRASE_THRESHOLD, SentenceProfile, score_profiles};
use super::{quote_containment, sentence_bands};
use crate::text::{AnalyzedText, fingerprint_text};

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
pub fn reuse_score(a: &str, pa: &SentenceProfile, b: &str, pb: &SentenceProfile) -> f64 {
    let score = score_profiles(pa, pb);
    if score >= PARAPHRASE_THRESHOLD {
        return score;
    }
    let contained = quote_containment(a, b);
    if contained >= 0.6 {
        score.max(PARAPHRASE_THRESHOLD + (1.0 - PARAPHRASE_THRESHOLD) * (contained - 0.6))
    } else {
        score
    }
}

/// Finds the sentences of other articles that carry a given sentence.
pub struct Aligner<'a> {
    texts: &'a [&'a AnalyzedText],
    /// Normalised wording of each sentence, and the sentences worded so.
    wording: HashMap<SentenceRef, String>,
    same_words: HashMap<String, Vec<SentenceRef>>,
    bands: HashMap<SentenceRef, Vec<u64>>,
    buckets: HashMap<u64, Vec<SentenceRef>>,
    profiles: HashMap<SentenceRef, SentenceProfile>,
    judged: HashMap<(SentenceRef, SentenceRef), Option<AlignedPair>>,
}

impl<'a> Aligner<'a> {
    /// Indexes every sentence of `texts` under its keys.
    pub fn new(texts: &'a [&'a AnalyzedText]) -> Self {
        let mut al = Aligner {
            texts,
            wording: HashMap::new(),
            same_words: HashMap::new(),
            bands: HashMap::new(),
            buckets: HashMap::new(),
            profiles: HashMap::new(),
            judged: HashMap::new(),
        };
        for (i, t) in texts.iter().enumerate() {
            for (k, s) in t.sentences.iter().enumerate() {
                let text = &t.text[s.start..s.end];
                let key = fingerprint_text(text);
                al.same_words.entry(key.clone()).or_default().push((i, k));
                al.wording.insert((i, k), key);
                let bands = sentence_bands(text);
                for &b in &bands {
                    al.buckets.entry(b).or_default().push((i, k));
                }
                al.bands.insert((i, k), bands);
            }
        }
        al
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
        let verdict = if self.wording[&a] == self.wording[&b] {
            Some(AlignedPair {
                a,
                b,
                score: 1.0,
                verbatim: true,
            })
        } else if self.bands[&a].iter().any(|x| self.bands[&b].contains(x)) {
            for s in [a, b] {
                if !self.profiles.contains_key(&s) {
                    let p = SentenceProfile::new(self.sentence(s));
                    self.profiles.insert(s, p);
                }
            }
            let score = reuse_score(
                self.sentence(a),
                &self.profiles[&a],
                self.sentence(b),
                &self.profiles[&b],
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
        let same: Vec<SentenceRef> = self.same_words[&self.wording[&a]].clone();
        for b in same.into_iter().filter(|b| b.0 != a.0) {
            out.extend(self.judge(a, b));
        }
        let mut candidates: Vec<SentenceRef> = self.bands[&a]
            .iter()
            .flat_map(|band| self.buckets[band].iter().copied())
            .filter(|b| b.0 != a.0 && self.wording[b] != self.wording[&a])
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
