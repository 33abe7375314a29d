//! Word tokens with their byte offsets.
//!
//! Unicode word boundaries (UAX #29) do the work, with one news-specific fix:
//! UAX #29 keeps "war.The" and "U.S.to" as single words because a period
//! between letters does not break a word. Both are glued text missing a space,
//! so they are cut in two.

use std::sync::LazyLock;

use unicode_segmentation::UnicodeSegmentation;

use super::Lang;

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

/// Splits text into word tokens (Unicode word boundaries; see
/// [`tokenize_in`] for text in a given language).
pub fn tokenize(text: &str) -> Vec<Token> {
    tokenize_in(text, Lang::EN)
}

/// Splits text in language `lang` into word tokens: Chinese, Japanese,
/// Thai, Lao, Khmer and Burmese (and text of unknown language written in
/// them) by a dictionary, since they do not put spaces between words;
/// every other language by Unicode word boundaries.
pub fn tokenize_in(text: &str, lang: Lang) -> Vec<Token> {
    let mut tokens = Vec::new();
    each_word_in(text, lang, |offset, word| {
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

/// Calls `f` with the byte offset and text of every word [`tokenize`]
/// finds, without making them: a scan of a long text need not hold a
/// token per word.
pub fn for_each_word(text: &str, f: impl FnMut(usize, &str)) {
    each_word_in(text, Lang::EN, f);
}

/// The number of words [`tokenize`] finds, without making them.
pub fn count_words(text: &str) -> usize {
    count_words_in(text, Lang::EN)
}

/// The number of words [`tokenize_in`] finds, without making them.
pub fn count_words_in(text: &str, lang: Lang) -> usize {
    let mut n = 0;
    each_word_in(text, lang, |_, _| n += 1);
    n
}

/// Whether `c` is a letter of a script written without spaces between
/// words (Chinese, Japanese, Thai, Lao, Burmese, Khmer).
pub fn unspaced_script(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}' // CJK Extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK Unified Ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK Compatibility Ideographs
        | '\u{20000}'..='\u{2FA1F}' // CJK Extensions B-F, supplement
        | '\u{0E00}'..='\u{0EFF}' // Thai, Lao
        | '\u{1000}'..='\u{109F}' // Myanmar
        | '\u{1780}'..='\u{17FF}' // Khmer
    )
}

/// Whether words of `text` in `lang` are found by a dictionary.
fn by_dictionary(text: &str, lang: Lang) -> bool {
    match lang.code() {
        "zh" | "ja" | "th" | "lo" | "km" | "my" => true,
        "en" => false,
        _ => text.chars().any(unspaced_script),
    }
}

/// ICU4X's word segmenter: UAX #29 everywhere, with its dictionaries for
/// Chinese and Japanese and its models for Thai, Lao, Khmer and Burmese.
static SEGMENTER: LazyLock<icu_segmenter::WordSegmenterBorrowed<'static>> = LazyLock::new(|| {
    icu_segmenter::WordSegmenter::new_auto(
        icu_segmenter::options::WordBreakInvariantOptions::default(),
    )
});

/// The text as the full-text index reads it: for a language whose words
/// are found by dictionary, a zero-width space (a separator to SQLite's
/// `unicode61` tokenizer, invisible in a snippet) between two words that
/// touch; `None` when that is the text itself.
pub fn search_form(text: &str, lang: Lang) -> Option<String> {
    if !by_dictionary(text, lang) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut from = 0;
    for at in SEGMENTER.segment_str(text) {
        if at <= from {
            continue;
        }
        let touches = text[..from]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
            && text[from..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric);
        if touches {
            out.push(ZERO_WIDTH_SPACE);
        }
        out.push_str(&text[from..at]);
        from = at;
    }
    Some(out)
}

/// What [`search_form`] puts between words.
pub const ZERO_WIDTH_SPACE: char = '\u{200B}';

/// Calls `f` with the byte offset and text of every word of `text` in `lang`.
fn each_word_in(text: &str, lang: Lang, mut f: impl FnMut(usize, &str)) {
    if !by_dictionary(text, lang) {
        return each_word(text, f);
    }
    let mut breaks = SEGMENTER.segment_str(text).iter_with_word_type();
    let mut from = breaks.next().map_or(0, |(b, _)| b);
    for (to, kind) in breaks {
        if kind.is_word_like() {
            emit(&text[from..to], from, &mut f);
        }
        from = to;
    }
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

    fn words_in<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
        tokenize_in(text, Lang::parse(lang).unwrap())
            .iter()
            .map(|t| &text[t.offset_from..t.offset_to])
            .collect()
    }

    #[test]
    fn languages_without_spaces_are_segmented_by_dictionary() {
        let zh = words_in("中国外交部发言人周三表示，双方将继续磋商。", "zh");
        assert_eq!(zh[..3], ["中国", "外交部", "发言"], "{zh:?}");
        assert!(zh.contains(&"周三") && zh.contains(&"磋商"), "{zh:?}");
        let ja = words_in("東京都の知事は水曜日に発表した。", "ja");
        assert!(ja.contains(&"水曜日") && ja.contains(&"知事"), "{ja:?}");
        let th = words_in("ทุกสองสัปดาห์", "th");
        assert_eq!(th, ["ทุก", "สอง", "สัปดาห์"]);
        // Unknown language: the dictionary where the script needs it.
        assert_eq!(
            words_in("Xi 中国外交部 said", "und"),
            ["Xi", "中国", "外交部", "said"]
        );
        assert_eq!(count_words_in("中国外交部", Lang::parse("zh").unwrap()), 2);
    }

    #[test]
    fn search_form_separates_words_without_spaces() {
        let zh = Lang::parse("zh").unwrap();
        assert_eq!(
            search_form("中国外交部说, OK", zh).as_deref(),
            Some("中国\u{200B}外交部\u{200B}说, OK")
        );
        assert_eq!(search_form("plain words", Lang::EN), None);
    }

    #[test]
    fn positions_count_words() {
        let t = tokenize("a b c");
        assert_eq!(t.iter().map(|t| t.position).collect::<Vec<_>>(), [0, 1, 2]);
        let text = "the U.S.to avoid war.The end — 320,000 dead...";
        assert_eq!(count_words(text), tokenize(text).len());
    }
}
