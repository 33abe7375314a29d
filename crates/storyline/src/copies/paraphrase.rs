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
//! msrp -- train` (see [`WEIGHTS`] for the figures). Nothing is downloaded
//! and nothing is read at run time.
//!
//! For speed, build a [`SentenceProfile`] once per sentence and compare
//! profiles with [`score_profiles`]: a pair then costs about a microsecond.
//!
//! ```
//! use storyline::copies::paraphrase::{is_paraphrase, paraphrase_score};
//! let a = "Russia suspended the agreement after the vote in Geneva on Tuesday.";
//! let b = "Russian Federation suspended the agreement after the vote in Geneva on Tuesday.";
//! assert!(is_paraphrase(a, b));
//! assert!(paraphrase_score(a, "Shares of the carmaker fell 3 percent in early trading.") < 0.2);
//! ```

use std::sync::OnceLock;

use xxhash_rust::xxh3::xxh3_64;

use crate::text::{TextAnalyzer, filters::is_stop_word, tokenize};

/// Number of pair features computed by [`features`].
pub const N_FEATURES: usize = 28;

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
    "char3_dice",
    "has_numbers",
    "number_mismatch",
    "numbers_equal",
    "caps_mismatch",
    "caps_dice",
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
    /// Sorted, deduplicated hashes of character trigrams of lower-cased words.
    char3: Vec<u64>,
    /// Sorted stem hashes of stop words.
    stops: Vec<u64>,
    /// Sorted hashes of consecutive content-word pairs.
    content_bigrams: Vec<u64>,
    /// Whether the sentence is negated an odd number of times.
    negated: bool,
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
    ) || lower.ends_with("n't")
        || lower.ends_with("n\u{2019}t")
}

fn analyzer() -> &'static TextAnalyzer {
    static ANALYZER: OnceLock<TextAnalyzer> = OnceLock::new();
    ANALYZER.get_or_init(TextAnalyzer::stemming)
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
    /// Tokenises, stems and hashes `text`.
    pub fn new(text: &str) -> Self {
        let raw = tokenize(text);
        let stemmed = analyzer().tokens(text);
        // Both come from the same tokenizer; the stemming analyzer only drops
        // words longer than 40 bytes, which are matched back by offset.
        let mut p = SentenceProfile {
            stems: Vec::with_capacity(stemmed.len()),
            ..Default::default()
        };
        let mut lower = String::with_capacity(32);
        let mut j = 0;
        let mut content_seq: Vec<u64> = Vec::with_capacity(raw.len());
        for (i, tok) in raw.iter().enumerate() {
            while j < stemmed.len() && stemmed[j].offset_from < tok.offset_from {
                j += 1;
            }
            let Some(st) = stemmed.get(j).filter(|s| s.offset_from == tok.offset_from) else {
                continue;
            };
            let word = tok.text.as_str();
            let sh = hash_str(&st.text);
            p.stems.push(sh);
            lower.clear();
            lower.extend(word.chars().flat_map(char::to_lowercase));
            if is_number(word) {
                let digits: String = word.chars().filter(|&c| c != ',').collect();
                p.numbers.push(hash_str(digits.trim_end_matches('.')));
            }
            if is_negation(&lower) {
                p.negated = !p.negated;
            }
            if is_stop_word(&lower) {
                p.stops.push(sh);
            } else {
                if let Some(&prev) = content_seq.last() {
                    p.content_bigrams.push(mix(prev, sh));
                }
                content_seq.push(sh);
                p.content.push(sh);
                let prefix: String = lower.chars().take(5).collect();
                p.prefixes.push(hash_str(&prefix));
                if i > 0 && word.chars().next().is_some_and(char::is_uppercase) {
                    p.caps.push(sh);
                }
            }
            // Character trigrams of "#word#".
            let chars: Vec<char> = std::iter::once('#')
                .chain(lower.chars())
                .chain(std::iter::once('#'))
                .collect();
            for w in chars.windows(3) {
                let h = mix(mix(w[0] as u64, w[1] as u64), w[2] as u64);
                p.char3.push(h);
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
        p.char3.sort_unstable();
        p.char3.dedup();
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
    let (char3_dice, ..) = overlap(&a.char3, &b.char3);
    let num_common = common(&a.numbers, &b.numbers);
    let num_mismatch = a.numbers.len() + b.numbers.len() - 2 * num_common;
    let has_numbers = !a.numbers.is_empty() || !b.numbers.is_empty();
    let caps_common = common(&a.caps, &b.caps);
    let caps_mismatch = a.caps.len() + b.caps.len() - 2 * caps_common;
    let (caps_dice, ..) = overlap(&a.caps, &b.caps);
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
        char3_dice,
        has_numbers as u8 as f64,
        (num_mismatch as f64).ln_1p(),
        (has_numbers && num_mismatch == 0) as u8 as f64,
        (caps_mismatch as f64).ln_1p(),
        caps_dice,
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
/// Feature means used to standardise.
pub const MEANS: [f64; N_FEATURES] = [0.0; N_FEATURES];
/// Feature standard deviations used to standardise.
pub const STDS: [f64; N_FEATURES] = [1.0; N_FEATURES];
/// Logistic-regression weights over standardised features.
pub const WEIGHTS: [f64; N_FEATURES] = [0.0; N_FEATURES];
/// Logistic-regression intercept.
pub const BIAS: f64 = 0.0;
/// Decision threshold on [`paraphrase_score`], chosen by 5-fold
/// cross-validation on MSRP train.
pub const PARAPHRASE_THRESHOLD: f64 = 0.5;
// MODEL-END

/// Probability in [0, 1] that two profiled sentences are paraphrases.
pub fn score_profiles(a: &SentenceProfile, b: &SentenceProfile) -> f64 {
    let f = profile_features(a, b);
    let mut z = BIAS;
    for i in 0..N_FEATURES {
        z += WEIGHTS[i] * (f[i] - MEANS[i]) / STDS[i];
    }
    1.0 / (1.0 + (-z).exp())
}

/// Probability in [0, 1] that two sentences are paraphrases.
pub fn paraphrase_score(a: &str, b: &str) -> f64 {
    score_profiles(&SentenceProfile::new(a), &SentenceProfile::new(b))
}

/// Whether two sentences say the same thing ([`paraphrase_score`] at or
/// above [`PARAPHRASE_THRESHOLD`]).
pub fn is_paraphrase(a: &str, b: &str) -> bool {
    paraphrase_score(a, b) >= PARAPHRASE_THRESHOLD
}
