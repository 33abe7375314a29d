//! The copies stage: exact and near-duplicate articles, sentences reused
//! across articles (verbatim or reworded), and spun or stitched articles,
//! each with its evidence.
//!
//! The stage is pure: [`fingerprint`] runs per article in parallel at
//! ingest, and the functions that judge a pair or an article take what the
//! store has found. [`crate::pipeline`] runs it incrementally as articles
//! arrive and the [`crate::store`] keeps the index and the results.
//!
//! - Near-duplicates: word 5-gram shingles, MinHash signatures (126
//!   functions), LSH banding (42 bands of 3 rows), every candidate verified
//!   by exact Jaccard ([`minhash`]).
//! - Reused sentences: candidate sentences share a band of a small MinHash
//!   over their content-word stems; each candidate pair is scored by a
//!   paraphrase model trained on MSRP ([`paraphrase`]), and shown as a
//!   word-level diff ([`diff`]).
//! - Spin and stitching: evidence against the likely source where the
//!   store has it, and source-free signals in the text ([`signals`],
//!   [`verdict`]).

pub mod align;
pub mod diff;
pub mod index;
mod lexicon;
pub mod minhash;
pub mod paraphrase;
pub mod shingles;
pub mod signals;
pub mod swaps;
pub mod usage;
pub mod verdict;

pub use align::{AlignedPair, Aligner, align_sentences, reuse_score};
pub use diff::{Edit, word_diff};
pub use minhash::{LshIndex, MinHasher};
pub use shingles::{jaccard, shingle_set};
pub use signals::{Signal, SignalKind};
pub use usage::Usage;
pub use verdict::{
    Flagged, ReuseKind, SentenceMatch, SpinVerdict, StitchVerdict, Verdict, assess_spin,
    assess_spin_with, assess_stitch, assess_stitch_with,
};

use std::sync::LazyLock;

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use crate::text::{AnalyzedText, Lang, content_analyzer, fingerprint_text};

/// Hash functions of a sentence's content-word MinHash.
const SENTENCE_HASHES: usize = 20;
/// Rows per band of the sentence MinHash: pairs sharing half their content
/// stems become candidates with probability 0.94, a fifth with 0.34.
const SENTENCE_ROWS: usize = 2;
/// Sentences with fewer content words are too generic to track.
pub const MIN_CONTENT_WORDS: usize = 4;

static SENTENCE_HASHER: LazyLock<MinHasher> =
    LazyLock::new(|| MinHasher::new(SENTENCE_HASHES, 0x53454e54454e4345));

/// What the copies stage keeps about an article to find its copies.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fingerprint {
    /// Hash of the text with case, punctuation and layout ignored: equal
    /// hashes are exact duplicates.
    pub text_hash: u64,
    /// Word 5-gram shingle set.
    pub shingles: Vec<u32>,
    /// LSH bucket keys of the article.
    pub bands: Vec<u64>,
    /// LSH bucket keys of each sentence (empty for sentences too short to
    /// track).
    pub sentence_bands: Vec<Vec<u64>>,
}

/// Computes an article's fingerprint.
pub fn fingerprint(text: &AnalyzedText) -> Fingerprint {
    let shingles = shingle_set(&text.text);
    let bands = minhash::band_keys(&MinHasher::default().signature(&shingles));
    let sentence_bands = text
        .sentences
        .iter()
        .map(|s| sentence_bands_in(&text.text[s.start..s.end], text.lang))
        .collect();
    Fingerprint {
        text_hash: xxh3_64(fingerprint_text(&text.text).as_bytes()) & (i64::MAX as u64),
        shingles,
        bands,
        sentence_bands,
    }
}

/// LSH keys of an English sentence's content-word stems.
pub fn sentence_bands(sentence: &str) -> Vec<u64> {
    sentence_bands_in(sentence, Lang::EN)
}

/// LSH keys of the content-word stems of a sentence in `lang`. Keys of
/// different languages never meet.
pub fn sentence_bands_in(sentence: &str, lang: Lang) -> Vec<u64> {
    let tokens = content_analyzer(lang).tokens(sentence);
    sentence_bands_of(tokens.iter().map(|t| t.text.as_str()), sentence, lang)
}

/// [`sentence_bands_in`] from the sentence's content-word stems
/// (lower-cased, stop words out, Snowball stems), for callers that have
/// them already.
pub fn sentence_bands_of<'s>(
    content_stems: impl Iterator<Item = &'s str>,
    sentence: &str,
    lang: Lang,
) -> Vec<u64> {
    let seed = lang.key_seed();
    let mut stems: Vec<u32> = content_stems
        .map(|t| xxh3_64_with_seed(t.as_bytes(), seed) as u32)
        .collect();
    stems.sort_unstable();
    stems.dedup();
    // Quote keys: up to four of a quotation's 5-grams, tagged apart.
    let quote_keys = quote_shingles_in(sentence, lang)
        .into_iter()
        .take(4)
        .map(|h| (1u64 << 62) | (h ^ seed as u32) as u64);
    if stems.len() < MIN_CONTENT_WORDS {
        return quote_keys.collect();
    }
    SENTENCE_HASHER
        .signature(&stems)
        .chunks(SENTENCE_ROWS)
        .enumerate()
        .map(|(band, rows)| {
            let mut h = 0xA076_1D64_78BD_642F ^ band as u64;
            for &r in rows {
                h = (h ^ r as u64).wrapping_mul(0xE703_7ED1_A0B4_28DB);
                h ^= h >> 31;
            }
            h & ((1u64 << 62) - 1)
        })
        .chain(quote_keys)
        .collect()
}

/// The quoted spans of an English sentence (double quotes, straight or
/// curly).
pub fn quotations(sentence: &str) -> Vec<&str> {
    quotations_in(sentence, Lang::EN)
}

/// The quoted spans of a sentence in `lang`: double quotes, straight or
/// curly, and outside English also « », „ “, ‹ ›, 「 」 and 『 』.
pub fn quotations_in(sentence: &str, lang: Lang) -> Vec<&str> {
    // Each mark below has one of these bytes in UTF-8 (0xC2: « »; 0xE2:
    // “ ” „ ‹ ›; 0xE3: 「 」 『 』): a sentence with none of them, most
    // sentences, quotes nothing, and is not read char by char.
    if !sentence
        .bytes()
        .any(|b| matches!(b, b'"' | 0xC2 | 0xE2 | 0xE3))
    {
        return Vec::new();
    }
    let every_mark = lang != Lang::EN;
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, c) in sentence.char_indices() {
        let after = i + c.len_utf8();
        match (c, open) {
            ('\u{201C}', Some(o)) if every_mark && sentence[..o].ends_with('\u{201E}') => {
                out.push(&sentence[o..i]);
                open = None;
            }
            ('\u{201C}', _) => open = Some(after),
            ('\u{201D}', Some(o)) | ('"', Some(o)) => {
                out.push(&sentence[o..i]);
                open = None;
            }
            ('"', None) => open = Some(after),
            ('\u{00AB}' | '\u{201E}' | '\u{2039}' | '\u{300C}' | '\u{300E}', _) if every_mark => {
                open = Some(after)
            }
            ('\u{00BB}' | '\u{203A}' | '\u{300D}' | '\u{300F}', Some(o)) if every_mark => {
                out.push(&sentence[o..i]);
                open = None;
            }
            _ => {}
        }
    }
    out
}

/// Word 5-gram shingles of the quotations of a sentence with at least six
/// quoted words: a quote trimmed, merged into a longer one or given to
/// another speaker still shares them.
fn quote_shingles_in(sentence: &str, lang: Lang) -> Vec<u32> {
    let mut out: Vec<u32> = quotations_in(sentence, lang)
        .into_iter()
        .map(shingles::word_hashes)
        .filter(|w| w.len() >= 6)
        .flat_map(|w| shingles::shingles_of_words(&w))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// How much of one sentence's quoted words the other sentence carries:
/// the larger of the two directions' shares of quote 5-grams found in the
/// other sentence, 0 when neither quotes six words or more.
pub fn quote_containment(a: &str, b: &str) -> f64 {
    quote_containment_in(a, b, Lang::EN)
}

/// [`quote_containment_in`] of two profiled sentences: a profile's quote
/// shingles are used when it was profiled in `lang` (they are what
/// [`quote_shingles_in`] gives), found again otherwise.
pub(crate) fn quote_containment_of(
    a: &str,
    pa: &paraphrase::SentenceProfile,
    b: &str,
    pb: &paraphrase::SentenceProfile,
    lang: Lang,
) -> f64 {
    fn quotes<'p>(
        x: &str,
        p: &'p paraphrase::SentenceProfile,
        lang: Lang,
    ) -> std::borrow::Cow<'p, [u32]> {
        if p.lang == lang {
            std::borrow::Cow::Borrowed(&p.quotes)
        } else {
            std::borrow::Cow::Owned(quote_shingles_in(x, lang))
        }
    }
    let one_way = |q: &[u32], y: &str| {
        if q.len() < 2 {
            return 0.0;
        }
        let all = shingle_set(y);
        q.iter().filter(|h| all.binary_search(h).is_ok()).count() as f64 / q.len() as f64
    };
    one_way(&quotes(a, pa, lang), b).max(one_way(&quotes(b, pb, lang), a))
}

/// [`quote_containment`] of two sentences in `lang`.
pub fn quote_containment_in(a: &str, b: &str, lang: Lang) -> f64 {
    let one_way = |x: &str, y: &str| {
        let q = quote_shingles_in(x, lang);
        if q.len() < 2 {
            return 0.0;
        }
        let all = shingle_set(y);
        q.iter().filter(|h| all.binary_search(h).is_ok()).count() as f64 / q.len() as f64
    };
    one_way(a, b).max(one_way(b, a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyze;

    #[test]
    fn reworded_sentences_share_a_band_and_unrelated_ones_do_not() {
        let a = sentence_bands(
            "Russia suspended the agreement after the Trump administration fired cruise missiles at a Syrian airbase.",
        );
        let b = sentence_bands(
            "Russian Federation suspended the agreement after the Trump administration fired cruise missiles at a Syrian airbase.",
        );
        let c =
            sentence_bands("Lindsay Lohan checked into the Betty Ford Center on Thursday night.");
        assert!(a.iter().any(|k| b.contains(k)));
        assert!(!a.iter().any(|k| c.contains(k)));
        assert!(sentence_bands("He said so.").is_empty());
    }

    #[test]
    fn fingerprint_covers_every_sentence() {
        let t =
            analyze("Tillerson met Putin in Moscow on Wednesday for two hours.\n\nThey talked.");
        let f = fingerprint(&t);
        assert_eq!(f.sentence_bands.len(), 2);
        assert_eq!(f.sentence_bands[0].len(), SENTENCE_HASHES / SENTENCE_ROWS);
        assert!(f.sentence_bands[1].is_empty());
        assert_eq!(
            f.text_hash,
            fingerprint(&analyze(
                "tillerson met putin in moscow on wednesday for two hours. They talked!"
            ))
            .text_hash
        );
    }

    /// Every mark is found past the byte check that skips sentences with
    /// no quotation.
    #[test]
    fn every_quotation_mark_is_found() {
        let fr = Lang::new("fr").unwrap();
        let cases: [(&str, Lang, &[&str]); 8] = [
            (
                "He said \"we will rebuild\" today.",
                Lang::EN,
                &["we will rebuild"],
            ),
            (
                "He said \u{201C}we will rebuild\u{201D} today.",
                Lang::EN,
                &["we will rebuild"],
            ),
            (
                "Il a dit \u{00AB} nous reconstruirons \u{00BB} hier.",
                fr,
                &[" nous reconstruirons "],
            ),
            (
                "Er sagte \u{201E}wir bauen\u{201C} heute.",
                Lang::new("de").unwrap(),
                &["wir bauen"],
            ),
            (
                "Il a dit \u{2039}non\u{203A} et \u{300C}oui\u{300D} et \u{300E}si\u{300F}.",
                fr,
                &["non", "oui", "si"],
            ),
            // Outside English only: the same marks in English quote nothing.
            (
                "He said \u{00AB}no\u{00BB} \u{2014} plainly.",
                Lang::EN,
                &[],
            ),
            (
                "Nobody said anything \u{2014} at all, caf\u{00E9} aside.",
                fr,
                &[],
            ),
            ("Nobody said anything at all.", Lang::EN, &[]),
        ];
        for (sentence, lang, quoted) in cases {
            assert_eq!(quotations_in(sentence, lang), quoted, "{sentence}");
        }
    }

    /// Quote containment from two sentences' profiles is quote containment
    /// from their text: real quotes trimmed and merged, a sentence without
    /// one, and a profile made in another language than the one asked.
    #[test]
    fn quote_containment_from_profiles_is_from_the_text() {
        use paraphrase::SentenceProfile;
        let a = "\"I think it's very bad for mankind\", Trump told Fox Business News.";
        let b = "\"Putin is backing a person that's truly an evil person, and I think it's very bad for Russian Federation, I think it's very bad for mankind, it's very bad for this world\", Trump added in the interview.";
        let c = "Trump told Fox Business News about the strike.";
        let d = "\u{00AB}I think it's very bad for mankind, it's very bad\u{00BB}, he said.";
        let fr = Lang::new("fr").unwrap();
        let mut nonzero = 0;
        for (x, y) in [(a, b), (b, a), (a, c), (c, b), (d, b), (b, d)] {
            for (lx, ly, lang) in [
                (Lang::EN, Lang::EN, Lang::EN),
                (fr, Lang::EN, Lang::EN),
                (fr, fr, fr),
                (Lang::EN, fr, fr),
            ] {
                let (px, py) = (
                    SentenceProfile::new_in(x, lx),
                    SentenceProfile::new_in(y, ly),
                );
                let want = quote_containment_in(x, y, lang);
                assert_eq!(
                    quote_containment_of(x, &px, y, &py, lang),
                    want,
                    "{x} / {y} {lang:?}"
                );
                nonzero += usize::from(want > 0.0);
            }
        }
        assert!(nonzero >= 8, "{nonzero}");
    }

    #[test]
    fn a_trimmed_quote_is_found_in_the_longer_one() {
        let a = "\"I think it's very bad for mankind\", Trump told Fox Business News.";
        let b = "\"Putin is backing a person that's truly an evil person, and I think it's very bad for Russian Federation, I think it's very bad for mankind, it's very bad for this world\", Trump added in the interview.";
        assert!(
            quote_containment(a, b) >= 0.99,
            "{}",
            quote_containment(a, b)
        );
        let (ka, kb) = (sentence_bands(a), sentence_bands(b));
        assert!(ka.iter().any(|k| kb.contains(k)));
        assert_eq!(
            quote_containment(a, "Trump told Fox Business News about the strike."),
            0.0
        );
    }
}
