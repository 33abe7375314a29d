use std::sync::atomic::{AtomicU64, Ordering};
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

/// Every Snowball algorithm rust-stemmers has; a word's language in the
/// cache is its index here.
const ALGORITHMS: [Algorithm; 18] = {
    use Algorithm::*;
    [
        English, Arabic, Danish, Dutch, Finnish, French, German, Greek, Hungarian, Italian,
        Norwegian, Portuguese, Romanian, Russian, Spanish, Swedish, Tamil, Turkish,
    ]
};

/// The stem cache's bound, in bytes, until a budget sets one
/// ([`set_stem_cache_bytes`]): a batch command's share
/// ([`crate::store::CacheBudget`]), a sixteenth of 512 MiB.
pub const DEFAULT_STEM_CACHE_BYTES: u64 = 32 << 20;

/// What one cached word costs beyond its letters and its stem's, in
/// bytes: the cache's slot (key, value, links), its hash table entry, and
/// the allocator's rounding of the two strings (an `Arc<str>` also has two
/// counters). Measured by `tests/stem_cache.rs` with a counting
/// allocator: 109 bytes weighed per made-up word against 112 allocated
/// (the sizes asked for; the allocator's size classes round up a little).
const ENTRY_OVERHEAD: u64 = 96;

/// A cached word, with the index of its language in [`ALGORITHMS`]: one
/// cache for every language, so that one bound covers them all.
#[derive(Hash, PartialEq, Eq)]
struct StemKey {
    lang: u8,
    word: Box<str>,
}

/// A looked-up word, borrowed: it hashes as its [`StemKey`] does (derived
/// `Hash` over the same fields in the same order; `Box<str>` hashes as
/// `str`), so a lookup allocates nothing.
#[derive(Hash)]
struct StemQuery<'a> {
    lang: u8,
    word: &'a str,
}

impl quick_cache::Equivalent<StemKey> for StemQuery<'_> {
    fn equivalent(&self, key: &StemKey) -> bool {
        self.lang == key.lang && self.word == &*key.word
    }
}

/// Weighs an entry by the bytes it holds, so the bound is in bytes
/// whatever the words' lengths and languages.
#[derive(Clone)]
struct StemWeight;

impl quick_cache::Weighter<StemKey, Option<Arc<str>>> for StemWeight {
    fn weight(&self, key: &StemKey, stem: &Option<Arc<str>>) -> u64 {
        ENTRY_OVERHEAD + key.word.len() as u64 + stem.as_ref().map_or(0, |s| s.len() as u64)
    }
}

/// Stems seen before, per language and word (`None`: the word is its own
/// stem). quick_cache evicts by S3-FIFO: a word seen once leaves before
/// the words news uses every day, so a stream of names and typos cannot
/// push out the common vocabulary.
type StemCache = quick_cache::sync::Cache<StemKey, Option<Arc<str>>, StemWeight>;

/// The bound in bytes the cache is made with (and is set to since).
static CAPACITY: AtomicU64 = AtomicU64::new(DEFAULT_STEM_CACHE_BYTES);

/// One cache for every language and thread, bounded in bytes. It was one
/// per thread (rebuilt by every thread of tokio's blocking pool), then one
/// per language of 65,536 words each: up to 18 of about 6 MB, none of it
/// under `--cache-mb`, and a watcher's took hours to fill.
static CACHE: OnceLock<StemCache> = OnceLock::new();

/// One stemmer per language, made when the language is first met and
/// shared by every thread.
static STEMMERS: [OnceLock<rust_stemmers::Stemmer>; ALGORITHMS.len()] =
    [const { OnceLock::new() }; ALGORITHMS.len()];

fn cache() -> &'static StemCache {
    CACHE.get_or_init(|| {
        let bytes = CAPACITY.load(Ordering::Relaxed);
        // The estimate sizes the shards and the ghost list (words evicted
        // lately, remembered by hash), not the bound.
        StemCache::with_weighter((bytes / (ENTRY_OVERHEAD + 16)) as usize, bytes, StemWeight)
    })
}

/// Bounds the stem cache, all languages together, to `bytes`; words over
/// it are evicted now. A process-wide setting: the budget of the store's
/// writer sets it ([`crate::store::Store::apply_cache_budget`]).
pub fn set_stem_cache_bytes(bytes: u64) {
    CAPACITY.store(bytes, Ordering::Relaxed);
    if let Some(cache) = CACHE.get() {
        cache.set_capacity(bytes);
    }
}

/// The stem cache's bound in bytes.
pub fn stem_cache_capacity() -> u64 {
    CAPACITY.load(Ordering::Relaxed)
}

/// The stem of a lower-cased word in `algorithm`'s language, from the
/// shared cache (`None`: the word is its own stem). News reuses its
/// vocabulary, and stemming is most of the cost of analysing a text.
pub fn cached_stem(algorithm: Algorithm, word: &str) -> Option<Arc<str>> {
    let Some(i) = ALGORITHMS.iter().position(|&a| a == algorithm) else {
        return stem_of(&rust_stemmers::Stemmer::create(algorithm), word);
    };
    let cache = cache();
    let query = StemQuery {
        lang: i as u8,
        word,
    };
    if let Some(stem) = cache.get(&query) {
        return stem;
    }
    let stemmer = STEMMERS[i].get_or_init(|| rust_stemmers::Stemmer::create(algorithm));
    let stem = stem_of(stemmer, word);
    cache.insert(
        StemKey {
            lang: i as u8,
            word: word.into(),
        },
        stem.clone(),
    );
    stem
}

/// Words in the stem cache now, all languages together: it fills as new
/// words come, then stays at its bound in bytes.
pub fn stem_cache_words() -> usize {
    CACHE.get().map_or(0, |c| c.len())
}

/// The bytes the stem cache holds now by its own weighing (at most
/// [`stem_cache_capacity`]).
pub fn stem_cache_bytes() -> u64 {
    CACHE.get().map_or(0, |c| c.weight())
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
