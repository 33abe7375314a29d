//! Token filters: small steps that each transform a token stream, chained by
//! [`super::TextAnalyzer`].

mod long_token_remover;
mod lower_caser;
mod stemmer;
mod stop_words;

pub use long_token_remover::LongTokenRemover;
pub use lower_caser::LowerCaser;
pub use stemmer::{
    DEFAULT_STEM_CACHE_BYTES, Stemmer, algorithm as stemmer_algorithm, cached_stem,
    set_stem_cache_bytes, stem_cache_bytes, stem_cache_capacity, stem_cache_words,
};
pub use stop_words::{StopWordFilter, is_stop_word, is_stop_word_in};

use super::Token;

/// One step of a token pipeline.
pub trait TokenFilter: Send + Sync {
    /// Transforms the tokens in place (it may drop some).
    fn filter(&self, tokens: &mut Vec<Token>);
}
