//! Sentence paraphrase detection: do two news sentences say the same thing,
//! verbatim or reworded?
//!
//! Spun and rewritten copies swap synonyms ("Russia" -> "Russian Federation"),
//! reorder clauses, trim or merge sentences and re-attribute quotes. Here a
//! pair of sentences is described by [`N_FEATURES`] lexical features
//! (overlap of Snowball stems, of content words, of word n-grams and of
//! character trigrams, longest common subsequence, token edit distance, a
//! BLEU-like score, agreement of numbers and of capitalised names, length),
//! and a logistic regression over them gives the probability that the two
//! are paraphrases.
//!
//! The weights were fitted on the training half of the Microsoft Research
//! Paraphrase Corpus (MSRP) by `cargo run --release -p storyline-bench --bin
//! msrp -- train` (figures in the comment above [`MEANS`]). Nothing is downloaded
//! and nothing is read at run time.
//!
//! For speed, build a [`SentenceProfile`] once per sentence and compare
//! profiles with [`score_profiles`]: a pair then costs about 3 µs and a
//! profile about 5 µs (one core, MSRP sentences of ~20 words).
//!
//! On MSRP test (1,725 pairs, never used for fitting or choosing anything):
//! accuracy 0.757, F1 0.823 (P 0.800, R 0.847); 5-fold CV on train 0.782 /
//! 0.842. Baselines with thresholds tuned on train: stem Jaccard 0.732 /
//! 0.821, stem LCS ratio 0.724 / 0.798; always "paraphrase" 0.665 / 0.799.
//! `bash bench/msrp.sh` reproduces the figures.
//!
//! ```
//! use storyline::copies::paraphrase::{is_paraphrase, paraphrase_score};
//! let a = "Russia suspended the agreement after the vote in Geneva on Tuesday.";
//! let b = "Russian Federation suspended the agreement after the vote in Geneva on Tuesday.";
//! assert!(is_paraphrase(a, b));
//! assert!(paraphrase_score(a, "Shares of the carmaker fell 3 percent in early trading.") < 0.2);
//! ```

use xxhash_rust::xxh3::xxh3_64;

#[cfg(doc)]
use crate::text::TextAnalyzer;
use crate::text::{
    Lang,
    filters::{cached_stem, is_stop_word_in, stemmer_algorithm},
    tokenize_in,
};

/// Number of pair features computed by [`features`].
pub const N_FEATURES: usize = 26;

/// Names of the features, in the order of [`features`].
pub const FEATURE_NAMES: [&str; N_FEATURES] = [
    "stem_dice",
    "stem_cover_min",
    "stem_cover_max",
    "content_dice",
    "content_cover_min",
    "content_cover_max",
    "bigram_dice",
    "trigram_dice",
    "lcs_over_max",
    "lcs_over_min",
    "edit_sim",
    "bleu",
    "has_numbers",
    "number_mismatch",
    "numbers_equal",
    "caps_mismatch",
    "len_diff_ratio",
    "unmatched_content_min",
    "unmatched_content_max",
    "prefix_content_dice",
    "log_len",
    "unmatched_prefix_max",
    "negation_mismatch",
    "stop_dice",
    "content_bigram_dice",
    "unmatched_prefix_min",
];

/// A sentence prepared once for comparison against many others.
#[derive(Debug, Clone, Default)]
pub struct SentenceProfile {
    /// Hashes of the lower-cased Snowball stems, in order.
    stems: Vec<u64>,
    /// Sorted n-gram hashes of the stems: n = 1, 2, 3, 4.
    ngrams: [Vec<u64>; 4],
    /// Sorted stem hashes of content (non-stop) words.
    content: Vec<u64>,
    /// Sorted hashes of the first five letters of content words.
    prefixes: Vec<u64>,
    /// Sorted stem hashes of capitalised words that are not sentence-initial.
    caps: Vec<u64>,
    /// Sorted, deduplicated hashes of numbers (commas removed).
    numbers: Vec<u64>,
    /// Sorted stem hashes of stop words.
    stops: Vec<u64>,
    /// Sorted hashes of consecutive content-word pairs.
    content_bigrams: Vec<u64>,
    /// Whether the sentence is negated an odd number of times.
    negated: bool,
    /// The language it was profiled in, and the 5-gram shingles of its
    /// quotations in that language ([`super::quote_shingles_in`]): found
    /// once here, not once per sentence it is compared with.
    pub(crate) lang: Lang,
    pub(crate) quotes: Vec<u32>,
}

fn is_negation(lower: &str) -> bool {
    matches!(
        lower,
        "not"
            | "no"
            | "never"
            | "none"
            | "nothing"
            | "nobody"
            | "neither"
            | "nor"
            | "without"
            | "cannot"
            // Spanish, French, German, Italian, Portuguese, Dutch.
            | "nunca"
            | "nada"
            | "nadie"
            | "ne"
            | "pas"
            | "jamais"
            | "rien"
            | "nicht"
            | "kein"
            | "keine"
            | "nie"
            | "niemals"
            | "non"
            | "mai"
            | "niente"
            | "não"
            | "nenhum"
            | "niet"
            | "geen"
            | "nooit"
    ) || lower.ends_with("n't")
        || lower.ends_with("n\u{2019}t")
}

/// Hash of the Snowball stem of a lower-cased word (of the word itself in
/// a language without a stemmer), through the text stage's shared stem
/// cache.
fn stem_hash(lower: &str, stemmer: Option<rust_stemmers::Algorithm>) -> u64 {
    match stemmer.and_then(|a| cached_stem(a, lower)) {
        Some(stem) => hash_str(&stem),
        None => hash_str(lower),
    }
}

fn hash_str(s: &str) -> u64 {
    xxh3_64(s.as_bytes())
}

fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(23) ^ x).wrapping_mul(0xBF58_476D_1CE4_E5B9)
}

fn is_number(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_digit())
        && word
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

impl SentenceProfile {
    /// Tokenises, stems and hashes an English `text`.
    pub fn new(text: &str) -> Self {
        Self::new_in(text, Lang::EN)
    }

    /// Tokenises, stems and hashes `text` in `lang`, with its words, stems
    /// and stop words.
    pub fn new_in(text: &str, lang: Lang) -> Self {
        // The same tokens and stems as `TextAnalyzer::stemming_in()`, with
        // one pass of the tokenizer and no allocation per word.
        let stemmer = stemmer_algorithm(lang);
        let raw = tokenize_in(text, lang);
        let mut p = SentenceProfile {
            stems: Vec::with_capacity(raw.len()),
            ..Default::default()
        };
        let mut lower = String::with_capacity(32);
        let mut content_seq: Vec<u64> = Vec::with_capacity(raw.len());
        for (i, tok) in raw.iter().enumerate() {
            let word = tok.text.as_str();
            if word.len() > 40 {
                continue;
            }
            lower.clear();
            if word
                .bytes()
                .any(|c| c.is_ascii_uppercase() || !c.is_ascii())
            {
                lower.extend(word.chars().flat_map(char::to_lowercase));
            } else {
                lower.push_str(word);
            }
            let sh = stem_hash(&lower, stemmer);
            p.stems.push(sh);
            if is_number(word) {
                let digits: String = word.chars().filter(|&c| c != ',').collect();
                p.numbers.push(hash_str(digits.trim_end_matches('.')));
            }
            if is_negation(&lower) {
                p.negated = !p.negated;
            }
            if is_stop_word_in(&lower, lang) {
                p.stops.push(sh);
            } else {
                if let Some(&prev) = content_seq.last() {
                    p.content_bigrams.push(mix(prev, sh));
                }
                content_seq.push(sh);
                p.content.push(sh);
                let cut = lower.char_indices().nth(5).map_or(lower.len(), |(k, _)| k);
                p.prefixes.push(hash_str(&lower[..cut]));
                if i > 0 && word.chars().next().is_some_and(char::is_uppercase) {
                    p.caps.push(sh);
                }
            }
        }
        for (n, grams) in p.ngrams.iter_mut().enumerate() {
            let n = n + 1;
            if p.stems.len() >= n {
                grams.extend(
                    p.stems
                        .windows(n)
                        .map(|w| w.iter().fold(0x9E37_79B9_7F4A_7C15, |h, &x| mix(h, x))),
                );
                grams.sort_unstable();
            }
        }
        p.content.sort_unstable();
        p.stops.sort_unstable();
        p.content_bigrams.sort_unstable();
        p.prefixes.sort_unstable();
        p.caps.sort_unstable();
        p.caps.dedup();
        p.numbers.sort_unstable();
        p.numbers.dedup();
        p.lang = lang;
        p.quotes = super::quote_shingles_in(text, lang);
        p
    }

    /// Number of word tokens.
    pub fn len(&self) -> usize {
        self.stems.len()
    }

    /// Whether the sentence has no word.
    pub fn is_empty(&self) -> bool {
        self.stems.is_empty()
    }
}

/// Size of the multiset intersection of two sorted slices.
fn common(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn dice(c: usize, a: usize, b: usize) -> f64 {
    if a + b == 0 {
        1.0
    } else {
        2.0 * c as f64 / (a + b) as f64
    }
}

fn ratio(c: usize, a: usize) -> f64 {
    if a == 0 { 1.0 } else { c as f64 / a as f64 }
}

/// (dice, min coverage, max coverage) of two sorted multisets.
fn overlap(a: &[u64], b: &[u64]) -> (f64, f64, f64, usize) {
    let c = common(a, b);
    let (ra, rb) = (ratio(c, a.len()), ratio(c, b.len()));
    (dice(c, a.len(), b.len()), ra.min(rb), ra.max(rb), c)
}

/// Longest common subsequence and Levenshtein distance of two sequences.
fn lcs_and_edit(a: &[u64], b: &[u64]) -> (usize, usize) {
    let m = b.len();
    let mut lcs_prev = vec![0usize; m + 1];
    let mut lcs_cur = vec![0usize; m + 1];
    let mut ed_prev: Vec<usize> = (0..=m).collect();
    let mut ed_cur = vec![0usize; m + 1];
    for (i, &x) in a.iter().enumerate() {
        ed_cur[0] = i + 1;
        lcs_cur[0] = 0;
        for (j, &y) in b.iter().enumerate() {
            if x == y {
                lcs_cur[j + 1] = lcs_prev[j] + 1;
                ed_cur[j + 1] = ed_prev[j];
            } else {
                lcs_cur[j + 1] = lcs_prev[j + 1].max(lcs_cur[j]);
                ed_cur[j + 1] = 1 + ed_prev[j].min(ed_prev[j + 1]).min(ed_cur[j]);
            }
        }
        std::mem::swap(&mut lcs_prev, &mut lcs_cur);
        std::mem::swap(&mut ed_prev, &mut ed_cur);
    }
    (lcs_prev[m], ed_prev[m])
}

/// Smoothed BLEU (n = 1..4, no brevity penalty) of `a` against `b`.
fn bleu(a: &SentenceProfile, b: &SentenceProfile) -> f64 {
    let mut log_sum = 0.0;
    for n in 0..4 {
        let c = common(&a.ngrams[n], &b.ngrams[n]) as f64;
        let t = a.ngrams[n].len() as f64;
        let p = if n == 0 {
            (c + 0.1) / (t + 0.1)
        } else {
            (c + 1.0) / (t + 1.0)
        };
        log_sum += p.ln();
    }
    (log_sum / 4.0).exp()
}

/// The pair features of two profiles (symmetric in `a` and `b`).
pub fn profile_features(a: &SentenceProfile, b: &SentenceProfile) -> [f64; N_FEATURES] {
    let (la, lb) = (a.len(), b.len());
    let (stem_dice, stem_min, stem_max, _) = overlap(&a.ngrams[0], &b.ngrams[0]);
    let (content_dice, content_min, content_max, cc) = overlap(&a.content, &b.content);
    let (bigram_dice, ..) = overlap(&a.ngrams[1], &b.ngrams[1]);
    let (trigram_dice, ..) = overlap(&a.ngrams[2], &b.ngrams[2]);
    let (lcs, edit) = lcs_and_edit(&a.stems, &b.stems);
    let (lmax, lmin) = (la.max(lb).max(1) as f64, la.min(lb).max(1) as f64);
    let bleu_score = 0.5 * (bleu(a, b) + bleu(b, a));
    let num_common = common(&a.numbers, &b.numbers);
    let num_mismatch = a.numbers.len() + b.numbers.len() - 2 * num_common;
    let has_numbers = !a.numbers.is_empty() || !b.numbers.is_empty();
    let caps_common = common(&a.caps, &b.caps);
    let caps_mismatch = a.caps.len() + b.caps.len() - 2 * caps_common;
    let (ua, ub) = (a.content.len() - cc, b.content.len() - cc);
    let (prefix_dice, .., pc) = overlap(&a.prefixes, &b.prefixes);
    let (pa, pb) = (a.prefixes.len() - pc, b.prefixes.len() - pc);
    [
        stem_dice,
        stem_min,
        stem_max,
        content_dice,
        content_min,
        content_max,
        bigram_dice,
        trigram_dice,
        lcs as f64 / lmax,
        lcs as f64 / lmin,
        1.0 - edit as f64 / lmax,
        bleu_score,
        has_numbers as u8 as f64,
        (num_mismatch as f64).ln_1p(),
        (has_numbers && num_mismatch == 0) as u8 as f64,
        (caps_mismatch as f64).ln_1p(),
        (la as f64 - lb as f64).abs() / lmax,
        (ua.min(ub) as f64).ln_1p(),
        (ua.max(ub) as f64).ln_1p(),
        prefix_dice,
        ((la + lb) as f64).ln_1p(),
        (pa.max(pb) as f64).ln_1p(),
        (a.negated != b.negated) as u8 as f64,
        overlap(&a.stops, &b.stops).0,
        overlap(&a.content_bigrams, &b.content_bigrams).0,
        (pa.min(pb) as f64).ln_1p(),
    ]
}

/// The pair features of two sentences; see [`FEATURE_NAMES`].
pub fn features(a: &str, b: &str) -> [f64; N_FEATURES] {
    profile_features(&SentenceProfile::new(a), &SentenceProfile::new(b))
}

// MODEL-BEGIN (generated by `msrp train`; do not edit by hand)
// Fitted on MSRP train (4,076 pairs) by `bash bench/msrp.sh --train`:
// L2 = 0.1 chosen by 5-fold CV on train, CV accuracy 0.7819 / F1 0.8419,
// train (resubstitution) accuracy 0.7824 / F1 0.8423.
/// Feature means used to standardise.
pub const MEANS: [f64; N_FEATURES] = [
    0.668641, // stem_dice
    0.620180, // stem_cover_min
    0.730901, // stem_cover_max
    0.671123, // content_dice
    0.619025, // content_cover_min
    0.741686, // content_cover_max
    0.484571, // bigram_dice
    0.376276, // trigram_dice
    0.581568, // lcs_over_max
    0.685851, // lcs_over_min
    0.492648, // edit_sim
    0.469029, // bleu
    0.416340, // has_numbers
    0.300788, // number_mismatch
    0.158979, // numbers_equal
    0.772011, // caps_mismatch
    0.148793, // len_diff_ratio
    1.157634, // unmatched_content_min
    1.666467, // unmatched_content_max
    0.670025, // prefix_content_dice
    3.640634, // log_len
    1.669372, // unmatched_prefix_max
    0.048577, // negation_mismatch
    0.657948, // stop_dice
    0.459469, // content_bigram_dice
    1.162709, // unmatched_prefix_min
];
/// Feature standard deviations used to standardise.
pub const STDS: [f64; N_FEATURES] = [
    0.145124, // stem_dice
    0.145188, // stem_cover_min
    0.155996, // stem_cover_max
    0.159970, // content_dice
    0.162011, // content_cover_min
    0.172165, // content_cover_max
    0.200725, // bigram_dice
    0.224535, // trigram_dice
    0.149735, // lcs_over_max
    0.165980, // lcs_over_min
    0.196968, // edit_sim
    0.195102, // bleu
    0.492951, // has_numbers
    0.571533, // number_mismatch
    0.365657, // numbers_equal
    0.642612, // caps_mismatch
    0.099950, // len_diff_ratio
    0.568564, // unmatched_content_min
    0.432242, // unmatched_content_max
    0.159590, // prefix_content_dice
    0.258927, // log_len
    0.430339, // unmatched_prefix_max
    0.214982, // negation_mismatch
    0.200303, // stop_dice
    0.222415, // content_bigram_dice
    0.565175, // unmatched_prefix_min
];
/// Logistic-regression weights over standardised features.
pub const WEIGHTS: [f64; N_FEATURES] = [
    -0.123171, // stem_dice
    2.723216,  // stem_cover_min
    -1.722828, // stem_cover_max
    -1.353922, // content_dice
    1.058691,  // content_cover_min
    0.384448,  // content_cover_max
    0.193136,  // bigram_dice
    0.395948,  // trigram_dice
    0.700034,  // lcs_over_max
    -0.590586, // lcs_over_min
    0.648735,  // edit_sim
    -1.156427, // bleu
    0.066097,  // has_numbers
    -0.323857, // number_mismatch
    -0.072835, // numbers_equal
    0.097508,  // caps_mismatch
    0.987394,  // len_diff_ratio
    0.408628,  // unmatched_content_min
    -1.164046, // unmatched_content_max
    0.559245,  // prefix_content_dice
    -0.001106, // log_len
    1.021625,  // unmatched_prefix_max
    -0.274628, // negation_mismatch
    0.074863,  // stop_dice
    -0.682133, // content_bigram_dice
    -0.831098, // unmatched_prefix_min
];
/// Logistic-regression intercept.
pub const BIAS: f64 = 1.126120;
/// Decision threshold on [`paraphrase_score`], chosen by 5-fold
/// cross-validation on MSRP train.
pub const PARAPHRASE_THRESHOLD: f64 = 0.5290;
// MODEL-END

/// Probability in [0, 1] that two profiled sentences are paraphrases.
pub fn score_profiles(a: &SentenceProfile, b: &SentenceProfile) -> f64 {
    // The gate below in its cheap form: most candidate pairs share too few
    // content words to need the full features.
    if overlap(&a.content, &b.content).0 <= GATE_FLOOR {
        return 0.0;
    }
    let f = profile_features(a, b);
    let mut z = BIAS;
    for i in 0..N_FEATURES {
        z += WEIGHTS[i] * (f[i] - MEANS[i]) / STDS[i];
    }
    // MSRP pairs all share much of their wording, so the model never saw
    // two sentences with little in common and extrapolates wildly on them
    // (a byline against a long sentence scores 0.96). Sentences sharing
    // few content words are not paraphrases, whatever the model says.
    let gate = ((f[CONTENT_DICE] - GATE_FLOOR) / 0.25).clamp(0.0, 1.0);
    gate / (1.0 + (-z).exp())
}

/// Content-word Dice at or below which two sentences are not paraphrases.
const GATE_FLOOR: f64 = 0.15;

/// Index of `content_dice` in [`FEATURE_NAMES`].
const CONTENT_DICE: usize = 3;

/// Probability in [0, 1] that two sentences are paraphrases.
pub fn paraphrase_score(a: &str, b: &str) -> f64 {
    score_profiles(&SentenceProfile::new(a), &SentenceProfile::new(b))
}

/// Whether two sentences say the same thing ([`paraphrase_score`] at or
/// above [`PARAPHRASE_THRESHOLD`]).
pub fn is_paraphrase(a: &str, b: &str) -> bool {
    paraphrase_score(a, b) >= PARAPHRASE_THRESHOLD
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_with_little_in_common_are_not_paraphrases() {
        assert_eq!(FEATURE_NAMES[CONTENT_DICE], "content_dice");
        let long = "The polarized positions were evident at the UN Security Council on Wednesday, when Russia vetoed a Western-drafted resolution.";
        assert!(paraphrase_score("\u{2022} Zachary Reyes", long) < 0.05);
        assert!(paraphrase_score("All-time low, you say?", long) < 0.05);
    }

    const RUSSIA: &str = "Russia suspended the agreement after the Trump administration fired cruise missiles at a Syrian airbase on Friday.";
    const RUSSIA_SPUN: &str = "Russian Federation suspended the agreement after the Trump administration fired cruise missiles at a Syrian airbase on Friday.";
    const PROBE: &str = "The United Nations called for an international investigation into the chemical attack, which killed more than 80 people.";
    const PROBE_SPUN: &str = "The United Nations called for an global investigation into the chemical attack, which killed more than 80 people.";
    const PROBE_NUMBER: &str = "The United Nations called for an international investigation into the chemical attack, which killed more than 8 people.";
    const SAME_STORY: &str = "Syrian President Bashar al-Assad denied that his forces had used chemical weapons and blamed the rebels.";

    #[test]
    fn verbatim_and_spun_sentences_are_paraphrases() {
        assert!(paraphrase_score(RUSSIA, RUSSIA) > 0.9);
        assert!(
            is_paraphrase(RUSSIA, RUSSIA_SPUN),
            "{}",
            paraphrase_score(RUSSIA, RUSSIA_SPUN)
        );
        assert!(
            is_paraphrase(PROBE, PROBE_SPUN),
            "{}",
            paraphrase_score(PROBE, PROBE_SPUN)
        );
        // Reordered clauses and a re-attributed quote.
        let a = "\"We will not accept this,\" Foreign Minister Sergei Lavrov told reporters in Moscow on Tuesday.";
        let b = "Foreign Minister Sergei Lavrov told reporters in Moscow on Tuesday: \"We will not accept this.\"";
        assert!(is_paraphrase(a, b), "{}", paraphrase_score(a, b));
    }

    #[test]
    fn unrelated_sentences_of_the_same_story_are_not() {
        for (a, b) in [(RUSSIA, SAME_STORY), (PROBE, SAME_STORY), (RUSSIA, PROBE)] {
            let s = paraphrase_score(a, b);
            assert!(s < 0.2, "{s}: {a} / {b}");
            assert!(!is_paraphrase(a, b));
        }
    }

    #[test]
    fn a_changed_number_lowers_the_score() {
        let verbatim = paraphrase_score(PROBE, PROBE);
        let changed = paraphrase_score(PROBE, PROBE_NUMBER);
        // MSRP counts many pairs with different figures as paraphrases (stock
        // prices at different hours), so the model lowers the score only a
        // little; the mismatch itself is a feature the caller can read.
        assert!(changed < verbatim, "{changed} vs {verbatim}");
        let f = features(PROBE, PROBE_NUMBER);
        assert!(
            f[FEATURE_NAMES
                .iter()
                .position(|n| *n == "number_mismatch")
                .unwrap()]
                > 0.0
        );
    }

    #[test]
    fn negation_lowers_the_score() {
        let a = "The company said it would cut 2,000 jobs in France this year.";
        let b = "The company said it would not cut 2,000 jobs in France this year.";
        assert!(paraphrase_score(a, b) < paraphrase_score(a, a));
    }

    #[test]
    fn features_are_symmetric_and_profiles_match_strings() {
        let (fa, fb) = (features(PROBE, SAME_STORY), features(SAME_STORY, PROBE));
        for i in 0..N_FEATURES {
            assert!((fa[i] - fb[i]).abs() < 1e-12, "{}", FEATURE_NAMES[i]);
        }
        let (pa, pb) = (
            SentenceProfile::new(RUSSIA),
            SentenceProfile::new(RUSSIA_SPUN),
        );
        assert_eq!(
            score_profiles(&pa, &pb),
            paraphrase_score(RUSSIA, RUSSIA_SPUN)
        );
        assert_eq!(pa.len(), 17);
        let f = features(RUSSIA, RUSSIA);
        assert_eq!(f[0], 1.0); // stem_dice
        assert_eq!(
            f[FEATURE_NAMES.iter().position(|n| *n == "edit_sim").unwrap()],
            1.0
        );
    }

    #[test]
    fn empty_and_odd_input_do_not_panic() {
        for (a, b) in [
            ("", ""),
            ("", RUSSIA),
            ("!!! ...", "12,000"),
            ("日本 は", "日本"),
        ] {
            let s = paraphrase_score(a, b);
            assert!((0.0..=1.0).contains(&s), "{s}");
        }
    }
}
