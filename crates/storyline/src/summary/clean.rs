//! Which sentences may stand in a summary, and in what form: wire
//! datelines cut off, and no fragments, dangling openers or boilerplate.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use crate::text::Lang;

/// "WASHINGTON (AP) — ", "BEIJING, China — ", "NEW YORK (Reuters) - ": the
/// place and agency a wire story opens with say nothing about the news.
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][A-Za-z.'’ -]{1,30})?\s*(?:\([A-Za-z .&-]{1,30}\))?\s*(?:—|–|--|-|_)\s+",
    )
    .expect("dateline pattern")
});

/// Lines that belong to the page, not the story: phrases anywhere in the
/// lower-cased line (one Aho-Corasick pass), and words a caption opens with.
static BOILERPLATE: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new([
        "read more",
        "click here",
        "subscribe",
        "sign up",
        "follow us",
        "all rights reserved",
        "copyright",
        "©",
        "email this",
        "e-mail this",
        "email us",
        "e-mail us",
        "share this",
        "contributed to this report",
        "contributed this report",
        "writing by",
        "editing by",
        "reporting by",
        "http://",
        "https://",
        "www.",
    ])
    .expect("boilerplate phrases")
});
const CAPTION_WORDS: &[&str] = &[
    "caption",
    "file photo",
    "graphic",
    "image",
    "listen",
    "map",
    "photo",
    "pictured",
    "video",
    "watch",
];

fn is_boilerplate(s: &str) -> bool {
    let lower = s.to_lowercase();
    if BOILERPLATE.is_match(&lower) {
        return true;
    }
    let opens = |w: &str| {
        lower.starts_with(w)
            && !lower[w.len()..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
    };
    if CAPTION_WORDS.iter().any(|w| opens(w)) {
        return true;
    }
    // "(c) 2019", and handles ("@storyline").
    let copyright = lower.match_indices("(c) ").any(|(i, _)| {
        lower[i + 4..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    });
    let handle = lower.match_indices('@').any(|(i, _)| {
        lower[i + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    });
    copyright || handle
}

/// Words that lean on a sentence before them: a summary sentence must not
/// open with one.
const DANGLING: &[&str] = &[
    "also",
    "and",
    "another",
    "besides",
    "both",
    "but",
    "consequently",
    "furthermore",
    "he",
    "hence",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "however",
    "i",
    "instead",
    "it",
    "its",
    "meanwhile",
    "moreover",
    "my",
    "nevertheless",
    "nonetheless",
    "or",
    "our",
    "she",
    "so",
    "still",
    "such",
    "that",
    "their",
    "them",
    "then",
    "there",
    "therefore",
    "these",
    "they",
    "this",
    "those",
    "thus",
    "we",
    "yet",
    "you",
    "your",
];

/// The sentence without a leading wire dateline.
pub fn strip_dateline(sentence: &str) -> &str {
    match DATELINE.find(sentence) {
        // A dateline is a place, not a clause: a long capitalised run is a
        // shouted headline, kept as it is (and rejected below).
        Some(m) if m.end() < sentence.len() && m.as_str().split_whitespace().count() <= 6 => {
            &sentence[m.end()..]
        }
        _ => sentence,
    }
}

/// Why a sentence cannot stand in a summary, if it cannot.
pub fn unfit(sentence: &str) -> Option<&'static str> {
    unfit_in(sentence, Lang::EN)
}

/// Why a sentence in `lang` cannot stand in a summary, if it cannot. Outside
/// English a sentence may open with ¿ ¡ « „ ‹ 「 『 or a letter of a script
/// without case, and end with » “ › 」 』 。！; the words that lean on what
/// came before are English's only.
pub fn unfit_in(sentence: &str, lang: Lang) -> Option<&'static str> {
    if lang == Lang::EN {
        return unfit_english(sentence);
    }
    let s = sentence.trim();
    let first = s.chars().next()?;
    let caseless = first.is_alphabetic() && !first.is_lowercase() && !first.is_uppercase();
    if !(first.is_uppercase()
        || caseless
        || first.is_ascii_digit()
        || "\"“‘'¿¡«„‹「『".contains(first))
    {
        return Some("starts mid-clause");
    }
    let last = s.chars().last()?;
    if !".!?\"”’'»“›」』。！…".contains(last) {
        return Some("no closing punctuation");
    }
    if s.ends_with(['?', '？', '؟']) {
        return Some("a question");
    }
    if is_boilerplate(s) {
        return Some("boilerplate");
    }
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 10
        && letters.iter().filter(|c| c.is_uppercase()).count() * 2 > letters.len()
    {
        return Some("shouted");
    }
    let count = |marks: &[char]| s.matches(marks).count();
    let straight = s.matches('"').count();
    if straight % 2 == 1
        || count(&['«']) != count(&['»'])
        || count(&['「']) != count(&['」'])
        || count(&['„']) > count(&['“', '”'])
    {
        return Some("an unbalanced quotation");
    }
    None
}

fn unfit_english(sentence: &str) -> Option<&'static str> {
    let s = sentence.trim();
    let first = s.chars().next()?;
    if !(first.is_uppercase() || first.is_ascii_digit() || "\"“‘'".contains(first)) {
        return Some("starts mid-clause");
    }
    let last = s.chars().last()?;
    if !".!?\"”’'".contains(last) {
        return Some("no closing punctuation");
    }
    if s.ends_with('?') {
        return Some("a question");
    }
    let first_word = s
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .next()
        .unwrap_or("")
        .to_lowercase();
    // Inside an opening quotation a pronoun is the speaker's, not a
    // reference back.
    if !"\"“‘'".contains(first) && DANGLING.binary_search(&first_word.as_str()).is_ok() {
        return Some("opens with a word that leans on what came before");
    }
    if is_boilerplate(s) {
        return Some("boilerplate");
    }
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 10
        && letters.iter().filter(|c| c.is_uppercase()).count() * 2 > letters.len()
    {
        return Some("shouted");
    }
    // Quote marks left open: a quotation cut in two by the splitter.
    let quotes = s.matches('"').count() + s.matches(['“', '”']).count();
    if quotes % 2 == 1 {
        return Some("an unbalanced quotation");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangling_list_is_sorted() {
        assert!(DANGLING.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn datelines_are_cut_and_names_are_not() {
        assert_eq!(
            strip_dateline("WASHINGTON (AP) — The Senate voted on Tuesday."),
            "The Senate voted on Tuesday."
        );
        assert_eq!(
            strip_dateline("BEIJING, China — Floods killed 40 people."),
            "Floods killed 40 people."
        );
        assert_eq!(
            strip_dateline("NEW YORK (Reuters) - Stocks fell."),
            "Stocks fell."
        );
        let named = "Lindsay Lohan — the actress — checked in.";
        assert_eq!(strip_dateline(named), named);
    }

    #[test]
    fn fragments_dangling_openers_and_boilerplate_are_unfit() {
        assert!(unfit("The Senate passed the bill on Tuesday by a wide margin.").is_none());
        assert!(unfit("\"We will not back down,\" the minister said.").is_none());
        assert!(unfit("He said the talks would go on.").is_some());
        assert!(unfit("But the deal fell apart within hours.").is_some());
        assert!(unfit("-Russian relations to a new low, officials said.").is_some());
        assert!(unfit("Map showing the route of the storm.").is_some());
        assert!(unfit("Read more about the storm on our site.").is_some());
        assert!(unfit("Follow the latest news at https://example.com/live.").is_some());
        assert!(unfit("Storm hits the coast").is_some());
        assert!(unfit("THE STORM HIT THE COAST AT DAWN ON MONDAY.").is_some());
        assert!(unfit("Is this the end of the talks?").is_some());
    }
}
