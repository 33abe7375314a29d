use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;

use super::{Token, TokenFilter};

/// Reduces words to their stem with the Snowball English (Porter 2) stemmer.
/// Expects lower-cased tokens.
pub struct Stemmer {
    inner: rust_stemmers::Stemmer,
}

impl Stemmer {
    /// The English stemmer.
    pub fn english() -> Self {
        Stemmer {
            inner: rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English),
        }
    }
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

thread_local! {
    static CACHE: RefCell<HashMap<Box<str>, Option<Box<str>>>> = RefCell::new(HashMap::default());
}

impl TokenFilter for Stemmer {
    fn filter(&self, tokens: &mut Vec<Token>) {
        CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
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
