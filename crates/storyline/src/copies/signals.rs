//! Source-free signals of spinning and stitching: what can be seen in one
//! article without the reports it was made from.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::{Deserialize, Serialize};

use super::lexicon::{
    CONNECTIVES, CONSONANT_LETTER_VOWEL_SOUND, EITHER_ARTICLE, NAME_VARIANTS, ODD_MODIFIERS,
    SPUN_PHRASES, VOWEL_LETTER_CONSONANT_SOUND,
};
use super::usage::{Word, is_common_word, words};
use crate::text::filters::is_stop_word;
use crate::text::{AnalyzedText, Lang, content_analyzer, floor_char_boundary, for_each_word};

/// What kind of evidence a [`Signal`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    /// An article that does not fit the next word ("an global").
    ArticleNoun,
    /// A phrase a synonym spinner makes ("worldwide law").
    SpunPhrase,
    /// Two variants of one name ("Russia" and "Russian Federation").
    MixedVariants,
    /// A modifier news writing does not use ("the USA ambassador").
    OddModifier,
    /// A sentence without a verb, cut from another.
    Fragment,
    /// Two sentences glued without a space ("war.The").
    Glued,
    /// A paragraph opening on a connective that follows nothing
    /// ("However, …" first).
    DanglingConnective,
    /// A word or name whose usual variant under a synonym swap is far more
    /// frequent in news writing ([`super::usage`]).
    RareVariant,
    /// A sentence that leans on someone not yet introduced: a surname
    /// before the full name, or an opening pronoun.
    Unintroduced,
    /// A quotation with no speaker in it or next to it.
    UnattributedQuote,
    /// A paragraph sharing no content word with the two before it.
    TopicJump,
    /// A paragraph whose typography differs from the one before that had
    /// any (straight quotes after curly ones, "US" after "U.S."): one
    /// outlet's copy desk after another's.
    MixedStyle,
}

impl SignalKind {
    /// The name shown and stored (`article_noun`, `spun_phrase`, …).
    pub fn name(self) -> &'static str {
        match self {
            SignalKind::ArticleNoun => "article_noun",
            SignalKind::SpunPhrase => "spun_phrase",
            SignalKind::MixedVariants => "mixed_variants",
            SignalKind::OddModifier => "odd_modifier",
            SignalKind::Fragment => "fragment",
            SignalKind::Glued => "glued",
            SignalKind::DanglingConnective => "dangling_connective",
            SignalKind::RareVariant => "rare_variant",
            SignalKind::Unintroduced => "unintroduced",
            SignalKind::UnattributedQuote => "unattributed_quote",
            SignalKind::TopicJump => "topic_jump",
            SignalKind::MixedStyle => "mixed_style",
        }
    }
}

/// One piece of evidence found in the text itself.
///
/// Fields in alphabetical order: the JSON keys have always come out so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    /// What kind of evidence.
    pub kind: SignalKind,
    /// Index of the sentence it is in.
    pub sentence: usize,
    /// The words concerned, as written.
    pub text: String,
    /// What news writing would usually say, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usual: Option<String>,
}

fn sentence_of(text: &AnalyzedText, offset: usize) -> usize {
    text.sentences
        .iter()
        .position(|s| offset < s.end)
        .unwrap_or(text.sentences.len().saturating_sub(1))
}

fn is_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

static PHRASES: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(SPUN_PHRASES.iter().map(|(spun, _)| spun))
        .expect("spun phrase patterns compile")
});

/// Signals of synonym spinning: broken article-noun agreement, spun
/// collocations, a name in two variants, country names used oddly as
/// modifiers.
pub fn spin_signals(text: &AnalyzedText) -> Vec<Signal> {
    let t = &text.text;
    let mut out = Vec::new();
    // The lists are of English spinners' traces.
    if text.lang != Lang::EN {
        return out;
    }
    // Each word with the one before it, scanned without a token per word
    // (a judged text may be megabytes).
    let mut previous: Option<(usize, &str)> = None;
    for_each_word(t, |offset, w| {
        if let Some((at, article)) = previous
            && matches!(article, "a" | "an" | "A" | "An")
            && offset == at + article.len() + 1
            && let Some(wrong) = article_disagrees(article, w)
        {
            out.push(Signal {
                kind: SignalKind::ArticleNoun,
                text: format!("{article} {w}"),
                usual: Some(format!("{wrong} {w}")),
                sentence: sentence_of(text, at),
            });
        }
        previous = Some((offset, &t[offset..offset + w.len()]));
    });
    for m in PHRASES.find_iter(t) {
        if is_word_boundary(t, m.start(), m.end()) {
            out.push(Signal {
                kind: SignalKind::SpunPhrase,
                text: t[m.start()..m.end()].to_string(),
                usual: Some(SPUN_PHRASES[m.pattern().as_usize()].1.to_string()),
                sentence: sentence_of(text, m.start()),
            });
        }
    }
    for (long, usual) in NAME_VARIANTS {
        let Some(at) = find_word(t, long) else {
            continue;
        };
        if let Some(short) = usual
            .iter()
            .find(|u| find_word(&t.replace(long, ""), u).is_some())
        {
            out.push(Signal {
                kind: SignalKind::MixedVariants,
                text: format!("{long} / {short}"),
                usual: Some((*short).to_string()),
                sentence: sentence_of(text, at),
            });
        }
    }
    for m in ODD_MODIFIERS {
        let mut from = 0;
        while let Some(at) = t[from..].find(m).map(|i| i + from) {
            from = at + m.len();
            if !is_word_boundary(t, at, from) {
                continue;
            }
            let next = t[from..].split_whitespace().next().unwrap_or("");
            let before = t[..at].split_whitespace().next_back().unwrap_or("");
            let modifies = next.chars().next().is_some_and(char::is_lowercase)
                && next.chars().all(char::is_alphabetic)
                && matches!(before, "the" | "The" | "a" | "an" | "of" | "by" | "to");
            if modifies
                && !matches!(
                    next,
                    "and" | "or" | "is" | "was" | "has" | "had" | "will" | "said"
                )
            {
                out.push(Signal {
                    kind: SignalKind::OddModifier,
                    text: format!("{m} {next}"),
                    usual: None,
                    sentence: sentence_of(text, at),
                });
            }
        }
    }
    out
}

fn find_word(t: &str, w: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = t[from..].find(w).map(|i| i + from) {
        if is_word_boundary(t, at, at + w.len()) {
            return Some(at);
        }
        from = at + w.len();
    }
    None
}

/// The article that `word` wants, when `article` is the other one.
fn article_disagrees(article: &str, word: &str) -> Option<&'static str> {
    let lower = word.to_lowercase();
    let first = lower.chars().next()?;
    if !first.is_alphabetic() {
        return None;
    }
    // Short acronyms are read letter by letter ("an FBI agent", "a UN
    // envoy"); longer capitals are read as words ("a NATO summit", "A HUGE
    // crowd").
    let capitals = word.len() > 1 && word.chars().all(|c| c.is_ascii_uppercase() || c == '.');
    // Capitals with no vowel cannot be read as a word ("an HTML page").
    let acronym = capitals
        && (word.chars().filter(char::is_ascii_uppercase).count() <= 3
            || !word.chars().any(|c| "AEIOU".contains(c)));
    // "H" is "aitch" to some and "haitch" to others ("an HIV test", "a HIV
    // test"); some sound the "h" of "historic", some drop it.
    if (acronym && first == 'h') || EITHER_ARTICLE.iter().any(|p| lower.starts_with(p)) {
        return None;
    }
    let vowel_sound = if acronym {
        matches!(
            first,
            'a' | 'e' | 'f' | 'h' | 'i' | 'l' | 'm' | 'n' | 'o' | 'r' | 's' | 'x'
        )
    } else if "aeiou".contains(first) {
        !VOWEL_LETTER_CONSONANT_SOUND
            .iter()
            .any(|p| lower.starts_with(p))
    } else {
        CONSONANT_LETTER_VOWEL_SOUND
            .iter()
            .any(|p| lower.starts_with(p))
    };
    let is_an = article.eq_ignore_ascii_case("an");
    match (is_an, vowel_sound) {
        (true, false) => Some(if article == "An" { "A" } else { "a" }),
        (false, true) if word.len() > 1 => Some(if article == "A" { "An" } else { "an" }),
        _ => None,
    }
}

/// Signals of stitching: sentences that start mid-clause, sentences glued
/// without a space, and paragraphs that open with a connective although
/// nothing before them prepares it.
pub fn stitch_signals(text: &AnalyzedText) -> Vec<Signal> {
    let t = &text.text;
    let mut out = Vec::new();
    let mut last_paragraph = usize::MAX;
    for (i, s) in text.sentences.iter().enumerate() {
        let sentence = &t[s.start..s.end];
        let first = sentence.chars().next().unwrap_or(' ');
        let second = sentence.chars().nth(1).unwrap_or(' ');
        let first_word: &str = sentence.split_whitespace().next().unwrap_or("");
        // "iPhone" and "eBay" start lower-case and are whole words.
        let brand = first_word.chars().skip(1).any(char::is_uppercase);
        // A paragraph that continues a quotation runs on from the last one.
        let in_quote = sentence.contains(['"', '\u{201D}'])
            && !sentence.contains(['\u{201C}'])
            && sentence.matches('"').count() % 2 == 1;
        // A sentence whose predecessor never finished (a semicolon, a line
        // break in the middle of a sentence) goes on with it: it was not
        // cut from another report.
        let continues = i > 0 && {
            let prev = &t[text.sentences[i - 1].start..text.sentences[i - 1].end];
            !prev
                .trim_end()
                .ends_with(['.', '!', '?', '"', '\'', ')', '\u{201D}', '\u{2019}'])
        };
        // A cut sentence keeps the end of the one it was cut from, and some
        // words of it. A page's furniture does not: a byline's e-mail
        // address, "toggle caption", a list's "a)" item (Multi-News crawls).
        let furniture = sentence.split_whitespace().count() < 4
            || sentence.contains('@')
            || second == ')'
            || !sentence.trim_end().ends_with([
                '.', '!', '?', '"', '\'', ')', '\u{201D}', '\u{2019}', '\u{2026}',
            ]);
        let fragment = !continues
            && !furniture
            && ((first.is_lowercase() && !brand && !in_quote)
                || (matches!(first, '-' | '\u{2013}' | ',' | ';' | ')')
                    && second.is_alphanumeric()));
        if fragment {
            out.push(Signal {
                kind: SignalKind::Fragment,
                text: clip(sentence),
                usual: None,
                sentence: i,
            });
        }
        let new_paragraph = s.paragraph != last_paragraph;
        last_paragraph = s.paragraph;
        // The connectives and the dash rule are English's: Spanish sets off
        // an aside with a dash glued to its first word ("-que fue…").
        let english = text.lang == Lang::EN;
        if new_paragraph && english {
            let opener = sentence
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("");
            if CONNECTIVES.contains(&opener)
                && (i == 0 || sentence[opener.len()..].starts_with(','))
            {
                out.push(Signal {
                    kind: SignalKind::DanglingConnective,
                    text: clip(sentence),
                    usual: None,
                    sentence: i,
                });
            }
        }
        // A dash that lost its space on one side: "as illegal -and accused".
        for (at, _) in sentence.match_indices(" -").filter(|_| english) {
            let rest = &sentence[at + 2..];
            let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
            if word.len() >= 2 && word.chars().all(char::is_lowercase) {
                out.push(Signal {
                    kind: SignalKind::Glued,
                    text: clip(&sentence[floor_char_boundary(sentence, at.saturating_sub(12))..]),
                    usual: Some(format!("- {word}")),
                    sentence: i,
                });
            }
        }
        // The splitter cuts "stalled.The rest" in two: a sentence that
        // begins where the last one ended, with no space, was glued.
        if i > 0 && !new_paragraph && text.sentences[i - 1].end == s.start {
            let prev = &text.sentences[i - 1];
            let tail_from = t[..prev.end]
                .char_indices()
                .rev()
                .nth(20)
                .map_or(prev.start, |(b, _)| b.max(prev.start));
            out.push(Signal {
                kind: SignalKind::Glued,
                text: clip(&t[tail_from..s.end]),
                usual: None,
                sentence: i,
            });
        }
    }
    out
}

/// Words that introduce a quotation's speaker.
const SPEECH_CUES: &[&str] = &[
    "according",
    "acknowledged",
    "added",
    "adds",
    "admitted",
    "announced",
    "argued",
    "asked",
    "asks",
    "called",
    "claimed",
    "claims",
    "commented",
    "continued",
    "declared",
    "described",
    "explained",
    "insisted",
    "mentioned",
    "noted",
    "posted",
    "quoted",
    "recalled",
    "remarked",
    "replied",
    "reported",
    "said",
    "saying",
    "say",
    "says",
    "stated",
    "states",
    "stressed",
    "tell",
    "telling",
    "tells",
    "told",
    "tweeted",
    "urged",
    "warned",
    "wrote",
    "writes",
];

/// Days and months: capitalised, never a surname introduced later.
pub(crate) const CALENDAR: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Pronouns that cannot open an article: they point back at someone.
const LEANING_OPENERS: &[&str] = &["He", "She", "They", "His", "Her", "Their", "Him"];

/// Signals of text from several sources, read from the coherence of the
/// text alone: someone named by surname before the full name that
/// introduces them (or a pronoun opening the article), quotations with no
/// speaker next to them, and paragraphs sharing no content word with the
/// two before them.
pub fn coherence_signals(text: &AnalyzedText) -> Vec<Signal> {
    let words: Vec<Vec<Word>> = if text.lang == Lang::EN {
        text.sentences
            .iter()
            .map(|s| words(&text.text[s.start..s.end]))
            .collect()
    } else {
        Vec::new()
    };
    coherence_signals_with(text, &|i| &words[i])
}

/// [`coherence_signals`] with each sentence's [`words`] split already
/// (`words_of(i)` for sentence `i`; asked of English text only): a judged
/// article's are split once for this and the rare-variant rule.
pub fn coherence_signals_with<'w>(
    text: &AnalyzedText,
    words_of: &dyn Fn(usize) -> &'w [Word],
) -> Vec<Signal> {
    let mut out = Vec::new();
    if text.lang == Lang::EN {
        unintroduced(text, words_of, &mut out);
        unattributed_quotes(text, words_of, &mut out);
        style_switches(text, &mut out);
    }
    topic_jumps(text, &mut out);
    out.sort_by_key(|s| s.sentence);
    out
}

fn unintroduced<'w>(
    text: &AnalyzedText,
    words_of: &dyn Fn(usize) -> &'w [Word],
    out: &mut Vec<Signal>,
) {
    let t = &text.text;
    // Surname -> (first sentence with the full name, the full name).
    let mut introduced: HashMap<String, (usize, String)> = HashMap::new();
    // Surname alone -> first sentence.
    let mut alone: HashMap<String, usize> = HashMap::new();
    for (i, s) in text.sentences.iter().enumerate() {
        let sentence = &t[s.start..s.end];
        let w = words_of(i);
        let capital = |k: usize| {
            let word = &sentence[w[k].start..w[k].end];
            word.chars().next().is_some_and(char::is_uppercase)
                && word.chars().skip(1).any(char::is_lowercase)
                && !is_stop_word(&w[k].lower)
        };
        let mut k = 0;
        while k < w.len() {
            if !capital(k) {
                k += 1;
                continue;
            }
            let mut end = k + 1;
            // A possessive ends a name: "Microsoft's Fixit" names no one.
            let possessive =
                |k: usize| w[k].lower.ends_with("'s") || w[k].lower.ends_with("\u{2019}s");
            while end < w.len()
                && capital(end)
                && !possessive(end - 1)
                && &sentence[w[end - 1].end..w[end].start] == " "
            {
                end += 1;
            }
            let surname = w[end - 1].lower.trim_end_matches("'s").to_string();
            // A person's full name is two or three words whose first is
            // no common word ("Sergei Lavrov", not "North Korea").
            if (2..=3).contains(&(end - k)) && !is_common_word(&w[k].lower) {
                let full = sentence[w[k].start..w[end - 1].end]
                    .trim_end_matches("'s")
                    .to_string();
                introduced.entry(surname).or_insert((i, full));
            } else if end - k == 1
                && !is_common_word(&surname)
                && !CALENDAR.contains(&surname.as_str())
            {
                alone.entry(surname).or_insert(i);
            }
            k = end;
        }
    }
    let mut found: Vec<(usize, String, String)> = alone
        .into_iter()
        .filter_map(|(surname, i)| {
            let (first, full) = introduced.get(&surname)?;
            (*first > i).then(|| (i, surname, full.clone()))
        })
        .collect();
    found.sort();
    for (i, _, full) in found {
        let s = &text.sentences[i];
        let written = full.rsplit(' ').next().unwrap_or(&full).to_string();
        out.push(Signal {
            kind: SignalKind::Unintroduced,
            sentence: i,
            text: if t[s.start..s.end].contains(&written) {
                written
            } else {
                clip(&t[s.start..s.end])
            },
            usual: Some(full),
        });
    }
    if let Some(s) = text.sentences.first() {
        let first = t[s.start..s.end].split_whitespace().next().unwrap_or("");
        if LEANING_OPENERS.contains(&first) {
            out.push(Signal {
                kind: SignalKind::Unintroduced,
                sentence: 0,
                text: first.to_string(),
                usual: None,
            });
        }
    }
}

fn unattributed_quotes<'w>(
    text: &AnalyzedText,
    words_of: &dyn Fn(usize) -> &'w [Word],
    out: &mut Vec<Signal>,
) {
    let t = &text.text;
    let cued: Vec<bool> = text
        .sentences
        .iter()
        .enumerate()
        .map(|(i, s)| {
            t[s.start..s.end].contains(':')
                || words_of(i)
                    .iter()
                    .any(|w| SPEECH_CUES.contains(&w.lower.as_str()))
        })
        .collect();
    for (i, s) in text.sentences.iter().enumerate() {
        let sentence = &t[s.start..s.end];
        let long_quote = super::quotations(sentence)
            .iter()
            .any(|q| q.split_whitespace().count() >= 6);
        let near = i.saturating_sub(1)..=(i + 1).min(cued.len() - 1);
        if long_quote && !cued[near].iter().any(|&c| c) {
            out.push(Signal {
                kind: SignalKind::UnattributedQuote,
                sentence: i,
                text: clip(sentence),
                usual: None,
            });
        }
    }
}

fn topic_jumps(text: &AnalyzedText, out: &mut Vec<Signal>) {
    let t = &text.text;
    let analyzer = content_analyzer(text.lang);
    // Stems of article text: a seeded hasher (no chosen collisions), not
    // SipHash.
    let mut paragraphs: Vec<(usize, foldhash::HashSet<String>)> = Vec::new();
    for (i, s) in text.sentences.iter().enumerate() {
        let stems = analyzer
            .tokens(&t[s.start..s.end])
            .into_iter()
            .map(|tok| tok.text);
        let same = paragraphs
            .last()
            .is_some_and(|(first, _)| text.sentences[*first].paragraph == s.paragraph);
        match paragraphs.last_mut() {
            Some((_, set)) if same => set.extend(stems),
            _ => paragraphs.push((i, stems.collect())),
        }
    }
    for k in 1..paragraphs.len() {
        let (first, stems) = (paragraphs[k].0, &paragraphs[k].1);
        // The stems of the (at most) two paragraphs before, as one set:
        // its size is the first's plus the second's not in the first.
        let before = &paragraphs[k.saturating_sub(2)..k];
        let in_before = |w: &String| before.iter().any(|p| p.1.contains(w));
        let before_len = || match before {
            [a, b] => a.1.len() + b.1.iter().filter(|w| !a.1.contains(*w)).count(),
            [a] => a.1.len(),
            _ => 0,
        };
        if stems.len() >= 8 && before_len() >= 8 && !stems.iter().any(in_before) {
            let s = &text.sentences[first];
            out.push(Signal {
                kind: SignalKind::TopicJump,
                sentence: first,
                text: clip(&t[s.start..s.end]),
                usual: None,
            });
        }
    }
}

/// Typographic habits a copy desk keeps through one article: each is two
/// ways of writing one thing, and the mark that tells them apart.
struct Habit {
    /// The first way (`usual` when the second is found after it).
    first: &'static str,
    second: &'static str,
    /// Where in a paragraph each way is written.
    find: fn(&str) -> (bool, bool),
}

const HABITS: &[Habit] = &[
    Habit {
        first: "\u{2019}",
        second: "'",
        find: |p| (inner_mark(p, '\u{2019}'), inner_mark(p, '\'')),
    },
    Habit {
        first: "\u{201C}",
        second: "\"",
        find: |p| (p.contains(['\u{201C}', '\u{201D}']), p.contains('"')),
    },
    Habit {
        first: "U.S.",
        second: "US",
        find: |p| (find_word(p, "U.S").is_some(), find_word(p, "US").is_some()),
    },
];

/// An apostrophe inside a word ("don't"), not a quotation mark.
fn inner_mark(p: &str, mark: char) -> bool {
    let mut prev = ' ';
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        if c == mark && prev.is_alphabetic() && chars.peek().is_some_and(|n| n.is_alphabetic()) {
            return true;
        }
        prev = c;
    }
    false
}

/// Paragraphs that write a habit the other way from the last paragraph
/// that wrote it at all. A writer and a copy desk keep curly or straight
/// quotes, "U.S." or "US", through an article; a stitcher pasting
/// paragraphs of several outlets in turn switches back and forth. A
/// paragraph writing both ways says nothing.
fn style_switches(text: &AnalyzedText, out: &mut Vec<Signal>) {
    let t = &text.text;
    let mut paragraphs: Vec<(usize, usize, usize)> = Vec::new();
    for (i, s) in text.sentences.iter().enumerate() {
        match paragraphs.last_mut() {
            Some((first, _, end)) if text.sentences[*first].paragraph == s.paragraph => {
                *end = s.end;
            }
            _ => paragraphs.push((i, s.start, s.end)),
        }
    }
    for habit in HABITS {
        let mut last: Option<bool> = None;
        for &(first, start, end) in &paragraphs {
            let (a, b) = (habit.find)(&t[start..end]);
            if a == b {
                continue;
            }
            if last.is_some_and(|l| l != b) {
                let (written, usual) = if b {
                    (habit.second, habit.first)
                } else {
                    (habit.first, habit.second)
                };
                out.push(Signal {
                    kind: SignalKind::MixedStyle,
                    sentence: first,
                    text: written.to_string(),
                    usual: Some(usual.to_string()),
                });
            }
            last = Some(b);
        }
    }
}

fn clip(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyze;

    fn kinds(signals: &[Signal]) -> Vec<SignalKind> {
        signals.iter().map(|s| s.kind).collect()
    }

    /// Real text: an ECB+ report on an IE flaw, then the second half of
    /// one on an earthquake, and a seed article.
    fn stitched_report_and_seed() -> (AnalyzedText, usize, AnalyzedText) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let corpus = std::fs::read_to_string(root.join("jsonl/ecbplus.jsonl")).unwrap();
        let text = |id: &str| -> String {
            corpus
                .lines()
                .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
                .find(|v| v["id"] == id)
                .unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let (ie, quake) = (text("27_3ecbplus"), text("37_10ecbplus"));
        let (ie, quake): (Vec<&str>, Vec<&str>) =
            (ie.split("\n\n").collect(), quake.split("\n\n").collect());
        let stitched = analyze(&[&ie[..8], &quake[quake.len() - 10..]].concat().join("\n\n"));
        let seam = stitched
            .sentences
            .iter()
            .position(|s| stitched.text[s.start..].starts_with(&quake[quake.len() - 10][..20]))
            .unwrap();
        let seed = std::fs::read_to_string(root.join("seeds/000_4ca324f4dd3e4842.txt")).unwrap();
        (stitched, seam, analyze(&seed))
    }

    /// The coherence signals read from a judged article's shared word split
    /// are those of their own split: a topic jump into the stitched-on
    /// report, and a seed's surname used before the full name.
    #[test]
    fn coherence_signals_from_the_shared_words_are_their_own() {
        let (stitched, seam, seed) = stitched_report_and_seed();
        for (t, kind) in [
            (&stitched, SignalKind::TopicJump),
            (&seed, SignalKind::Unintroduced),
        ] {
            let own = coherence_signals(t);
            let phrases = crate::copies::usage::Phrases::of(t);
            assert_eq!(coherence_signals_with(t, &|i| phrases.words(i)), own);
            assert!(own.iter().any(|s| s.kind == kind), "{own:?}");
        }
        assert!(
            coherence_signals(&stitched)
                .iter()
                .any(|s| s.kind == SignalKind::TopicJump && s.sentence > seam),
            "{seam}"
        );
    }

    /// Topic jumps as found before the two paragraphs before were counted
    /// without a set of their own.
    fn topic_jumps_with_a_set(text: &AnalyzedText) -> Vec<usize> {
        let analyzer = content_analyzer(text.lang);
        let mut paragraphs: Vec<(usize, std::collections::HashSet<String>)> = Vec::new();
        for (i, s) in text.sentences.iter().enumerate() {
            let stems = analyzer
                .tokens(&text.text[s.start..s.end])
                .into_iter()
                .map(|tok| tok.text);
            let same = paragraphs
                .last()
                .is_some_and(|(first, _)| text.sentences[*first].paragraph == s.paragraph);
            match paragraphs.last_mut() {
                Some((_, set)) if same => set.extend(stems),
                _ => paragraphs.push((i, stems.collect())),
            }
        }
        let mut out = Vec::new();
        for k in 1..paragraphs.len() {
            let before: std::collections::HashSet<&String> = paragraphs[k.saturating_sub(2)..k]
                .iter()
                .flat_map(|p| &p.1)
                .collect();
            let stems = &paragraphs[k].1;
            if stems.len() >= 8 && before.len() >= 8 && !stems.iter().any(|w| before.contains(w)) {
                out.push(paragraphs[k].0);
            }
        }
        out
    }

    /// Every ECB+ article of the corpus, and the stitched report, jump
    /// where the set of the paragraphs before says they jump.
    #[test]
    fn topic_jumps_are_those_of_the_set_of_the_paragraphs_before() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let corpus = std::fs::read_to_string(root.join("jsonl/ecbplus.jsonl")).unwrap();
        let mut texts: Vec<AnalyzedText> = corpus
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .map(|v| analyze(v["text"].as_str().unwrap()))
            .collect();
        texts.push(stitched_report_and_seed().0);
        let mut jumps = 0;
        for t in &texts {
            let mut found = Vec::new();
            topic_jumps(t, &mut found);
            let found: Vec<usize> = found.iter().map(|s| s.sentence).collect();
            assert_eq!(
                found,
                topic_jumps_with_a_set(t),
                "{}",
                &t.text[..80.min(t.text.len())]
            );
            jumps += found.len();
        }
        assert!(jumps >= 20, "{jumps}");
    }

    fn ecb_paragraphs(id: &str) -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let corpus = std::fs::read_to_string(root.join("jsonl/ecbplus.jsonl")).unwrap();
        let v: serde_json::Value = corpus
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|v| v["id"] == id)
            .unwrap();
        v["text"]
            .as_str()
            .unwrap()
            .split("\n\n")
            .map(str::to_string)
            .collect()
    }

    /// Paragraphs of a report written with curly apostrophes (19_3ecbplus)
    /// taken in turn with those of one written with straight ones
    /// (1_11ecb): each change of report that shows an apostrophe is a
    /// switch, found at the paragraph where the other report resumes.
    /// Neither report alone switches.
    #[test]
    fn typography_switching_between_reports_marks_the_seams() {
        let (curly, straight) = (ecb_paragraphs("19_3ecbplus"), ecb_paragraphs("1_11ecb"));
        let mut paragraphs = Vec::new();
        let mut from_curly = Vec::new();
        for block in 0..4 {
            for p in &curly[block * 6..block * 6 + 6] {
                paragraphs.push(p.clone());
                from_curly.push(true);
            }
            for p in &straight[block * 5..block * 5 + 5] {
                paragraphs.push(p.clone());
                from_curly.push(false);
            }
        }
        let t = analyze(&paragraphs.join("\n\n"));
        let mut found = Vec::new();
        style_switches(&t, &mut found);
        assert!(found.len() >= 3, "{found:?}");
        for s in &found {
            assert_eq!(s.kind, SignalKind::MixedStyle);
            let p = t.sentences[s.sentence].paragraph;
            assert_eq!(t.sentences[s.sentence].start, {
                let first = t.sentences.iter().position(|x| x.paragraph == p).unwrap();
                t.sentences[first].start
            });
            // The last paragraph before it writing the habit at all is the
            // other report's.
            let habit = HABITS
                .iter()
                .find(|h| h.first == s.text || h.second == s.text)
                .unwrap();
            let before = (0..p)
                .rev()
                .find(|&q| {
                    let (a, b) = (habit.find)(&paragraphs[q]);
                    a != b
                })
                .unwrap();
            assert_ne!(from_curly[p], from_curly[before], "{s:?}");
        }
        for id in ["19_3ecbplus", "1_11ecb"] {
            let mut alone = Vec::new();
            style_switches(&analyze(&ecb_paragraphs(id).join("\n\n")), &mut alone);
            assert!(alone.is_empty(), "{id}: {alone:?}");
        }
    }

    /// Of the corpus's ECB+ articles, few switch typography twice: they
    /// are each one outlet's copy.
    #[test]
    fn honest_reports_rarely_switch_typography() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let corpus = std::fs::read_to_string(root.join("jsonl/ecbplus.jsonl")).unwrap();
        let (mut articles, mut switching) = (0, 0);
        for l in corpus.lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let mut found = Vec::new();
            style_switches(&analyze(v["text"].as_str().unwrap()), &mut found);
            articles += 1;
            switching += usize::from(found.len() >= 2);
        }
        assert!(
            articles >= 100 && switching * 50 <= articles,
            "{switching} of {articles}"
        );
    }

    /// Lines of Multi-News pages that start in lower case after a finished
    /// sentence but were cut from nothing: a byline's address, a caption
    /// button, a list's items.
    #[test]
    fn page_furniture_is_no_fragment() {
        let t = analyze(
            "The fire destroyed the warehouse early on Friday.\n\n\
             pfikac@express-news.net\n\n\
             toggle caption Jay Reed/NPR\n\n\
             a) Steele was suspended and then terminated as an FBI source.\n\n\
             text size",
        );
        let found = stitch_signals(&t);
        assert!(!kinds(&found).contains(&SignalKind::Fragment), "{found:?}");
        // A tail cut mid-clause keeps its sentence's end and is one.
        let t = analyze(
            "The fire destroyed the warehouse early on Friday.\n\n\
             which had stood empty since the dairy closed in 2007.",
        );
        assert!(kinds(&stitch_signals(&t)).contains(&SignalKind::Fragment));
    }

    #[test]
    fn spinner_traces_in_a_seed_paragraph() {
        let t = analyze(
            "Earlier in the day, the USA and Russian Federation separately agreed to work together on an global investigation. \
             Russia said the strike broke worldwide law. Nikki Haley, the USA ambassador to the United Nations, spoke.",
        );
        let s = spin_signals(&t);
        let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
        assert!(texts.contains(&"an global"), "{s:?}");
        assert!(texts.contains(&"worldwide law"));
        assert!(texts.contains(&"Russian Federation / Russia"));
        assert!(texts.contains(&"USA ambassador"));
    }

    #[test]
    fn ordinary_news_prose_has_no_spin_signals() {
        let t = analyze(
            "An hour later, a UN envoy and an FBI agent met a university official at a NATO base. A HUGE crowd waited. \
             The US ambassador said international law was clear, as it was last year. An investigation began.",
        );
        assert!(spin_signals(&t).is_empty(), "{:?}", spin_signals(&t));
    }

    #[test]
    fn honest_articles_before_sounds_are_not_spin() {
        // Flagged before in honest ECB+ articles (3_4ecb, 36_7ecbplus,
        // 27_2ecb, 34_8ecbplus, 13_5ecbplus).
        let t = analyze(
            "The jury returned a unanimous verdict after a Utah judge ruled. \
             The flaw lets an HTML page run code. He took a HIV test at an historic hotel.",
        );
        assert!(spin_signals(&t).is_empty(), "{:?}", spin_signals(&t));
        // A spinner's broken articles still are.
        let t = analyze("They agreed on an global investigation and a international inquiry.");
        assert_eq!(
            kinds(&spin_signals(&t)),
            [SignalKind::ArticleNoun, SignalKind::ArticleNoun]
        );
    }

    #[test]
    fn a_sentence_going_on_after_a_semicolon_or_a_line_break_is_no_fragment() {
        // ECB+ 13_11ecb and 10_17ecbplus: the splitter cuts at a semicolon
        // and at a line break inside a sentence.
        let t = analyze(
            "Children will do what they want as teenagers; we parents try our best to instill good morals and values.\n\n\
             Michael Silverman reports that the Red Sox\n\nhave made an offer, the biggest yet.",
        );
        let found = stitch_signals(&t);
        assert!(
            !kinds(&found).contains(&SignalKind::Fragment),
            "{:?} {found:?}",
            t.sentences
        );
        // A tail cut from another report after a finished sentence still is.
        let t = analyze(
            "Tillerson travelled to Moscow.\n\n-Russian relations to one of the lowest points since the Cold War.",
        );
        assert!(kinds(&stitch_signals(&t)).contains(&SignalKind::Fragment));
    }

    #[test]
    fn stitching_traces() {
        let t = analyze(
            "Tillerson travelled to Moscow. Rather, they argue, any deal must take Moscow into account.\n\n\
             -Russian relations to one of the lowest points since the Cold War.\n\n\
             But while Lavrov agreed, the talks stalled.The rest followed. He called it illegal -and left.",
        );
        let found = stitch_signals(&t);
        let k = kinds(&found);
        assert!(k.contains(&SignalKind::Fragment), "{k:?}");
        assert_eq!(
            k.iter().filter(|k| **k == SignalKind::Glued).count(),
            2,
            "{found:?}"
        );
    }
}
