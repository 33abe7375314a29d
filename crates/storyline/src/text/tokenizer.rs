//! Word tokens with their byte offsets.
//!
//! Unicode word boundaries (UAX #29) do the work, with one news-specific fix:
//! UAX #29 keeps "war.The" and "U.S.to" as single words because a period
//! between letters does not break a word. Both are glued text missing a space,
//! so they are cut in two.

use unicode_segmentation::UnicodeSegmentation;

/// One word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The word, as transformed by the filters so far.
    pub text: String,
    /// Byte offset of the word in the source text.
    pub offset_from: usize,
    /// Byte offset just past the word.
    pub offset_to: usize,
    /// 0-based position of the word in the text.
    pub position: usize,
}

/// Splits text into word tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    each_word(text, |offset, word| {
        let position = tokens.len();
        tokens.push(Token {
            text: word.to_string(),
            offset_from: offset,
            offset_to: offset + word.len(),
            position,
        });
    });
    tokens
}

/// The number of words [`tokenize`] finds, without making them.
pub fn count_words(text: &str) -> usize {
    let mut n = 0;
    each_word(text, |_, _| n += 1);
    n
}

/// Calls `f` with the byte offset and text of every word.
fn each_word(text: &str, mut f: impl FnMut(usize, &str)) {
    for (offset, word) in text.unicode_word_indices() {
        let mut from = 0;
        for cut in glue_points(word) {
            emit(&word[from..cut], offset + from, &mut f);
            from = cut + 1;
        }
        emit(&word[from..], offset + from, &mut f);
    }
}

fn emit(word: &str, offset: usize, f: &mut impl FnMut(usize, &str)) {
    let word = word.trim_end_matches('.');
    if word.chars().any(char::is_alphanumeric) {
        f(offset, word);
    }
}

/// Byte offsets of periods inside `word` that glue two words together:
/// "war.The" (lower-case word, period, capital) and "U.S.to" (initials,
/// period, lower-case word of two letters or more).
fn glue_points(word: &str) -> Vec<usize> {
    let mut cuts = Vec::new();
    if !word.contains('.') {
        return cuts;
    }
    let segments: Vec<(usize, &str)> = word
        .match_indices('.')
        .map(|(i, _)| i)
        .scan(0, |start, dot| {
            let seg = (*start, &word[*start..dot]);
            *start = dot + 1;
            Some((seg, dot))
        })
        .map(|(seg, _)| seg)
        .collect();
    let last_start = word.rfind('.').map_or(0, |i| i + 1);
    let mut all: Vec<(usize, &str)> = segments;
    all.push((last_start, &word[last_start..]));
    for w in 0..all.len().saturating_sub(1) {
        let (_, left) = all[w];
        let (right_start, right) = all[w + 1];
        let left_word = left.chars().count() >= 2 && left.chars().all(char::is_lowercase);
        let right_capital = right.chars().next().is_some_and(char::is_uppercase)
            && right.chars().skip(1).all(char::is_lowercase)
            && right.chars().count() >= 2;
        let left_initial = left.chars().count() == 1 && left.chars().all(char::is_uppercase);
        let right_word = right.chars().count() >= 2 && right.chars().all(char::is_lowercase);
        if (left_word && right_capital) || (left_initial && right_word) {
            cuts.push(right_start - 1);
        }
    }
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text)
            .iter()
            .map(|t| &text[t.offset_from..t.offset_to])
            .collect()
    }

    #[test]
    fn splits_words_and_keeps_offsets() {
        assert_eq!(
            words("Putin's \u{201C}common interest\u{201D}, 320,000 dead."),
            ["Putin's", "common", "interest", "320,000", "dead"]
        );
    }

    #[test]
    fn cuts_glued_words_but_keeps_abbreviations() {
        assert_eq!(
            words("the U.S.to avoid war.The end of U.S. e.g. example.com"),
            [
                "the",
                "U.S",
                "to",
                "avoid",
                "war",
                "The",
                "end",
                "of",
                "U.S",
                "e.g",
                "example.com"
            ]
        );
    }

    #[test]
    fn positions_count_words() {
        let t = tokenize("a b c");
        assert_eq!(t.iter().map(|t| t.position).collect::<Vec<_>>(), [0, 1, 2]);
        let text = "the U.S.to avoid war.The end — 320,000 dead...";
        assert_eq!(count_words(text), tokenize(text).len());
    }
}
