//! Finding the names of one article: runs of capitalised words, with the
//! titles and role words around them, typed by the gazetteer, titles and
//! organisation words; and role phrases ("the secretary of state") that
//! the story join resolves to a name.

use rustc_hash::FxHashSet as HashSet;

use super::EntityKind;
use super::extract::Doc;
use super::gazetteer::gazetteer;
use super::lexicon::{
    is_capitalised_function_word, is_determiner, is_first_name, is_locative_preposition,
    is_org_word, is_person_title, is_place_first_word, is_place_word, is_role_noun,
};
use super::tokens::TokKind;

/// A name or role phrase, in tokens.
#[derive(Debug, Clone)]
pub(crate) struct NameHit {
    /// The mention as written (titles included): tokens `[start, end)`.
    pub start: usize,
    pub end: usize,
    /// The name itself, without titles; for a role phrase, its role key.
    pub name: String,
    pub kind: Option<EntityKind>,
    /// A role phrase, not a name.
    pub role: bool,
    /// A capital standing for its country's government ("Moscow said").
    pub metonym: bool,
    /// Role keys the article gives this name ("secretary of state").
    pub titles: Vec<String>,
}

/// Strips a possessive ending.
fn bare(word: &str) -> &str {
    word.strip_suffix("'s")
        .or_else(|| word.strip_suffix("’s"))
        .or_else(|| word.strip_suffix('\''))
        .or_else(|| word.strip_suffix('’'))
        .unwrap_or(word)
}

/// "Manuel Charr of Germany", "Mayor Frank Jackson of Cleveland": a name
/// with no organisation word before an "of" and a known place after it
/// is two names.
fn person_of_place(doc: &Doc<'_>, a: usize, of: usize) -> bool {
    if doc.lower[of] != "of" {
        return false;
    }
    let g = gazetteer();
    let mut e = of + 1;
    while e < doc.toks.len() && doc.is_cap(e) {
        e += 1;
    }
    let after: Vec<&str> = (of + 1..e).map(|k| bare(doc.word(k))).collect();
    let org_after =
        after.last().is_some_and(|w| is_org_word(&w.to_lowercase())) || doc.word(of + 1) == "The";
    let person_before =
        of - a >= 2 && of - a <= 4 && !(a..of).any(|k| is_person_title(&doc.lower[k]));
    (g.place(&after.join(" ")).is_some() || (org_after && person_before))
        && !(a..of).any(|k| is_org_word(bare(&doc.lower[k])) || g.place(doc.word(k)).is_some())
        && !(a..of).any(|k| {
            matches!(
                doc.lower[k].as_str(),
                "gulf"
                    | "bay"
                    | "sea"
                    | "isle"
                    | "republic"
                    | "kingdom"
                    | "state"
                    | "city"
                    | "province"
                    | "county"
                    | "duke"
                    | "prince"
                    | "king"
                    | "queen"
                    | "bank"
            )
        })
}

/// Whether a capital at tokens `[a, b)` stands for its government: it
/// acts ("Moscow said", "Washington launched strikes"), is acted on as a
/// party ("urged Moscow to", "talks with Moscow"), or holds a position
/// ("Moscow's stance"). "In Moscow", "Athens was rocked" are the city.
fn acts_as_government(doc: &Doc<'_>, a: usize, b: usize) -> bool {
    if a > 0 && is_locative_preposition(&doc.lower[a - 1]) {
        return false;
    }
    let last = doc.word(b - 1);
    if last.ends_with("'s") || last.ends_with("’s") {
        return true;
    }
    let before = if a > 0 { doc.lower[a - 1].as_str() } else { "" };
    if matches!(
        before,
        "urged"
            | "urging"
            | "accused"
            | "pressed"
            | "warned"
            | "told"
            | "asked"
            | "criticized"
            | "criticised"
            | "blamed"
            | "condemned"
            | "between"
            | "with"
            | "against"
            | "and"
            | "pressure"
            | "sanctioned"
            | "allies"
            | "ally"
    ) {
        return true;
    }
    let mut k = b;
    while k < doc.toks.len() && super::lexicon::is_verb_filler(&doc.lower[k]) {
        k += 1;
    }
    k < doc.toks.len()
        && !doc.is_cap(k)
        && (super::lexicon::cue_class(&doc.lower[k]).is_some()
            || matches!(
                doc.lower[k].as_str(),
                "launched"
                    | "retaliated"
                    | "vetoed"
                    | "suspended"
                    | "expelled"
                    | "imposed"
                    | "sanctioned"
                    | "signed"
                    | "refused"
                    | "wants"
                    | "insists"
                    | "dismisses"
                    | "backs"
                    | "supports"
                    | "opposes"
                    | "recalled"
                    | "summoned"
                    | "sent"
            ))
}

/// Capitalised adjectives that name no one on their own.
fn is_capitalised_adjective(w: &str) -> bool {
    matches!(
        w,
        "western"
            | "eastern"
            | "northern"
            | "southern"
            | "democratic"
            | "arab"
            | "islamic"
            | "muslim"
            | "christian"
            | "jewish"
            | "sunni"
            | "shiite"
            | "shia"
            | "catholic"
            | "protestant"
            | "hispanic"
            | "latino"
            | "asian"
            | "african"
            | "european"
            | "soviet"
            | "federal"
            | "national"
            | "international"
            | "internet"
            | "god"
    )
}

/// "al-Assad", "el-Sisi": a name despite its lower-case start.
fn arabic_article(word: &str) -> bool {
    ["al-", "el-", "bin-"].iter().any(|p| {
        word.strip_prefix(p)
            .is_some_and(|rest| rest.chars().next().is_some_and(char::is_uppercase))
    })
}

fn possessive(word: &str) -> bool {
    bare(word).len() != word.len()
}

fn is_acronym(word: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
}

/// The role key of a role phrase's words: the last role noun, with "of
/// X" when it follows ("secretary of state").
pub(crate) fn role_key(words: &[&str]) -> Option<String> {
    let lower: Vec<String> = words.iter().map(|w| bare(w).to_lowercase()).collect();
    let pos = lower
        .iter()
        .rposition(|w| is_person_title(w) || is_role_noun(w))?;
    // "secretary of state": the role noun before "of".
    let (head, tail) = if pos >= 2
        && lower[pos - 1] == "of"
        && (is_person_title(&lower[pos - 2]) || is_role_noun(&lower[pos - 2]))
    {
        (pos - 2, Some(pos))
    } else if pos + 2 < lower.len() + 1
        && lower.get(pos + 1).is_some_and(|w| w == "of")
        && pos + 2 < lower.len()
    {
        (pos, Some(pos + 2))
    } else {
        (pos, None)
    };
    Some(match tail {
        Some(t) => format!("{} of {}", lower[head], lower[t]),
        None => lower[head].clone(),
    })
}

/// Finds the names and role phrases of `doc`.
pub(crate) fn find(doc: &Doc<'_>) -> Vec<NameHit> {
    let g = gazetteer();
    let n = doc.toks.len();
    let mut sentence_start = vec![false; n];
    let mut sentence_end = vec![false; n];
    for &(lo, hi) in &doc.sentences {
        if hi > lo && doc.toks[hi - 1].kind == TokKind::Word {
            sentence_end[hi - 1] = true;
        }
        // The first word of a sentence, after any opening mark.
        let mut k = lo;
        while k < hi && doc.toks[k].kind != TokKind::Word {
            k += 1;
        }
        if k < hi {
            sentence_start[k] = true;
        }
    }
    // Words seen capitalised where capitals are not forced.
    let mut mid_caps: HashSet<&str> = HashSet::default();
    for (i, &starts) in sentence_start.iter().enumerate() {
        if doc.is_cap(i) && !starts {
            mid_caps.insert(bare(doc.word(i)));
        }
    }
    // Words the article writes in lower case somewhere.
    let lower_seen: HashSet<&str> = (0..n)
        .filter(|&i| doc.toks[i].kind == TokKind::Word && !doc.is_cap(i))
        .map(|i| doc.word(i))
        .collect();
    // Paragraphs in title case are headlines: every word is capitalised.
    let mut headline = vec![false; n];
    let mut i = 0;
    while i < n {
        let p = doc.toks[i].para;
        let mut j = i;
        let (mut words, mut caps) = (0, 0);
        while j < n && doc.toks[j].para == p {
            if doc.toks[j].kind == TokKind::Word
                && doc.word(j).chars().next().is_some_and(char::is_alphabetic)
            {
                words += 1;
                if doc.is_cap(j) {
                    caps += 1;
                }
            }
            j += 1;
        }
        if words >= 4 && caps * 10 >= words * 7 {
            headline[i..j].iter_mut().for_each(|x| *x = true);
        }
        i = j;
    }

    let mut hits: Vec<NameHit> = Vec::new();
    let mut i = 0;
    while i < n {
        if headline[i] {
            i += 1;
            continue;
        }
        if doc.is_cap(i) {
            let a = i;
            let mut b = i + 1;
            if !possessive(doc.word(i)) {
                while b < n && doc.toks[b].para == doc.toks[a].para {
                    // "... of ARM Holdings PLC. Its chief": a full stop
                    // before a capitalised function word ends the name,
                    // whatever the splitter made of the abbreviation (an
                    // initial does not: "L. A").
                    let before = doc.word(b - 1);
                    if before.ends_with('.')
                        && before.chars().count() > 2
                        && is_capitalised_function_word(&doc.lower[b])
                    {
                        break;
                    }
                    if doc.is_cap(b) || arabic_article(doc.word(b)) {
                        let p = possessive(doc.word(b));
                        b += 1;
                        if p {
                            break;
                        }
                    } else if b + 1 < n
                        && matches!(
                            doc.lower[b].as_str(),
                            "of" | "de" | "al" | "bin" | "van" | "von" | "da" | "del" | "du" | "la"
                        )
                        && doc.is_cap(b + 1)
                        && !person_of_place(doc, a, b)
                    {
                        b += 1;
                    } else {
                        break;
                    }
                }
            }
            if let Some(hit) = name_hit(
                doc,
                a,
                b,
                (&sentence_start, &sentence_end),
                &mid_caps,
                &lower_seen,
            ) {
                hits.push(hit);
            }
            i = b;
            continue;
        }
        // "the secretary of state", "the actress".
        if doc.lower[i] == "the" {
            let mut k = i + 1;
            let mut last_role = None;
            while k < n
                && k < i + 6
                && doc.toks[k].kind == TokKind::Word
                && doc.toks[k].para == doc.toks[i].para
            {
                let w = doc.lower[k].as_str();
                // A capitalised title before a name is the name's ("the
                // resignation of President Nixon"), not a role phrase.
                let titles_a_name = doc.is_cap(k) && k + 1 < n && doc.is_cap(k + 1);
                if is_person_title(w)
                    && !titles_a_name
                    && !w.ends_with('.')
                    && w != "mr"
                    && w != "ms"
                    && w != "mrs"
                {
                    last_role = Some(k);
                } else if matches!(
                    w,
                    "of" | "to" | "for" | "in" | "at" | "on" | "with" | "by" | "and" | "or"
                ) && last_role.is_none()
                {
                    break;
                } else if w == "of" && last_role == Some(k - 1) && k + 1 < n {
                    // "the secretary of state", not "the president of the …".
                    if doc.toks[k + 1].kind == TokKind::Word && !is_determiner(&doc.lower[k + 1]) {
                        last_role = Some(k + 1);
                    }
                    break;
                } else if last_role.is_some()
                    || is_determiner(w)
                    || super::lexicon::cue_class(w).is_some()
                {
                    break;
                }
                k += 1;
            }
            if let Some(r) = last_role {
                let words: Vec<&str> = (i + 1..=r).map(|x| doc.word(x)).collect();
                if let Some(key) = role_key(&words) {
                    hits.push(NameHit {
                        start: i,
                        end: r + 1,
                        name: key,
                        kind: None,
                        role: true,
                        metonym: false,
                        titles: Vec::new(),
                    });
                    i = r + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    link_appositives(doc, &mut hits);
    let _ = g;
    hits
}

fn name_hit(
    doc: &Doc<'_>,
    a: usize,
    b: usize,
    (sentence_start, sentence_end): (&[bool], &[bool]),
    mid_caps: &HashSet<&str>,
    lower_seen: &HashSet<&str>,
) -> Option<NameHit> {
    let g = gazetteer();
    // An acronym that ends its sentence holds the sentence's full stop in
    // its token ("... of ARM Holdings PLC."); the name does not. Words cut
    // short keep theirs, as they would mid-sentence ("Intel Corp.",
    // "Calif."), and so do dotted acronyms ("U.S.").
    let word = |k: usize| {
        let w = bare(doc.word(k));
        match w.strip_suffix('.') {
            Some(stem)
                if k + 1 == b
                    && sentence_end[k]
                    && stem.len() > 1
                    && stem.chars().all(|c| c.is_uppercase()) =>
            {
                stem
            }
            _ => w,
        }
    };
    let mut s = a;
    // Sentence openers: function words, and words the article also writes
    // in lower case ("Typically Microsoft …").
    while s < b
        && (is_capitalised_function_word(bare(&doc.lower[s]))
            || (sentence_start[s]
                && s + 1 < b
                && (lower_seen.contains(doc.lower[s].as_str())
                    || (doc.lower[s].ends_with("ly") && doc.lower[s].len() > 4))))
    {
        s += 1;
    }
    if s >= b {
        return None;
    }
    let words: Vec<&str> = (s..b).map(word).collect();
    let full = words.join(" ");
    let text_end = b;
    // The whole run is a known place: "Russian Federation", "New York".
    if let Some(p) = g.place(&full) {
        let place = &g.places[p];
        let metonym = place.capital_of.is_some() && acts_as_government(doc, s, text_end);
        return Some(NameHit {
            start: s,
            end: text_end,
            name: place.name.clone(),
            kind: Some(EntityKind::Place),
            role: false,
            metonym,
            titles: Vec::new(),
        });
    }
    // Titles before the name: "Secretary of State Rex Tillerson",
    // "Russian President Vladimir Putin", "Mr Lavrov".
    let mut t = s;
    let mut titles = Vec::new();
    loop {
        // "New York City Councilman": a place before a title.
        if let Some(len) = (2..=3).rev().find(|&len| {
            t + len < b
                && is_person_title(&doc.lower[t + len])
                && g.place(
                    &(t..t + len)
                        .map(|k| doc.word(k))
                        .collect::<Vec<_>>()
                        .join(" "),
                )
                .is_some()
        }) {
            t += len;
            continue;
        }
        // "Russian President", "U.N. Ambassador": a country's word before a title.
        if t + 1 < b
            && (g.demonym(doc.word(t)).is_some()
                || g.place(doc.word(t)).is_some()
                || is_acronym(doc.word(t)))
            && is_person_title(&doc.lower[t + 1])
        {
            t += 1;
            continue;
        }
        // "Acting Director", "Deputy Secretary".
        if t + 2 < b
            && matches!(
                doc.lower[t].as_str(),
                "acting"
                    | "deputy"
                    | "former"
                    | "interim"
                    | "assistant"
                    | "associate"
                    | "executive"
                    | "senior"
                    | "chief"
                    | "prime"
                    | "foreign"
                    | "defence"
                    | "defense"
                    | "finance"
                    | "interior"
            )
            && is_person_title(&doc.lower[t + 1])
        {
            t += 1;
            continue;
        }
        if t < b && is_person_title(&doc.lower[t]) && t + 1 < b {
            let mut e = t + 1;
            if e + 1 < b && doc.lower[e] == "of" {
                e += 2;
            }
            let title_words: Vec<&str> = (t..e).map(|k| doc.word(k)).collect();
            if let Some(k) = role_key(&title_words) {
                titles.push(k);
            }
            t = e;
            continue;
        }
        break;
    }
    if t >= b {
        // Only a title: "the President".
        return None;
    }
    let name_words: Vec<&str> = (t..b).map(word).collect();
    let name = name_words.join(" ");
    // "US-Russia", "Western-drafted", "U.S.to": compounds and glued words
    // are adjectives or typos, not names.
    if name_words.len() == 1
        && (name.contains('-') && !arabic_article(&name)
            || name.contains(".t")
            || name
                .chars()
                .zip(name.chars().skip(1))
                .any(|(a, b)| a == '.' && b.is_lowercase()))
    {
        return None;
    }
    if name_words.len() == 1 && is_capitalised_adjective(&name.to_lowercase()) {
        return None;
    }
    // "I'm", "I've"; a lone letter ("E", "A").
    if name_words.len() == 1
        && (name.starts_with("I'") || name.starts_with("I’") || name.chars().count() == 1)
    {
        return None;
    }
    // A demonym alone is an adjective ("Russian officials").
    if name_words.len() == 1 && g.demonym(&name).is_some() && g.place(&name).is_none() {
        return None;
    }
    // One capitalised word that opens a sentence is a name only if the
    // article capitalises it elsewhere too, or it is a known place.
    if name_words.len() == 1
        && sentence_start[t]
        && !mid_caps.contains(name_words[0])
        && titles.is_empty()
        && !is_acronym(name_words[0])
    {
        return None;
    }
    if name_words
        .iter()
        .all(|w| w.chars().all(|c| c.is_numeric() || c == '.'))
    {
        return None;
    }
    let last = name_words.last().unwrap().to_lowercase();
    let kind = if let Some(p) = g.place(&name) {
        let _ = p;
        Some(EntityKind::Place)
    } else if !titles.is_empty() && titles.iter().any(|x| !is_org_word(x)) {
        Some(EntityKind::Person)
    } else if is_org_word(&last)
        || (name_words.len() > 2
            && is_org_word(&name_words[0].to_lowercase())
            && name_words[1] == "of")
        || (name_words.len() == 1 && is_acronym(name_words[0]))
    {
        Some(EntityKind::Organization)
    } else if b + 2 < doc.toks.len()
        && doc.word(b) == ","
        && doc.word(b + 1).chars().all(|c| c.is_ascii_digit())
        && doc.word(b + 2) == ","
    {
        // "Alexandros Grigoropoulos, 15,": an age.
        Some(EntityKind::Person)
    } else if name_words.len() >= 2
        && (is_first_name(&name_words[0].to_lowercase())
            || (name_words[0].len() <= 2 && name_words[0].ends_with('.')))
    {
        // "Mike Reavey", "W. Mark Felt".
        Some(EntityKind::Person)
    } else if is_place_word(&last)
        || (name_words.len() > 1 && is_place_first_word(&name_words[0].to_lowercase()))
        || (t > 0 && matches!(doc.lower[t - 1].as_str(), "in" | "near" | "outside"))
    {
        // "Snyder Avenue", "Mount Cook", "in Banstead".
        Some(EntityKind::Place)
    } else {
        None
    };
    let metonym = g
        .place(&name)
        .is_some_and(|p| g.places[p].capital_of.is_some())
        && acts_as_government(doc, t, b);
    // A place is named as the gazetteer names it ("Britain" is the
    // United Kingdom).
    let name = g.place(&name).map_or(name, |p| g.places[p].name.clone());
    Some(NameHit {
        start: s,
        end: text_end,
        name,
        kind,
        role: false,
        metonym,
        titles,
    })
}

/// Gives names the roles the article states next to them: "Rex
/// Tillerson, the USA secretary of state", "the actress Lindsay Lohan",
/// "secretary of state Rex Tillerson".
fn link_appositives(doc: &Doc<'_>, hits: &mut [NameHit]) {
    for h in 0..hits.len() {
        if hits[h].role || hits[h].kind == Some(EntityKind::Place) {
            continue;
        }
        // A role phrase right after "Name,".
        let after = hits[h].end;
        if after + 1 < doc.toks.len() && doc.word(after) == "," {
            if let Some(r) = hits.get(h + 1).filter(|r| r.role && r.start == after + 1) {
                let key = r.name.clone();
                hits[h].titles.push(key);
                continue;
            }
            // "Name, a spokesman for X," / "Name, USA ambassador to …"
            let mut k = after + 1;
            let mut words = Vec::new();
            while k < doc.toks.len() && k < after + 7 && doc.toks[k].kind == TokKind::Word {
                words.push(doc.word(k));
                k += 1;
            }
            if !words.is_empty()
                && (is_determiner(&words[0].to_lowercase())
                    || is_person_title(&words[0].to_lowercase()))
                && let Some(key) = role_key(&words)
            {
                hits[h].titles.push(key);
                continue;
            }
        }
        // Lower-case role words right before the name.
        let mut s = hits[h].start;
        let mut words = Vec::new();
        while s > 0 && doc.toks[s - 1].kind == TokKind::Word {
            let w = doc.lower[s - 1].as_str();
            if is_person_title(w)
                || w == "of"
                || w == "state"
                || gazetteer().demonym(doc.word(s - 1)).is_some()
                || is_acronym(doc.word(s - 1))
            {
                words.insert(0, doc.word(s - 1));
                s -= 1;
            } else {
                break;
            }
        }
        if let Some(key) = role_key(&words) {
            hits[h].titles.push(key);
        }
        // "the actress, Lindsay Lohan"
        if h > 0
            && hits[h - 1].role
            && hits[h - 1].end + 1 == hits[h].start
            && doc.word(hits[h - 1].end) == ","
        {
            let key = hits[h - 1].name.clone();
            hits[h].titles.push(key);
        }
    }
    for h in hits.iter_mut() {
        if !h.titles.is_empty() && h.kind.is_none() {
            h.kind = Some(EntityKind::Person);
        }
        h.titles.sort();
        h.titles.dedup();
    }
}
