//! Sentence alignment within a set of articles held in memory: which
//! sentences carry the same content, word for word or reworded. The same
//! keys and the same judge as the stored copies stage, for a story or for
//! articles that are not stored.

use std::collections::HashMap;

use super::paraphrase::{PARAPHRASE_THRESHOLD, SentenceProfile, score_profiles};
use super::{quote_containment, sentence_bands};
use crate::text::{AnalyzedText, fingerprint_text};

/// At most this many candidates are judged per sentence: a line repeated
/// in every article must not make the set quadratic.
const MAX_CANDIDATES_PER_SENTENCE: usize = 32;

/// Two sentences that carry the same content.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlignedPair {
    /// Article index and sentence index of one side.
    pub a: (usize, usize),
    /// The other side (another article).
    pub b: (usize, usize),
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

/// Every pair of sentences of different articles that carry the same
/// content, each pair once (`a` before `b`).
pub fn align_sentences(texts: &[&AnalyzedText]) -> Vec<AlignedPair> {
    let sentence = |(i, k): (usize, usize)| -> &str {
        let s = texts[i].sentences[k];
        &texts[i].text[s.start..s.end]
    };
    let mut keys: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    let mut buckets: HashMap<u64, Vec<(usize, usize)>> = HashMap::new();
    for (i, t) in texts.iter().enumerate() {
        for (k, s) in t.sentences.iter().enumerate() {
            let text = &t.text[s.start..s.end];
            keys.entry(fingerprint_text(text)).or_default().push((i, k));
            for band in sentence_bands(text) {
                buckets.entry(band).or_default().push((i, k));
            }
        }
    }
    let mut out = Vec::new();
    let mut judged: std::collections::HashSet<((usize, usize), (usize, usize))> =
        std::collections::HashSet::new();
    for group in keys.values() {
        for (x, &a) in group.iter().enumerate() {
            for &b in &group[x + 1..] {
                if a.0 != b.0 && judged.insert((a, b)) {
                    out.push(AlignedPair {
                        a,
                        b,
                        score: 1.0,
                        verbatim: true,
                    });
                }
            }
        }
    }
    let mut profiles: HashMap<(usize, usize), SentenceProfile> = HashMap::new();
    let mut tried: HashMap<(usize, usize), usize> = HashMap::new();
    let mut bucket_list: Vec<&Vec<(usize, usize)>> = buckets.values().collect();
    // Buckets in a fixed order, so the candidate caps cut the same pairs
    // on every run.
    bucket_list.sort_unstable();
    for members in bucket_list {
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                if a.0 == b.0 || !judged.insert((a.min(b), a.max(b))) {
                    continue;
                }
                let (a, b) = (a.min(b), a.max(b));
                let (ta, tb) = (*tried.get(&a).unwrap_or(&0), *tried.get(&b).unwrap_or(&0));
                if ta >= MAX_CANDIDATES_PER_SENTENCE || tb >= MAX_CANDIDATES_PER_SENTENCE {
                    continue;
                }
                *tried.entry(a).or_default() += 1;
                *tried.entry(b).or_default() += 1;
                for s in [a, b] {
                    profiles
                        .entry(s)
                        .or_insert_with(|| SentenceProfile::new(sentence(s)));
                }
                let score = reuse_score(sentence(a), &profiles[&a], sentence(b), &profiles[&b]);
                if score >= PARAPHRASE_THRESHOLD {
                    out.push(AlignedPair {
                        a,
                        b,
                        score,
                        verbatim: false,
                    });
                }
            }
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
        let pairs = align_sentences(&[&a, &b, &c]);
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
    }
}
