//! The token stream the quote rules read: words, punctuation and quotation
//! marks with byte spans, paragraphs, quotations paired across paragraph
//! breaks, and the text stage's sentences ([`crate::text::split_sentences_in`])
//! as token ranges, joined where they would end inside a quotation.

use crate::text::{Lang, keeps_period, split_sentences_in};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    /// Letters, digits and the apostrophes, hyphens and dots inside them.
    Word,
    /// Any other single character.
    Punct,
    /// An opening quotation mark (“, «, ``).
    Open,
    /// A closing quotation mark (”, »).
    Close,
    /// A straight quotation mark (" or ''), opening or closing by context.
    Straight,
}

/// One token.
#[derive(Debug, Clone, Copy)]
pub struct Tok {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset after the last character.
    pub end: usize,
    /// What it is.
    pub kind: TokKind,
    /// Paragraph number.
    pub para: usize,
}

/// A quotation: from its opening mark to its closing mark, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotation {
    /// Token of the opening mark.
    pub open: usize,
    /// Token of the closing mark.
    pub close: usize,
}

/// Splits `text` into tokens. A word keeps a period that belongs to it in
/// `lang` ("Mr.", "U.S.", "Calif.": [`keeps_period`]).
pub fn tokenize(text: &str, lang: Lang) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut para = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_end = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
    let mut i = 0;
    while i < chars.len() {
        let (b, c) = chars[i];
        if c.is_whitespace() {
            if c == '\n' {
                // Any line break ends a paragraph: stored texts separate
                // paragraphs by blank lines and never wrap inside one.
                if out.last().is_some_and(|t: &Tok| t.para == para) {
                    para += 1;
                }
            }
            i += 1;
            continue;
        }
        let push = |out: &mut Vec<Tok>, end_i: usize, kind: TokKind| {
            out.push(Tok {
                start: b,
                end: byte_end(end_i),
                kind,
                para,
            })
        };
        if c.is_alphanumeric() {
            let mut j = i + 1;
            while j < chars.len() {
                let d = chars[j].1;
                if d.is_alphanumeric() {
                    j += 1;
                } else if matches!(d, '\'' | '’' | '-' | '.' | '&' | '‑')
                    && chars.get(j + 1).is_some_and(|n| n.1.is_alphanumeric())
                {
                    j += 2;
                } else {
                    break;
                }
            }
            if chars.get(j).is_some_and(|n| n.1 == '.') && keeps_period(&text[b..byte_end(j)], lang)
            {
                j += 1;
            }
            push(&mut out, j, TokKind::Word);
            i = j;
            continue;
        }
        let (kind, len) = match c {
            '“' | '«' | '„' => (TokKind::Open, 1),
            '”' | '»' => (TokKind::Close, 1),
            '"' => (TokKind::Straight, 1),
            '`' if chars.get(i + 1).is_some_and(|n| n.1 == '`') => (TokKind::Open, 2),
            '\'' if chars.get(i + 1).is_some_and(|n| n.1 == '\'') => (TokKind::Straight, 2),
            _ => (TokKind::Punct, 1),
        };
        push(&mut out, i + len, kind);
        i += len;
    }
    out
}

/// Pairs quotation marks. A quotation left open at the end of a paragraph
/// goes on when the next paragraph opens with a quotation mark (the
/// newspaper convention for a quote over several paragraphs); otherwise
/// the stray mark is dropped.
pub fn quotations(text: &str, toks: &[Tok]) -> Vec<Quotation> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let space_before = |i: usize| {
        i == 0
            || toks[i - 1].end < toks[i].start
            || toks[i - 1].para != toks[i].para
            || (toks[i - 1].kind == TokKind::Punct
                && matches!(
                    &text[toks[i - 1].start..toks[i - 1].end],
                    "(" | "[" | "—" | "-" | ":"
                ))
    };
    let space_after = |i: usize| {
        i + 1 >= toks.len() || toks[i].end < toks[i + 1].start || toks[i + 1].para != toks[i].para
    };
    for i in 0..toks.len() {
        if let Some(o) = open
            && toks[i].para != toks[o].para
            && i > 0
            && toks[i - 1].para != toks[i].para
        {
            // A new paragraph while a quotation is open: it goes on only
            // if this paragraph opens with a mark.
            let continues = matches!(toks[i].kind, TokKind::Open | TokKind::Straight);
            if continues {
                continue;
            }
            open = None;
        }
        match (toks[i].kind, open) {
            (TokKind::Open, None) => open = Some(i),
            (TokKind::Close, Some(o)) => {
                out.push(Quotation { open: o, close: i });
                open = None;
            }
            (TokKind::Straight, None) if (space_before(i) || !space_after(i)) => {
                open = Some(i);
            }
            (TokKind::Straight, Some(o)) => {
                // A closing mark hugs the words before it, or is followed by
                // space or punctuation (`us, "' Lavrov`).
                let punct_after = i + 1 < toks.len()
                    && toks[i + 1].start == toks[i].end
                    && toks[i + 1].kind != TokKind::Word;
                if !space_before(i) || space_after(i) || punct_after {
                    out.push(Quotation { open: o, close: i });
                    open = None;
                } else {
                    open = Some(i);
                }
            }
            _ => {}
        }
    }
    out
}

/// Splits tokens into sentences, as `[start, end)` token ranges: the text
/// stage's sentences of `lang`, and paragraph breaks, except where a break
/// would fall inside a quotation (a quotation of several sentences, or of
/// several paragraphs, is one sentence with its attribution), or between a
/// quotation that ends with a full stop and the attribution after it
/// (`"We go." Trump said.`).
pub fn sentences(
    text: &str,
    toks: &[Tok],
    quotes: &[Quotation],
    lang: Lang,
) -> Vec<(usize, usize)> {
    let mut quotation = vec![None; toks.len()];
    let mut closes = vec![false; toks.len()];
    for (qi, q) in quotes.iter().enumerate() {
        for x in quotation.iter_mut().take(q.close + 1).skip(q.open) {
            *x = Some(qi);
        }
        closes[q.close] = true;
    }
    // The text stage's sentence of each token: the one its first byte is in.
    let spans = split_sentences_in(text, lang);
    let mut sentence_of = Vec::with_capacity(toks.len());
    let mut s = 0;
    for t in toks {
        while s + 1 < spans.len() && spans[s + 1].start <= t.start {
            s += 1;
        }
        sentence_of.push(s);
    }
    let word = |i: usize| &text[toks[i].start..toks[i].end];
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..toks.len() {
        let para_break = toks[i].para != toks[i - 1].para;
        let text_break = sentence_of[i] != sentence_of[i - 1];
        let in_one_quotation = quotation[i].is_some() && quotation[i] == quotation[i - 1];
        let before_attribution = !para_break
            && closes[i - 1]
            && i > 1
            && matches!(word(i - 2), "." | "!" | "?")
            && starts_attribution(text, toks, i);
        if (para_break || text_break) && !in_one_quotation && !before_attribution {
            out.push((start, i));
            start = i;
        }
    }
    if start < toks.len() {
        out.push((start, toks.len()));
    }
    out
}

/// Whether the words at `i` read like "Trump said" or "said Lavrov", so a
/// quotation ending with a full stop before them does not end the sentence.
fn starts_attribution(text: &str, toks: &[Tok], i: usize) -> bool {
    let lower = |k: usize| text[toks[k].start..toks[k].end].to_lowercase();
    (i..toks.len().min(i + 5))
        .take_while(|&k| toks[k].kind == TokKind::Word)
        .any(|k| super::lexicon::cue_class(&lower(k)).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        let toks = tokenize(text, Lang::EN);
        let quotes = quotations(text, &toks);
        sentences(text, &toks, &quotes, Lang::EN)
            .into_iter()
            .map(|(a, b)| &text[toks[a].start..toks[b - 1].end])
            .collect()
    }

    #[test]
    fn sentences_are_the_text_stages_where_no_quotation_holds_them() {
        // The text stage's rules: an abbreviation before a sentence opener
        // ends the sentence, a title never does.
        assert_eq!(
            split("Troops left the U.S. The president said Mr. Smith stays."),
            [
                "Troops left the U.S.",
                "The president said Mr. Smith stays."
            ]
        );
        // A quotation of several sentences is one with its attribution.
        assert_eq!(
            split("\"We go. We win,\" he said. Then he left."),
            ["\"We go. We win,\" he said.", "Then he left."]
        );
        // A quotation that ends with a full stop keeps the attribution after it.
        assert_eq!(
            split("\"We go.\" Trump said it twice. Nobody left."),
            ["\"We go.\" Trump said it twice.", "Nobody left."]
        );
        assert_eq!(
            split("\"We go.\" The crowd cheered."),
            ["\"We go.\"", "The crowd cheered."]
        );
        // A quotation over two paragraphs (the second opens with a mark).
        let two = "He said: \"We go.\n\n\"We win.\" Then he left.";
        assert_eq!(split(two).len(), 2, "{:?}", split(two));
        assert!(split(two)[0].ends_with("We win.\""));
    }

    #[test]
    fn words_keep_the_periods_the_text_stage_keeps() {
        let text = "Sen. Feinstein of Calif., and J. Smith of Acme Inc. said no.";
        let words: Vec<&str> = tokenize(text, Lang::EN)
            .iter()
            .map(|t| &text[t.start..t.end])
            .collect();
        for kept in ["Sen.", "Calif.", "J.", "Inc."] {
            assert!(words.contains(&kept), "{kept}: {words:?}");
        }
        assert_eq!(words[words.len() - 2..], ["no", "."]);
        let es = "La Sra. Pérez dijo que sí.";
        let words: Vec<&str> = tokenize(es, Lang::parse("es").unwrap())
            .iter()
            .map(|t| &es[t.start..t.end])
            .collect();
        assert!(words.contains(&"Sra."), "{words:?}");
    }
}
