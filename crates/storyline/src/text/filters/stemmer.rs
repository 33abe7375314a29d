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

impl TokenFilter for Stemmer {
    fn filter(&self, tokens: &mut Vec<Token>) {
        for t in tokens {
            if let std::borrow::Cow::Owned(s) = self.inner.stem(&t.text) {
                t.text = s;
            }
        }
    }
}
