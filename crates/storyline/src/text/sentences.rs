//! Sentence splitting for news text.
//!
//! A rule-based splitter tuned for wire copy: it keeps abbreviations
//! ("U.S.", "U.N.", "Mr.", "Jan."), initials ("George W. Bush") and decimals
//! together, splits sentences glued without a space ("war.The"), but not
//! glued abbreviations ("the U.S.to avoid"), and keeps a quotation that holds
//! several sentences in one piece with its attribution
//! (`"We go. We win," he said.`).

use super::normalize::paragraphs;

/// One sentence: a byte range of the normalised text and its paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SentenceSpan {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// 0-based index of the paragraph the sentence is in.
    pub paragraph: usize,
}

/// Titles before a name: a period after them never ends a sentence.
const TITLES: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Capt", "Cmdr",
    "Adm", "Maj", "Sgt", "Cpl", "Pvt", "Rev", "Hon", "Pres", "Supt", "Insp", "Det", "Atty",
    "Messrs", "Mme", "Fr", "Sr", "Jr", "St", "Gens", "Sens", "Reps",
];

/// Abbreviations that may end a sentence, but usually do not.
const ABBREVIATIONS: &[&str] = &[
    "inc", "corp", "ltd", "co", "llc", "plc", "bros", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs",
    "fri", "sat", "sun", "no", "nos", "vs", "v", "etc", "eg", "ie", "approx", "dept", "est", "fig",
    "figs", "vol", "vols", "pp", "p", "ave", "blvd", "rd", "mt", "ft", "ltd", "univ", "assn", "ca",
    "cf", "al", "min", "max", "mln", "bln", "gov't", "govt",
];

/// Words that commonly open a sentence: after an abbreviation, one of these
/// means the abbreviation also ended the sentence.
const STARTERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "But",
    "And",
    "Or",
    "So",
    "Yet",
    "In",
    "On",
    "At",
    "By",
    "For",
    "From",
    "To",
    "With",
    "After",
    "Before",
    "When",
    "While",
    "If",
    "As",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "Their",
    "His",
    "Her",
    "Its",
    "Our",
    "My",
    "Your",
    "However",
    "Meanwhile",
    "Still",
    "Also",
    "Then",
    "Now",
    "Some",
    "Many",
    "Most",
    "All",
    "Both",
    "One",
    "Officials",
    "Police",
    "What",
    "Why",
    "How",
    "Who",
    "Where",
    "Earlier",
    "Later",
    "Last",
    "Next",
    "During",
    "Since",
    "Although",
    "Though",
];

/// How far ahead (in bytes) a closing quote may be for a sentence end inside
/// the quotation to be kept in the same sentence.
const QUOTE_REACH: usize = 400;

/// Splits normalised text (see [`super::normalize`]) into sentences.
pub fn split_sentences(normalized: &str) -> Vec<SentenceSpan> {
    let mut out = Vec::new();
    for (paragraph, (start, end)) in paragraphs(normalized).enumerate() {
        split_paragraph(&normalized[start..end], start, paragraph, &mut out);
    }
    out
}

fn split_paragraph(p: &str, base: usize, paragraph: usize, out: &mut Vec<SentenceSpan>) {
    let chars: Vec<(usize, char)> = p.char_indices().collect();
    let quotes = quotation_spans(&chars);
    let mut push = |from: usize, to: usize| {
        let s = &p[from..to];
        let lead = s.len() - s.trim_start().len();
        let trimmed = s.trim();
        if !trimmed.is_empty() {
            out.push(SentenceSpan {
                start: base + from + lead,
                end: base + from + lead + trimmed.len(),
                paragraph,
            });
        }
    };
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        if !is_terminator(chars[i].1) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && is_terminator(chars[j].1) {
            j += 1;
        }
        while j < chars.len() && is_closer(&chars, j) {
            j += 1;
        }
        let end = chars.get(j).map_or(p.len(), |c| c.0);
        if j >= chars.len() || ends_sentence(p, &chars, &quotes, i, j) {
            push(start, end);
            start = end;
        }
        i = j.max(i + 1);
    }
    if start < p.len() {
        push(start, p.len());
    }
}

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '\u{2026}')
}

fn is_closer(chars: &[(usize, char)], j: usize) -> bool {
    match chars[j].1 {
        '\u{201D}' | '\u{2019}' | ')' | ']' | '\u{00BB}' => true,
        '"' | '\'' => !is_opening_straight_quote(chars, j),
        _ => false,
    }
}

/// A straight quote opens when it starts a word: after nothing, a space, a
/// bracket or a dash, and before a non-space.
fn is_opening_straight_quote(chars: &[(usize, char)], j: usize) -> bool {
    let before_ok = j == 0
        || matches!(
            chars[j - 1].1,
            c if c.is_whitespace() || matches!(c, '(' | '[' | '-' | '\u{2014}' | '\u{2013}' | ':')
        );
    let after_ok = chars.get(j + 1).is_some_and(|c| !c.1.is_whitespace());
    before_ok && after_ok
}

/// Byte ranges (opening quote, closing quote) of double quotations.
fn quotation_spans(chars: &[(usize, char)]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut open: Option<usize> = None;
    for (k, &(b, c)) in chars.iter().enumerate() {
        let opening = match c {
            '\u{201C}' | '\u{00AB}' => Some(true),
            '\u{201D}' | '\u{00BB}' => Some(false),
            '"' => Some(is_opening_straight_quote(chars, k)),
            _ => None,
        };
        match (opening, open) {
            (Some(true), _) => open = Some(b),
            (Some(false), Some(o)) => {
                spans.push((o, b));
                open = None;
            }
            _ => {}
        }
    }
    spans
}

/// The word that ends just before char index `i` (back to whitespace).
fn word_before<'a>(p: &'a str, chars: &[(usize, char)], i: usize) -> &'a str {
    let end = chars[i].0;
    let mut k = i;
    while k > 0 && !chars[k - 1].1.is_whitespace() {
        k -= 1;
    }
    let word = &p[chars[k].0..end];
    word.trim_start_matches(|c: char| !c.is_alphanumeric())
}

/// The word that starts at char index `k`, without leading quotes or brackets.
fn word_at<'a>(p: &'a str, chars: &[(usize, char)], k: usize) -> &'a str {
    let start = chars[k].0;
    let rest = &p[start..];
    let rest = rest.trim_start_matches(|c: char| !c.is_alphanumeric());
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// "U.S", "a.m", "Ph.D", or a single capital: initials and dotted abbreviations.
fn is_initials(word: &str) -> bool {
    let mut parts = 0;
    for part in word.split('.') {
        let n = part.chars().count();
        if n == 0 || n > 2 || !part.chars().all(char::is_alphabetic) {
            return false;
        }
        parts += 1;
    }
    parts > 1 || word.chars().next().is_some_and(char::is_uppercase) && word.chars().count() == 1
}

fn is_abbreviation(word: &str) -> bool {
    TITLES.contains(&word) || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

/// Whether `rest` (the text after a period and a space) is a calibre's
/// number: ". 357 caliber", ". 38-caliber", as tokenized text such as ECB+
/// writes ".357 caliber". Its period is the number's, not a sentence's end.
fn is_calibre(rest: &str) -> bool {
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let unit = rest[digits..].trim_start_matches([' ', '-']);
    (2..=3).contains(&digits)
        && ["caliber", "calibre"].iter().any(|w| {
            unit.get(..w.len())
                .is_some_and(|u| u.eq_ignore_ascii_case(w))
        })
}

fn ends_sentence(
    p: &str,
    chars: &[(usize, char)],
    quotes: &[(usize, usize)],
    i: usize,
    j: usize,
) -> bool {
    let at = chars[i].0;
    let end = chars[j].0;
    // Inside a quotation that closes soon after: the quote stays one sentence.
    if quotes
        .iter()
        .any(|&(o, c)| o < at && c >= end && c - at <= QUOTE_REACH)
    {
        return false;
    }
    let period = chars[i].1 == '.' && j == i + 1;
    let prev = word_before(p, chars, i);
    let next_char = chars[j].1;
    if !next_char.is_whitespace() {
        // Glued text: "war.The" is two sentences, "U.S.to" and "3.5" are not.
        if !next_char.is_uppercase() {
            return false;
        }
        if chars[i].1 != '.' {
            return true;
        }
        return prev.chars().count() >= 2
            && prev.chars().all(char::is_alphabetic)
            && prev.chars().last().is_some_and(char::is_lowercase)
            && !is_abbreviation(prev);
    }
    let mut k = j;
    while k < chars.len() && chars[k].1.is_whitespace() {
        k += 1;
    }
    if k >= chars.len() {
        return true;
    }
    if period && is_calibre(&p[chars[k].0..]) {
        return false;
    }
    let next = word_at(p, chars, k);
    let Some(first) = next.chars().next() else {
        // Next token is punctuation only (a dash, an opening quote alone).
        return !chars[k].1.is_alphanumeric();
    };
    if first.is_lowercase() {
        return false;
    }
    if period {
        if TITLES.contains(&prev) {
            return false;
        }
        if is_initials(prev) || is_abbreviation(prev) {
            return STARTERS.contains(&next);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        split_sentences(text)
            .into_iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn abbreviations_and_initials_do_not_end_sentences() {
        assert_eq!(
            split(
                "Britain's U.N. Ambassador Matthew Rycroft spoke. Mr. Putin and George W. Bush met at 9 a.m. on Jan. 5. The U.S. and its allies agreed."
            ),
            [
                "Britain's U.N. Ambassador Matthew Rycroft spoke.",
                "Mr. Putin and George W. Bush met at 9 a.m. on Jan. 5.",
                "The U.S. and its allies agreed."
            ]
        );
    }

    #[test]
    fn abbreviation_before_a_sentence_starter_ends_the_sentence() {
        assert_eq!(
            split("He flew to the U.S. The talks failed."),
            ["He flew to the U.S.", "The talks failed."]
        );
    }

    #[test]
    fn glued_sentences_split_but_glued_abbreviations_do_not() {
        assert_eq!(
            split(
                "an accord with the U.S.to avoid conflicts in Syria.The talks went on. It cost 3.5 million."
            ),
            [
                "an accord with the U.S.to avoid conflicts in Syria.",
                "The talks went on.",
                "It cost 3.5 million."
            ]
        );
    }

    #[test]
    fn quotations_stay_with_their_attribution() {
        assert_eq!(
            split(
                "\u{201C}We will go. We will win,\u{201D} he said. \"It is bad. Really.\" Then he left."
            ),
            [
                "\u{201C}We will go. We will win,\u{201D} he said.",
                "\"It is bad. Really.\"",
                "Then he left."
            ]
        );
    }

    #[test]
    fn a_calibre_split_from_its_number_ends_nothing() {
        // As ECB+ writes ".357" and ".38": the dot split from the number.
        assert_eq!(
            split(
                "He pointed a. 357 caliber revolver at them. A loaded. 38-caliber gun was found."
            ),
            [
                "He pointed a. 357 caliber revolver at them.",
                "A loaded. 38-caliber gun was found."
            ]
        );
        // A sentence that opens on a number still starts there.
        assert_eq!(
            split("He was 35. 12 people were hurt. Police found 9. 357 rounds"),
            [
                "He was 35.",
                "12 people were hurt.",
                "Police found 9.",
                "357 rounds"
            ]
        );
    }

    #[test]
    fn question_and_exclamation_marks_split() {
        assert_eq!(
            split("All-time low, you say? This has built for a long time! Yes..."),
            [
                "All-time low, you say?",
                "This has built for a long time!",
                "Yes..."
            ]
        );
    }

    #[test]
    fn paragraphs_are_sentence_boundaries() {
        let t = "First line without a stop\n\nSecond one.";
        let s = split_sentences(t);
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].paragraph, s[1].paragraph), (0, 1));
        assert_eq!(&t[s[1].start..s[1].end], "Second one.");
    }
}
