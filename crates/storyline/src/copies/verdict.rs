//! Per-article verdicts: is it spun, is it stitched, and the evidence.
//!
//! Each verdict combines two kinds of evidence as independent chances,
//! `1 - (1 - source) (1 - text)`: what the comparison with earlier
//! articles in the store shows (substitutions against the source sentence,
//! sentences drawn from several sources) and what the text shows on its own
//! ([`super::signals`]). Without sources the text alone decides.

use std::collections::BTreeMap;

use serde::Serialize;

use super::diff::{Edit, substitutions};
use super::signals::{Signal, spin_signals, stitch_signals};
use crate::text::AnalyzedText;

/// A sentence of one article that another article carries too.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentenceMatch {
    /// Index of the sentence in this article.
    pub sentence: usize,
    /// The other article.
    pub other_article: i64,
    /// Index of the sentence in the other article.
    pub other_sentence: usize,
    /// Paraphrase score (1 for a verbatim copy).
    pub score: f64,
    /// Same words, ignoring case and punctuation.
    pub verbatim: bool,
}

/// A word or phrase of the source replaced in this article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Substitution {
    /// Sentence of this article.
    pub sentence: usize,
    /// The source article.
    pub source_article: i64,
    /// The sentence of the source article.
    pub source_sentence: usize,
    /// As the source wrote it.
    pub from: String,
    /// As this article writes it.
    pub to: String,
}

/// Whether an article was run through a synonym spinner, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct SpinVerdict {
    /// The verdict.
    pub spun: bool,
    /// 0 to 1; `spun` is `score >= 0.5`.
    pub score: f64,
    /// Sentences aligned with an earlier source.
    pub aligned_sentences: usize,
    /// Aligned sentences with at least one short substitution.
    pub substituted_sentences: usize,
    /// Substitutions against the likely sources.
    pub substitutions: Vec<Substitution>,
    /// Signals in the text itself.
    pub signals: Vec<Signal>,
}

/// Where one sentence of a stitched article came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentenceSource {
    /// Sentence of this article.
    pub sentence: usize,
    /// The earlier article that carries it.
    pub article: i64,
    /// Its sentence there.
    pub source_sentence: usize,
    /// Paraphrase score.
    pub score: f64,
}

/// Whether an article was stitched together from several reports, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct StitchVerdict {
    /// The verdict.
    pub stitched: bool,
    /// 0 to 1; `stitched` is `score >= 0.5`.
    pub score: f64,
    /// Earlier articles (one per group of near-duplicates) with the number
    /// of this article's sentences each supplied, most first.
    pub source_articles: Vec<(i64, usize)>,
    /// The source of each sentence found elsewhere.
    pub sources: Vec<SentenceSource>,
    /// Signals in the text itself.
    pub signals: Vec<Signal>,
}

fn combine(a: f64, b: f64) -> f64 {
    1.0 - (1.0 - a) * (1.0 - b)
}

/// Evidence weights of source-free signals, saturating: one clear signal
/// is worth about a half.
fn saturate(weight: f64, scale: f64) -> f64 {
    1.0 - (-weight / scale).exp()
}

/// Judges spin. `from_sources` holds, for sentences of this article found
/// in earlier articles, the best match and the word diff from the source
/// sentence to this one.
pub fn assess_spin(
    text: &AnalyzedText,
    from_sources: &[(SentenceMatch, Vec<Edit>)],
) -> SpinVerdict {
    let mut subs = Vec::new();
    let mut substituted = 0;
    let mut aligned = 0;
    for (m, edits) in from_sources {
        aligned += 1;
        let found = substitutions(edits, 3);
        if !found.is_empty() && !m.verbatim {
            substituted += 1;
        }
        subs.extend(found.into_iter().map(|(from, to)| Substitution {
            sentence: m.sentence,
            source_article: m.other_article,
            source_sentence: m.other_sentence,
            from,
            to,
        }));
    }
    // A spun article is a copy of one report with words swapped all
    // through it: most of its sentences align with a source, and the
    // changes are short substitutions, one or two per sentence. An editor's
    // rewrite aligns with few sentences or changes them more heavily.
    let short = subs
        .iter()
        .filter(|s| s.from.split_whitespace().count() <= 2 && s.to.split_whitespace().count() <= 2)
        .count();
    let coverage = aligned as f64 / text.sentences.len().max(1) as f64;
    let per_sentence = subs.len() as f64 / substituted.max(1) as f64;
    let source = if short >= 2 && aligned >= 3 {
        let density = if per_sentence > 2.5 { 0.5 } else { 1.0 };
        saturate(short as f64, 2.5) * ((coverage - 0.2) / 0.4).clamp(0.0, 1.0) * density
    } else {
        0.0
    };
    let signals = spin_signals(text);
    let weight: f64 = signals
        .iter()
        .map(|s| match s.kind {
            "odd_modifier" => 0.6,
            _ => 1.0,
        })
        .sum();
    let score = combine(source, saturate(weight, 1.5));
    SpinVerdict {
        spun: score >= 0.5,
        score,
        aligned_sentences: aligned,
        substituted_sentences: substituted,
        substitutions: subs,
        signals,
    }
}

/// Judges stitching. `from_sources` holds the best earlier match of each
/// sentence; `group_of` maps an article to its near-duplicate group, so
/// syndicated copies of one report count as one source.
pub fn assess_stitch(
    text: &AnalyzedText,
    from_sources: &[SentenceMatch],
    group_of: impl Fn(i64) -> i64,
) -> StitchVerdict {
    let mut per_group: BTreeMap<i64, usize> = BTreeMap::new();
    for m in from_sources {
        *per_group.entry(group_of(m.other_article)).or_default() += 1;
    }
    let aligned = from_sources.len();
    let total = text.sentences.len().max(1);
    let contributing = per_group
        .values()
        .filter(|&&n| n >= 2 || n * 5 >= aligned.max(1))
        .count();
    // Stitched: most of the article comes from earlier reports, and from
    // at least two of them. Articles of one story often share a quote or
    // two with several others; that alone is not stitching.
    let coverage = aligned as f64 / total as f64;
    let source = if contributing >= 2 {
        ((coverage - 0.3) / 0.4).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let signals = stitch_signals(text);
    let weight: f64 = signals
        .iter()
        .map(|s| match s.kind {
            // Real wire copy has its share of glued sentences and of
            // paragraphs opening with "However,": weak evidence each.
            "dangling_connective" if s.sentence == 0 => 0.6,
            "dangling_connective" => 0.25,
            "glued" => 0.35,
            _ => 1.0,
        })
        .sum();
    let score = combine(source, saturate(weight, 1.2));
    let mut source_articles: Vec<(i64, usize)> = per_group.into_iter().collect();
    source_articles.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    StitchVerdict {
        stitched: score >= 0.5,
        score,
        source_articles,
        sources: from_sources
            .iter()
            .map(|m| SentenceSource {
                sentence: m.sentence,
                article: m.other_article,
                source_sentence: m.other_sentence,
                score: m.score,
            })
            .collect(),
        signals,
    }
}

#[cfg(test)]
mod tests {
    use super::super::diff::word_diff;
    use super::*;
    use crate::text::analyze;

    fn matched(
        sentence: usize,
        other: i64,
        source: &str,
        copy: &str,
    ) -> (SentenceMatch, Vec<Edit>) {
        (
            SentenceMatch {
                sentence,
                other_article: other,
                other_sentence: sentence,
                score: 0.9,
                verbatim: source == copy,
            },
            word_diff(source, copy),
        )
    }

    #[test]
    fn a_spun_copy_is_spun_and_a_verbatim_copy_is_not() {
        let src = [
            "Russia suspended the agreement after the strike.",
            "The talks were dominated by the war of words over Syria.",
            "Officials said the investigation would take months.",
        ];
        let spun = [
            "Russian Federation suspended the agreement after the strike.",
            "The talks were dominated by the battle of words over Syria.",
            "Officials stated the investigation would take months.",
        ];
        let text = analyze(&spun.join(" "));
        let from: Vec<_> = (0..3).map(|i| matched(i, 7, src[i], spun[i])).collect();
        let v = assess_spin(&text, &from);
        assert!(v.spun, "{v:?}");
        assert_eq!(v.substituted_sentences, 3);
        assert_eq!(v.substitutions[0].from, "Russia");
        assert_eq!(v.substitutions[0].to, "Russian Federation");

        let copy = analyze(&src.join(" "));
        let from: Vec<_> = (0..3).map(|i| matched(i, 7, src[i], src[i])).collect();
        let v = assess_spin(&copy, &from);
        assert!(!v.spun, "{v:?}");
        assert!(v.substitutions.is_empty());
    }

    #[test]
    fn sentences_from_two_reports_are_stitched_but_syndicated_copies_are_one_source() {
        let text = analyze("One. Two. Three. Four.");
        let m = |sentence: usize, other: i64| SentenceMatch {
            sentence,
            other_article: other,
            other_sentence: 0,
            score: 1.0,
            verbatim: true,
        };
        let from = [m(0, 1), m(1, 1), m(2, 2), m(3, 2)];
        let v = assess_stitch(&text, &from, |a| a);
        assert!(v.stitched, "{v:?}");
        assert_eq!(v.source_articles, [(1, 2), (2, 2)]);
        // Articles 1 and 2 are copies of one report.
        let v = assess_stitch(&text, &from, |_| 1);
        assert!(!v.stitched, "{v:?}");
    }
}
