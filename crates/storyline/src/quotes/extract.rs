//! Finding the attributions of one article: direct quotations with the
//! speaker and cue around them, and reported speech around a cue verb.

use super::lexicon::{
    CueClass, cue_class, is_determiner, is_person_title, is_pronoun, is_role_noun, is_verb_filler,
};
use super::tokens::{Quotation, Tok, TokKind, quotations, sentences, tokenize};
use super::{QuoteKind, Span};
use crate::text::Lang;

/// An attribution found in token terms, before spans become characters.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub kind: QuoteKind,
    /// Content pieces as token ranges `[a, b)`.
    pub content: Vec<(usize, usize)>,
    /// Cue token range.
    pub cue: Option<(usize, usize)>,
    /// Speaker token range (the whole phrase) and its head (the name or
    /// pronoun within it).
    pub speaker: Option<(usize, usize)>,
    pub head: Option<(usize, usize)>,
}

/// A speaker phrase as token ranges: the whole phrase, and its head (the
/// name, pronoun or role noun within it).
type Phrase = ((usize, usize), (usize, usize));

/// The token view of an article the rules work on.
pub(crate) struct Doc<'a> {
    pub text: &'a str,
    pub toks: Vec<Tok>,
    pub lower: Vec<String>,
    pub quotes: Vec<Quotation>,
    /// For each token, the quotation it is part of (marks included).
    pub in_quote: Vec<Option<usize>>,
    pub sentences: Vec<(usize, usize)>,
}

impl<'a> Doc<'a> {
    pub fn new(text: &'a str) -> Doc<'a> {
        let toks = tokenize(text, Lang::EN);
        let lower = toks
            .iter()
            .map(|t| text[t.start..t.end].to_lowercase())
            .collect();
        let quotes = quotations(text, &toks);
        let mut in_quote = vec![None; toks.len()];
        for (qi, q) in quotes.iter().enumerate() {
            for x in in_quote.iter_mut().take(q.close + 1).skip(q.open) {
                *x = Some(qi);
            }
        }
        let sentences = sentences(text, &toks, &quotes, Lang::EN);
        Doc {
            text,
            toks,
            lower,
            quotes,
            in_quote,
            sentences,
        }
    }

    pub fn word(&self, i: usize) -> &'a str {
        &self.text[self.toks[i].start..self.toks[i].end]
    }

    fn is_word(&self, i: usize) -> bool {
        self.toks[i].kind == TokKind::Word
    }

    pub fn is_cap(&self, i: usize) -> bool {
        self.is_word(i) && self.word(i).chars().next().is_some_and(char::is_uppercase)
    }

    fn is_mark(&self, i: usize) -> bool {
        matches!(
            self.toks[i].kind,
            TokKind::Open | TokKind::Close | TokKind::Straight
        )
    }

    /// The byte span of tokens `[a, b)`.
    pub fn bytes(&self, a: usize, b: usize) -> (usize, usize) {
        (self.toks[a].start, self.toks[b - 1].end)
    }

    /// A cue verb at `i`: a reporting verb used as a verb (not "the report").
    fn cue_at(&self, i: usize, lo: usize) -> Option<CueClass> {
        if !self.is_word(i) || self.in_quote[i].is_some() {
            return None;
        }
        // A capitalised reporting word mid-sentence is a name ("Tell City").
        if i > lo && self.is_cap(i) {
            return None;
        }
        let class = cue_class(&self.lower[i])?;
        if i > lo && is_determiner(&self.lower[i - 1]) {
            return None;
        }
        // "so-called", "well-known"
        if i > lo && self.word(i - 1) == "-" {
            return None;
        }
        Some(class)
    }

    /// A noun phrase naming a speaker that ends at token `end - 1`, not
    /// before `lo`: returns the whole phrase and its head.
    fn subject_before(&self, lo: usize, end: usize) -> Option<Phrase> {
        if end <= lo {
            return None;
        }
        let mut j = end - 1;
        // An appositive or relative clause between subject and verb:
        // "Rex Tillerson, the USA secretary of state, said".
        if self.word(j) == "," {
            let mut k = j;
            let floor = lo.max(j.saturating_sub(16));
            while k > floor {
                k -= 1;
                if self.in_quote[k].is_some() {
                    return None;
                }
                if self.word(k) == "," {
                    let (_, head) = self.phrase_ending_at(lo, k)?;
                    let first_inner = k + 1;
                    let inner_ok = is_determiner(&self.lower[first_inner])
                        || matches!(self.lower[first_inner].as_str(), "who" | "whose" | "which")
                        || is_role_noun(&self.lower[first_inner])
                        || is_person_title(&self.lower[first_inner])
                        || self.is_cap(first_inner)
                        || self.lower[first_inner]
                            .chars()
                            .next()
                            .is_some_and(char::is_numeric);
                    if !inner_ok {
                        return None;
                    }
                    return Some(((head.0, end), head));
                }
            }
            return None;
        }
        if self.in_quote[j].is_some() || !self.is_word(j) {
            return None;
        }
        let _ = &mut j;
        let (phrase, head) = self.phrase_ending_at(lo, end)?;
        Some((phrase, head))
    }

    /// The noun phrase that ends just before `end`: a pronoun, a name
    /// (with titles and role words before it), or a role noun phrase.
    fn phrase_ending_at(&self, lo: usize, end: usize) -> Option<Phrase> {
        if end <= lo {
            return None;
        }
        let j = end - 1;
        if !self.is_word(j) || self.in_quote[j].is_some() {
            return None;
        }
        let w = self.lower[j].as_str();
        // "Rubio's proposed credit": a possessive is no subject.
        if w.ends_with("'s") || w.ends_with("’s") || w.ends_with('\'') || w.ends_with('’') {
            return None;
        }
        if is_pronoun(w) {
            return Some(((j, end), (j, end)));
        }
        if self.is_cap(j) {
            let mut k = j;
            while k > lo {
                let p = k - 1;
                let possessive = self.lower[p].ends_with("'s") || self.lower[p].ends_with("’s");
                if self.is_cap(p) && self.in_quote[p].is_none() && !possessive {
                    k = p;
                } else if p > lo
                    && matches!(
                        self.lower[p].as_str(),
                        "of" | "de" | "al" | "bin" | "van" | "von" | "for"
                    )
                    && self.is_cap(p - 1)
                {
                    k = p - 1;
                } else {
                    break;
                }
            }
            // Drop sentence openers that are not part of the name.
            while k < j && super::lexicon::is_capitalised_function_word(&self.lower[k]) {
                k += 1;
            }
            // "Sunday said": a day, not a speaker.
            if k == j && super::lexicon::is_capitalised_function_word(&self.lower[j]) {
                return None;
            }
            let head = (k, end);
            // Lower-case role words and a determiner before the name:
            // "former secretary of state Hillary Clinton", "the New York Times".
            let mut s = k;
            let mut steps = 0;
            while s > lo && steps < 5 {
                let p = s - 1;
                let lw = self.lower[p].as_str();
                if is_role_noun(lw)
                    || is_person_title(lw)
                    || matches!(
                        lw,
                        "former"
                            | "deputy"
                            | "foreign"
                            | "state"
                            | "top"
                            | "senior"
                            | "then"
                            | "of"
                            | "acting"
                            | "chief"
                            | "interim"
                            | "late"
                    )
                {
                    s = p;
                    steps += 1;
                } else if is_determiner(lw) {
                    s = p;
                    break;
                } else if steps > 0 && self.is_cap(p) && self.in_quote[p].is_none() {
                    // "Priorities USA chief strategist Guy Cecil": the
                    // organisation before a role.
                    s = p;
                    steps += 1;
                } else if (lw.ends_with("'s") || lw.ends_with("’s")) && self.is_cap(p) {
                    // "Sanders's hometown Burlington Free Press"
                    s = p;
                    break;
                } else if plain_noun(lw)
                    && p > lo
                    && (self.is_cap(p - 1) || is_determiner(&self.lower[p - 1]))
                {
                    // "strategist" in "USA chief strategist Guy Cecil"
                    s = p;
                    steps += 1;
                } else {
                    break;
                }
            }
            // "of" cannot start a phrase.
            while s < k && self.lower[s] == "of" {
                s += 1;
            }
            return Some(((s, end), head));
        }
        // A role phrase: "a campaign spokesman", "Russian experts",
        // "the USA secretary of state", "sources".
        let plural = w.ends_with('s') && w.len() > 3;
        if is_verb_filler(w)
            || cue_class(w).is_some()
            || super::lexicon::is_capitalised_function_word(w) && !is_role_noun(w)
        {
            return None;
        }
        let mut s = j;
        let mut steps = 0;
        let mut has_det = false;
        while s > lo && steps < 6 {
            let p = s - 1;
            if !self.is_word(p) || self.in_quote[p].is_some() {
                break;
            }
            let lw = self.lower[p].as_str();
            if is_determiner(lw) {
                s = p;
                has_det = true;
                break;
            }
            if cue_class(lw).is_some()
                || is_verb_filler(lw)
                || matches!(
                    lw,
                    "and"
                        | "but"
                        | "while"
                        | "that"
                        | "as"
                        | "when"
                        | "because"
                        | "if"
                        | "so"
                        | "who"
                        | "which"
                        | "where"
                )
                || super::lexicon::is_locative_preposition(lw) && lw != "of"
            {
                break;
            }
            s = p;
            steps += 1;
        }
        let has_role = (s..end).any(|k| is_role_noun(&self.lower[k]));
        // Any noun after a determiner names someone ("the NFL legend");
        // without one, only a role noun or a plural does ("officials").
        if !has_det
            && !(has_role && (is_role_noun(w) || plural))
            && !(plural && s == j && j > lo && !self.is_word(j - 1))
        {
            return None;
        }
        if !has_det && !has_role && !plural {
            return None;
        }
        if w == "state" && !(s..j).any(|k| self.lower[k] == "secretary") {
            return None;
        }
        Some(((s, end), (s, end)))
    }

    /// A noun phrase naming a speaker that starts at `i`, not reaching
    /// `hi`: "Lavrov", "the minister", "he", "a spokesman for the Kremlin".
    fn phrase_starting_at(&self, i: usize, hi: usize) -> Option<Phrase> {
        if i >= hi || !self.is_word(i) || self.in_quote[i].is_some() {
            return None;
        }
        let w = self.lower[i].as_str();
        if is_pronoun(w) {
            return Some(((i, i + 1), (i, i + 1)));
        }
        let mut k = i;
        if is_determiner(w) {
            k += 1;
        }
        let mut saw = false;
        while k < hi && self.is_word(k) && self.in_quote[k].is_none() && k - i < 10 {
            let lw = self.lower[k].as_str();
            if self.is_cap(k) {
                saw = true;
                k += 1;
            } else if saw
                && matches!(lw, "of" | "de" | "al" | "bin" | "for")
                && k + 1 < hi
                && self.is_cap(k + 1)
            {
                k += 1;
            } else if saw
                && k + 1 < hi
                && self.is_cap(k + 1)
                && plain_noun(lw)
                && k > i
                && self.is_cap(k - 1)
            {
                // "Virginia delegate Beau Correll"
                k += 1;
            } else if saw
                && k > i
                && self.is_cap(k - 1)
                && is_determiner(&self.lower[i])
                && plain_noun(lw)
                && (k + 1 >= hi || !self.is_word(k + 1))
            {
                // "the New York businessman"
                k += 1;
                break;
            } else if saw
                && lw == "of"
                && k > i
                && self.is_cap(k - 1)
                && k + 2 < hi
                && (is_determiner(&self.lower[k + 1]) && self.is_cap(k + 2))
            {
                // "Robert Antonacci of the New York delegation"
                let mut e = k + 2;
                while e < hi
                    && e < k + 8
                    && self.is_word(e)
                    && (self.is_cap(e) || plain_noun(&self.lower[e]))
                {
                    e += 1;
                }
                if e < hi && !self.is_word(e) {
                    k = e;
                }
                break;
            } else if is_role_noun(lw) || is_person_title(lw) {
                saw = true;
                k += 1;
                if matches!(
                    self.lower.get(k).map(String::as_str),
                    Some("for" | "of" | "at" | "to")
                ) && k + 1 < hi
                    && (self.is_cap(k + 1) || is_determiner(&self.lower[k + 1]))
                {
                    k += 1;
                    if is_determiner(&self.lower[k]) {
                        k += 1;
                        // "one owner of a shop": the complement's noun.
                        let mut n = 0;
                        while k < hi
                            && n < 3
                            && self.is_word(k)
                            && !self.is_cap(k)
                            && plain_noun(&self.lower[k])
                        {
                            k += 1;
                            n += 1;
                        }
                    }
                } else if self.lower.get(k).is_some_and(|w| w == "of")
                    && k + 1 < hi
                    && self.is_word(k + 1)
                    && !is_determiner(&self.lower[k + 1])
                {
                    // "the secretary of state"
                    k += 2;
                }
            } else if !saw
                && !is_pronoun(lw)
                && cue_class(lw).is_none()
                && !is_verb_filler(lw)
                && !is_determiner(lw)
                && !matches!(
                    lw,
                    "in" | "on"
                        | "at"
                        | "that"
                        | "and"
                        | "to"
                        | "with"
                        | "by"
                        | "about"
                        | "of"
                        | "for"
                        | "after"
                        | "before"
                        | "during"
                        | "as"
                )
            {
                // A modifier before the name or role: "former", "longtime".
                k += 1;
            } else {
                break;
            }
        }
        if k == i || !saw {
            return None;
        }
        // The head: the name (the first run of capitals not used as a
        // modifier, as "Florida" in "Florida governor Jeb Bush"), or else
        // the whole role phrase.
        let mut head = (i, k);
        let mut x = i;
        while x < k {
            if self.is_cap(x) {
                let mut y = x;
                while y < k
                    && (self.is_cap(y)
                        || (y > x
                            && matches!(self.lower[y].as_str(), "of" | "de" | "al" | "bin")
                            && y + 1 < k
                            && self.is_cap(y + 1)))
                {
                    y += 1;
                }
                let modifier = y < k
                    && !self.is_cap(y)
                    && (is_role_noun(&self.lower[y]) || is_person_title(&self.lower[y]));
                let owned = x > i
                    && matches!(self.lower[x - 1].as_str(), "for" | "of" | "at" | "the")
                    && x > i + 1
                    && is_role_noun(&self.lower[x - 2]);
                if owned {
                    break;
                }
                if !modifier {
                    head = (x, y);
                    break;
                }
                x = y;
            } else {
                x += 1;
            }
        }
        // "said Tuesday": a day, not a speaker.
        if head.1 == head.0 + 1 && super::lexicon::is_capitalised_function_word(&self.lower[head.0])
        {
            return None;
        }
        let end = self.appositive_after(k, hi);
        Some(((i, end), head))
    }

    /// Where a speaker phrase ending at `k` ends once an appositive that
    /// follows it is included ("Wendy Weiser, director of the Democracy
    /// Program,"): to the end of the clause, short of a relative clause
    /// that comes after the appositive.
    fn appositive_after(&self, mut k: usize, hi: usize) -> usize {
        // "Rep. Jim Clyburn (D-S.C.), a member of …"
        if k + 1 < hi
            && self.word(k) == "("
            && let Some(close) = (k + 1..hi.min(k + 12)).find(|&x| self.word(x) == ")")
        {
            k = close + 1;
            if k >= hi || self.word(k) != "," {
                return k;
            }
        }
        if k + 1 >= hi || self.word(k) != "," || self.in_quote[k + 1].is_some() {
            return k;
        }
        let first = self.lower[k + 1].as_str();
        // "Sherman, speaking of politicians,": a clause, not an appositive.
        if first.ends_with("ing") && !self.is_cap(k + 1) {
            return k;
        }
        // Lower-case words open an appositive too ("legal director for …"),
        // unless they start a new clause.
        let lower_noun = self.is_word(k + 1)
            && !self.is_cap(k + 1)
            && !is_pronoun(first)
            && cue_class(first).is_none()
            && !is_verb_filler(first)
            && !matches!(
                first,
                "and"
                    | "but"
                    | "or"
                    | "as"
                    | "while"
                    | "though"
                    | "although"
                    | "because"
                    | "if"
                    | "when"
                    | "so"
                    | "then"
                    | "in"
                    | "on"
                    | "at"
                    | "after"
                    | "before"
                    | "according"
                    | "which"
                    | "where"
            );
        let opens = lower_noun
            || is_determiner(first)
            || is_role_noun(first)
            || is_person_title(first)
            || matches!(
                first,
                "who"
                    | "whose"
                    | "former"
                    | "then"
                    | "executive"
                    | "senior"
                    | "chief"
                    | "president"
                    | "director"
                    | "founder"
                    | "co-founder"
            )
            || first.chars().next().is_some_and(char::is_numeric)
            || self.is_cap(k + 1);
        if !opens {
            return k;
        }
        let mut e = k + 1;
        while e < hi
            && self.in_quote[e].is_none()
            && !matches!(self.word(e), "." | "!" | "?" | ";" | "(" | "—")
        {
            if self.word(e) == ","
                && e > k + 1
                && e + 1 < hi
                && matches!(
                    self.lower[e + 1].as_str(),
                    "which"
                        | "who"
                        | "where"
                        | "and"
                        | "but"
                        | "as"
                        | "while"
                        | "said"
                        | "says"
                        | "adding"
                )
            {
                break;
            }
            e += 1;
        }
        // Leave a trailing comma out.
        while e > k + 1 && self.word(e - 1) == "," {
            e -= 1;
        }
        e
    }

    /// The subject of the main clause before `end`: a name or pronoun that
    /// opens the sentence or follows a comma, with a verb after it.
    fn clause_subject(&self, lo: usize, end: usize) -> Option<Phrase> {
        let mut best = None;
        let mut k = lo;
        while k < end {
            let opens = k == lo
                || self.word(k - 1) == ","
                || (self.is_mark(k - 1) && self.in_quote[k - 1].is_some())
                || (k == lo + 1 && !self.is_word(lo))
                || (self.lower[k - 1].ends_with("'s") || self.lower[k - 1].ends_with("’s"))
                    && k - 1 == lo;
            if opens && self.in_quote[k].is_none() && (self.is_cap(k) || is_pronoun(&self.lower[k]))
            {
                let mut e = k + 1;
                while e < end && self.is_cap(e) {
                    e += 1;
                }
                let mut v = e;
                while v < end
                    && is_verb_filler(&self.lower[v])
                    && !matches!(
                        self.lower[v].as_str(),
                        "has" | "had" | "did" | "was" | "is" | "would" | "will"
                    )
                {
                    v += 1;
                }
                let verb = v < end && self.is_word(v) && !self.is_cap(v) && {
                    let l = self.lower[v].as_str();
                    l.ends_with("ed")
                        || l.ends_with('s')
                        || is_verb_filler(l)
                        || cue_class(l).is_some()
                };
                if verb && let Some(np) = self.phrase_ending_at(lo, e) {
                    best = Some(np);
                }
                k = e;
                continue;
            }
            k += 1;
        }
        best
    }

    /// The words from `i` to the next comma (at most eight): the source
    /// after "according to" when it is no name or role ("recent polls").
    fn words_until_comma(&self, i: usize, hi: usize) -> Option<Phrase> {
        let mut k = i;
        while k < hi && k < i + 8 && self.is_word(k) && self.in_quote[k].is_none() {
            k += 1;
        }
        (k > i && k < hi && self.word(k) == ",").then_some(((i, k), (i, k)))
    }

    /// Skips fillers ("also", "has") leftwards from `end`.
    fn skip_fillers_left(&self, lo: usize, mut end: usize) -> usize {
        while end > lo && is_verb_filler(&self.lower[end - 1]) {
            end -= 1;
        }
        end
    }

    /// The end of a sentence's content: before its final punctuation.
    fn content_end(&self, a: usize, mut b: usize) -> usize {
        while b > a && self.toks[b - 1].kind == TokKind::Punct && self.in_quote[b - 1].is_none() {
            b -= 1;
        }
        b
    }
}

/// Finds the attributions of `doc`.
pub(crate) fn find(doc: &Doc<'_>) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    let mut used_cue = vec![false; doc.toks.len()];
    let mut used_quote = vec![false; doc.quotes.len()];
    for (si, &(lo, hi)) in doc.sentences.iter().enumerate() {
        direct_in_sentence(doc, si, lo, hi, &mut out, &mut used_cue, &mut used_quote);
        indirect_in_sentence(doc, lo, hi, &mut out, &mut used_cue, &used_quote);
    }
    // "added in the interview", "said in a statement": the medium is part
    // of the cue.
    for f in &mut out {
        if let Some((a, b)) = f.cue
            && b == a + 1
            && let Some(e) = medium_after(doc, b)
            && !f.content.iter().any(|c| c.0 < e && b < c.1)
            && !f.speaker.is_some_and(|sp| sp.0 < e && b < sp.1)
        {
            f.cue = Some((a, e));
        }
    }
    out.sort_by_key(|f| f.content.first().map_or(0, |c| c.0));
    out
}

/// The end of "in a statement" / "in the interview" at `i`, if there.
fn medium_after(doc: &Doc<'_>, i: usize) -> Option<usize> {
    let n = doc.toks.len();
    if i + 2 >= n
        || doc.lower[i] != "in"
        || !matches!(
            doc.lower[i + 1].as_str(),
            "a" | "an" | "the" | "his" | "her" | "their" | "its"
        )
    {
        return None;
    }
    (i + 2..n.min(i + 5))
        .take_while(|&k| doc.is_word(k) && doc.in_quote[k].is_none())
        .find(|&k| {
            matches!(
                doc.lower[k].as_str(),
                "statement"
                    | "interview"
                    | "email"
                    | "e-mail"
                    | "tweet"
                    | "post"
                    | "letter"
                    | "speech"
                    | "release"
                    | "op-ed"
                    | "memo"
                    | "filing"
                    | "video"
                    | "message"
                    | "note"
                    | "essay"
                    | "column"
                    | "broadcast"
                    | "conversation"
                    | "call"
                    | "podcast"
                    | "blog"
                    | "posting"
                    | "affidavit"
                    | "testimony"
                    | "report"
            )
        })
        .map(|k| k + 1)
}

fn quotation_range(doc: &Doc<'_>, qi: usize) -> (usize, usize) {
    let q = doc.quotes[qi];
    (q.open, q.close + 1)
}

#[allow(clippy::too_many_arguments)]
fn direct_in_sentence(
    doc: &Doc<'_>,
    si: usize,
    lo: usize,
    hi: usize,
    out: &mut Vec<Found>,
    used_cue: &mut [bool],
    used_quote: &mut [bool],
) {
    // Quotations that start in this sentence.
    let qs: Vec<usize> = (0..doc.quotes.len())
        .filter(|&q| doc.quotes[q].open >= lo && doc.quotes[q].open < hi)
        .collect();
    for &qi in &qs {
        if used_quote[qi] {
            continue;
        }
        let (qa, qb) = quotation_range(doc, qi);
        // A partial quotation sits inside a clause ("called it "illegal"");
        // reported speech around it takes it in.
        let before_ok = qa == lo
            || matches!(doc.word(qa - 1), "," | ":" | "—" | "(" | "-" | ";")
            || doc.toks[qa - 1].kind == TokKind::Close
            || doc.toks[qa - 1].kind == TokKind::Straight;
        let inner_end = doc.word(qb - 2);
        // After "asked:" a quotation is direct whatever follows it.
        let cue_colon = qa > lo + 1 && doc.word(qa - 1) == ":" && doc.cue_at(qa - 2, lo).is_some();
        let after_ok = cue_colon
            || qb >= hi
            || matches!(doc.word(qb), "," | "." | "!" | "?" | ";" | "—" | ")" | ":")
            || matches!(inner_end, "," | "." | "!" | "?")
            || doc.lower[qb] == "according"
            || cue_or_subject_follows(doc, qb, hi);
        if !(before_ok && after_ok) {
            continue;
        }
        // Interrupted quotation: "A," she said, "B." continues the last one.
        if let Some(last) = out.last_mut()
            && last.kind == QuoteKind::Direct
        {
            let gap_end = [last.cue, last.speaker]
                .iter()
                .flatten()
                .map(|s| s.1)
                .max()
                .unwrap_or(0);
            let content_end = last.content.last().map_or(0, |c| c.1);
            if gap_end > content_end
                && gap_end <= qa
                && (gap_end..qa).all(|k| matches!(doc.word(k), "," | ":"))
                && doc.toks[qa].para == doc.toks[gap_end - 1].para
            {
                last.content.push((qa, qb));
                used_quote[qi] = true;
                continue;
            }
        }
        if let Some(found) = attribute_direct(doc, lo, hi, qa, qb, used_cue) {
            if let Some(c) = found.cue {
                used_cue[c.0..c.1].iter_mut().for_each(|x| *x = true);
            }
            used_quote[qi] = true;
            out.push(found);
            continue;
        }
        // A quotation that is a sentence of its own continues the quote
        // just before it in the same paragraph.
        let whole = qa == lo && doc.content_end(qb, hi) == qb;
        if whole
            && let Some(last) = out.last_mut()
            && last.kind == QuoteKind::Direct
            && last
                .content
                .last()
                .is_some_and(|c| doc.toks[c.1 - 1].para == doc.toks[qa].para)
            && si > 0
        {
            last.content.push((qa, qb));
            used_quote[qi] = true;
        }
    }
}

/// Whether a speaker phrase and a cue, or a cue, come right after `i`.
fn cue_or_subject_follows(doc: &Doc<'_>, i: usize, hi: usize) -> bool {
    if i >= hi {
        return true;
    }
    if doc.cue_at(i, 0).is_some() {
        return true;
    }
    if let Some((phrase, _)) = doc.phrase_starting_at(i, hi) {
        let mut k = phrase.1;
        while k < hi && is_verb_filler(&doc.lower[k]) {
            k += 1;
        }
        return k < hi && doc.cue_at(k, 0).is_some();
    }
    false
}

/// The speaker and cue of a direct quotation `[qa, qb)` in sentence
/// `[lo, hi)`.
fn attribute_direct(
    doc: &Doc<'_>,
    lo: usize,
    hi: usize,
    qa: usize,
    qb: usize,
    used_cue: &[bool],
) -> Option<Found> {
    let direct = |cue: (usize, usize), speaker: Phrase| Found {
        kind: QuoteKind::Direct,
        content: vec![(qa, qb)],
        cue: Some(cue),
        speaker: Some(speaker.0),
        head: Some(speaker.1),
    };
    // After: "…," Trump told Fox; "…," said Lavrov; "…," according to X.
    let mut i = qb;
    while i < hi && matches!(doc.word(i), "," | "—" | "-" | "'" | "’") {
        i += 1;
    }
    if i < hi {
        if doc.lower[i] == "according"
            && i + 1 < hi
            && doc.lower[i + 1] == "to"
            && let Some(sp) = doc.phrase_starting_at(i + 2, hi)
        {
            return Some(direct((i, i + 2), sp));
        }
        if doc.cue_at(i, lo).is_some()
            && !used_cue[i]
            && let Some(sp) = doc.phrase_starting_at(i + 1, hi)
        {
            return Some(direct((i, i + 1), sp));
        }
        if let Some(sp) = doc.phrase_starting_at(i, hi) {
            let mut k = sp.0.1;
            // "Haley, the ambassador, said" after a quotation.
            if k < hi && doc.word(k) == "," {
                let mut m = k + 1;
                while m < hi && m < k + 30 && doc.word(m) != "," && doc.in_quote[m].is_none() {
                    m += 1;
                }
                if m < hi && doc.word(m) == "," {
                    let mut n = m + 1;
                    while n < hi && is_verb_filler(&doc.lower[n]) {
                        n += 1;
                    }
                    if n < hi && doc.cue_at(n, lo).is_some() {
                        return Some(direct((n, n + 1), ((sp.0.0, m + 1), sp.1)));
                    }
                }
            }
            while k < hi && is_verb_filler(&doc.lower[k]) {
                k += 1;
            }
            if k < hi && doc.cue_at(k, lo).is_some() && !used_cue[k] {
                return Some(direct((k, k + 1), sp));
            }
        }
    }
    // Before: Haley told the council, "…"; Putin said: "…".
    if qa > lo {
        let mut b = qa;
        while b > lo && matches!(doc.word(b - 1), "," | ":" | "—") {
            b -= 1;
        }
        let floor = lo.max(b.saturating_sub(10));
        let mut c = b;
        while c > floor {
            c -= 1;
            if doc.in_quote[c].is_some() {
                break;
            }
            if doc.lower[c] == "according"
                && c + 1 < b
                && doc.lower[c + 1] == "to"
                && let Some(sp) = doc.phrase_starting_at(c + 2, b)
            {
                return Some(direct((c, c + 2), sp));
            }
            if doc.cue_at(c, lo).is_some() && !used_cue[c] {
                let end = doc.skip_fillers_left(lo, c);
                if let Some(sp) = doc.subject_before(lo, end) {
                    return Some(direct((c, c + 1), sp));
                }
                // "Rycroft said … and asked: "…"": the clause's subject.
                if end > lo
                    && doc.lower[end - 1] == "and"
                    && let Some(sp) = doc.clause_subject(lo, end - 1)
                {
                    return Some(direct((c, c + 1), sp));
                }
                // "said Trump: "…""
                if let Some(sp) = doc.phrase_starting_at(c + 1, b) {
                    return Some(direct((c, c + 1), sp));
                }
            }
        }
    }
    None
}

fn indirect_in_sentence(
    doc: &Doc<'_>,
    lo: usize,
    hi: usize,
    out: &mut Vec<Found>,
    used_cue: &mut [bool],
    used_quote: &[bool],
) {
    // Tokens of this sentence that an attribution already took.
    let mut took = vec![false; hi - lo];
    for k in lo..hi {
        took[k - lo] = doc.in_quote[k].is_some_and(|q| used_quote[q]);
    }
    let mark = |took: &mut [bool], f: &Found| {
        for (a, b) in f.speaker.iter().chain(f.cue.iter()).chain(f.content.iter()) {
            for k in (*a).max(lo)..(*b).min(hi) {
                took[k - lo] = true;
            }
        }
    };
    for f in out.iter() {
        mark(&mut took, f);
    }
    let taken = |took: &[bool], k: usize| took[k - lo];
    // Keeps an attribution: its cue is used and its tokens taken.
    let record = |took: &mut [bool],
                  used_cue: &mut [bool],
                  out: &mut Vec<Found>,
                  content: Vec<(usize, usize)>,
                  cue: (usize, usize),
                  sp: Phrase| {
        used_cue[cue.0..cue.1].iter_mut().for_each(|u| *u = true);
        let f = Found {
            kind: kind_of(doc, &content),
            content,
            cue: Some(cue),
            speaker: Some(sp.0),
            head: Some(sp.1),
        };
        mark(took, &f);
        out.push(f);
    };
    let end = doc.content_end(lo, hi);
    let mut c = lo;
    while c < end {
        if used_cue[c] || doc.in_quote[c].is_some() || taken(&took, c) {
            c += 1;
            continue;
        }
        // "according to X, …" and "…, according to X."
        if doc.lower[c] == "according"
            && c + 1 < end
            && doc.lower[c + 1] == "to"
            && let Some(sp) = doc
                .phrase_starting_at(c + 2, end)
                .or_else(|| doc.words_until_comma(c + 2, end))
        {
            let after = sp.0.1;
            let content = if c == lo || (c == lo + 1 && !doc.is_word(lo)) {
                // "According to X (and Y acting for Z), content."
                let start = (after..end.min(after + 25))
                    .find(|&k| doc.word(k) == "," && doc.in_quote[k].is_none())
                    .map_or(after, |k| k + 1);
                (start, end)
            } else {
                let mut e = c;
                while e > lo && matches!(doc.word(e - 1), "," | "—") {
                    e -= 1;
                }
                (lo, e)
            };
            if content.1 > content.0 + 2 && !(content.0..content.1).any(|k| taken(&took, k)) {
                record(&mut took, used_cue, out, vec![content], (c, c + 2), sp);
                c = sp.0.1;
                continue;
            }
        }
        let Some(class) = doc.cue_at(c, lo) else {
            c += 1;
            continue;
        };
        let subj_end = doc.skip_fillers_left(lo, c);
        // "Tillerson did not rule it out, noting that …": a participle
        // after a comma reports what the clause's subject said.
        let participle = doc.lower[c].ends_with("ing") && c > lo && doc.word(c - 1) == ",";
        let subject = if participle {
            doc.clause_subject(lo, c)
        } else {
            doc.subject_before(lo, subj_end)
        };
        if let Some(sp) = subject {
            // Subject, cue, content after.
            if let Some(content) = content_after(doc, class, c + 1, end)
                && !(content.0..content.1).any(|k| taken(&took, k))
                && !(sp.0.0..sp.0.1).any(|k| taken(&took, k))
            {
                // "Content, Rubio said, content" puts content on both sides.
                let mut pieces = vec![content];
                if sp.0.0 > lo + 3
                    && doc.word(sp.0.0 - 1) == ","
                    && c + 1 < end
                    && doc.word(c + 1) == ","
                {
                    pieces.insert(0, (lo, sp.0.0 - 1));
                }
                record(&mut took, used_cue, out, pieces, (c, c + 1), sp);
                c = content.1;
                continue;
            }
            // "…, sources said." content before; "If X, he said, Y" on
            // both sides; "…, an official told The New York Times."
            let rest_short = c + 1 >= end
                || (end - (c + 1) <= 8
                    && !(c + 1..end).any(|k| doc.lower[k] == "that" || doc.is_mark(k)));
            let parenthetical = c + 2 < end && doc.word(c + 1) == ",";
            // The comma may sit inside a closing mark: `…"create jobs,"
            // Sanders said.`
            let comma_inside =
                sp.0.0 > lo + 3 && doc.is_mark(sp.0.0 - 1) && doc.word(sp.0.0 - 2) == ",";
            if sp.0.0 > lo + 3
                && (doc.word(sp.0.0 - 1) == "," || comma_inside)
                && (rest_short || parenthetical)
            {
                let mut pieces = vec![(lo, if comma_inside { sp.0.0 } else { sp.0.0 - 1 })];
                if parenthetical && !rest_short {
                    pieces.push((c + 2, end));
                }
                if !pieces.iter().any(|p| (p.0..p.1).any(|k| taken(&took, k))) {
                    record(&mut took, used_cue, out, pieces, (c, c + 1), sp);
                }
            }
            c += 1;
            continue;
        }
        // "…, said Putin." content before, speaker after.
        if c > lo + 3
            && doc.word(c - 1) == ","
            && let Some(sp) = doc.phrase_starting_at(c + 1, end)
            && (sp.0.1 >= end
                || end - sp.0.1 <= 6
                    && !(sp.0.1..end).any(|k| doc.lower[k] == "that" || doc.is_mark(k)))
        {
            let content = (lo, c - 1);
            if !(content.0..content.1).any(|k| taken(&took, k)) {
                record(&mut took, used_cue, out, vec![content], (c, c + 1), sp);
            }
        }
        c += 1;
    }
}

/// The content after a cue at `start`: "(that) clause" for say-verbs, past
/// an object for tell-verbs, the rest of the clause for the others.
fn content_after(
    doc: &Doc<'_>,
    class: CueClass,
    start: usize,
    end: usize,
) -> Option<(usize, usize)> {
    if start >= end {
        return None;
    }
    // "said: "…"" and "said, "…"" are direct quotations, handled before.
    if matches!(doc.word(start), "," | ":") {
        return None;
    }
    // "said (on Tuesday) that", "told reporters in Ohio that": a "that"
    // near the cue with only words between.
    // "said at a Saturday rally in Texas that": a longer reach after a
    // prepositional phrase.
    let window = if class == CueClass::Tell
        || matches!(
            doc.lower[start].as_str(),
            "at" | "in" | "on" | "during" | "after" | "before" | "to" | "with"
        ) {
        14
    } else {
        6
    };
    let that = (start..end.min(start + window))
        .take_while(|&k| doc.is_word(k))
        .find(|&k| doc.lower[k] == "that");
    let plausible_start = |k: usize| {
        k < end
            && (doc.is_word(k) || doc.is_mark(k))
            && !matches!(
                doc.lower[k].as_str(),
                "in" | "on"
                    | "at"
                    | "by"
                    | "for"
                    | "to"
                    | "with"
                    | "about"
                    | "of"
                    | "and"
                    | "or"
                    | "after"
                    | "before"
                    | "during"
                    | "from"
                    | "as"
                    | "so"
                    | "yes"
                    | "no"
                    | "nothing"
                    | "something"
                    | "anything"
                    | "it"
                    | "this"
                    | "was"
                    | "is"
                    | "were"
                    | "are"
                    | "has"
                    | "had"
                    | "have"
                    | "will"
                    | "would"
                    | "could"
                    | "should"
                    | "can"
                    | "be"
                    | "been"
                    | "being"
                    | "not"
            )
    };
    let mut start = start;
    while start < end && is_time_word(&doc.lower[start]) {
        start += 1;
    }
    if start >= end {
        return None;
    }
    let from = match class {
        CueClass::Say => {
            if let Some(t) = that {
                t
            } else if plausible_start(start) && clause_like(doc, start, end) {
                start
            } else {
                return None;
            }
        }
        CueClass::Tell => match that {
            Some(t) => t,
            None => {
                // "told reporters this was the only chance": a one- or
                // two-word object, then a clause.
                let object_end = if doc.is_cap(start) {
                    (start..end.min(start + 4))
                        .take_while(|&k| doc.is_cap(k))
                        .last()?
                        + 1
                } else if matches!(
                    doc.lower[start].as_str(),
                    "him"
                        | "her"
                        | "them"
                        | "us"
                        | "me"
                        | "reporters"
                        | "journalists"
                        | "supporters"
                        | "voters"
                        | "listeners"
                        | "viewers"
                        | "lawmakers"
                ) {
                    start + 1
                } else {
                    return None;
                };
                if object_end < end
                    && (is_pronoun(&doc.lower[object_end])
                        || matches!(
                            doc.lower[object_end].as_str(),
                            "this" | "there" | "the" | "his" | "her" | "their"
                        ))
                    && clause_like(doc, object_end, end)
                {
                    object_end
                } else {
                    return None;
                }
            }
        },
        CueClass::Act => {
            // "dismisses as beyond credible": the object came before.
            if matches!(
                doc.lower[start].as_str(),
                "as" | "was" | "is" | "it" | "that" | "this" | "and" | "but"
            ) || !plausible_start(start) && !doc.is_word(start)
            {
                return None;
            }
            start
        }
    };
    // The content runs to the end of the sentence, or to a ", he said"
    // that closes it.
    let mut e = end;
    for k in from + 1..end {
        if doc.word(k) == "," && k + 1 < end && doc.in_quote[k].is_none() {
            if doc.cue_at(k + 1, 0).is_some() {
                e = k;
                break;
            }
            if let Some(sp) = doc.phrase_starting_at(k + 1, end) {
                let n = sp.0.1;
                let mut v = n;
                while v < end && is_verb_filler(&doc.lower[v]) {
                    v += 1;
                }
                if v < end && doc.cue_at(v, 0).is_some() {
                    e = k;
                    break;
                }
            }
        }
    }
    if e < from + 2 {
        return None;
    }
    Some((from, e))
}

/// Whether the words at `start` can open a reported clause: a subject
/// before a verb within a few words.
fn clause_like(doc: &Doc<'_>, start: usize, end: usize) -> bool {
    let w = doc.lower[start].as_str();
    if is_pronoun(w) || matches!(w, "there" | "i" | "we" | "they") || doc.is_mark(start) {
        return true;
    }
    // A reported clause has a few words and no comma right away.
    end >= start + 3 && (start + 1..start + 3).all(|k| doc.word(k) != "," && doc.word(k) != ".")
}

/// A lower-case word that can be a noun in a speaker phrase: not a
/// function word, pronoun, verb filler or reporting verb.
fn plain_noun(w: &str) -> bool {
    !is_pronoun(w)
        && !is_determiner(w)
        && !is_verb_filler(w)
        && cue_class(w).is_none()
        && !super::lexicon::is_capitalised_function_word(w)
        && w.chars().all(|c| c.is_alphabetic() || c == '-')
}

fn is_time_word(w: &str) -> bool {
    matches!(
        w,
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "today"
            | "yesterday"
            | "tonight"
            | "earlier"
            | "later"
            | "recently"
            | "repeatedly"
            | "privately"
            | "publicly"
            | "again"
            | "also"
            | "then"
            | "previously"
            | "last"
            | "week"
            | "month"
            | "year"
    )
}

fn kind_of(doc: &Doc<'_>, pieces: &[(usize, usize)]) -> QuoteKind {
    if pieces.iter().any(|&(a, b)| (a..b).any(|k| doc.is_mark(k))) {
        QuoteKind::Mixed
    } else {
        QuoteKind::Indirect
    }
}

/// Converts byte offsets to character offsets.
pub(crate) struct CharMap {
    starts: Vec<usize>,
}

impl CharMap {
    pub fn new(text: &str) -> CharMap {
        CharMap {
            starts: text.char_indices().map(|(b, _)| b).collect(),
        }
    }

    pub fn span(&self, a: usize, b: usize) -> Span {
        let at = |x: usize| self.starts.partition_point(|&s| s < x);
        Span {
            start: at(a),
            end: at(b),
        }
    }
}
