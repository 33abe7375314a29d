//! What news writing usually says: a thesaurus and usage counts, for
//! finding the phrases a synonym spinner leaves behind without the report
//! it spun.
//!
//! - The thesaurus is WordNet 3.0's synonym groups (a synset, and for a
//!   satellite adjective its head's synset too), shipped compressed in
//!   `data/thesaurus.txt.gz` with WordNet's licence beside it.
//! - Usage counts are document frequencies of words, word pairs and the
//!   thesaurus' multi-word names. They come from licence-clean text shipped
//!   in `data/usage.txt.gz` (ECB+, CC BY 3.0, and WordNet's glosses) and
//!   from the stream itself: the store counts every article it keeps
//!   ([`counted_keys`]), so the usual forms of a stream's own subjects are
//!   learnt as it runs. `bench/spin/make_usage_data.py` makes both files.
//!
//! A spun phrase is one whose usual variant under a synonym swap is far
//! more frequent: "worldwide law" beside "international law", "Russian
//! Federation" beside "Russia" ([`rare_variants`]).

use std::io::Read;
use std::sync::LazyLock;

use flate2::read::GzDecoder;
use rustc_hash::{FxHashMap, FxHashSet};
use xxhash_rust::xxh3::xxh3_64;

use super::signals::{Signal, SignalKind};
use crate::text::filters::is_stop_word;
use crate::text::{AnalyzedText, Lang};

/// Longest thesaurus entry counted, in words.
pub const MAX_PHRASE_WORDS: usize = 4;
/// A phrase with at most this many synonyms tried (the most frequent
/// first): the usual form of a phrase is among its common synonyms.
const MAX_SYNONYMS: usize = 16;
/// A usual variant's context must have been seen at least this often.
const MIN_USUAL_CONTEXT: f64 = 4.0;
/// A synonym is a candidate usual form when it is at least this many
/// times as frequent (plus one) as the word written.
const COMMONER: f64 = 2.0;
/// A usual pair must hold this share of its rarer word's uses.
const TIED: f64 = 0.05;
/// A long name is spun when its usual variant is this many times as
/// frequent (plus one) and seen at least [`MIN_USUAL_NAME`] times.
const NAME_RATIO: f64 = 12.0;
const MIN_USUAL_NAME: f64 = 10.0;

static THESAURUS_GZ: &[u8] = include_bytes!("../../data/thesaurus.txt.gz");
static USAGE_GZ: &[u8] = include_bytes!("../../data/usage.txt.gz");

fn gunzip(bytes: &[u8]) -> String {
    let mut out = String::new();
    // The files are built into the binary: a failure is a build defect,
    // and an empty thesaurus only means no rare-variant evidence.
    let _ = GzDecoder::new(bytes).read_to_string(&mut out);
    out
}

/// The key a phrase (lower-case words joined by single spaces) is counted
/// under, here and in the store.
pub fn key(phrase: &str) -> u64 {
    xxh3_64(phrase.as_bytes()) & (i64::MAX as u64)
}

/// The key under which the number of counted documents is kept.
pub fn documents_key() -> u64 {
    key("#documents")
}

/// WordNet's synonym groups.
struct Thesaurus {
    /// Each phrase once.
    phrases: Vec<String>,
    ids: FxHashMap<String, u32>,
    /// The groups each phrase is in.
    groups_of: Vec<Vec<u32>>,
    /// Each group's phrases, and whether WordNet capitalises the phrase
    /// there (a name).
    groups: Vec<Vec<(u32, bool)>>,
    /// Whether the phrase is somewhere written in lower case.
    common: Vec<bool>,
}

/// Whether a lower-cased word is a common word: WordNet has it in lower
/// case (as itself or, for a plural, its singular). Names are not.
pub fn is_common_word(word: &str) -> bool {
    let th = &*THESAURUS;
    let common = |w: &str| th.ids.get(w).is_some_and(|&id| th.common[id as usize]);
    common(word) || word.strip_suffix('s').is_some_and(common)
}

/// Whether WordNet has two lower-cased phrases in one synonym group.
pub fn are_synonyms(a: &str, b: &str) -> bool {
    let th = &*THESAURUS;
    let (Some(&x), Some(&y)) = (th.ids.get(a), th.ids.get(b)) else {
        return false;
    };
    th.groups_of[x as usize]
        .iter()
        .any(|g| th.groups_of[y as usize].contains(g))
}

static THESAURUS: LazyLock<Thesaurus> = LazyLock::new(|| {
    let text = gunzip(THESAURUS_GZ);
    let mut t = Thesaurus {
        phrases: Vec::new(),
        ids: FxHashMap::default(),
        groups_of: Vec::new(),
        groups: Vec::new(),
        common: Vec::new(),
    };
    for line in text.lines() {
        let g = t.groups.len() as u32;
        let mut members = Vec::new();
        for cased in line.split('|') {
            let phrase = cased.to_lowercase();
            let id = match t.ids.get(&phrase) {
                Some(&id) => id,
                None => {
                    let id = t.phrases.len() as u32;
                    t.phrases.push(phrase.clone());
                    t.ids.insert(phrase, id);
                    t.groups_of.push(Vec::new());
                    t.common.push(false);
                    id
                }
            };
            t.common[id as usize] |= !cased.starts_with(char::is_uppercase);
            t.groups_of[id as usize].push(g);
            members.push((id, cased.starts_with(char::is_uppercase)));
        }
        t.groups.push(members);
    }
    t
});

/// Multi-word thesaurus entries of three words or more, counted as
/// phrases (pairs are counted anyway).
static LONG_NAMES: LazyLock<FxHashSet<u64>> = LazyLock::new(|| {
    THESAURUS
        .phrases
        .iter()
        .filter(|p| p.split(' ').count() >= 3)
        .map(|p| key(p))
        .collect()
});

struct Shipped {
    counts: FxHashMap<u64, u32>,
}

static SHIPPED: LazyLock<Shipped> = LazyLock::new(|| {
    let text = gunzip(USAGE_GZ);
    let mut counts = FxHashMap::default();
    for line in text.lines() {
        if let Some((n, phrase)) = line.split_once('\t')
            && let Ok(n) = n.parse::<u32>()
        {
            counts.insert(key(phrase), n);
        }
    }
    Shipped { counts }
});

/// A word as the usage counts see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// Byte offset in the text.
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
    /// Lower-cased, curly apostrophes made straight.
    pub lower: String,
}

/// The words of a text: runs of letters and digits, joined across an
/// inner apostrophe ("don't"). Hyphens and periods split ("world-wide" is
/// "world wide", "U.S." is "u s"), as in the shipped counts.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let joins = matches!(c, '\'' | '\u{2019}')
            && start.is_some()
            && chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || joins {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push(word(text, s, i));
        }
    }
    if let Some(s) = start {
        out.push(word(text, s, text.len()));
    }
    out
}

fn word(text: &str, start: usize, end: usize) -> Word {
    let raw = &text[start..end];
    // Most words are ASCII: lower-cased byte by byte, with no curly
    // apostrophe to look for.
    let lower = if raw.is_ascii() {
        raw.to_ascii_lowercase()
    } else {
        let lower = raw.to_lowercase();
        if lower.contains('\u{2019}') {
            lower.replace('\u{2019}', "'")
        } else {
            lower
        }
    };
    Word { start, end, lower }
}

/// The keys an article adds one to in the store's usage counts: its
/// words, word pairs and the thesaurus' long names it contains, each once,
/// and [`documents_key`]. English only: the thesaurus is English.
pub fn counted_keys(text: &AnalyzedText) -> Vec<u64> {
    if text.lang != Lang::EN {
        return Vec::new();
    }
    let w = words(&text.text);
    // Only what [`rare_variants`] asks: content words, pairs of content
    // words, and thesaurus entries with a stop word in them ("at least").
    // Pairs of function words ("of the") would be most of the table.
    let content: Vec<bool> = w.iter().map(|x| !is_stop_word(&x.lower)).collect();
    let mut keys: FxHashSet<u64> = FxHashSet::default();
    keys.insert(documents_key());
    let (thesaurus, long_names) = (&*THESAURUS, &*LONG_NAMES);
    let mut phrase = String::new();
    for i in 0..w.len() {
        if content[i] {
            keys.insert(key(&w[i].lower));
        }
        phrase.clear();
        phrase.push_str(&w[i].lower);
        for (n, next) in w[i + 1..].iter().take(MAX_PHRASE_WORDS - 1).enumerate() {
            phrase.push(' ');
            phrase.push_str(&next.lower);
            let k = key(&phrase);
            let counted = if n == 0 {
                (content[i] && content[i + 1]) || thesaurus.ids.contains_key(&phrase)
            } else {
                long_names.contains(&k)
            };
            if counted {
                keys.insert(k);
            }
        }
    }
    keys.into_iter().collect()
}

/// Usage counts: the shipped ones plus what the stream's store holds for
/// the keys asked.
#[derive(Debug, Clone, Default)]
pub struct Usage {
    /// The store's counts of the keys [`needed_keys`] named. Looked up for
    /// every phrase and synonym judged; the keys come from article text,
    /// so the hasher is seeded (no chosen collisions) but no SipHash.
    pub stream: foldhash::HashMap<u64, u32>,
    /// The judged article is counted in `stream`: take it out, so a phrase
    /// is not made usual by the article that uses it.
    pub counts_itself: bool,
}

impl Usage {
    /// The shipped counts only (no store).
    pub fn shipped() -> Self {
        Usage::default()
    }

    fn count(&self, phrase: &str) -> f64 {
        let k = key(phrase);
        let shipped = SHIPPED.counts.get(&k).copied().unwrap_or(0);
        let stream = self.stream.get(&k).copied().unwrap_or(0);
        let own = u32::from(self.counts_itself && stream > 0);
        f64::from(shipped + stream - own)
    }
}

/// One occurrence of a thesaurus entry in a sentence, with the words
/// around it.
struct Occurrence {
    /// Index of its first word.
    first: usize,
    /// Words it spans.
    len: usize,
    /// The thesaurus' own lower-cased entry: no copy per occurrence (a
    /// megabyte of judged text holds tens of thousands).
    phrase: &'static str,
    /// The word before it, when it is a content word ([`context`]).
    before: Option<usize>,
    /// The word after it, when it is a content word.
    after: Option<usize>,
    /// Its thesaurus entry: its synonyms are [`Phrases`]'s for the entry.
    entry: u32,
}

impl Occurrence {
    fn before<'w>(&self, w: &'w [Word]) -> Option<&'w str> {
        self.before.map(|b| w[b].lower.as_str())
    }

    fn after<'w>(&self, w: &'w [Word]) -> Option<&'w str> {
        self.after.map(|a| w[a].lower.as_str())
    }
}

/// A content word next to a phrase, the context its use is judged in.
fn context(w: &[Word], at: Option<usize>) -> Option<usize> {
    at.filter(|&k| {
        w.get(k)
            .is_some_and(|x| !is_stop_word(&x.lower) && x.lower.chars().all(char::is_alphabetic))
    })
}

/// A sentence's words and the thesaurus entries among them.
struct SentencePhrases {
    words: Vec<Word>,
    occurrences: Vec<Occurrence>,
}

/// An English text's words and thesaurus entries, sentence by sentence:
/// what [`needed_keys`] and [`rare_variants`] both walk. Splitting the
/// words, finding the entries and their synonyms is most of what either
/// costs, and a judged article asks both: [`Phrases::of`] does it once.
pub struct Phrases {
    /// One per sentence of the text; none outside English (the thesaurus
    /// is English).
    sentences: Vec<SentencePhrases>,
    /// The synonyms worth trying ([`synonyms`], names or not) of each
    /// entry found, once per entry: a long text repeats its entries, and
    /// a list per occurrence was most of a 1 MB record's peak memory.
    synonyms: FxHashMap<u32, Box<[&'static str]>>,
}

impl Phrases {
    /// The words and thesaurus entries of each sentence of `text`.
    pub fn of(text: &AnalyzedText) -> Self {
        if text.lang != Lang::EN {
            return Phrases {
                sentences: Vec::new(),
                synonyms: FxHashMap::default(),
            };
        }
        let mut synonyms = FxHashMap::default();
        let sentences = text
            .sentences
            .iter()
            .map(|s| {
                let words = words(&text.text[s.start..s.end]);
                let occurrences = occurrences(&words, &mut synonyms);
                SentencePhrases { words, occurrences }
            })
            .collect();
        Phrases {
            sentences,
            synonyms,
        }
    }

    /// The synonyms worth trying of an occurrence's entry.
    fn synonyms_of(&self, o: &Occurrence) -> &[&'static str] {
        self.synonyms.get(&o.entry).map_or(&[], |s| s)
    }

    /// The words of sentence `i` ([`words`]); none outside English.
    pub fn words(&self, i: usize) -> &[Word] {
        self.sentences.get(i).map_or(&[], |s| &s.words)
    }

    /// Every key [`rare_variants_of`] may look up for the text: read them
    /// from the store first.
    pub fn needed_keys(&self) -> Vec<u64> {
        let mut keys: FxHashSet<u64> = FxHashSet::default();
        self.walk(&mut |phrase| {
            keys.insert(key(phrase));
        });
        keys.into_iter().collect()
    }

    /// Visits every phrase whose count the rule needs.
    fn walk(&self, visit: &mut dyn FnMut(&str)) {
        for SentencePhrases {
            words: w,
            occurrences,
        } in &self.sentences
        {
            for o in occurrences {
                let (before, after) = (o.before(w), o.after(w));
                before.into_iter().chain(after).for_each(&mut *visit);
                for variant in std::iter::once(o.phrase).chain(self.synonyms_of(o).iter().copied())
                {
                    visit(variant);
                    if let Some(b) = before {
                        visit(&pair(b, first_word(variant)));
                    }
                    if let Some(a) = after {
                        visit(&pair(last_word(variant), a));
                    }
                }
            }
        }
    }
}

/// The thesaurus entries among a sentence's words, each entry's synonyms
/// added to `synonyms` the first time it is found.
fn occurrences(
    w: &[Word],
    synonyms_of: &mut FxHashMap<u32, Box<[&'static str]>>,
) -> Vec<Occurrence> {
    let th = &*THESAURUS;
    let mut out = Vec::new();
    // The longest phrase at a word, written once: each shorter one is a
    // prefix of it (this runs for every word of every judged article).
    let mut longest = String::new();
    let mut ends = [0usize; MAX_PHRASE_WORDS];
    let mut i = 0;
    while i < w.len() {
        let most = MAX_PHRASE_WORDS.min(w.len() - i);
        longest.clear();
        for (k, word) in w[i..i + most].iter().enumerate() {
            if k > 0 {
                longest.push(' ');
            }
            longest.push_str(&word.lower);
            ends[k] = longest.len();
        }
        let found = (1..=most).rev().find(|&n| {
            let phrase = &longest[..ends[n - 1]];
            let content = n > 1
                || (!is_stop_word(phrase)
                    && phrase.len() >= 3
                    && phrase.chars().all(char::is_alphabetic));
            content && th.ids.contains_key(phrase)
        });
        let Some(n) = found else {
            i += 1;
            continue;
        };
        let phrase = &longest[..ends[n - 1]];
        let entry = th.ids[phrase];
        synonyms_of
            .entry(entry)
            // Boxed: `collect` above reuses the buffer of every synonym
            // found, and the box drops the room beyond those kept.
            .or_insert_with(|| synonyms(phrase, false).into_boxed_slice());
        out.push(Occurrence {
            first: i,
            len: n,
            phrase: th.phrases[entry as usize].as_str(),
            before: context(w, i.checked_sub(1)),
            after: context(w, Some(i + n)),
            entry,
        });
        i += n;
    }
    out
}

/// The synonyms of a phrase worth trying, the most frequent first; with
/// `names`, only those WordNet capitalises.
fn synonyms(phrase: &str, names: bool) -> Vec<&'static str> {
    let th = &*THESAURUS;
    let Some(&id) = th.ids.get(phrase) else {
        return Vec::new();
    };
    let mut seen: FxHashSet<u32> = FxHashSet::default();
    seen.insert(id);
    let mut out: Vec<(u32, &'static str)> = Vec::new();
    for &g in &th.groups_of[id as usize] {
        for &(s, proper) in &th.groups[g as usize] {
            if (proper || !names) && seen.insert(s) {
                let p = th.phrases[s as usize].as_str();
                // A stop word ("us", "it") is no usual form of a name.
                if p.contains(' ') || !is_stop_word(p) {
                    let n = SHIPPED.counts.get(&key(p)).copied().unwrap_or(0);
                    out.push((n, p));
                }
            }
        }
    }
    out.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    out.into_iter().take(MAX_SYNONYMS).map(|(_, p)| p).collect()
}

fn pair(a: &str, b: &str) -> String {
    format!("{a} {b}")
}

fn first_word(p: &str) -> &str {
    p.split(' ').next().unwrap_or(p)
}

fn last_word(p: &str) -> &str {
    p.rsplit(' ').next().unwrap_or(p)
}

/// Every key [`rare_variants`] may look up for this text: read them from
/// the store first. ([`Phrases::needed_keys`] when the text's
/// [`Phrases`] are at hand.)
pub fn needed_keys(text: &AnalyzedText) -> Vec<u64> {
    Phrases::of(text).needed_keys()
}

/// Phrases whose usual variant, under a synonym swap from the thesaurus,
/// is far more frequent in the usage counts:
/// - a word or phrase next to a content word it is almost never seen
///   with, where a synonym is seen with it often ("worldwide law" where
///   "international law" is usual);
/// - a long name whose synonym is far more frequent ("Russian Federation"
///   for "Russia").
///
/// Each is a [`SignalKind::RareVariant`] with the words as written and the
/// usual variant.
pub fn rare_variants(text: &AnalyzedText, usage: &Usage) -> Vec<Signal> {
    rare_variants_of(text, &Phrases::of(text), usage)
}

/// [`rare_variants`] with the text's [`Phrases`] found already.
pub fn rare_variants_of(text: &AnalyzedText, phrases: &Phrases, usage: &Usage) -> Vec<Signal> {
    let mut out = Vec::new();
    if text.lang != Lang::EN {
        return out;
    }
    for (index, (s, found)) in text.sentences.iter().zip(&phrases.sentences).enumerate() {
        let sentence = &text.text[s.start..s.end];
        let w = &found.words;
        for o in &found.occurrences {
            let (before, after) = (o.before(w), o.after(w));
            let last = o.first + o.len - 1;
            let written = |from: usize, to: usize| sentence[w[from].start..w[to].end].to_string();
            let own_before = before.map_or(0.0, |b| usage.count(&pair(b, first_word(o.phrase))));
            let own_after = after.map_or(0.0, |a| usage.count(&pair(last_word(o.phrase), a)));
            let own = usage.count(o.phrase);
            let mut best: Option<(f64, Signal)> = None;
            let names = if is_name(sentence, &w[o.first..=last]) {
                synonyms(o.phrase, true)
            } else {
                Vec::new()
            };
            for &syn in phrases.synonyms_of(o) {
                let alt = usage.count(syn);
                // Spinners swap a common word for a rarer one.
                if alt < COMMONER * (own + 1.0) {
                    continue;
                }
                let candidates = [
                    before.map(|b| {
                        let usual = usage.count(&pair(b, first_word(syn)));
                        (
                            usual,
                            own_before,
                            o.first - 1,
                            last,
                            format!("{} {syn}", &w[o.first - 1].lower),
                        )
                    }),
                    after.map(|a| {
                        let usual = usage.count(&pair(last_word(syn), a));
                        (usual, own_after, o.first, last + 1, format!("{syn} {a}"))
                    }),
                ];
                for (usual, seen, from, to, usual_text) in candidates.into_iter().flatten() {
                    // The usual pair must be a collocation, not two common
                    // words that happen to meet ("two large").
                    let context = if to == last + 1 { after } else { before };
                    let tied = usual >= TIED * usage.count(context.unwrap_or("")).min(alt);
                    if usual >= MIN_USUAL_CONTEXT
                        && seen == 0.0
                        && tied
                        && best.as_ref().is_none_or(|b| usual > b.0)
                    {
                        best = Some((
                            usual,
                            Signal {
                                kind: SignalKind::RareVariant,
                                sentence: index,
                                text: written(from, to),
                                usual: Some(usual_text),
                            },
                        ));
                    }
                }
                // A person's surname is no spun form of the full name.
                let surname = o.len == 2 && syn == last_word(o.phrase);
                if names.contains(&syn)
                    && !surname
                    && alt >= MIN_USUAL_NAME
                    && alt >= NAME_RATIO * (own + 1.0)
                    && best.as_ref().is_none_or(|b| alt > b.0)
                {
                    best = Some((
                        alt,
                        Signal {
                            kind: SignalKind::RareVariant,
                            sentence: index,
                            text: written(o.first, last),
                            usual: Some(title_case(syn)),
                        },
                    ));
                }
            }
            if let Some((_, signal)) = best {
                out.push(signal);
            }
        }
    }
    out
}

/// A name as written: two words or more, each capitalised but for "of",
/// "the" and "and", no digits, no single letters ("U.S.").
fn is_name(sentence: &str, w: &[Word]) -> bool {
    w.len() >= 2
        && w.iter().all(|x| {
            let written = &sentence[x.start..x.end];
            (written.starts_with(char::is_uppercase)
                || matches!(x.lower.as_str(), "of" | "the" | "and"))
                && x.lower.len() > 1
                && x.lower.chars().all(char::is_alphabetic)
        })
}

/// A lower-cased name as a name ("russia" as "Russia"); acronyms the
/// thesaurus has ("nato") are shown in capitals.
fn title_case(p: &str) -> String {
    if !p.contains(' ') && p.len() <= 4 && !p.chars().any(|c| "aeiou".contains(c)) {
        return p.to_uppercase();
    }
    p.split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyze;

    #[test]
    fn words_split_like_the_shipped_counts() {
        let w: Vec<String> = words("The U.S. world-wide ban, Putin\u{2019}s 'view'.")
            .into_iter()
            .map(|w| w.lower)
            .collect();
        assert_eq!(
            w,
            ["the", "u", "s", "world", "wide", "ban", "putin's", "view"]
        );
    }

    #[test]
    fn the_shipped_data_loads() {
        assert!(THESAURUS.groups.len() > 50_000);
        assert!(SHIPPED.counts.len() > 100_000);
        let syn = synonyms("russian federation", true);
        assert!(syn.contains(&"russia"), "{syn:?}");
    }

    #[test]
    fn spun_names_and_collocations_are_rare_variants() {
        let t = analyze(
            "The Russian Federation said the strike broke worldwide law. \
             Officials said the investigation would take months.",
        );
        let found = rare_variants(&t, &Usage::shipped());
        let texts: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|s| (s.text.as_str(), s.usual.as_deref()))
            .collect();
        assert!(
            texts.contains(&("Russian Federation", Some("Russia"))),
            "{texts:?}"
        );
        // A collocation the shipped text has too few of is learnt from
        // the stream: a store where "international law" is common.
        let mut usage = Usage::shipped();
        usage.stream.insert(key("international law"), 60);
        usage.stream.insert(key("international"), 200);
        let found = rare_variants(&t, &usage);
        assert!(
            found
                .iter()
                .any(|s| s.text == "worldwide law"
                    && s.usual.as_deref() == Some("international law")),
            "{found:?}"
        );
    }

    /// One [`Phrases`] per judged article serves both the counts read and
    /// the rule: on a spun seed article, the keys it names hold every
    /// entry found, its synonyms and its pairs with the words around it,
    /// and the rule reading the same walk finds the spun name.
    #[test]
    fn one_phrase_walk_serves_the_keys_and_the_rule() {
        let seed = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../corpus/seeds/000_4ca324f4dd3e4842.txt"),
        )
        .unwrap();
        let t = analyze(&seed);
        let phrases = Phrases::of(&t);
        assert_eq!(phrases.sentences.len(), t.sentences.len());
        let keys: FxHashSet<u64> = phrases.needed_keys().into_iter().collect();
        let mut pairs = 0;
        for s in &phrases.sentences {
            for o in &s.occurrences {
                assert!(keys.contains(&key(o.phrase)), "{}", o.phrase);
                assert_eq!(
                    *phrases.synonyms_of(o),
                    *synonyms(o.phrase, false),
                    "{}",
                    o.phrase
                );
                for syn in phrases.synonyms_of(o) {
                    assert!(keys.contains(&key(syn)), "{syn}");
                    if let Some(b) = o.before(&s.words) {
                        assert!(keys.contains(&key(&pair(b, first_word(syn)))));
                        pairs += 1;
                    }
                }
            }
        }
        assert!(pairs > 100, "{pairs}");
        let russia = phrases.sentences.iter().flat_map(|s| &s.occurrences);
        let russia: Vec<&Occurrence> = russia
            .filter(|o| o.phrase == "russian federation")
            .collect();
        assert!(
            !russia.is_empty()
                && russia
                    .iter()
                    .all(|o| phrases.synonyms_of(o).contains(&"russia"))
        );
        let found = rare_variants_of(&t, &phrases, &Usage::shipped());
        assert!(
            found
                .iter()
                .any(|s| s.text == "Russian Federation" && s.usual.as_deref() == Some("Russia")),
            "{found:?}"
        );
        assert_eq!(found, rare_variants(&t, &Usage::shipped()));
        // Outside English there is nothing to walk.
        let mut french = t.clone();
        french.lang = Lang::new("fr").unwrap();
        assert!(Phrases::of(&french).needed_keys().is_empty());
        assert!(rare_variants_of(&french, &Phrases::of(&french), &Usage::shipped()).is_empty());
    }

    #[test]
    fn the_stream_makes_a_phrase_usual() {
        let t = analyze("The Russian Federation said the strike broke worldwide law.");
        let mut usage = Usage::shipped();
        for k in needed_keys(&t) {
            usage.stream.insert(k, 0);
        }
        usage.stream.insert(key("worldwide law"), 40);
        usage.stream.insert(key("russian federation"), 500);
        let found = rare_variants(&t, &usage);
        assert!(found.is_empty(), "{found:?}");
    }
}
