//! The summary stage: a short extractive summary of a story, built from its
//! articles' own sentences, in which every sentence cites every article
//! that carries it, word for word or reworded.
//!
//! - Sentences that say the same thing (the copies stage's judge,
//!   [`crate::copies::Aligner`]) are one fact: a summary takes a fact once,
//!   and cites every variant of it.
//! - Choosing: the facts whose word pairs (stemmed bigrams) are carried by
//!   the most articles, greedily, each pair counted once (coverage of the
//!   story's distinct facts, no redundancy), with a bonus for lead
//!   sentences (news says what happened first).
//! - Only sentences that stand alone are eligible ([`clean`]): no
//!   fragments, no dangling "He" or "But", no captions or "Read more";
//!   wire datelines are cut off.
//! - Sentences come out in story order: by their article's date, then
//!   their place in it.
//!
//! ```
//! use storyline::summary::{SummaryInput, summarize};
//! use storyline::text::analyze;
//! let a = analyze("Lindsay Lohan checked into the Betty Ford Center on Friday, her lawyer said. \
//!                  The actress was ordered into rehab by a judge in March.");
//! let b = analyze("Lindsay Lohan entered the Betty Ford Center on Friday, her lawyer said. \
//!                  Fans gathered outside the clinic in the afternoon.");
//! let articles = [
//!     SummaryInput { id: 1, ref_id: None, source: Some("AP"), date: Some("2013-05-03"), text: &a },
//!     SummaryInput { id: 2, ref_id: None, source: Some("Reuters"), date: Some("2013-05-03"), text: &b },
//! ];
//! let summary = summarize(&articles, 20);
//! let rehab = summary.iter().find(|s| s.text.contains("Betty Ford")).unwrap();
//! assert_eq!(rehab.citations.len(), 2); // both reports carry it, each in its own words
//! ```

pub mod clean;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::copies::{AlignedPair, Aligner, sentence_bands_of};
use crate::text::filters::{self, TokenFilter, is_stop_word_in};
use crate::text::{AnalyzedText, Lang, TextAnalyzer, count_words_in, unspaced_script};

/// Default summary length in words.
pub const DEFAULT_WORDS: usize = 100;

// The weights below were tuned on DUC 2004 (ROUGE recall at 100 words,
// `bash bench/summaries.sh`) and are reported on Multi-News untouched.

/// Sentences shorter than this say too little to stand alone.
const MIN_WORDS: usize = 6;
/// Sentences longer than this spend the budget on one fact.
const MAX_WORDS: usize = 55;
/// Bonus for an article's first sentence (its lead): news says what
/// happened first.
const LEAD_BONUS: f64 = 0.6;
/// A word pair counts when at least this share of the articles (and at
/// least two) carry it: what one report alone says is not the story.
const MIN_SHARE: f64 = 0.3;
/// A concept weighs (articles carrying it)^DF_POWER: the facts everyone
/// reports dominate.
const DF_POWER: i32 = 2;
/// Weight of a content word relative to a word pair.
const UNIGRAM_WEIGHT: f64 = 0.4;
/// Quotations give colour rather than facts: their sentences count at this
/// share.
const QUOTE_WEIGHT: f64 = 0.5;

/// Tag bit of single-word concepts.
const UNIGRAM: u64 = 1 << 63;

/// An article to summarise.
#[derive(Debug, Clone, Copy)]
pub struct SummaryInput<'a> {
    /// Its id (a store id, or a position for articles not stored).
    pub id: i64,
    /// The input's own id.
    pub ref_id: Option<&'a str>,
    /// Publisher or site.
    pub source: Option<&'a str>,
    /// Publication date (ISO 8601), for the order of the summary.
    pub date: Option<&'a str>,
    /// Its text and sentences.
    pub text: &'a AnalyzedText,
}

/// One article that carries a summary sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// The article.
    pub article: i64,
    /// The input's own id for it.
    #[serde(rename = "ref")]
    pub ref_id: Option<String>,
    /// Its source.
    pub source: Option<String>,
    /// Index of the sentence in the article.
    pub sentence: usize,
    /// The sentence as that article words it.
    pub text: String,
}

/// One sentence of a summary, with every article that carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummarySentence {
    /// The sentence as the summary shows it.
    pub text: String,
    /// Every article carrying it (the one quoted first), with its variant.
    pub citations: Vec<Citation>,
}

/// A sentence as a summary shows it, from the article's sentence `k`
/// as written: a first sentence loses its dateline. The store keeps a
/// summary sentence's text only where it is not this of its first
/// citation.
pub fn shown(raw: &str, k: usize) -> &str {
    if k == 0 {
        clean::strip_dateline(raw)
    } else {
        raw
    }
    .trim()
}

struct Candidate {
    article: usize,
    sentence: usize,
    text: String,
    words: usize,
    concepts: Vec<u64>,
    eligible: bool,
}

/// Summarises articles in about `words` words (the last sentence may run
/// over; no sentence is cut), in one language: that of most of the
/// articles (of the earliest of them on a tie); articles in another
/// language are left out (see [`summarize_any_language`]).
pub fn summarize(articles: &[SummaryInput<'_>], words: usize) -> Vec<SummarySentence> {
    let lang = main_language(articles);
    let same: Vec<SummaryInput<'_>> = articles
        .iter()
        .filter(|a| a.text.lang == lang)
        .copied()
        .collect();
    if same.len() == articles.len() {
        return summarize_any_language(articles, words);
    }
    summarize_any_language(&same, words)
}

/// The language of most of the articles (the first one's on a tie).
pub fn main_language(articles: &[SummaryInput<'_>]) -> Lang {
    let mut counts: Vec<(Lang, usize)> = Vec::new();
    for a in articles {
        match counts.iter_mut().find(|(l, _)| *l == a.text.lang) {
            Some(c) => c.1 += 1,
            None => counts.push((a.text.lang, 1)),
        }
    }
    let top = counts.iter().map(|c| c.1).max().unwrap_or(0);
    counts
        .into_iter()
        .find(|c| c.1 == top)
        .map_or(Lang::UND, |c| c.0)
}

/// [`summarize`] over every article whatever its language: sentences of
/// several languages may then stand in one summary, each analysed in its
/// own language.
pub fn summarize_any_language(articles: &[SummaryInput<'_>], words: usize) -> Vec<SummarySentence> {
    let texts: Vec<&AnalyzedText> = articles.iter().map(|a| a.text).collect();
    let mut cands: Vec<Candidate> = Vec::new();
    let mut bands: Vec<Vec<Vec<u64>>> = Vec::with_capacity(articles.len());
    for (i, a) in articles.iter().enumerate() {
        let mut article_bands = Vec::with_capacity(a.text.sentences.len());
        for (k, s) in a.text.sentences.iter().enumerate() {
            let raw = &a.text.text[s.start..s.end];
            // One pass of tokens and stems serves the copies stage's keys
            // and the concepts.
            let lang = a.text.lang;
            let words = stemmed_words(raw, lang);
            article_bands.push(sentence_bands_of(
                words.iter().filter(|w| !w.stop).map(|w| w.stem.as_str()),
                raw,
                lang,
            ));
            let text = shown(raw, k);
            let skip = words_before(raw, text, lang);
            let n = word_count(text, lang);
            cands.push(Candidate {
                article: i,
                sentence: k,
                text: text.to_string(),
                words: n,
                concepts: concepts(&words[skip.min(words.len())..], lang),
                // A sentence in another language is not eligible either,
                // but that is asked only of the sentences the greedy loop
                // picks: identifying the language of every sentence of a
                // story, each time its summary is rebuilt, was a fifth of
                // an ingest's CPU.
                eligible: (MIN_WORDS..=MAX_WORDS).contains(&n)
                    && clean::unfit_in(text, lang).is_none(),
            });
        }
        bands.push(article_bands);
    }
    let mut aligner = Aligner::with_bands(&texts, bands);
    let index: HashMap<(usize, usize), usize> = cands
        .iter()
        .enumerate()
        .map(|(c, cand)| ((cand.article, cand.sentence), c))
        .collect();

    // Concept weights: how many articles carry each word pair.
    let mut df: HashMap<u64, usize> = HashMap::default();
    {
        let mut seen: HashSet<(usize, u64)> = HashSet::default();
        for c in &cands {
            for &k in &c.concepts {
                if seen.insert((c.article, k)) {
                    *df.entry(k).or_default() += 1;
                }
            }
        }
    }
    let n = articles.len();
    let min_df = match n {
        0..=1 => 1,
        2 => 2,
        _ => 2.max((n as f64 * MIN_SHARE).ceil() as usize),
    };
    let weight = |k: &u64| -> f64 {
        let d = df.get(k).copied().unwrap_or(0);
        let w = if d >= min_df {
            (d as f64).powi(DF_POWER)
        } else {
            0.0
        };
        if k & UNIGRAM != 0 {
            w * UNIGRAM_WEIGHT
        } else {
            w
        }
    };

    // Each candidate's concepts that weigh anything, as dense ids, so the
    // greedy loop below touches no hash table.
    let mut dense: HashMap<u64, usize> = HashMap::default();
    let mut weights: Vec<f64> = Vec::new();
    let weighted: Vec<Vec<usize>> = cands
        .iter()
        .map(|c| {
            if !c.eligible {
                return Vec::new();
            }
            c.concepts
                .iter()
                .filter_map(|k| {
                    let w = weight(k);
                    (w > 0.0).then(|| {
                        *dense.entry(*k).or_insert_with(|| {
                            weights.push(w);
                            weights.len() - 1
                        })
                    })
                })
                .collect()
        })
        .collect();
    let mut covered = vec![false; weights.len()];

    // Greedy coverage. A sentence that says what a chosen one says (the
    // copies stage's judge) is out: reworded repeats are repeats.
    let mut blocked = vec![false; cands.len()];
    let mut cited: HashMap<usize, Vec<AlignedPair>> = HashMap::default();
    let mut chosen: Vec<usize> = Vec::new();
    let mut total = 0;
    while total < words {
        let mut best: Option<(f64, usize)> = None;
        for (c, cand) in cands.iter().enumerate() {
            if !cand.eligible || blocked[c] {
                continue;
            }
            let gain: f64 = weighted[c]
                .iter()
                .filter(|&&k| !covered[k])
                .map(|&k| weights[k])
                .sum();
            let lead = if cand.sentence == 0 {
                1.0 + LEAD_BONUS
            } else {
                1.0
            };
            let quoted = if cand.text.contains(['"', '“', '”']) {
                QUOTE_WEIGHT
            } else {
                1.0
            };
            // Gain per word: the budget is words.
            let value = quoted * gain * lead / cand.words as f64;
            if value > 0.0 && best.is_none_or(|(v, _)| value > v) {
                best = Some((value, c));
            }
        }
        // Nothing left that adds a shared fact: a single article, or
        // articles with nothing in common, fall back to their leads.
        let pick = best.map(|b| b.1).or_else(|| {
            cands
                .iter()
                .enumerate()
                .filter(|&(i, c)| c.eligible && !blocked[i])
                .min_by_key(|(_, c)| (c.sentence, c.article))
                .map(|(i, _)| i)
        });
        let Some(c) = pick else { break };
        blocked[c] = true;
        // A sentence in another language (a tweet or a notice embedded in
        // the article) is not the story's. Skipping it here picks what
        // leaving it out from the start would: it covered nothing yet.
        if articles[cands[c].article]
            .text
            .lang
            .surely_not(&cands[c].text)
        {
            continue;
        }
        let me = (cands[c].article, cands[c].sentence);
        if chosen.iter().any(|&x| {
            aligner
                .judge(me, (cands[x].article, cands[x].sentence))
                .is_some()
        }) {
            continue;
        }
        let matches = aligner.matches(me);
        for m in &matches {
            blocked[index[&m.b]] = true;
        }
        cited.insert(c, matches);
        for &k in &weighted[c] {
            covered[k] = true;
        }
        total += cands[c].words;
        chosen.push(c);
    }

    // Story order: the article's date (unknown dates last), then the
    // sentence's place in it.
    chosen.sort_by(|&x, &y| {
        let key = |c: usize| {
            let a = &articles[cands[c].article];
            (
                a.date.is_none(),
                a.date,
                cands[c].article,
                cands[c].sentence,
            )
        };
        key(x).cmp(&key(y))
    });
    chosen
        .into_iter()
        .map(|c| {
            // A sentence cites the sentences aligned with it directly: a
            // chain of rewordings drifts, and each citation must carry the
            // content itself.
            let mut cited: Vec<usize> = cited
                .remove(&c)
                .unwrap_or_default()
                .iter()
                .map(|m| index[&m.b])
                .collect();
            cited.push(c);
            cited.sort_unstable();
            cited.dedup();
            cited.sort_by_key(|&m| (m != c, cands[m].article, cands[m].sentence));
            SummarySentence {
                text: cands[c].text.clone(),
                citations: cited
                    .into_iter()
                    .map(|m| {
                        let a = &articles[cands[m].article];
                        let s = a.text.sentences[cands[m].sentence];
                        Citation {
                            article: a.id,
                            ref_id: a.ref_id.map(str::to_string),
                            source: a.source.map(str::to_string),
                            sentence: cands[m].sentence,
                            text: a.text.text[s.start..s.end].to_string(),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// A word of a sentence: its stem, and whether it is a function word.
struct StemmedWord {
    stem: String,
    stop: bool,
}

/// The words of a sentence in `lang`, lower-cased and stemmed, with the
/// stop-word test made before stemming (as the copies stage's analyzer
/// makes it).
fn stemmed_words(sentence: &str, lang: Lang) -> Vec<StemmedWord> {
    let lower = TextAnalyzer::for_lang(lang)
        .filter(filters::LongTokenRemover::limit(40))
        .filter(filters::LowerCaser);
    let mut tokens = lower.tokens(sentence);
    let stop: Vec<bool> = tokens
        .iter()
        .map(|t| is_stop_word_in(&t.text, lang))
        .collect();
    if let Some(stemmer) = filters::Stemmer::for_lang(lang) {
        stemmer.filter(&mut tokens);
    }
    tokens
        .into_iter()
        .zip(stop)
        .map(|(t, stop)| StemmedWord { stem: t.text, stop })
        .collect()
}

/// The words of a summary sentence, as the length limits count them: by
/// spaces, or for a language written without them, by its words.
fn word_count(text: &str, lang: Lang) -> usize {
    if lang != Lang::EN && text.chars().any(unspaced_script) {
        count_words_in(text, lang)
    } else {
        text.split_whitespace().count()
    }
}

/// How many words of `raw` come before `text`, a suffix of it (a dateline).
fn words_before(raw: &str, text: &str, lang: Lang) -> usize {
    let cut = raw.len() - raw.trim_start().len() + (raw.trim().len() - text.len());
    if cut == 0 {
        0
    } else {
        crate::text::tokenize_in(&raw[..cut.min(raw.len())], lang).len()
    }
}

/// Stemmed word pairs of a sentence, except pairs of two function words,
/// and (tagged apart) its content words.
fn concepts(words: &[StemmedWord], lang: Lang) -> Vec<u64> {
    let words: Vec<(u64, bool)> = words
        .iter()
        // The stop test on the stem, as the weights were tuned with.
        .map(|w| (xxh3_64(w.stem.as_bytes()), is_stop_word_in(&w.stem, lang)))
        .collect();
    let mut out: Vec<u64> = words
        .windows(2)
        .filter(|w| !(w[0].1 && w[1].1))
        .map(|w| (w[0].0.rotate_left(29) ^ w[1].0).wrapping_mul(0x9E37_79B9_7F4A_7C15) & !UNIGRAM)
        .chain(words.iter().filter(|w| !w.1).map(|w| w.0 | UNIGRAM))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyze;

    /// The texts as articles 1, 2, ... of one date.
    fn inputs<'a>(texts: &'a [AnalyzedText], date: &'a str) -> Vec<SummaryInput<'a>> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| SummaryInput {
                id: i as i64 + 1,
                ref_id: None,
                source: None,
                date: Some(date),
                text: t,
            })
            .collect()
    }

    #[test]
    fn a_fact_told_by_several_articles_is_chosen_once_and_cites_them_all() {
        let texts = [
            analyze(
                "WASHINGTON (AP) — The Senate passed the budget bill on Tuesday by a vote of 60 to 40. Senators then left for the holiday recess in a hurry.",
            ),
            analyze(
                "The Senate approved the budget bill on Tuesday by a vote of 60 to 40. He said the vote was historic for the country and its people.",
            ),
            analyze(
                "The Senate passed the budget bill on Tuesday by a vote of 60 to 40. The House is expected to take up the budget bill next week.",
            ),
        ];
        let summary = summarize(&inputs(&texts, "2020-01-01"), 30);
        assert!(summary[0].text.starts_with("The Senate"), "{summary:?}");
        assert!(!summary[0].text.contains("WASHINGTON"));
        let cited: Vec<i64> = summary[0].citations.iter().map(|c| c.article).collect();
        assert_eq!(cited.len(), 3, "{summary:?}");
        // The reworded variant is cited with its own words.
        assert!(
            summary[0]
                .citations
                .iter()
                .any(|c| c.text.contains("approved"))
        );
        // The same fact is not told twice, and "He said" never opens one.
        let senate = summary
            .iter()
            .filter(|s| s.text.contains("60 to 40"))
            .count();
        assert_eq!(senate, 1);
        assert!(summary.iter().all(|s| !s.text.starts_with("He ")));
    }

    /// A notice in another language that every article carries (a stock
    /// quote pasted under the story) is the most shared sentence of all,
    /// and still not the story's.
    #[test]
    fn a_sentence_in_another_language_is_not_chosen() {
        let notice = "Die Aktie der Deutschen Bank stieg am Montag im Frankfurter Handel um drei Prozent, nachdem der Vorstand die Zahlen für das dritte Quartal vorgelegt hatte.";
        let texts = [
            format!(
                "Deutsche Bank reported a profit for the third quarter on Monday, beating forecasts. Analysts had expected a loss after a year of legal costs.\n\nThe lender has paid billions of dollars in fines and settlements since the financial crisis, and its shares had fallen by half over the past two years.\n\n{notice}"
            ),
            format!(
                "Germany's largest lender said its quarterly profit rose, helped by trading income. Its chief executive told investors the turnaround was on track.\n\nThe results came a week after rivals in Europe and the United States reported strong earnings from their own trading desks over the summer.\n\n{notice}"
            ),
            format!(
                "Shares in Deutsche Bank rose after the lender posted a surprise quarterly profit. The bank also said it would cut more jobs next year.\n\nThousands of positions have already gone in London, New York and Frankfurt as the bank retreats from parts of its investment banking business.\n\n{notice}"
            ),
        ]
        .map(|t| analyze(&t));
        assert!(texts.iter().all(|t| t.lang.code() == "en"));
        let summary = summarize(&inputs(&texts, "2020-10-26"), 60);
        assert!(!summary.is_empty());
        assert!(
            summary.iter().all(|s| !s.text.contains("Aktie")),
            "{summary:?}"
        );
    }

    #[test]
    fn one_article_gives_its_lead() {
        let t = analyze(
            "A strong earthquake struck Aceh province in Indonesia on Tuesday. Buildings swayed in the capital for a minute or more. No damage was reported by officials in the region.",
        );
        let s = summarize(
            &[SummaryInput {
                id: 1,
                ref_id: None,
                source: None,
                date: None,
                text: &t,
            }],
            10,
        );
        assert_eq!(s.len(), 1);
        assert!(s[0].text.starts_with("A strong earthquake"));
        assert_eq!(s[0].citations.len(), 1);
        assert!(summarize(&[], 100).is_empty());
    }
}
