//! Per-article verdicts: is it spun, is it stitched, and the evidence.
//!
//! Each verdict combines two kinds of evidence as independent chances,
//! `1 - (1 - source) (1 - text)`: what the comparison with earlier
//! articles in the store shows (substitutions against the source sentence,
//! sentences drawn from several sources) and what the text shows on its own
//! ([`super::signals`]). Without sources the text alone decides.

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use super::diff::Edit;
use super::signals::{Signal, SignalKind, coherence_signals_with, spin_signals, stitch_signals};
use super::swaps::{Change, classify, is_pure_substitution, replacements};
use super::usage::{Phrases, Usage, rare_variants_of};
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

impl SentenceMatch {
    /// Word for word, or reworded.
    pub fn kind(&self) -> ReuseKind {
        if self.verbatim {
            ReuseKind::Verbatim
        } else {
            ReuseKind::Reworded
        }
    }
}

/// How another article carries a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReuseKind {
    /// The same words, ignoring case and punctuation.
    Verbatim,
    /// Other words, judged a paraphrase.
    Reworded,
}

impl ReuseKind {
    /// `verbatim` or `reworded`.
    pub fn name(self) -> &'static str {
        match self {
            ReuseKind::Verbatim => "verbatim",
            ReuseKind::Reworded => "reworded",
        }
    }
}

// The verdicts are stored as JSON and read back into these types. Their
// fields are in alphabetical order: the JSON keys have always come out so.

/// A word or phrase of the source replaced in this article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Substitution {
    /// As the source wrote it.
    pub from: String,
    /// Sentence of this article.
    pub sentence: usize,
    /// The source article.
    pub source_article: i64,
    /// The sentence of the source article.
    pub source_sentence: usize,
    /// As this article writes it.
    pub to: String,
}

/// Whether an article was run through a synonym spinner, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SpinVerdict {
    /// Sentences aligned with an earlier source.
    pub aligned_sentences: usize,
    /// 0 to 1; `spun` is `score >= 0.5`.
    pub score: f64,
    /// Signals in the text itself.
    pub signals: Vec<Signal>,
    /// The verdict.
    pub spun: bool,
    /// Aligned sentences with at least one synonym swap.
    pub substituted_sentences: usize,
    /// Synonym swaps against the likely sources: content words replaced
    /// by others (not an editor's changes of function words, numbers,
    /// dates, spelling, names or word order, [`super::swaps`]).
    pub substitutions: Vec<Substitution>,
}

/// Where one sentence of a stitched article came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentenceSource {
    /// The earlier article that carries it.
    pub article: i64,
    /// Paraphrase score.
    pub score: f64,
    /// Sentence of this article.
    pub sentence: usize,
    /// Its sentence there.
    pub source_sentence: usize,
}

/// Whether an article was stitched together from several reports, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StitchVerdict {
    /// 0 to 1; `stitched` is `score >= 0.5`.
    pub score: f64,
    /// Sentences where one source seems to end and another begin: where
    /// the source of aligned sentences changes, and where the text shows a
    /// break (a fragment, a dangling connective, a glued sentence, someone
    /// not yet introduced, an unattributed quotation, a topic jump).
    #[serde(default)]
    pub seams: Vec<usize>,
    /// Signals in the text itself.
    pub signals: Vec<Signal>,
    /// Earlier articles (one per group of near-duplicates) with the number
    /// of this article's sentences each supplied, most first: `[article,
    /// sentences]` pairs in the JSON.
    pub source_articles: Vec<(i64, usize)>,
    /// The source of each sentence found elsewhere.
    pub sources: Vec<SentenceSource>,
    /// The verdict.
    pub stitched: bool,
}

/// A verdict's flag: the key its JSON names it by.
pub trait Flagged {
    /// `spun` or `stitched`.
    const FLAG: &'static str;
}

impl Flagged for SpinVerdict {
    const FLAG: &'static str = "spun";
}

impl Flagged for StitchVerdict {
    const FLAG: &'static str = "stitched";
}

/// A verdict as the store has it: judged, or not yet (an article stored
/// before the copies stage existed). A pending verdict's JSON is
/// `{"pending": true, "score": 0.0, FLAG: false}`.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict<T> {
    /// The stage judged the article.
    Judged(T),
    /// It has not yet.
    Pending,
}

impl<T> Verdict<T> {
    /// The verdict, if the article was judged.
    pub fn judged(&self) -> Option<&T> {
        match self {
            Verdict::Judged(v) => Some(v),
            Verdict::Pending => None,
        }
    }
}

impl<T> From<Option<T>> for Verdict<T> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Verdict::Pending, Verdict::Judged)
    }
}

impl<T: Serialize + Flagged> Serialize for Verdict<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Verdict::Judged(v) => v.serialize(s),
            Verdict::Pending => {
                let mut m = s.serialize_map(Some(3))?;
                m.serialize_entry("pending", &true)?;
                m.serialize_entry("score", &0.0)?;
                m.serialize_entry(T::FLAG, &false)?;
                m.end()
            }
        }
    }
}

fn combine(a: f64, b: f64) -> f64 {
    1.0 - (1.0 - a) * (1.0 - b)
}

/// Evidence weights of source-free signals, saturating: one clear signal
/// is worth about a half.
fn saturate(weight: f64, scale: f64) -> f64 {
    1.0 - (-weight / scale).exp()
}

/// Evidence of one rare variant: one alone is not enough, since honest
/// writers use a rare phrase now and then.
const RARE_VARIANT_WEIGHT: f64 = 0.1;

/// A switch of typography between paragraphs marks a seam but weighs
/// nothing: two or more are in a fifth of the stitched articles of the
/// spin set, but also in one in eight Multi-News pages (their crawls mix
/// the site's curly quotes with pasted straight ones), and any weight that
/// helped stitched F1 without sources cost more false alarms there.
const MIXED_STYLE_WEIGHT: f64 = 0.0;

/// More glued sentences than this in one article are its markup's, not a
/// stitcher's.
const MAX_SEAM_GLUES: usize = 3;

/// A swap in a sentence an editor also rewrote otherwise weighs this much
/// beside one in a sentence changed by replacements only.
const IMPURE_SWAP_WEIGHT: f64 = 0.5;

/// Judges spin. `from_sources` holds, for sentences of this article found
/// in earlier articles, the best match and the word diff from the source
/// sentence to this one; `usage` the stream's usage counts
/// ([`super::usage`]).
pub fn assess_spin(
    text: &AnalyzedText,
    from_sources: &[(SentenceMatch, Vec<Edit>)],
    usage: &Usage,
) -> SpinVerdict {
    assess_spin_with(text, &Phrases::of(text), from_sources, usage)
}

/// [`assess_spin`] with the text's [`Phrases`] found already (those its
/// usage counts were read for).
pub fn assess_spin_with(
    text: &AnalyzedText,
    phrases: &Phrases,
    from_sources: &[(SentenceMatch, Vec<Edit>)],
    usage: &Usage,
) -> SpinVerdict {
    let mut subs = Vec::new();
    let mut substituted = 0;
    let mut aligned = 0;
    // Weighted swaps: one in a sentence changed by replacements only counts
    // whole, one in a sentence also rewritten otherwise (words added, cut
    // or rephrased at length) half, since that is an editor's work.
    let mut swaps = 0.0;
    for (m, edits) in from_sources {
        aligned += 1;
        if m.verbatim {
            continue;
        }
        let weight = if is_pure_substitution(edits, 2) {
            1.0
        } else {
            IMPURE_SWAP_WEIGHT
        };
        let (source, copy, replaced) = replacements(edits);
        let before = subs.len();
        for r in replaced {
            // Longer replacements are rewording, not word swaps.
            if r.from.split_whitespace().count() > 2 || r.to.split_whitespace().count() > 2 {
                continue;
            }
            if classify(r.from, r.to, &source, &copy, r.from_at_start, r.to_at_start)
                != Change::Swap
            {
                continue;
            }
            swaps += weight;
            subs.push(Substitution {
                sentence: m.sentence,
                source_article: m.other_article,
                source_sentence: m.other_sentence,
                from: r.from.to_string(),
                to: r.to.to_string(),
            });
        }
        if subs.len() > before {
            substituted += 1;
        }
    }
    // A spun article is a copy of one report with words swapped all
    // through it: most of its sentences align with a source, and content
    // words are swapped for synonyms. An editor's rewrite aligns with few
    // sentences, or changes function words, numbers, dates, spelling,
    // names and word order, which are not swaps ([`super::swaps`]).
    let coverage = aligned as f64 / text.sentences.len().max(1) as f64;
    let source = if swaps >= 2.0 && aligned >= 3 {
        saturate(swaps, 2.5) * ((coverage - 0.2) / 0.4).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mut signals = spin_signals(text);
    for rare in rare_variants_of(text, phrases, usage) {
        // The same words found by a list already count.
        let known = signals.iter().any(|s| {
            s.sentence == rare.sentence
                && (s.text.contains(&rare.text) || rare.text.contains(&s.text))
        });
        if !known {
            signals.push(rare);
        }
    }
    signals.sort_by_key(|s| s.sentence);
    // The weights of the lists' signals are those setting A was measured
    // with (lowering them for fewer false alarms without sources cost
    // setting A .04 of F1 on a held-out draw). A rare variant alone is
    // common in honest copy: it weighs little.
    let weight: f64 = signals
        .iter()
        .map(|s| match s.kind {
            SignalKind::OddModifier => 0.6,
            SignalKind::RareVariant => RARE_VARIANT_WEIGHT,
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
    assess_stitch_with(text, &Phrases::of(text), from_sources, group_of)
}

/// [`assess_stitch`] with the text's [`Phrases`] found already: their
/// words serve the coherence signals.
pub fn assess_stitch_with(
    text: &AnalyzedText,
    phrases: &Phrases,
    from_sources: &[SentenceMatch],
    group_of: impl Fn(i64) -> i64,
) -> StitchVerdict {
    let mut per_group: BTreeMap<i64, usize> = BTreeMap::new();
    for m in from_sources {
        *per_group.entry(group_of(m.other_article)).or_default() += 1;
    }
    let aligned = from_sources.len();
    let total = text.sentences.len().max(1);
    // A stitcher takes passages from each report. One sentence shared with
    // another report is a quote or a fact every outlet carries (ECB+'s
    // two-sentence briefs share one sentence each with two story-mates).
    let contributing = per_group.values().filter(|&&n| n >= 2).count();
    // Stitched: most of the article comes from earlier reports, and from
    // at least two of them. Articles of one story often share a quote or
    // two with several others; that alone is not stitching.
    let coverage = aligned as f64 / total as f64;
    let source = if contributing >= 2 {
        ((coverage - 0.3) / 0.4).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mut signals = stitch_signals(text);
    signals.extend(coherence_signals_with(text, &|i| phrases.words(i)));
    signals.sort_by_key(|s| s.sentence);
    // A stitcher's glue is at a seam or two; sentences glued all through
    // an article are its page's markup losing the spaces (Multi-News
    // crawls glue eight or fifteen).
    let glued = signals
        .iter()
        .filter(|s| s.kind == SignalKind::Glued)
        .count();
    let glue_weight = if glued > MAX_SEAM_GLUES { 0.0 } else { 0.7 };
    let weight: f64 = signals
        .iter()
        .map(|s| match s.kind {
            // Real wire copy has its share of paragraphs opening with
            // "However,": weak evidence each.
            SignalKind::DanglingConnective if s.sentence == 0 => 0.6,
            SignalKind::DanglingConnective => 0.25,
            SignalKind::Glued => glue_weight,
            // Honest copy names people by surname before their full name
            // now and then (DUC's AP reports, a headline-like lead).
            SignalKind::Unintroduced => 0.3,
            SignalKind::UnattributedQuote => 0.15,
            SignalKind::MixedStyle => MIXED_STYLE_WEIGHT,
            // As common in honest copy as in stitched (a topic jump in
            // half of ECB+, one sentence to a paragraph): it marks seams
            // and weighs nothing.
            SignalKind::TopicJump => 0.0,
            _ => 1.0,
        })
        .sum();
    // With its sources in the store, an article most of which aligns with
    // one report is that report's copy or rewrite, whatever seams its text
    // seems to have (a spinner's copy keeps the original's own awkward
    // turns): the text's signals only speak when the sources do not.
    let one_source = contributing == 1 && coverage >= 0.7;
    let score = if one_source {
        source
    } else {
        combine(source, saturate(weight, 1.2))
    };
    let mut seams: Vec<usize> = signals
        .iter()
        .map(|s| s.sentence)
        .filter(|&i| i > 0)
        .collect();
    if contributing >= 2 {
        let mut last: Option<i64> = None;
        for m in from_sources {
            let g = group_of(m.other_article);
            if last.is_some_and(|l| l != g) {
                seams.push(m.sentence);
            }
            last = Some(g);
        }
    }
    seams.sort_unstable();
    seams.dedup();
    let mut source_articles: Vec<(i64, usize)> = per_group.into_iter().collect();
    source_articles.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    StitchVerdict {
        stitched: score >= 0.5,
        score,
        seams,
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
        let v = assess_spin(&text, &from, &Usage::shipped());
        assert!(v.spun, "{v:?}");
        assert_eq!(v.substituted_sentences, 3);
        assert_eq!(v.substitutions[0].from, "Russia");
        assert_eq!(v.substitutions[0].to, "Russian Federation");

        let copy = analyze(&src.join(" "));
        let from: Vec<_> = (0..3).map(|i| matched(i, 7, src[i], src[i])).collect();
        let v = assess_spin(&copy, &from, &Usage::shipped());
        assert!(!v.spun, "{v:?}");
        assert!(v.substitutions.is_empty());
    }

    /// ECB+ 23_6ecbplus against the story-mate it was made from: figures
    /// in metres, a name's spelling corrected, a clause cut, an
    /// attribution added. An editor's work, not spin.
    const CLIMBERS: [&str; 5] = [
        "One Australian and one English climber have fallen to their deaths in New Zealand.",
        "On Friday, 36-year-old Duncan Rait died after slipping and falling about 200ft from a ridge near the Tasman Glacier.",
        "Gaskin said that other climbers attempted to rescue Raite by taking him down the glacier, but that he died on the way down.",
        "On Saturday, 32-year-old Englishman Robert Buckley, originally from Essex, but living in Christchurch, fell about 2,000ft while climbing to a small hut on Mount Sefton with three companions.",
        "Gaskin said Buckley was wearing crampons but was inexperienced.",
    ];

    fn judged(source: &[&str], copy: &[&str]) -> SpinVerdict {
        let text = analyze(&copy.join(" "));
        let from: Vec<_> = (0..copy.len())
            .map(|i| matched(i, 92, source[i], copy[i]))
            .collect();
        assert_eq!(text.sentences.len(), copy.len());
        assess_spin(&text, &from, &Usage::shipped())
    }

    #[test]
    fn an_honest_ecb_rewrite_is_not_spun_and_its_spun_version_is() {
        let honest = [
            "ONE Australian and one English climber have fallen to their deaths in New Zealand, police confirmed today.",
            "On Friday, 36-year-old Duncan Rait died after slipping and falling about 60m from a ridge near the Tasman Glacier.",
            "Gaskin said that other climbers attempted to rescue Rait by taking him down the glacier, but that he died on the way down.",
            "On Saturday, 32-year-old Englishman Robert Buckley fell about 600m while climbing to a small hut on Mount Sefton with three companions.",
            CLIMBERS[4],
        ];
        let v = judged(&CLIMBERS, &honest);
        assert!(!v.spun, "{v:?}");
        assert!(v.substitutions.is_empty(), "{v:?}");
        assert_eq!(v.aligned_sentences, 5);

        // The same report through a synonym spinner.
        let spun = [
            "One Australian and one English mountaineer have fallen to their demise in New Zealand.",
            "On Friday, 36-year-old Duncan Rait perished after slipping and falling about 200ft from a ridge near the Tasman Glacier.",
            "Gaskin stated that other climbers tried to save Raite by taking him down the glacier, but that he died on the way down.",
            "On Saturday, 32-year-old Englishman Robert Buckley, originally from Essex, but living in Christchurch, fell about 2,000ft while climbing to a little hut on Mount Sefton with three companions.",
            "Gaskin said Buckley was sporting crampons but was inexperienced.",
        ];
        let v = judged(&CLIMBERS, &spun);
        assert!(v.spun, "{v:?}");
        let swaps: Vec<(&str, &str)> = v
            .substitutions
            .iter()
            .map(|s| (s.from.as_str(), s.to.as_str()))
            .collect();
        assert!(swaps.contains(&("climber", "mountaineer")), "{swaps:?}");
        assert!(swaps.contains(&("wearing", "sporting")), "{swaps:?}");
        assert_eq!(v.substituted_sentences, 5);
    }

    /// ECB+ 28_7ecb with the first `glues` of its paragraphs pasted onto
    /// the one before with no space, as a stitcher's paste leaves them
    /// ("was over.The").
    fn glued_report(glues: usize) -> AnalyzedText {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let corpus = std::fs::read_to_string(root.join("jsonl/ecbplus.jsonl")).unwrap();
        let v: serde_json::Value = corpus
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|v| v["id"] == "28_7ecb")
            .unwrap();
        let mut text = v["text"].as_str().unwrap().to_string();
        for _ in 0..glues {
            let at = text
                .match_indices(".\n\n")
                .map(|(i, _)| i)
                .find(|&i| {
                    // After a word, before a capital: two whole sentences.
                    text[..i].ends_with(|c: char| c.is_ascii_lowercase())
                        && text[i + 3..].starts_with(|c: char| c.is_ascii_uppercase())
                })
                .unwrap();
            text.replace_range(at + 1..at + 3, "");
        }
        analyze(&text)
    }

    /// Two sentences glued at a seam are a stitcher's paste; glued all
    /// through the article, they are its page's markup.
    #[test]
    fn glue_at_a_seam_or_two_is_stitching_and_all_through_is_not() {
        let judge = |t: &AnalyzedText| assess_stitch(t, &[], |a| a);
        assert!(!judge(&glued_report(0)).stitched);
        let two = judge(&glued_report(2));
        assert!(two.stitched, "{two:?}");
        assert!(two.seams.len() >= 2, "{two:?}");
        let many = judge(&glued_report(MAX_SEAM_GLUES + 1));
        assert!(!many.stitched, "{many:?}");
    }

    #[test]
    fn one_sentence_from_each_of_two_reports_is_not_stitching() {
        // ECB+ 26_2ecb, a two-sentence brief: each sentence is also in
        // another story-mate, as the facts of the day are.
        let text = analyze(
            "One of the key suspected Mafia bosses arrested yesterday in one of Sicily's biggest police operations has hanged himself in his prison cell, police said. \
             Gaetano Lo Presti, the \"godfather\" of the Palermo district of Porta Nuova, was found dead late last night in Pagliarelli prison in the Sicilian capital of Palermo.",
        );
        let m = |sentence: usize, other: i64| SentenceMatch {
            sentence,
            other_article: other,
            other_sentence: sentence,
            score: 0.6,
            verbatim: false,
        };
        let v = assess_stitch(&text, &[m(0, 383), m(1, 387)], |a| a);
        assert!(!v.stitched, "{v:?}");
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
