//! The text stage: normalisation, sentences and word tokens.
//!
//! Shaped like tantivy's analyzers: a tokenizer followed by small composable
//! [`filters`], each in its own file.
//!
//! ```
//! use storyline::text::{TextAnalyzer, filters::{LowerCaser, Stemmer}};
//! let analyzer = TextAnalyzer::new().filter(LowerCaser).filter(Stemmer::english());
//! let stems: Vec<String> = analyzer.tokens("Talks were dominated").into_iter().map(|t| t.text).collect();
//! assert_eq!(stems, ["talk", "were", "domin"]);
//! ```

pub mod filters;
mod normalize;
mod sentences;
mod tokenizer;

pub use normalize::{PARAGRAPH_BREAK, fingerprint_text, normalize, paragraphs};
pub use sentences::{SentenceSpan, split_sentences};
pub use tokenizer::{Token, count_words, tokenize};

use filters::TokenFilter;

/// The largest char boundary of `s` at or before byte `i` (`s.len()` past
/// the end): where a byte offset computed by arithmetic may be cut safely.
pub fn floor_char_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    (0..=i).rev().find(|&k| s.is_char_boundary(k)).unwrap_or(0)
}

/// The smallest char boundary of `s` at or after byte `i` (`s.len()` past
/// the end).
pub fn ceil_char_boundary(s: &str, i: usize) -> usize {
    (i..s.len())
        .find(|&k| s.is_char_boundary(k))
        .unwrap_or(s.len())
}

/// A tokenizer followed by a chain of token filters.
#[derive(Default)]
pub struct TextAnalyzer {
    filters: Vec<Box<dyn TokenFilter>>,
}

impl TextAnalyzer {
    /// An analyzer that only splits words.
    pub fn new() -> Self {
        Self::default()
    }

    /// The analyzer used for matching: lower-cased Porter-2 stems of words of
    /// at most 40 bytes.
    pub fn stemming() -> Self {
        Self::new()
            .filter(filters::LongTokenRemover::limit(40))
            .filter(filters::LowerCaser)
            .filter(filters::Stemmer::english())
    }

    /// The analyzer for topic words: [`Self::stemming`] without English
    /// stop words.
    pub fn content_words() -> Self {
        Self::new()
            .filter(filters::LongTokenRemover::limit(40))
            .filter(filters::LowerCaser)
            .filter(filters::StopWordFilter)
            .filter(filters::Stemmer::english())
    }

    /// Appends a filter to the chain.
    pub fn filter(mut self, f: impl TokenFilter + 'static) -> Self {
        self.filters.push(Box::new(f));
        self
    }

    /// The tokens of `text` after every filter.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let mut tokens = tokenize(text);
        for f in &self.filters {
            f.filter(&mut tokens);
        }
        tokens
    }
}

/// Text after the text stage: normalised, with its sentences and word count.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyzedText {
    /// The normalised text (paragraphs separated by a blank line).
    pub text: String,
    /// Sentences as byte ranges of `text`.
    pub sentences: Vec<SentenceSpan>,
    /// Number of word tokens.
    pub words: usize,
}

/// Runs the text stage over raw article text.
pub fn analyze(raw: &str) -> AnalyzedText {
    let text = normalize(raw);
    let sentences = split_sentences(&text);
    let words = count_words(&text);
    AnalyzedText {
        text,
        sentences,
        words,
    }
}
