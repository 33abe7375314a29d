use super::{Token, TokenFilter};

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

/// Drops English stop words. Expects lower-cased tokens.
#[derive(Debug, Clone, Copy, Default)]
pub struct StopWordFilter;

impl TokenFilter for StopWordFilter {
    fn filter(&self, tokens: &mut Vec<Token>) {
        tokens.retain(|t| !is_stop_word(&t.text));
    }
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
