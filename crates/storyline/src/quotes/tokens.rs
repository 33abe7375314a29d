//! The token stream the quote rules read: words, punctuation and quotation
//! marks with byte spans, paragraphs, quotations paired across paragraph
//! breaks, and sentences that never end inside a quotation.

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

/// Abbreviations whose final dot belongs to the word.
fn keeps_dot(word: &str) -> bool {
    matches!(
        word,
        "Mr" | "Mrs"
            | "Ms"
            | "Dr"
            | "Sen"
            | "Rep"
            | "Gov"
            | "Gen"
            | "Lt"
            | "Col"
            | "Capt"
            | "Sgt"
            | "St"
            | "Jr"
            | "Sr"
            | "Inc"
            | "Corp"
            | "Co"
            | "Ltd"
            | "Prof"
            | "Rev"
            | "Mt"
            | "Ft"
            | "Jan"
            | "Feb"
            | "Aug"
            | "Sept"
            | "Sep"
            | "Oct"
            | "Nov"
            | "Dec"
            | "No"
            | "vs"
            | "Gens"
            | "Adm"
            | "Cmdr"
            | "Supt"
            | "Pres"
            | "Atty"
            | "Messrs"
            // US state abbreviations in datelines and party tags.
            | "Ala" | "Ariz" | "Ark" | "Calif" | "Colo" | "Conn" | "Del" | "Fla" | "Ga" | "Ill"
            | "Ind" | "Kan" | "Ky" | "La" | "Md" | "Mass" | "Mich" | "Minn" | "Miss" | "Mo"
            | "Mont" | "Neb" | "Nev" | "Okla" | "Ore" | "Pa" | "Tenn" | "Tex" | "Va" | "Vt"
            | "Wash" | "Wis" | "Wyo"
    ) || {
        // Initials and dotted acronyms: "J", "U.S", "U.N".
        let mut chars = word.chars();
        let first_upper = word.chars().next().is_some_and(char::is_uppercase);
        first_upper
            && (word.chars().count() == 1
                || (word.contains('.') && chars.all(|c| c.is_alphabetic() || c == '.')))
    }
}

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Tok> {
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
            if chars.get(j).is_some_and(|n| n.1 == '.') && keeps_dot(&text[b..byte_end(j)]) {
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

/// Splits tokens into sentences, as `[start, end)` token ranges: at
/// paragraph breaks, and after `.`, `!` or `?` followed by a capitalised
/// word or a quotation mark, never inside a quotation. A quotation that
/// ends with a full stop ends its sentence when a capitalised word or
/// another quotation follows.
pub fn sentences(text: &str, toks: &[Tok], quotes: &[Quotation]) -> Vec<(usize, usize)> {
    let mut inside = vec![false; toks.len()];
    let mut closes = vec![false; toks.len()];
    for q in quotes {
        for x in inside.iter_mut().take(q.close).skip(q.open + 1) {
            *x = true;
        }
        closes[q.close] = true;
    }
    let word = |i: usize| &text[toks[i].start..toks[i].end];
    let starts_sentence = |i: usize| {
        i >= toks.len()
            || matches!(toks[i].kind, TokKind::Open | TokKind::Straight)
            || word(i)
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_numeric())
    };
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..toks.len() {
        let last = i + 1 == toks.len();
        let para_break = !last && toks[i + 1].para != toks[i].para;
        let stop = !inside[i]
            && toks[i].kind == TokKind::Punct
            && matches!(word(i), "." | "!" | "?")
            && starts_sentence(i + 1);
        let quote_stop = closes[i]
            && i > 0
            && matches!(word(i - 1), "." | "!" | "?")
            && !last
            && !para_break
            && starts_sentence(i + 1)
            && !starts_attribution(text, toks, i + 1);
        // A quotation that runs over a paragraph break keeps its sentence.
        let para_break = para_break && !inside[i] && !inside.get(i + 1).copied().unwrap_or(false);
        if last || para_break || stop || quote_stop {
            out.push((start, i + 1));
            start = i + 1;
        }
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
