use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;

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

/// Words stemmed before on this thread, and their stems (`None`: the word
/// is its own stem). News repeats its vocabulary, and stemming is most of
/// the cost of analysing a text.
const CACHE_LIMIT: usize = 1 << 16;

/// Snowball algorithms in rust-stemmers, for one cache each.
const ALGORITHMS: usize = 18;

/// Stems seen before, per word (`None`: the word is its own stem).
type StemCache = HashMap<Box<str>, Option<Box<str>>>;

thread_local! {
    static CACHE: RefCell<[StemCache; ALGORITHMS]> =
        RefCell::new(std::array::from_fn(|_| HashMap::default()));
}

impl TokenFilter for Stemmer {
    fn filter(&self, tokens: &mut Vec<Token>) {
        CACHE.with(|cache| {
            let mut caches = cache.borrow_mut();
            let cache = &mut caches[(self.algorithm as usize).min(ALGORITHMS - 1)];
            for t in tokens {
                let stem = match cache.get(t.text.as_str()) {
                    Some(s) => s.clone(),
                    None => {
                        let s = match self.inner.stem(&t.text) {
                            std::borrow::Cow::Owned(s) => Some(s.into_boxed_str()),
                            std::borrow::Cow::Borrowed(_) => None,
                        };
                        if cache.len() >= CACHE_LIMIT {
                            cache.clear();
                        }
                        cache.insert(t.text.as_str().into(), s.clone());
                        s
                    }
                };
                if let Some(s) = stem {
                    t.text = s.into_string();
                }
            }
        });
    }
}
