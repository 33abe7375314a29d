//! The text stage: normalisation, language, sentences and word tokens.
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
mod lang;
mod normalize;
mod sentences;
mod tokenizer;

pub use lang::Lang;
pub use normalize::{PARAGRAPH_BREAK, fingerprint_text, normalize, paragraphs};
pub use sentences::{SentenceSpan, keeps_period, split_sentences, split_sentences_in};
pub use tokenizer::{
    Token, ZERO_WIDTH_SPACE, count_words, count_words_in, for_each_word, search_form, tokenize,
    tokenize_in, unspaced_script,
};

use std::sync::{LazyLock, RwLock};

use filters::TokenFilter;
use rustc_hash::FxHashMap;

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
pub struct TextAnalyzer {
    lang: Lang,
    filters: Vec<Box<dyn TokenFilter>>,
}

impl TextAnalyzer {
    /// An analyzer that only splits words (Unicode word boundaries).
    pub fn new() -> Self {
        Self::for_lang(Lang::EN)
    }

    /// An analyzer that only splits words, as [`tokenize_in`] does for
    /// `lang`.
    pub fn for_lang(lang: Lang) -> Self {
        TextAnalyzer {
            lang,
            filters: Vec::new(),
        }
    }

    /// The analyzer used for matching: lower-cased Porter-2 stems of words of
    /// at most 40 bytes.
    pub fn stemming() -> Self {
        Self::stemming_in(Lang::EN)
    }

    /// [`Self::stemming`] for text in `lang`: its words, lower-cased, and
    /// its Snowball stems when rust-stemmers has a stemmer for it.
    pub fn stemming_in(lang: Lang) -> Self {
        let a = Self::for_lang(lang)
            .filter(filters::LongTokenRemover::limit(40))
            .filter(filters::LowerCaser);
        match filters::Stemmer::for_lang(lang) {
            Some(s) => a.filter(s),
            None => a,
        }
    }

    /// The analyzer for topic words: [`Self::stemming`] without English
    /// stop words.
    pub fn content_words() -> Self {
        Self::content_words_in(Lang::EN)
    }

    /// [`Self::content_words`] for text in `lang`: without its stop words,
    /// stemmed when it has a stemmer.
    pub fn content_words_in(lang: Lang) -> Self {
        let a = Self::for_lang(lang)
            .filter(filters::LongTokenRemover::limit(40))
            .filter(filters::LowerCaser)
            .filter(filters::StopWordFilter::for_lang(lang));
        match filters::Stemmer::for_lang(lang) {
            Some(s) => a.filter(s),
            None => a,
        }
    }

    /// The language whose words this analyzer splits.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Appends a filter to the chain.
    pub fn filter(mut self, f: impl TokenFilter + 'static) -> Self {
        self.filters.push(Box::new(f));
        self
    }

    /// The tokens of `text` after every filter.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let mut tokens = tokenize_in(text, self.lang);
        for f in &self.filters {
            f.filter(&mut tokens);
        }
        tokens
    }
}

impl Default for TextAnalyzer {
    fn default() -> Self {
        Self::new()
    }
}

/// The analyzers the stages share, one per kind and language, made on
/// first use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Preset {
    Stemming,
    ContentWords,
}

fn shared(preset: Preset, lang: Lang) -> &'static TextAnalyzer {
    type Shared = FxHashMap<(Preset, Lang), &'static TextAnalyzer>;
    static ANALYZERS: LazyLock<RwLock<Shared>> = LazyLock::new(Default::default);
    if let Some(a) = ANALYZERS
        .read()
        .ok()
        .and_then(|m| m.get(&(preset, lang)).copied())
    {
        return a;
    }
    let made = match preset {
        Preset::Stemming => TextAnalyzer::stemming_in(lang),
        Preset::ContentWords => TextAnalyzer::content_words_in(lang),
    };
    let mut m = ANALYZERS.write().unwrap_or_else(|e| e.into_inner());
    m.entry((preset, lang))
        .or_insert_with(|| Box::leak(Box::new(made)))
}

/// The shared [`TextAnalyzer::stemming_in`] of `lang`.
pub fn stemming_analyzer(lang: Lang) -> &'static TextAnalyzer {
    shared(Preset::Stemming, lang)
}

/// The shared [`TextAnalyzer::content_words_in`] of `lang`.
pub fn content_analyzer(lang: Lang) -> &'static TextAnalyzer {
    shared(Preset::ContentWords, lang)
}

/// Text after the text stage: normalised, with its language, sentences and
/// word count.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyzedText {
    /// The normalised text (paragraphs separated by a blank line).
    pub text: String,
    /// Sentences as byte ranges of `text`.
    pub sentences: Vec<SentenceSpan>,
    /// Number of word tokens.
    pub words: usize,
    /// The language every later stage analyses the text as.
    pub lang: Lang,
}

/// Runs the text stage over raw article text, in the language identified
/// from the text itself ([`Lang::identify`]).
pub fn analyze(raw: &str) -> AnalyzedText {
    let text = normalize(raw);
    let lang = Lang::identify(&text);
    analyze_normalized(text, lang)
}

/// Runs the text stage over raw article text in the language its input
/// declares, or, when it declares none, the one identified from the text.
pub fn analyze_declared(raw: &str, declared: Option<Lang>) -> AnalyzedText {
    let text = normalize(raw);
    let lang = declared.unwrap_or_else(|| Lang::identify(&text));
    analyze_normalized(text, lang)
}

/// Runs the text stage over raw article text known to be in `lang`.
pub fn analyze_as(raw: &str, lang: Lang) -> AnalyzedText {
    analyze_normalized(normalize(raw), lang)
}

fn analyze_normalized(text: String, lang: Lang) -> AnalyzedText {
    let sentences = split_sentences_in(&text, lang);
    let words = count_words_in(&text, lang);
    AnalyzedText {
        text,
        sentences,
        words,
        lang,
    }
}
