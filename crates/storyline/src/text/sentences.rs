//! Sentence splitting for news text.
//!
//! A rule-based splitter tuned for wire copy: it keeps abbreviations
//! ("U.S.", "U.N.", "Mr.", "Jan."), initials ("George W. Bush") and decimals
//! together, splits sentences glued without a space ("war.The"), but not
//! glued abbreviations ("the U.S.to avoid"), and keeps a quotation that holds
//! several sentences in one piece with its attribution
//! (`"We go. We win," he said.`).

use unicode_segmentation::UnicodeSegmentation;

use super::Lang;
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

/// English titles before a name: a period after them never ends a sentence.
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

/// What the rule-based splitter knows of a language.
struct Rules {
    /// Titles before a name: a period after them never ends a sentence.
    titles: &'static [&'static str],
    /// Abbreviations (lower case) that may end a sentence, but usually do not.
    abbreviations: &'static [&'static str],
    /// Abbreviations matched with their case only ("Calif", "Wash", not
    /// "wash") that keep their period as words ([`keeps_period`]) but end a
    /// sentence before any capital: in running text one is more often last
    /// in its sentence ("Nvidia of Santa Clara, Calif. Apart from ATI, …").
    dotted_names: &'static [&'static str],
    /// Words that commonly open a sentence: after an abbreviation, one of
    /// these means the abbreviation also ended the sentence.
    starters: &'static [&'static str],
    /// A period after a number is an ordinal ("am 3. Oktober") unless a
    /// sentence opener follows.
    ordinal_period: bool,
    /// Quotations open with „ and close with “ (German).
    low_high_quotes: bool,
}

/// US state abbreviations, in datelines and party tags ("R-Calif.").
const US_STATES: &[&str] = &[
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan", "Ky",
    "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev", "Okla", "Ore", "Pa",
    "Tenn", "Tex", "Va", "Vt", "Wash", "Wis", "Wyo",
];

const ENGLISH: Rules = Rules {
    titles: TITLES,
    abbreviations: ABBREVIATIONS,
    dotted_names: US_STATES,
    starters: STARTERS,
    ordinal_period: false,
    low_high_quotes: false,
};

const SPANISH: Rules = Rules {
    titles: &[
        "Sr", "Sra", "Srta", "Sres", "Dr", "Dra", "Lic", "Ing", "Prof", "Profa", "Gral", "Cnel",
        "Tte", "Cap", "Mons", "Excmo", "Excma", "Ilmo", "Ud", "Uds", "Vd", "Vds", "Dña", "Sto",
        "Sta", "Pdte", "Arq",
    ],
    abbreviations: &[
        "etc", "pág", "págs", "núm", "art", "arts", "av", "avda", "aprox", "tel", "cía", "apdo",
        "dpto", "ej", "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "sept", "oct",
        "nov", "dic", "vol", "cap", "p", "pp", "vs", "cfr", "máx", "mín", "n", "no", "nº", "ss",
    ],
    dotted_names: &[],
    starters: &[
        "El", "La", "Los", "Las", "Un", "Una", "Unos", "Unas", "Él", "Ella", "Ellos", "Ellas",
        "Este", "Esta", "Estos", "Estas", "Ese", "Esa", "Eso", "Esto", "Pero", "Y", "O", "Sin",
        "Con", "En", "Por", "Para", "Según", "Tras", "Después", "Antes", "Cuando", "Mientras",
        "Si", "Como", "Aunque", "Además", "También", "Ya", "No", "Hoy", "Ayer", "Desde", "Durante",
        "Entre", "Al", "Del", "Lo", "Le", "Les", "Se", "Su", "Sus", "Hay", "Es", "Fue", "Son",
        "Así", "Otro", "Otra", "Todos", "Muchos", "Algunos", "De", "A",
    ],
    ordinal_period: false,
    low_high_quotes: false,
};

const FRENCH: Rules = Rules {
    titles: &[
        "M", "MM", "Mme", "Mmes", "Mlle", "Mlles", "Dr", "Pr", "Me", "Mgr", "St", "Ste", "Gal",
        "Cdt", "Col", "Lt",
    ],
    abbreviations: &[
        "etc", "av", "bd", "boul", "apr", "env", "cf", "p", "pp", "vol", "no", "janv", "févr",
        "fév", "avr", "juil", "sept", "oct", "nov", "déc", "lun", "mar", "mer", "jeu", "ven",
        "sam", "dim", "éd", "chap", "min", "max", "hab", "tél", "ex", "art",
    ],
    dotted_names: &[],
    starters: &[
        "Le",
        "La",
        "Les",
        "L",
        "Un",
        "Une",
        "Des",
        "Il",
        "Elle",
        "Ils",
        "Elles",
        "On",
        "Nous",
        "Vous",
        "Je",
        "Ce",
        "Cet",
        "Cette",
        "Ces",
        "Mais",
        "Et",
        "Ou",
        "Donc",
        "Or",
        "Car",
        "En",
        "Dans",
        "Pour",
        "Par",
        "Sur",
        "Avec",
        "Sans",
        "Selon",
        "Après",
        "Avant",
        "Depuis",
        "Pendant",
        "Lorsque",
        "Quand",
        "Si",
        "Comme",
        "Alors",
        "Ainsi",
        "Puis",
        "Aujourd",
        "Hier",
        "Cependant",
        "Pourtant",
        "Toutefois",
        "Enfin",
        "Aussi",
        "Son",
        "Sa",
        "Ses",
        "Leur",
        "Leurs",
        "Au",
        "Aux",
        "Du",
        "De",
        "C",
        "Cela",
        "Tous",
        "Plusieurs",
        "Certains",
        "A",
    ],
    ordinal_period: false,
    low_high_quotes: false,
};

const GERMAN: Rules = Rules {
    titles: &[
        "Dr", "Prof", "Hr", "Hrn", "Fr", "Frl", "Dipl", "Ing", "St", "Hl", "Gen", "Mag",
    ],
    abbreviations: &[
        "bzw", "ca", "usw", "etc", "evtl", "ggf", "inkl", "vgl", "nr", "str", "jh", "jhd", "mio",
        "mrd", "bd", "abs", "art", "tel", "zit", "sog", "ebd", "u", "z", "d", "v", "s", "jan",
        "feb", "mrz", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dez", "mo", "di",
        "mi", "do", "fr", "sa", "so", "geb", "gest", "max", "min", "rd", "tsd",
    ],
    dotted_names: &[],
    starters: &[
        "Der",
        "Die",
        "Das",
        "Den",
        "Dem",
        "Des",
        "Ein",
        "Eine",
        "Einen",
        "Er",
        "Sie",
        "Es",
        "Wir",
        "Ich",
        "Ihr",
        "Man",
        "Aber",
        "Und",
        "Oder",
        "Doch",
        "Denn",
        "Dann",
        "Danach",
        "Als",
        "Wenn",
        "Wie",
        "Im",
        "In",
        "Am",
        "An",
        "Auf",
        "Bei",
        "Mit",
        "Nach",
        "Vor",
        "Seit",
        "Laut",
        "Zudem",
        "Auch",
        "Dies",
        "Diese",
        "Dieser",
        "Dieses",
        "Damit",
        "Dabei",
        "Deshalb",
        "Trotzdem",
        "Jedoch",
        "Allerdings",
        "So",
        "Nun",
        "Heute",
        "Gestern",
        "Zum",
        "Zur",
        "Vom",
        "Beim",
        "Für",
        "Um",
        "Über",
        "Unter",
        "Gegen",
        "Seine",
        "Sein",
        "Ihre",
        "Alle",
        "Viele",
        "Einige",
        "Bereits",
        "Noch",
    ],
    ordinal_period: true,
    low_high_quotes: true,
};

const ITALIAN: Rules = Rules {
    titles: &[
        "Sig", "Sigg", "Sigra", "Dott", "Dr", "Prof", "Ing", "Avv", "On", "Sen", "Gen", "Col",
        "Mons", "Geom", "Rag", "S", "Ss", "Sant",
    ],
    abbreviations: &[
        "ecc", "pag", "pagg", "art", "artt", "n", "nr", "tel", "cap", "vol", "gen", "feb", "mar",
        "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic", "ca", "cfr", "es", "fig",
        "max", "min", "dott", "prof", "sig",
    ],
    dotted_names: &[],
    starters: &[
        "Il", "Lo", "La", "I", "Gli", "Le", "L", "Un", "Uno", "Una", "Lui", "Lei", "Loro", "Noi",
        "Io", "Ma", "E", "O", "Però", "Quindi", "Poi", "In", "Nel", "Nella", "Per", "Con", "Su",
        "Da", "Dopo", "Prima", "Secondo", "Quando", "Mentre", "Se", "Come", "Anche", "Questo",
        "Questa", "Questi", "Queste", "Non", "Oggi", "Ieri", "Già", "Intanto", "Inoltre",
        "Tuttavia", "Infatti", "Così", "Tutti", "Molti", "Alcuni", "Del", "Della", "Al", "Alla",
        "A",
    ],
    ordinal_period: false,
    low_high_quotes: false,
};

const PORTUGUESE: Rules = Rules {
    titles: &[
        "Sr", "Sra", "Srta", "Dr", "Dra", "Prof", "Profa", "Exmo", "Exma", "Gen", "Cel", "Ten",
        "Cap", "Sto", "Sta", "Eng", "D",
    ],
    abbreviations: &[
        "etc", "pág", "págs", "nº", "n", "art", "arts", "av", "tel", "cia", "aprox", "jan", "fev",
        "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez", "vol", "cap", "p",
        "pp", "ex",
    ],
    dotted_names: &[],
    starters: &[
        "O",
        "A",
        "Os",
        "As",
        "Um",
        "Uma",
        "Uns",
        "Umas",
        "Ele",
        "Ela",
        "Eles",
        "Elas",
        "Nós",
        "Eu",
        "Mas",
        "E",
        "Ou",
        "Porém",
        "Contudo",
        "Entretanto",
        "No",
        "Na",
        "Nos",
        "Nas",
        "Em",
        "Para",
        "Por",
        "Com",
        "Sem",
        "Segundo",
        "Após",
        "Depois",
        "Antes",
        "Quando",
        "Enquanto",
        "Se",
        "Como",
        "Também",
        "Já",
        "Não",
        "Hoje",
        "Ontem",
        "Este",
        "Esta",
        "Esse",
        "Essa",
        "Isso",
        "Isto",
        "Ainda",
        "Assim",
        "Além",
        "Todos",
        "Muitos",
        "Alguns",
        "Do",
        "Da",
        "Ao",
    ],
    ordinal_period: false,
    low_high_quotes: false,
};

const DUTCH: Rules = Rules {
    titles: &[
        "Dhr", "Mevr", "Mw", "Dr", "Prof", "Ir", "Drs", "Mr", "Ing", "St", "Mgr",
    ],
    abbreviations: &[
        "bijv", "bv", "enz", "ca", "nr", "blz", "jl", "etc", "resp", "evt", "vgl", "incl", "excl",
        "max", "min", "jan", "feb", "mrt", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov",
        "dec", "ma", "di", "wo", "do", "vr", "za", "zo", "tel", "mln", "mld",
    ],
    dotted_names: &[],
    starters: &[
        "De", "Het", "Een", "Hij", "Zij", "Ze", "Wij", "We", "Ik", "Jij", "U", "Maar", "En", "Of",
        "Want", "Dus", "Toen", "Als", "Wanneer", "In", "Op", "Aan", "Bij", "Met", "Na", "Voor",
        "Volgens", "Tijdens", "Sinds", "Ook", "Dat", "Dit", "Deze", "Die", "Er", "Daar", "Hier",
        "Nu", "Vandaag", "Gisteren", "Daarna", "Daarom", "Toch", "Echter", "Alle", "Veel",
        "Sommige", "Zijn", "Haar", "Hun",
    ],
    ordinal_period: false,
    low_high_quotes: false,
};

/// The rules of a language, for the languages that have them.
fn rules(lang: Lang) -> Option<&'static Rules> {
    Some(match lang.code() {
        "en" => &ENGLISH,
        "es" => &SPANISH,
        "fr" => &FRENCH,
        "de" => &GERMAN,
        "it" => &ITALIAN,
        "pt" => &PORTUGUESE,
        "nl" => &DUTCH,
        _ => return None,
    })
}

/// Splits normalised English text (see [`super::normalize`]) into
/// sentences.
pub fn split_sentences(normalized: &str) -> Vec<SentenceSpan> {
    split_sentences_in(normalized, Lang::EN)
}

/// Splits normalised text in `lang` into sentences: by the rules above
/// for English, Spanish, French, German, Italian, Portuguese and Dutch,
/// by the Unicode sentence boundaries of UAX #29 (which end sentences at
/// 。！？ too) for every other language.
pub fn split_sentences_in(normalized: &str, lang: Lang) -> Vec<SentenceSpan> {
    let mut out = Vec::new();
    let rules = rules(lang);
    for (paragraph, (start, end)) in paragraphs(normalized).enumerate() {
        let p = &normalized[start..end];
        match rules {
            Some(r) => split_paragraph(p, start, paragraph, r, &mut out),
            None => split_paragraph_unicode(p, start, paragraph, &mut out),
        }
    }
    out
}

/// Pushes the trimmed sentence `p[from..to]`, if it is not blank.
fn push_trimmed(
    p: &str,
    (from, to): (usize, usize),
    base: usize,
    paragraph: usize,
    out: &mut Vec<SentenceSpan>,
) {
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
}

/// UAX #29 sentences; a piece without a letter or digit (a closing quote
/// or bracket left alone) goes with the sentence before it.
fn split_paragraph_unicode(p: &str, base: usize, paragraph: usize, out: &mut Vec<SentenceSpan>) {
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    for (at, piece) in p.split_sentence_bound_indices() {
        let mut range = (at, at + piece.len());
        // UAX #29 counts an opening mark after a full stop as closing the
        // sentence ("。「"): it opens the next one.
        if let Some(last) = pieces.last_mut() {
            let opener = p[..last.1].trim_end().len();
            let kept = p[last.0..opener].trim_end_matches(is_opening_mark).len();
            if kept > 0 && last.0 + kept < opener {
                range.0 = last.0 + kept;
                last.1 = range.0;
            }
        }
        match pieces.last_mut() {
            Some(last) if !piece.chars().any(char::is_alphanumeric) => last.1 = range.1,
            _ => pieces.push(range),
        }
    }
    for range in pieces {
        push_trimmed(p, range, base, paragraph, out);
    }
}

fn is_opening_mark(c: char) -> bool {
    matches!(
        c,
        '「' | '『' | '（' | '(' | '[' | '“' | '«' | '„' | '‹' | '〈' | '《' | '【' | '〔' | '"'
    )
}

fn split_paragraph(
    p: &str,
    base: usize,
    paragraph: usize,
    rules: &Rules,
    out: &mut Vec<SentenceSpan>,
) {
    let chars: Vec<(usize, char)> = p.char_indices().collect();
    let quotes = quotation_spans(&chars, rules);
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
        while j < chars.len() && is_closer(&chars, j, rules) {
            j += 1;
        }
        let end = chars.get(j).map_or(p.len(), |c| c.0);
        if j >= chars.len() || ends_sentence(p, &chars, &quotes, i, j, rules) {
            push_trimmed(p, (start, end), base, paragraph, out);
            start = end;
        }
        i = j.max(i + 1);
    }
    if start < p.len() {
        push_trimmed(p, (start, p.len()), base, paragraph, out);
    }
}

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '\u{2026}')
}

fn is_closer(chars: &[(usize, char)], j: usize, rules: &Rules) -> bool {
    match chars[j].1 {
        '\u{201D}' | '\u{2019}' | ')' | ']' | '\u{00BB}' | '\u{203A}' => true,
        '\u{201C}' | '\u{2018}' => rules.low_high_quotes,
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
fn quotation_spans(chars: &[(usize, char)], rules: &Rules) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut open: Option<usize> = None;
    for (k, &(b, c)) in chars.iter().enumerate() {
        let opening = match c {
            '\u{201E}' => Some(true),
            '\u{201C}' => Some(!rules.low_high_quotes),
            '\u{00AB}' => Some(true),
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

fn is_abbreviation(word: &str, rules: &Rules) -> bool {
    rules.titles.contains(&word) || rules.abbreviations.contains(&word.to_lowercase().as_str())
}

/// Whether the period after `word` belongs to it in `lang`: a title
/// ("Mr.", "Sen."), a capitalised abbreviation ("Inc.", "Jan.", "Calif.")
/// or initials ("J.", "U.S."). What a tokenizer that keeps such words whole
/// asks (the period may still end the sentence too); a lower-case word
/// ("no.", "est.") keeps no period.
pub fn keeps_period(word: &str, lang: Lang) -> bool {
    let capital = word.chars().next().is_some_and(char::is_uppercase);
    if !capital {
        return false;
    }
    if is_initials(word) {
        return true;
    }
    let rules = rules(lang).unwrap_or(&ENGLISH);
    is_abbreviation(word, rules) || rules.dotted_names.contains(&word)
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
    rules: &Rules,
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
            && !is_abbreviation(prev, rules);
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
        if rules.titles.contains(&prev) {
            return false;
        }
        if is_initials(prev) || is_abbreviation(prev, rules) {
            return rules.starters.contains(&next);
        }
        if rules.ordinal_period
            && (1..=3).contains(&prev.len())
            && prev.bytes().all(|b| b.is_ascii_digit())
        {
            return rules.starters.contains(&next);
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
    fn us_states_keep_their_period_and_end_sentences() {
        assert_eq!(
            split("It competes with Nvidia of Santa Clara, Calif. Apart from ATI, AMD buys."),
            [
                "It competes with Nvidia of Santa Clara, Calif.",
                "Apart from ATI, AMD buys."
            ]
        );
        // "ill" is a word, not Illinois.
        assert_eq!(
            split("He fell ill. Doctors said so."),
            ["He fell ill.", "Doctors said so."]
        );
        assert!(keeps_period("Calif", Lang::EN) && keeps_period("Sen", Lang::EN));
        assert!(keeps_period("U.S", Lang::EN) && keeps_period("J", Lang::EN));
        assert!(!keeps_period("no", Lang::EN) && !keeps_period("ill", Lang::EN));
        assert!(!keeps_period("Sra", Lang::EN));
        assert!(keeps_period("Sra", Lang::parse("es").unwrap()));
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

    fn split_in<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
        split_sentences_in(text, Lang::parse(lang).unwrap())
            .into_iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn abbreviations_of_each_language() {
        assert_eq!(
            split_in(
                "El Sr. García llegó a EE.UU. ayer. La reunión terminó.",
                "es"
            ),
            ["El Sr. García llegó a EE.UU. ayer.", "La reunión terminó."]
        );
        assert_eq!(
            split_in("M. Macron a parlé avec Mme Borne. Il est parti.", "fr"),
            ["M. Macron a parlé avec Mme Borne.", "Il est parti."]
        );
        assert_eq!(
            split_in(
                "„Wir schaffen das. Ganz sicher“, sagte Dr. Merkel am 3. Oktober. Danach ging sie, d.h. sie ging.",
                "de"
            ),
            [
                "„Wir schaffen das. Ganz sicher“, sagte Dr. Merkel am 3. Oktober.",
                "Danach ging sie, d.h. sie ging."
            ]
        );
        assert_eq!(
            split_in(
                "Il Sig. Rossi e il dott. Bianchi sono arrivati. Poi è iniziato.",
                "it"
            ),
            [
                "Il Sig. Rossi e il dott. Bianchi sono arrivati.",
                "Poi è iniziato."
            ]
        );
        assert_eq!(
            split_in("O Sr. Silva chegou. Ele falou.", "pt"),
            ["O Sr. Silva chegou.", "Ele falou."]
        );
        assert_eq!(
            split_in("Dhr. Jansen kwam bijv. gisteren. Hij bleef.", "nl"),
            ["Dhr. Jansen kwam bijv. gisteren.", "Hij bleef."]
        );
    }

    #[test]
    fn unicode_rules_elsewhere() {
        assert_eq!(
            split_in("中国外交部发言人周三表示。双方将继续磋商！真的吗？", "zh"),
            ["中国外交部发言人周三表示。", "双方将继续磋商！", "真的吗？"]
        );
        assert_eq!(
            split_in(
                "東京都は水曜日、対策を発表した。「感染を防ぐ」と述べた。",
                "ja"
            ),
            [
                "東京都は水曜日、対策を発表した。",
                "「感染を防ぐ」と述べた。"
            ]
        );
        assert_eq!(
            split_in(
                "Путин заявил об этом в среду. Переговоры продолжатся.",
                "ru"
            ),
            ["Путин заявил об этом в среду.", "Переговоры продолжатся."]
        );
        assert_eq!(
            split_in("قال الرئيس ذلك؟ نعم.", "ar"),
            ["قال الرئيس ذلك؟", "نعم."]
        );
        assert_eq!(split_in("no stop at all", "und"), ["no stop at all"]);
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
