//! Plain-text articles: the first non-empty line is the headline, paragraphs
//! are separated by blank lines, and a short closing line such as
//! "• Zachary Reyes" or "By Jane Doe" is the byline.

use super::RawArticle;
use crate::error::{Error, Result};

/// Reads a plain-text article.
pub fn parse_plain(text: &str) -> Result<RawArticle> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut lines = text.lines();
    let title = lines
        .by_ref()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .ok_or(Error::Empty)?
        .to_string();
    let body: Vec<&str> = lines.collect();
    let mut end = body.len();
    while end > 0 && body[end - 1].trim().is_empty() {
        end -= 1;
    }
    let mut author = None;
    if let Some(name) = end.checked_sub(1).and_then(|last| byline(body[last])) {
        let blank_before = end < 2 || body[end - 2].trim().is_empty();
        if blank_before {
            author = Some(name);
            end -= 1;
        }
    }
    let body = body[..end].join("\n");
    if body.trim().is_empty() {
        return Err(Error::invalid("no text after the headline"));
    }
    Ok(RawArticle {
        title: Some(title),
        text: body,
        author,
        ..RawArticle::default()
    })
}

/// The name in a byline line, if the line is one: a marker ("•", "By", a
/// dash) followed by two to five capitalised words and no sentence
/// punctuation.
fn byline(line: &str) -> Option<String> {
    let line = line.trim();
    let rest = ["\u{2022}", "By ", "by ", "\u{2014}", "\u{2013}", "-", "*"]
        .iter()
        .find_map(|m| line.strip_prefix(m))?
        .trim();
    let words: Vec<&str> = rest.split_whitespace().collect();
    let name_like = (1..=5).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                || matches!(*w, "and" | "de" | "van" | "von" | "al" | "bin")
        })
        && !rest.ends_with(['.', '!', '?', ':']);
    name_like.then(|| rest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_body_and_byline() {
        let a = parse_plain(
            "\n  Talks in Moscow \n\nFirst para.\n\nSecond para.\n\n  \u{2022} Zachary Reyes\n",
        )
        .unwrap();
        assert_eq!(a.title.as_deref(), Some("Talks in Moscow"));
        assert_eq!(a.author.as_deref(), Some("Zachary Reyes"));
        assert_eq!(
            crate::text::normalize(&a.text),
            "First para.\n\nSecond para."
        );
    }

    #[test]
    fn a_closing_sentence_is_not_a_byline() {
        let a = parse_plain("Title\n\nBody.\n\n- The talks ended without a deal.\n").unwrap();
        assert_eq!(a.author, None);
        assert!(a.text.contains("without a deal"));
    }

    #[test]
    fn headline_alone_is_an_error() {
        assert!(parse_plain("Only a headline\n").is_err());
        assert!(matches!(parse_plain("  \n"), Err(Error::Empty)));
    }
}
