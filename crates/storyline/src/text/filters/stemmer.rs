use std::sync::{Arc, OnceLock};

use rust_stemmers::Algorithm;

use super::{Token, TokenFilter};
use crate::text::Lang;

/// Reduces words to their stem with a Snowball stemmer (English: Porter
/// 2). Expects lower-cased tokens.
pub struct Stemmer {
    inner: rust_stemmers::Stemmer,
    algorithm: Algorithm,
}

impl Stemmer {
    /// The English stemmer.
    pub fn english() -> Self {
        Stemmer {
            inner: rust_stemmers::Stemmer::create(Algorithm::English),
            algorithm: Algorithm::English,
        }
    }

    /// The Snowball stemmer of a language, if rust-stemmers has one.
    pub fn for_lang(lang: Lang) -> Option<Self> {
        let algorithm = algorithm(lang)?;
        Some(Stemmer {
            inner: rust_stemmers::Stemmer::create(algorithm),
            algorithm,
        })
    }

    /// The stem of a lower-cased word.
    pub fn stem<'a>(&self, word: &'a str) -> std::borrow::Cow<'a, str> {
        self.inner.stem(word)
    }
}

/// The Snowball algorithm of a language (every one rust-stemmers has).
pub fn algorithm(lang: Lang) -> Option<Algorithm> {
    Some(match lang.code() {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    })
}

impl Default for Stemmer {
    fn default() -> Self {
        Self::english()
    }
}

/// Every Snowball algorithm rust-stemmers has, in the order of
/// [`CACHES`].
const ALGORITHMS: [Algorithm; 18] = {
    use Algorithm::*;
    [
        English, Arabic, Danish, Dutch, Finnish, French, German, Greek, Hungarian, Italian,
        Norwegian, Portuguese, Romanian, Russian, Spanish, Swedish, Tamil, Turkish,
    ]
};

/// Words kept per language in the stem cache: about 6 MB when full, and
/// the words a year of news uses most stay in it.
const CACHE_WORDS: usize = 1 << 16;

/// Stems seen before, per word (`None`: the word is its own stem).
type StemCache = quick_cache::sync::Cache<Box<str>, Option<Arc<str>>>;

/// One stemmer and one bounded cache per language, made when the
/// language is first met and shared by every thread. A cache per thread
/// grew with the threads a server or watcher starts and ends (tokio's
/// blocking pool), and was built again by each.
static CACHES: [OnceLock<(rust_stemmers::Stemmer, StemCache)>; ALGORITHMS.len()] =
    [const { OnceLock::new() }; ALGORITHMS.len()];

/// The stem of a lower-cased word in `algorithm`'s language, from the
/// shared cache (`None`: the word is its own stem). News reuses its
/// vocabulary, and stemming is most of the cost of analysing a text.
pub fn cached_stem(algorithm: Algorithm, word: &str) -> Option<Arc<str>> {
    let Some(i) = ALGORITHMS.iter().position(|&a| a == algorithm) else {
        return stem_of(&rust_stemmers::Stemmer::create(algorithm), word);
    };
    let (stemmer, cache) = CACHES[i].get_or_init(|| {
        (
            rust_stemmers::Stemmer::create(algorithm),
            StemCache::new(CACHE_WORDS),
        )
    });
    if let Some(stem) = cache.get(word) {
        return stem;
    }
    let stem = stem_of(stemmer, word);
    cache.insert(word.into(), stem.clone());
    stem
}

/// Words in the stem caches now, all languages together (each language
/// holds at most 65,536): they fill as new words come, then stay full.
pub fn stem_cache_words() -> usize {
    CACHES
        .iter()
        .filter_map(|c| c.get())
        .map(|(_, cache)| cache.len())
        .sum()
}

fn stem_of(stemmer: &rust_stemmers::Stemmer, word: &str) -> Option<Arc<str>> {
    match stemmer.stem(word) {
        std::borrow::Cow::Owned(s) if s != word => Some(Arc::from(s)),
        _ => None,
    }
}

impl TokenFilter for Stemmer {
    fn filter(&self, tokens: &mut Vec<Token>) {
        for t in tokens {
            if let Some(stem) = cached_stem(self.algorithm, &t.text) {
                t.text.clear();
                t.text.push_str(&stem);
            }
        }
    }
}
