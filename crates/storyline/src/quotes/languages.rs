//! Quotes and names outside English.
//!
//! - Quotes for Spanish, French, German, Italian and Portuguese: direct
//!   quotations in any of their marks (« », „ “, ‚ ‘, ‹ ›, “ ”, straight)
//!   with a reporting verb after them (`«…», dijo el ministro`, `„…“, sagte
//!   Merkel`) or before them (`Le président a déclaré : « … »`); reported
//!   speech around a verb and its complementizer (`X dijo que …`, `X a
//!   déclaré que …`, `X sagte, dass …`, `X ha detto che …`, `X disse que
//!   …`); and `según X, …` (`selon`, `laut`, `secondo`, `segundo`).
//! - Names for every language written in the Latin, Cyrillic or Greek
//!   script: runs of capitalised words (with their particles: `de`, `von`,
//!   `di`…), typed by the gazetteer, organisation words and speech.
//! - Every other language has no rules yet: the stage says so
//!   ([`Support::None`]) instead of guessing.

use serde::{Deserialize, Serialize};

use super::gazetteer::gazetteer;
use super::lexicon::is_first_name;
use super::tokens::{Tok, TokKind, quotations, sentences, tokenize};
use super::{Attributions, EntityKind, Mention, Quote, QuoteKind};
use crate::text::Lang;
use crate::text::filters::is_stop_word_in;

/// What the quotes stage can do for a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Support {
    /// Quotes and names.
    #[default]
    Full,
    /// Names only (capitalised words), no quote rules.
    Names,
    /// No rules.
    None,
}

/// What the stage can do for text in `lang`: quotes for en es fr de it pt,
/// names for any text in a script with capitals.
pub fn support(lang: Lang, text: &str) -> Support {
    if lang == Lang::EN || lexicon(lang).is_some() {
        return Support::Full;
    }
    let (mut cased, mut letters) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()).take(2000) {
        letters += 1;
        if c.is_uppercase() || c.is_lowercase() {
            cased += 1;
        }
    }
    if letters > 0 && cased * 10 >= letters * 9 {
        Support::Names
    } else {
        Support::None
    }
}

/// The words one language's quote rules read, lower-cased.
struct Lexicon {
    /// Reporting verbs (the forms news uses, participles included).
    cues: &'static [&'static str],
    /// Auxiliaries of a compound past ("ha dicho", "a déclaré").
    auxiliaries: &'static [&'static str],
    /// The complementizer that opens reported speech.
    that: &'static [&'static str],
    /// "According to".
    according: &'static [&'static str],
    /// Subject pronouns that may speak.
    pronouns: &'static [&'static str],
    /// Articles before a speaker phrase.
    determiners: &'static [&'static str],
    /// Words of organisation names.
    organisations: &'static [&'static str],
}

const SPANISH: Lexicon = Lexicon {
    cues: &[
        "dijo",
        "dice",
        "dicen",
        "dijeron",
        "dicho",
        "afirmó",
        "afirma",
        "afirmado",
        "declaró",
        "declara",
        "declarado",
        "señaló",
        "señala",
        "señalado",
        "aseguró",
        "asegura",
        "asegurado",
        "explicó",
        "explica",
        "explicado",
        "añadió",
        "añade",
        "añadido",
        "indicó",
        "indica",
        "indicado",
        "manifestó",
        "sostuvo",
        "sostiene",
        "agregó",
        "agrega",
        "advirtió",
        "advierte",
        "subrayó",
        "destacó",
        "insistió",
        "reconoció",
        "admitió",
        "denunció",
        "anunció",
        "anunciado",
        "comentó",
        "apuntó",
        "precisó",
        "recordó",
        "respondió",
        "aseveró",
        "expresó",
        "informó",
        "confirmó",
        "negó",
        "afirmaron",
        "declararon",
        "señalaron",
        "aseguraron",
        "explicaron",
        "añadieron",
        "indicaron",
        "denunciaron",
        "anunciaron",
        "gritaban",
        "gritó",
    ],
    auxiliaries: &["ha", "han", "había", "habían", "habría"],
    that: &["que"],
    according: &["según"],
    pronouns: &["él", "ella", "ellos", "ellas"],
    determiners: &["el", "la", "los", "las", "un", "una"],
    organisations: &[
        "partido",
        "ministerio",
        "gobierno",
        "consejo",
        "naciones",
        "unión",
        "ejército",
        "frente",
        "agencia",
        "comité",
        "hermanos",
        "fuerzas",
        "otan",
        "onu",
        "banco",
        "liga",
        "tribunal",
    ],
};

const FRENCH: Lexicon = Lexicon {
    cues: &[
        "dit",
        "dire",
        "déclaré",
        "déclare",
        "déclara",
        "affirmé",
        "affirme",
        "affirma",
        "expliqué",
        "explique",
        "expliqua",
        "ajouté",
        "ajoute",
        "ajouta",
        "indiqué",
        "indique",
        "souligné",
        "souligne",
        "assuré",
        "assure",
        "estimé",
        "estime",
        "précisé",
        "précise",
        "annoncé",
        "annonce",
        "confié",
        "rappelé",
        "rappelle",
        "insisté",
        "averti",
        "dénoncé",
        "dénonce",
        "reconnu",
        "répondu",
        "lancé",
        "martelé",
        "jugé",
        "confirmé",
        "affirmait",
        "déclarait",
        "disait",
        "disent",
        "ont",
    ],
    auxiliaries: &["a", "ont", "avait", "avaient", "aurait"],
    that: &["que", "qu"],
    according: &["selon"],
    pronouns: &["il", "elle", "ils", "elles"],
    determiners: &["le", "la", "les", "l", "un", "une"],
    organisations: &[
        "parti",
        "ministère",
        "gouvernement",
        "conseil",
        "nations",
        "union",
        "armée",
        "front",
        "agence",
        "comité",
        "frères",
        "forces",
        "otan",
        "onu",
        "banque",
        "ligue",
        "tribunal",
    ],
};

const GERMAN: Lexicon = Lexicon {
    cues: &[
        "sagte",
        "sagt",
        "sagten",
        "gesagt",
        "erklärte",
        "erklärt",
        "erklärten",
        "betonte",
        "betont",
        "meinte",
        "meint",
        "teilte",
        "kündigte",
        "warnte",
        "warnt",
        "forderte",
        "fordert",
        "räumte",
        "fügte",
        "unterstrich",
        "bekräftigte",
        "versicherte",
        "kritisierte",
        "berichtete",
        "sprach",
        "schrieb",
        "hieß",
        "heißt",
        "verkündete",
        "behauptete",
    ],
    auxiliaries: &["hat", "haben", "hatte", "hatten"],
    that: &["dass", "daß"],
    according: &["laut", "zufolge"],
    pronouns: &["er", "sie"],
    determiners: &["der", "die", "das", "den", "dem", "ein", "eine"],
    organisations: &[
        "partei",
        "ministerium",
        "regierung",
        "rat",
        "nationen",
        "union",
        "armee",
        "front",
        "agentur",
        "komitee",
        "brüder",
        "kräfte",
        "nato",
        "uno",
        "bank",
        "liga",
        "gericht",
    ],
};

const ITALIAN: Lexicon = Lexicon {
    cues: &[
        "detto",
        "dice",
        "disse",
        "dicono",
        "dichiarato",
        "dichiara",
        "dichiarò",
        "affermato",
        "afferma",
        "affermò",
        "spiegato",
        "spiega",
        "spiegò",
        "aggiunto",
        "aggiunge",
        "aggiunse",
        "sottolineato",
        "sottolinea",
        "sottolineò",
        "annunciato",
        "annuncia",
        "annunciò",
        "precisato",
        "precisa",
        "ribadito",
        "ribadisce",
        "osservato",
        "commentato",
        "riferito",
        "assicurato",
        "assicura",
        "denunciato",
        "avvertito",
        "ammesso",
        "confermato",
    ],
    auxiliaries: &["ha", "hanno", "aveva", "avevano", "avrebbe"],
    that: &["che"],
    according: &["secondo"],
    pronouns: &["lui", "lei", "loro", "egli"],
    determiners: &["il", "lo", "la", "i", "gli", "le", "l", "un", "una"],
    organisations: &[
        "partito",
        "ministero",
        "governo",
        "consiglio",
        "nazioni",
        "unione",
        "esercito",
        "fronte",
        "agenzia",
        "comitato",
        "fratelli",
        "forze",
        "nato",
        "onu",
        "banca",
        "lega",
        "tribunale",
    ],
};

const PORTUGUESE: Lexicon = Lexicon {
    cues: &[
        "disse",
        "diz",
        "dizem",
        "disseram",
        "dito",
        "afirmou",
        "afirma",
        "afirmado",
        "declarou",
        "declara",
        "declarado",
        "explicou",
        "explica",
        "acrescentou",
        "acrescenta",
        "sublinhou",
        "salientou",
        "garantiu",
        "garante",
        "assegurou",
        "indicou",
        "anunciou",
        "referiu",
        "adiantou",
        "frisou",
        "defendeu",
        "considerou",
        "afirmaram",
        "declararam",
        "denunciou",
        "admitiu",
        "confirmou",
        "negou",
    ],
    auxiliaries: &["tem", "têm", "tinha", "havia"],
    that: &["que"],
    according: &["segundo", "conforme"],
    pronouns: &["ele", "ela", "eles", "elas"],
    determiners: &["o", "a", "os", "as", "um", "uma"],
    organisations: &[
        "partido",
        "ministério",
        "governo",
        "conselho",
        "nações",
        "união",
        "exército",
        "frente",
        "agência",
        "comité",
        "comitê",
        "irmandade",
        "forças",
        "otan",
        "onu",
        "banco",
        "liga",
    ],
};

fn lexicon(lang: Lang) -> Option<&'static Lexicon> {
    Some(match lang.code() {
        "es" => &SPANISH,
        "fr" => &FRENCH,
        "de" => &GERMAN,
        "it" => &ITALIAN,
        "pt" => &PORTUGUESE,
        _ => return None,
    })
}

/// Particles inside a name ("Ministerio de Defensa", "Ursula von der
/// Leyen", "Luiz Inácio Lula da Silva").
fn is_particle(w: &str) -> bool {
    matches!(
        w,
        "de" | "del"
            | "da"
            | "das"
            | "do"
            | "dos"
            | "di"
            | "du"
            | "des"
            | "von"
            | "van"
            | "der"
            | "den"
            | "al"
            | "el"
            | "bin"
            | "ibn"
            | "la"
            | "y"
    )
}

/// The token view of one article.
struct Doc<'a> {
    text: &'a str,
    toks: Vec<Tok>,
    lower: Vec<String>,
    in_quote: Vec<bool>,
    lang: Lang,
    /// Words (lower-cased) the text capitalises inside a sentence.
    mid_caps: rustc_hash::FxHashSet<String>,
}

impl<'a> Doc<'a> {
    fn new(text: &'a str, lang: Lang) -> Self {
        let mut toks = tokenize(text, lang);
        for t in &mut toks {
            t.kind = match (&text[t.start..t.end], t.kind) {
                ("‹" | "「" | "『", _) => TokKind::Open,
                ("›" | "」" | "』", _) => TokKind::Close,
                // German quotes open low and close high: „…“ and ‚…‘.
                ("“" | "‘", _) if lang.code() == "de" => TokKind::Close,
                ("‚", _) if lang.code() == "de" => TokKind::Open,
                (_, k) => k,
            };
        }
        let lower = toks
            .iter()
            .map(|t| text[t.start..t.end].to_lowercase())
            .collect();
        Doc {
            text,
            toks,
            lower,
            in_quote: Vec::new(),
            lang,
            mid_caps: Default::default(),
        }
    }

    fn word(&self, i: usize) -> &'a str {
        &self.text[self.toks[i].start..self.toks[i].end]
    }

    fn is_word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == TokKind::Word)
    }

    fn is_cap(&self, i: usize) -> bool {
        self.is_word(i) && self.word(i).chars().next().is_some_and(char::is_uppercase)
    }

    fn is_punct(&self, i: usize, p: &[&str]) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.kind == TokKind::Punct && p.contains(&self.word(i)))
    }

    /// Whether a capitalised word is one of the language's function words
    /// ("El", "Le", "Die"), not a name.
    fn is_function_word(&self, i: usize) -> bool {
        is_stop_word_in(&self.lower[i], self.lang)
    }

    /// The name (a run of capitalised words with particles) that starts at
    /// `i`, as a token range; none when `i` is not capitalised.
    fn name_at(&self, i: usize, sentence_start: usize) -> Option<(usize, usize)> {
        if !self.is_cap(i) || self.in_quote.get(i).copied().unwrap_or(false) {
            return None;
        }
        let mut end = i + 1;
        loop {
            if self.is_cap(end) && self.toks[end].para == self.toks[i].para {
                end += 1;
            } else if self.is_word(end)
                && is_particle(&self.lower[end])
                && self.is_cap(end + 1)
                && end + 1 < self.toks.len()
            {
                end += 2;
            } else {
                break;
            }
        }
        // A sentence's first word is a name on its own only when the text
        // also capitalises it inside a sentence, or it names a place.
        if i == sentence_start
            && end == i + 1
            && !self.mid_caps.contains(&self.lower[i])
            && gazetteer().place(self.word(i)).is_none()
        {
            return None;
        }
        // A leading article ("Ο Αλέξης Τσίπρας", "El Cairo") is not part
        // of the name.
        let mut start = i;
        while start + 1 < end && self.is_function_word(start) {
            start += 1;
        }
        if self.is_function_word(start) {
            return None;
        }
        Some((start, end))
    }

    /// The name that ends at token `end - 1`.
    fn name_ending_at(&self, end: usize, lo: usize) -> Option<(usize, usize)> {
        if end == 0 || end <= lo || !self.is_cap(end - 1) {
            return None;
        }
        let mut start = end - 1;
        while start > lo {
            if self.is_cap(start - 1) {
                start -= 1;
            } else if start >= lo + 2
                && is_particle(&self.lower[start - 1])
                && self.is_cap(start - 2)
            {
                start -= 2;
            } else {
                break;
            }
        }
        // A leading function word ("El", "Der") opens the sentence, not the name.
        while start < end - 1 && self.is_function_word(start) {
            start += 1;
        }
        Some((start, end))
    }
}

/// A speaker found around a cue: the whole phrase and its head.
type Speaker = ((usize, usize), (usize, usize));

struct Rules<'d, 'a> {
    doc: &'d Doc<'a>,
    lex: &'static Lexicon,
}

impl Rules<'_, '_> {
    fn is_cue(&self, i: usize) -> bool {
        self.doc.is_word(i) && self.lex.cues.contains(&self.doc.lower[i].as_str())
    }

    /// A speaker phrase that starts at `i` (after a cue): a pronoun, or
    /// determiner + role words + name, or a name.
    fn speaker_after(&self, i: usize, hi: usize) -> Option<Speaker> {
        let d = self.doc;
        if i >= hi || !d.is_word(i) {
            return None;
        }
        if self.lex.pronouns.contains(&d.lower[i].as_str()) {
            return Some(((i, i + 1), (i, i + 1)));
        }
        let mut k = i;
        if self.lex.determiners.contains(&d.lower[k].as_str()) {
            k += 1;
        }
        // Role words before the name ("el ministro de Exteriores, X").
        let role_start = k;
        while k < hi && k < role_start + 4 && d.is_word(k) && !d.is_cap(k) {
            k += 1;
        }
        let (a, b) = match d.name_at(k, usize::MAX) {
            Some((a, b)) if b <= hi => (a, b),
            _ if k > role_start && k <= hi => return Some(((i, k), (role_start, k))),
            _ => return None,
        };
        // "el ministro de Defensa, Juan García": the name in apposition is
        // the speaker; "el ministro de Defensa" alone is a role.
        if d.is_punct(b, &[","])
            && let Some((x, y)) = d.name_at(b + 1, usize::MAX).filter(|r| r.1 <= hi)
        {
            return Some(((i, y), (x, y)));
        }
        if k > role_start && a > 0 && is_particle(&d.lower[a - 1]) {
            return Some(((i, b), (role_start, b)));
        }
        Some(((i, b), (a, b)))
    }

    /// A speaker phrase that ends just before `end` (before a cue).
    fn speaker_before(&self, end: usize, lo: usize) -> Option<Speaker> {
        let d = self.doc;
        if end == 0 || end <= lo {
            return None;
        }
        let last = end - 1;
        if self.lex.pronouns.contains(&d.lower[last].as_str()) {
            return Some(((last, end), (last, end)));
        }
        let (a, b) = d.name_ending_at(end, lo)?;
        // Role words and a determiner before the name belong to the phrase.
        let mut start = a;
        while start > lo && start + 4 > a && d.is_word(start - 1) && !d.is_cap(start - 1) {
            if self.lex.that.contains(&d.lower[start - 1].as_str()) || self.is_cue(start - 1) {
                break;
            }
            start -= 1;
            if self.lex.determiners.contains(&d.lower[start].as_str()) {
                break;
            }
        }
        Some(((start, b), (a, b)))
    }

    /// The cue at or right after `i` (an auxiliary may come first), with
    /// the token after it.
    fn cue_from(&self, i: usize) -> Option<usize> {
        if self.is_cue(i) {
            return Some(i);
        }
        let d = self.doc;
        if d.is_word(i) && self.lex.auxiliaries.contains(&d.lower[i].as_str()) && self.is_cue(i + 1)
        {
            return Some(i + 1);
        }
        None
    }
}

/// Finds the quotes and names of an article in a language other than
/// English.
pub fn extract_in(text: &str, lang: Lang) -> Attributions {
    let support = support(lang, text);
    if support == Support::None {
        return Attributions {
            support,
            ..Attributions::default()
        };
    }
    let mut doc = Doc::new(text, lang);
    let quotes_found = quotations(text, &doc.toks);
    let mut in_quote = vec![false; doc.toks.len()];
    for q in &quotes_found {
        for x in in_quote.iter_mut().take(q.close + 1).skip(q.open) {
            *x = true;
        }
    }
    doc.in_quote = in_quote;
    let sentences = sentences(text, &doc.toks, &quotes_found, lang);
    for &(lo, hi) in &sentences {
        for k in lo + 1..hi {
            if doc.is_cap(k) && !doc.is_cap(k - 1) && !doc.is_function_word(k) {
                let w = doc.lower[k].clone();
                doc.mid_caps.insert(w);
            }
        }
    }
    let chars = super::extract::CharMap::new(text);
    let span = |a: usize, b: usize| chars.span(doc.toks[a].start, doc.toks[b - 1].end);
    let slice = |a: usize, b: usize| &text[doc.toks[a].start..doc.toks[b - 1].end];
    let mut quotes = Vec::new();
    let mut speakers: Vec<(usize, usize)> = Vec::new();
    if let (Support::Full, Some(lex)) = (support, lexicon(lang)) {
        let rules = Rules { doc: &doc, lex };
        let mut quote = |kind, content: (usize, usize), cue: usize, speaker: Option<Speaker>| {
            let inner = if matches!(kind, QuoteKind::Direct) {
                (content.0 + 1, content.1 - 1)
            } else {
                content
            };
            if inner.1 <= inner.0 {
                return;
            }
            let words = (inner.0..inner.1).filter(|&k| doc.is_word(k)).count();
            if words < 3 {
                return;
            }
            if let Some((_, head)) = speaker {
                speakers.push(head);
            }
            let body = slice(inner.0, inner.1).trim_end_matches([',', ' ', '.']);
            quotes.push(Quote {
                kind,
                text: body.to_string(),
                span: span(content.0, content.1),
                fragments: Vec::new(),
                cue: Some(slice(cue, cue + 1).to_string()),
                cue_span: Some(span(cue, cue + 1)),
                speaker: speaker.map(|(_, h)| slice(h.0, h.1).to_string()),
                speaker_span: speaker.map(|(_, h)| span(h.0, h.1)),
                speech: true,
                speaker_phrase_span: speaker.filter(|(p, h)| p != h).map(|(p, _)| span(p.0, p.1)),
            });
        };
        // Direct quotes, with the cue after or before them.
        let mut used = vec![false; doc.toks.len()];
        for q in &quotes_found {
            let (open, close) = (q.open, q.close);
            let hi = sentences
                .iter()
                .find(|s| s.0 <= close && close < s.1)
                .map_or(doc.toks.len(), |s| s.1);
            let lo = sentences
                .iter()
                .find(|s| s.0 <= open && open < s.1)
                .map_or(0, |s| s.0);
            let mut k = close + 1;
            while k < hi && k <= close + 2 && doc.is_punct(k, &[",", "—", "–", "-", ";", "."]) {
                k += 1;
            }
            let after = rules.cue_from(k).map(|cue| {
                let speaker = rules.speaker_after(cue + 1, hi).or_else(|| {
                    // "«…», el ministro dijo": the subject before the cue.
                    rules.speaker_before(if cue > k { cue - 1 } else { cue }, k)
                });
                (cue, speaker)
            });
            // "«…», X dijo" / "„…“, so Merkel": a name first, then the cue.
            let after = after.or_else(|| {
                let (_, (_, b)) = rules.speaker_after(k, hi)?;
                let cue = rules.cue_from(b)?;
                Some((cue, rules.speaker_after(k, hi)))
            });
            let before = || {
                let mut k = open;
                while k > lo && doc.is_punct(k - 1, &[":", ","]) {
                    k -= 1;
                }
                let cue = (k.saturating_sub(2).max(lo)..k)
                    .rev()
                    .find(|&c| rules.is_cue(c))?;
                let subject_end =
                    if cue > lo && lex.auxiliaries.contains(&doc.lower[cue - 1].as_str()) {
                        cue - 1
                    } else {
                        cue
                    };
                Some((cue, rules.speaker_before(subject_end, lo)))
            };
            if let Some((cue, speaker)) = after.or_else(before) {
                quote(QuoteKind::Direct, (open, close + 1), cue, speaker);
                for u in used.iter_mut().take(close + 1).skip(open) {
                    *u = true;
                }
                used[cue] = true;
            }
        }
        // Reported speech: "X dijo que …", "según X, …".
        for &(lo, hi) in &sentences {
            let mut end = hi;
            while end > lo && doc.toks[end - 1].kind == TokKind::Punct {
                end -= 1;
            }
            for (c, &taken) in used.iter().enumerate().take(end).skip(lo) {
                if taken || doc.in_quote[c] {
                    continue;
                }
                if rules.is_cue(c) {
                    let mut t = c + 1;
                    if doc.is_punct(t, &[","]) {
                        t += 1;
                    }
                    if !(doc.is_word(t) && lex.that.contains(&doc.lower[t].as_str())) {
                        continue;
                    }
                    let subject_end =
                        if c > lo && lex.auxiliaries.contains(&doc.lower[c - 1].as_str()) {
                            c - 1
                        } else {
                            c
                        };
                    let speaker = rules.speaker_before(subject_end, lo);
                    let kind = if (t + 1..end).any(|k| doc.in_quote[k]) {
                        QuoteKind::Mixed
                    } else {
                        QuoteKind::Indirect
                    };
                    if t + 1 < end {
                        quote(kind, (t + 1, end), c, speaker);
                    }
                    break;
                }
                if doc.is_word(c) && lex.according.contains(&doc.lower[c].as_str()) {
                    // "según X, …" opening the sentence, or "…, según X."
                    let comma = (c + 1..end.min(c + 10)).find(|&k| doc.is_punct(k, &[","]));
                    let speaker = rules.speaker_after(c + 1, comma.unwrap_or(end));
                    match comma {
                        Some(comma) if c == lo => {
                            if comma + 1 < end {
                                quote(QuoteKind::Indirect, (comma + 1, end), c, speaker);
                            }
                        }
                        None if c > lo + 3 && doc.is_punct(c - 1, &[","]) => {
                            quote(QuoteKind::Indirect, (lo, c - 1), c, speaker);
                        }
                        _ => continue,
                    }
                    break;
                }
            }
        }
        quotes.sort_by_key(|q| q.span.start);
    }
    // Names: capitalised runs, typed where the text or the gazetteer shows.
    let mut mentions = Vec::new();
    for &(lo, hi) in &sentences {
        let mut i = lo;
        while i < hi {
            let Some((a, b)) = doc.name_at(i, lo).filter(|r| r.1 <= hi) else {
                i += 1;
                continue;
            };
            let name = slice(a, b).to_string();
            let is_speaker = speakers.iter().any(|s| s.0 <= a && b <= s.1);
            let kind = if gazetteer().place(&name).is_some() {
                Some(EntityKind::Place)
            } else if lexicon(lang)
                .is_some_and(|l| (a..b).any(|k| l.organisations.contains(&doc.lower[k].as_str())))
            {
                Some(EntityKind::Organization)
            } else if is_speaker || (b - a >= 2 && is_first_name(&doc.lower[a])) {
                Some(EntityKind::Person)
            } else {
                None
            };
            mentions.push(Mention {
                text: name.clone(),
                span: span(a, b),
                kind,
                name,
                role: false,
                metonym: false,
                titles: Vec::new(),
            });
            i = b;
        }
    }
    Attributions {
        quotes,
        mentions,
        support,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> Lang {
        Lang::parse(code).unwrap()
    }

    fn first(text: &str, code: &str) -> Quote {
        let found = extract_in(text, lang(code));
        assert!(!found.quotes.is_empty(), "{text}: {found:#?}");
        found.quotes[0].clone()
    }

    #[test]
    fn direct_quotes_with_the_cue_after_or_before() {
        let q = first(
            "«No vamos a ceder ante nadie», dijo el ministro de Defensa, Juan García.",
            "es",
        );
        assert_eq!(q.kind, QuoteKind::Direct);
        assert_eq!(q.text, "No vamos a ceder ante nadie");
        assert_eq!(q.cue.as_deref(), Some("dijo"));
        assert_eq!(q.speaker.as_deref(), Some("Juan García"));
        let q = first(
            "„Wir schaffen das nicht allein“, sagte Merkel am Montag in Berlin.",
            "de",
        );
        assert_eq!(q.speaker.as_deref(), Some("Merkel"));
        assert_eq!(q.cue.as_deref(), Some("sagte"));
        let q = first(
            "Le président Emmanuel Macron a déclaré : « Nous ne céderons pas aux menaces. »",
            "fr",
        );
        assert_eq!(q.cue.as_deref(), Some("déclaré"));
        assert_eq!(q.speaker.as_deref(), Some("Emmanuel Macron"));
        let q = first("«Non è vero niente», ha detto Renzi ai giornalisti.", "it");
        assert_eq!(
            (q.cue.as_deref(), q.speaker.as_deref()),
            (Some("detto"), Some("Renzi"))
        );
        let q = first(
            "“Não haverá acordo com eles”, disse Lula em Brasília.",
            "pt",
        );
        assert_eq!(
            (q.cue.as_deref(), q.speaker.as_deref()),
            (Some("disse"), Some("Lula"))
        );
    }

    #[test]
    fn reported_speech_and_according_to() {
        let q = first(
            "El portavoz Ahmed Salem dijo que los rebeldes controlan la ciudad.",
            "es",
        );
        assert_eq!(q.kind, QuoteKind::Indirect);
        assert_eq!(q.text, "los rebeldes controlan la ciudad");
        assert_eq!(q.speaker.as_deref(), Some("Ahmed Salem"));
        let q = first(
            "Selon Amnesty International, des centaines de manifestants ont été arrêtés.",
            "fr",
        );
        assert_eq!(q.speaker.as_deref(), Some("Amnesty International"));
        assert!(q.text.starts_with("des centaines"));
        let q = first("Der Minister sagte, dass die Gespräche weitergehen.", "de");
        assert_eq!(q.text, "die Gespräche weitergehen");
    }

    #[test]
    fn names_in_latin_cyrillic_and_greek_scripts() {
        let names = |t: &str, c: &str| -> Vec<String> {
            extract_in(t, lang(c))
                .mentions
                .into_iter()
                .map(|m| m.name)
                .collect()
        };
        assert_eq!(
            names(
                "Ayer el presidente Hosni Mubarak habló en El Cairo con la Unión Europea.",
                "es"
            ),
            ["Hosni Mubarak", "Cairo", "Unión Europea"]
        );
        assert_eq!(
            names("Президент Владимир Путин прибыл в Москву.", "ru"),
            ["Президент Владимир Путин", "Москву"]
        );
        assert_eq!(
            names("Ο Αλέξης Τσίπρας μίλησε στην Αθήνα.", "el"),
            ["Αλέξης Τσίπρας", "Αθήνα"]
        );
    }

    #[test]
    fn languages_without_rules_say_so() {
        assert_eq!(support(lang("zh"), "习近平表示合作"), Support::None);
        assert_eq!(
            extract_in("习近平表示，「我们将继续合作」。", lang("zh")).support,
            Support::None
        );
        assert_eq!(support(lang("ru"), "Путин заявил"), Support::Names);
        let ru = extract_in(
            "Президент Владимир Путин заявил в Москве: «Переговоры продолжатся на этой неделе».",
            lang("ru"),
        );
        assert_eq!(ru.support, Support::Names);
        assert!(ru.quotes.is_empty() && !ru.mentions.is_empty());
        assert_eq!(support(lang("es"), "dijo"), Support::Full);
    }
}
