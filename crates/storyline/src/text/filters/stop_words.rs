use std::sync::{LazyLock, RwLock};

use rustc_hash::{FxHashMap, FxHashSet};

use super::{Token, TokenFilter};
use crate::text::Lang;

/// English function words that carry no topic (sorted), and a test for
/// them compiled to a `match`: the test runs for every word of every text.
macro_rules! stop_words {
    ($($w:literal),* $(,)?) => {
        #[cfg(test)]
        const STOP_WORDS: &[&str] = &[$($w),*];

        /// Whether a lower-cased word is an English stop word.
        pub fn is_stop_word(word: &str) -> bool {
            matches!(word, $($w)|*)
        }
    };
}

stop_words!(
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "said",
    "same",
    "says",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
);

/// Drops stop words (English by default). Expects lower-cased tokens.
#[derive(Debug, Clone, Copy)]
pub struct StopWordFilter {
    lang: Lang,
}

impl Default for StopWordFilter {
    fn default() -> Self {
        StopWordFilter { lang: Lang::EN }
    }
}

impl StopWordFilter {
    /// Drops the stop words of `lang` (none for a language without a list).
    pub fn for_lang(lang: Lang) -> Self {
        StopWordFilter { lang }
    }
}

impl TokenFilter for StopWordFilter {
    fn filter(&self, tokens: &mut Vec<Token>) {
        tokens.retain(|t| !is_stop_word_in(&t.text, self.lang));
    }
}

/// The stop words of every language but English, as the `stop-words`
/// crate ships them: NLTK's lists (from Snowball) where NLTK has one, else
/// stopwords-iso's. Built on first use of each language.
fn other_stop_words(lang: Lang) -> Option<&'static FxHashSet<&'static str>> {
    type List = Option<&'static FxHashSet<&'static str>>;
    static LISTS: LazyLock<RwLock<FxHashMap<Lang, List>>> = LazyLock::new(Default::default);
    if let Some(list) = LISTS.read().ok().and_then(|m| m.get(&lang).copied()) {
        return list;
    }
    // Norwegian is `no` in the lists, `nb` or `nn` in tags.
    let code = match lang.code() {
        "nb" | "nn" => "no",
        c => c,
    };
    let list = stop_words::lookup(code)
        .map(|words| &*Box::leak(Box::new(words.iter().copied().collect::<FxHashSet<&str>>())));
    if let Ok(mut m) = LISTS.write() {
        m.insert(lang, list);
    }
    list
}

/// Whether a lower-cased word is a stop word of `lang`: English uses the
/// list above (the one every English figure was measured with); an
/// unknown or mixed language has none.
pub fn is_stop_word_in(word: &str, lang: Lang) -> bool {
    if lang == Lang::EN {
        return is_stop_word(word);
    }
    if lang.is_und() {
        return false;
    }
    other_stop_words(lang).is_some_and(|l| l.contains(word))
}

#[cfg(test)]
mod tests {
    #[test]
    fn list_is_sorted_and_matches() {
        assert!(super::STOP_WORDS.iter().all(|w| super::is_stop_word(w)));
        assert!(!super::is_stop_word("mankind") && !super::is_stop_word(""));
        assert!(super::STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }
}
