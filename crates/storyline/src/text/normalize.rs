//! Unicode normalisation of article text.
//!
//! NFKC folds compatibility forms (non-breaking spaces, ligatures, full-width
//! letters, the one-character ellipsis) so that two copies of a text compare
//! equal, while curly quotes and dashes, which NFKC leaves alone, stay
//! recognisable for the quote and sentence stages. The result is a sequence of
//! paragraphs separated by exactly one blank line, with single spaces inside.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// The separator between paragraphs in normalised text.
pub const PARAGRAPH_BREAK: &str = "\n\n";

/// Normalises text: NFKC, no control or zero-width characters, single spaces,
/// and paragraphs (blank-line separated in the input) joined by `"\n\n"`.
/// Single line breaks inside a paragraph become spaces, so hard-wrapped text
/// reads as one paragraph.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut newlines = 0usize;
    for_each_nfkc(text, |c| {
        match c {
            '\n' => {
                newlines += 1;
                pending_space = true;
            }
            '\r' => {}
            // Zero-width characters and the soft hyphen break word matching and
            // carry no meaning in running text.
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => {}
            c if c.is_whitespace() => pending_space = true,
            c if c.is_control() => pending_space = true,
            c => {
                if !out.is_empty() {
                    if newlines >= 2 {
                        out.push_str(PARAGRAPH_BREAK);
                    } else if pending_space {
                        out.push(' ');
                    }
                }
                newlines = 0;
                pending_space = false;
                out.push(c);
            }
        }
    });
    out
}

/// Calls `f` on each character of the NFKC form of `text`. Most text is in
/// NFKC already (the stored articles always are), and the quick check that
/// says so costs a fraction of decomposing and recomposing it.
fn for_each_nfkc(text: &str, f: impl FnMut(char)) {
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        text.chars().for_each(f);
    } else {
        text.nfkc().for_each(f);
    }
}

/// Byte ranges of the paragraphs of normalised text.
pub fn paragraphs(normalized: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    normalized
        .split(PARAGRAPH_BREAK)
        .map(move |p| {
            let range = (start, start + p.len());
            start += p.len() + PARAGRAPH_BREAK.len();
            range
        })
        .filter(|(s, e)| e > s)
}

/// A key for exact-duplicate detection: normalised text, lower-cased, with
/// every run of non-alphanumeric characters reduced to one space, so that
/// copies differing only in punctuation, quote style or layout share a key.
pub fn fingerprint_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for_each_nfkc(text, |c| {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_curly_quotes_and_dashes() {
        let t = normalize("He said \u{201C}no\u{201D} \u{2014} twice\u{2026}");
        assert_eq!(t, "He said \u{201C}no\u{201D} \u{2014} twice...");
    }

    #[test]
    fn folds_compatibility_forms_and_whitespace() {
        let t = normalize("  \u{FB01}rst\u{00A0}line\r\nwrapped\u{200B} here\n\n\n\nnext  para ");
        assert_eq!(t, "first line wrapped here\n\nnext para");
    }

    #[test]
    fn text_in_nfkc_already_comes_out_as_it_went_in() {
        // Composed and decomposed accents: the second is not NFKC, and both
        // come out composed.
        let composed = "Le caf\u{E9} na\u{EF}f, \u{0395}\u{03BB}\u{03BB}\u{03AC}\u{03B4}\u{03B1}, \u{4E2D}\u{6587}";
        let decomposed = "Le cafe\u{301} nai\u{308}f, \u{0395}\u{03BB}\u{03BB}\u{03B1}\u{301}\u{03B4}\u{03B1}, \u{4E2D}\u{6587}";
        assert_eq!(normalize(composed), composed);
        assert_eq!(normalize(decomposed), composed);
        assert_eq!(fingerprint_text(decomposed), fingerprint_text(composed));
    }

    #[test]
    fn paragraph_ranges_slice_the_text() {
        let t = normalize("a b\n\nc\n\n\nd e f");
        let ps: Vec<&str> = paragraphs(&t).map(|(s, e)| &t[s..e]).collect();
        assert_eq!(ps, ["a b", "c", "d e f"]);
    }

    #[test]
    fn fingerprint_ignores_punctuation_and_case() {
        assert_eq!(
            fingerprint_text("\u{201C}Hello,\u{201D} World!"),
            fingerprint_text("\"hello\" -- world")
        );
    }
}
