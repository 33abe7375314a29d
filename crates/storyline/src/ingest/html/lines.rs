//! Line filter over the main text: what page furniture says in words, in whatever
//! element it sits. Buttons and labels ("Share", "Weiterlesen"), credits and sources
//! ("Photo: …", "Quelle: …"), prompts and legal notices, bylines and datelines, and a
//! "Read also" section with its teaser titles at the end of the text.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::boilerplate::{
    FURNITURE_LINE_MAX, FURNITURE_LINE_STARTS, FURNITURE_LINES, PROMPT_LINE_MAX,
    PROMPT_LINE_STARTS, RELATED_HEADINGS,
};

/// English lines with a shape rather than a phrase: slide counters, bylines, datelines.
static SHAPED_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^(?:",
        r"(?:image|photo|picture|slide|video|bild|foto)\s*\d+\s*(?:of|/|von|de|di)\s*\d+",
        r"|\(?(?:image|photo|picture|video)s?\s*(?:credit|courtesy|source)s?\s*:?.{0,120}",
        r"|(?:published|updated|posted|last updated|first published|last modified)\b.{0,80}",
        r"|by\s+\p{Lu}[^.!?]{0,70}",
        r"|.{0,120}\ball rights reserved\b.{0,40}",
        // Markup that reached the page as text: `<img src=…>`.
        r"|<[a-z!/][^>]*>",
        r")$"
    ))
    .expect("valid regex")
});

static LINE_STARTS: LazyLock<Regex> = LazyLock::new(|| phrase_regex(FURNITURE_LINE_STARTS));

static PROMPT_STARTS: LazyLock<Regex> = LazyLock::new(|| phrase_regex(PROMPT_LINE_STARTS));

static WHOLE_LINES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| FURNITURE_LINES.iter().copied().collect());

static RELATED: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| RELATED_HEADINGS.iter().copied().collect());

/// `^(?:phrase|…)` with a word boundary after phrases that end in a letter.
fn phrase_regex(phrases: &[&str]) -> Regex {
    let alternatives: Vec<String> = phrases
        .iter()
        .map(|p| {
            let escaped = regex::escape(p.trim_end());
            let spaced = p.ends_with(' ');
            if !spaced && p.chars().last().is_some_and(char::is_alphanumeric) {
                format!(r"{escaped}\b")
            } else if spaced {
                format!(r"{escaped}\s")
            } else {
                escaped
            }
        })
        .collect();
    Regex::new(&format!("(?i)^(?:{})", alternatives.join("|"))).expect("valid regex")
}

/// A line reduced to its words: lowercased, without the colons, arrows, counts and
/// brackets that decorate buttons and labels ("Kommentare (12)", "Weiterlesen »").
fn label_of(line: &str) -> String {
    let decoration = |c: char| {
        c.is_whitespace()
            || c.is_ascii_digit()
            || matches!(
                c,
                ':' | '»'
                    | '«'
                    | '›'
                    | '‹'
                    | '>'
                    | '<'
                    | '→'
                    | '←'
                    | '…'
                    | '|'
                    | '·'
                    | '-'
                    | '–'
                    | '—'
                    | '('
                    | ')'
                    | '['
                    | ']'
                    | '.'
                    | '!'
                    | '?'
                    | '*'
                    | '+'
                    | '/'
            )
    };
    line.trim_matches(decoration).to_lowercase()
}

fn is_furniture(line: &str) -> bool {
    let chars = line.chars().count();
    if chars <= 60 && WHOLE_LINES.contains(label_of(line).as_str()) {
        return true;
    }
    chars <= FURNITURE_LINE_MAX && (LINE_STARTS.is_match(line) || SHAPED_LINE.is_match(line))
        || chars <= PROMPT_LINE_MAX && PROMPT_STARTS.is_match(line)
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

fn ends_like_sentence(s: &str) -> bool {
    s.trim_end().ends_with([
        '.', '!', '?', '"', '”', '’', '\'', ')', ':', '…', '。', '！', '？', '»',
    ])
}

/// Longest line that can be a teaser title under a "Read also" heading.
const TEASER_LINE_MAX: usize = 160;

/// Where a closing "Read also" section starts: a related-links heading in the second half
/// of the text followed only by short lines.
fn related_section(paras: &[String]) -> Option<usize> {
    let total: usize = paras.iter().map(String::len).sum();
    // short_after[i]: every paragraph from i on could be a teaser title.
    let mut short_after = vec![true; paras.len() + 1];
    for i in (0..paras.len()).rev() {
        short_after[i] = short_after[i + 1] && paras[i].chars().count() <= TEASER_LINE_MAX;
    }
    let mut before = 0;
    for (i, p) in paras.iter().enumerate() {
        if before * 2 >= total
            && short_after[i + 1]
            && p.chars().count() <= 60
            && RELATED.contains(label_of(p).as_str())
        {
            return Some(i);
        }
        before += p.len();
    }
    None
}

/// Filters the main text line by line and joins the lines kept as paragraphs.
pub(super) fn postfilter(raw: &str) -> String {
    let mut paras: Vec<String> = raw
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    // The heading of a closing "Read also" section is furniture itself: find the section
    // before the line filter takes the heading away.
    if let Some(cut) = related_section(&paras) {
        paras.truncate(cut);
    }
    paras.retain(|p| !is_furniture(p));
    // Dangling labels at the start or end (section names, teaser titles).
    let lead = paras
        .iter()
        .take_while(|p| word_count(p) <= 4 && !ends_like_sentence(p))
        .count();
    paras.drain(..lead);
    while paras
        .last()
        .is_some_and(|p| word_count(p) <= 3 && !ends_like_sentence(p))
    {
        paras.pop();
    }
    paras.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_credits_in_several_languages() {
        for line in [
            "Share",
            "Kommentare (12)",
            "Weiterlesen »",
            "Lesen Sie auch:",
            "Foto: dpa/Michael Kappeler",
            "Crédits photos : Bestimage",
            "Quelle: Landesregierung",
            "Читайте также",
            "© 2024 Example News",
            "<img height=\"1\" width=\"1\" src=\"x\">",
            "By Maria Lopez and Sam Lee",
            // Prompts go on past the length of a label.
            "Lust auf mehr? Lass dir die besten Storys jede Woche in deinen Posteingang \
             liefern. Melde dich jetzt für unseren Newsletter an und verpasse nichts mehr.",
            "Sign up for our daily newsletter and get the most important stories of the day \
             delivered to your inbox every morning, with analysis from our reporters.",
        ] {
            assert!(is_furniture(line), "{line}");
        }
        for line in [
            "Shares of the company fell 4% on Tuesday after the report.",
            "Next year the council will vote on the budget again.",
            "Mehrere Menschen wurden verletzt.",
            "Photographers gathered outside the court.",
            // A long line opening with an ordinary label word is a sentence.
            "Source: the ministry said on Tuesday that the figures for the third quarter \
             would be published next week, after a delay caused by the strike at the \
             statistics office.",
        ] {
            assert!(!is_furniture(line), "{line}");
        }
    }

    #[test]
    fn closing_related_section_is_cut() {
        let text = "The council voted on Tuesday to approve a new budget for the coming year.\n\
            Members said the plan raises property taxes by two percent.\n\
            Lesen Sie auch\n\
            Mayor unveils plan for new stadium\n\
            School board delays vote";
        assert_eq!(
            postfilter(text),
            "The council voted on Tuesday to approve a new budget for the coming year.\n\n\
             Members said the plan raises property taxes by two percent."
        );
    }
}
