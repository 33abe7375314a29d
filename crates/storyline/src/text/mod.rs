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
