//! What the stories stage keeps of an article: weighted topic words, named
//! things (capitalised names and figures), whether it has a real headline,
//! and its day. Extracted once per article, in parallel, at ingest.

use std::collections::HashMap;

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::text::{AnalyzedText, Lang, content_analyzer, filters::is_stop_word_in, tokenize_in};

/// Topic words kept per article: enough for any news article's vocabulary
/// that matters, bounded so a long page costs no more than a short one.
const MAX_TERMS: usize = 200;
/// Names and figures kept per article.
const MAX_ENTITIES: usize = 60;
/// Sentences of the lead, which says what happened; its words count more.
const LEAD_SENTENCES: usize = 3;
const LEAD_WEIGHT: f32 = 1.5;
/// A headline word counts as this many body words.
const HEADLINE_WEIGHT: f32 = 2.0;

const TERM_SEED: u64 = 0x7465726d;
const ENTITY_SEED: u64 = 0x656e7469;

/// Capitalised words that name no one: calendar words and honorifics.
const NOT_NAMES: &[&str] = &[
    "april",
    "august",
    "december",
    "dr",
    "february",
    "friday",
    "january",
    "july",
    "june",
    "march",
    "may",
    "monday",
    "mr",
    "mrs",
    "ms",
    "november",
    "october",
    "saturday",
    "september",
    "sunday",
    "thursday",
    "tuesday",
    "wednesday",
];

/// An article as the story clusterer sees it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoryFeatures {
    /// Topic-word stems (hashed) with sublinear weights, sorted by key.
    pub terms: Vec<(u64, f32)>,
    /// Capitalised names and multi-digit figures (hashed, lower-cased) with
    /// sublinear weights, sorted by key.
    pub entities: Vec<(u64, f32)>,
    /// The names of the headline and lead (keys into `entities`): who and
    /// where the event is about.
    pub lead: Vec<u64>,
    /// Publication day (days since 0001-01-01), when known.
    pub day: Option<i32>,
    /// Whether the article has a headline of its own (not its lead
    /// sentence standing in for one).
    pub has_title: bool,
    /// The topic words of its own headline (keys into `terms`), sorted;
    /// empty when it has none.
    pub headline: Vec<u64>,
    /// The figures among its names (keys into `entities`), sorted: a death
    /// toll or a score names one event where a word cannot.
    pub figures: Vec<u64>,
}

impl StoryFeatures {
    /// Extracts the features of an article. `title_from_text` says the
    /// headline is the article's own first sentence.
    pub fn extract(
        title: Option<&str>,
        title_from_text: bool,
        text: &AnalyzedText,
        date: Option<&str>,
    ) -> StoryFeatures {
        let mut terms: Vec<(String, f32, usize)> = Vec::new();
        let mut term_at: HashMap<String, usize> = HashMap::new();
        let mut add_term = |word: String, weight: f32, order: usize| match term_at.get(&word) {
            Some(&i) => terms[i].1 += weight,
            None => {
                term_at.insert(word.clone(), terms.len());
                terms.push((word, weight, order));
            }
        };
        let mut entities: HashMap<String, (f32, usize)> = HashMap::new();
        let mut initial: Vec<String> = Vec::new();
        let mut order = 0usize;
        let lang = text.lang;
        let content = content_analyzer(lang);
        // Words of different languages never share a key, so a story never
        // takes an article in another language (English keeps the seeds
        // its figures were measured with).
        let (term_seed, entity_seed) = (TERM_SEED ^ lang.key_seed(), ENTITY_SEED ^ lang.key_seed());
        let headline = title.filter(|_| !title_from_text);
        let mut headline_keys: Vec<u64> = Vec::new();
        if let Some(t) = headline {
            for tok in content.tokens(t) {
                if is_wordlike(&tok.text) {
                    headline_keys.push(xxh3_64_with_seed(tok.text.as_bytes(), term_seed));
                    add_term(tok.text, HEADLINE_WEIGHT, order);
                    order += 1;
                }
            }
            if !is_title_case(t, lang) {
                names(t, lang, &mut entities, &mut initial, &mut order);
            }
        }
        let mut lead_names: Vec<String> = Vec::new();
        for (i, s) in text.sentences.iter().enumerate() {
            let sentence = &text.text[s.start..s.end];
            let weight = if i < LEAD_SENTENCES { LEAD_WEIGHT } else { 1.0 };
            for tok in content.tokens(sentence) {
                if is_wordlike(&tok.text) {
                    add_term(tok.text, weight, order);
                    order += 1;
                }
            }
            if !is_title_case(sentence, lang) {
                names(sentence, lang, &mut entities, &mut initial, &mut order);
            }
            if i + 1 == LEAD_SENTENCES.min(text.sentences.len()) {
                lead_names = entities.keys().cloned().collect();
            }
        }
        // A capitalised sentence opener is a name when the text also
        // capitalises it mid-sentence.
        for word in initial {
            if let Some(e) = entities.get_mut(&word) {
                e.0 += 1.0;
            }
        }
        let terms = top_hashed(
            terms.into_iter().map(|(w, c, o)| (w, (c, o))),
            MAX_TERMS,
            term_seed,
        );
        let figure_words: Vec<String> = entities
            .keys()
            .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
            .cloned()
            .collect();
        let entities = top_hashed(entities, MAX_ENTITIES, entity_seed);
        let mut lead: Vec<u64> = lead_names
            .iter()
            .map(|w| xxh3_64_with_seed(w.as_bytes(), entity_seed))
            .filter(|k| entities.binary_search_by_key(k, |e| e.0).is_ok())
            .collect();
        lead.sort_unstable();
        let in_entities = |k: &u64| entities.binary_search_by_key(k, |e| e.0).is_ok();
        let mut figures: Vec<u64> = figure_words
            .iter()
            .map(|w| xxh3_64_with_seed(w.as_bytes(), entity_seed))
            .filter(in_entities)
            .collect();
        figures.sort_unstable();
        headline_keys.sort_unstable();
        headline_keys.dedup();
        headline_keys.retain(|k| terms.binary_search_by_key(k, |e| e.0).is_ok());
        StoryFeatures {
            terms,
            entities,
            lead,
            day: date.and_then(day_number),
            has_title: headline.is_some(),
            headline: headline_keys,
            figures,
        }
    }
}

/// The words behind an article's keys, to show what two stories share:
/// each topic-word key to its stem, each name key to the name as written
/// (lower-cased).
pub fn key_words(title: Option<&str>, text: &AnalyzedText) -> HashMap<u64, String> {
    let lang = text.lang;
    let content = content_analyzer(lang);
    let (term_seed, entity_seed) = (TERM_SEED ^ lang.key_seed(), ENTITY_SEED ^ lang.key_seed());
    let mut out = HashMap::new();
    let lines = title
        .into_iter()
        .chain(text.sentences.iter().map(|s| &text.text[s.start..s.end]));
    for line in lines {
        for tok in content.tokens(line) {
            let k = xxh3_64_with_seed(tok.text.as_bytes(), term_seed);
            out.entry(k).or_insert(tok.text);
        }
        for tok in tokenize_in(line, lang) {
            let lower = tok.text.to_lowercase();
            let k = xxh3_64_with_seed(lower.as_bytes(), entity_seed);
            out.entry(k).or_insert(lower);
        }
    }
    out
}

/// The day number of an ISO 8601 date (its first ten characters).
pub fn day_number(date: &str) -> Option<i32> {
    use chrono::Datelike;
    let d = chrono::NaiveDate::parse_from_str(date.get(..10)?, "%Y-%m-%d").ok()?;
    Some(d.num_days_from_ce())
}

/// Words with a letter: figures are kept with the names instead.
fn is_wordlike(stem: &str) -> bool {
    stem.chars().any(char::is_alphabetic) && stem.chars().count() > 1
}

/// Headlines and all-caps lines capitalise every word, so their capitals
/// say nothing about names.
fn is_title_case(text: &str, lang: Lang) -> bool {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
        .filter(|w| !is_stop_word_in(&w.to_lowercase(), lang))
        .collect();
    if words.len() < 3 {
        return false;
    }
    let capitalised = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    capitalised * 5 >= words.len() * 4
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Adds a sentence's names and figures: capitalised words that are not the
/// sentence's first word (unless a second capitalised word follows it), and
/// numbers of two digits or more. A lone capitalised first word goes to
/// `initial`, to be counted if it turns out to be a name.
fn names(
    sentence: &str,
    lang: Lang,
    out: &mut HashMap<String, (f32, usize)>,
    initial: &mut Vec<String>,
    order: &mut usize,
) {
    let tokens = tokenize_in(sentence, lang);
    for (i, tok) in tokens.iter().enumerate() {
        let word = tok.text.as_str();
        let digits = word.chars().filter(char::is_ascii_digit).count();
        let keep = if digits > 0 {
            digits >= 2
        } else if is_capitalised(word) {
            let lower = word.to_lowercase();
            let name = lower.chars().count() > 1
                && !is_stop_word_in(&lower, lang)
                && NOT_NAMES.binary_search(&lower.as_str()).is_err();
            if name && i == 0 && !tokens.get(1).is_some_and(|t| is_capitalised(&t.text)) {
                initial.push(lower);
                false
            } else {
                name
            }
        } else {
            false
        };
        if keep {
            let e = out.entry(word.to_lowercase()).or_insert((0.0, *order));
            e.0 += 1.0;
            *order += 1;
        }
    }
}

/// The `limit` heaviest items (ties: the earliest seen), hashed, with
/// sublinear weights, sorted by key.
fn top_hashed(
    items: impl IntoIterator<Item = (String, (f32, usize))>,
    limit: usize,
    seed: u64,
) -> Vec<(u64, f32)> {
    let mut v: Vec<(String, (f32, usize))> = items.into_iter().collect();
    v.sort_by(|a, b| b.1.0.total_cmp(&a.1.0).then(a.1.1.cmp(&b.1.1)));
    v.truncate(limit);
    let mut out: Vec<(u64, f32)> = v
        .into_iter()
        .map(|(w, (c, _))| (xxh3_64_with_seed(w.as_bytes(), seed), 1.0 + c.ln()))
        .collect();
    out.sort_unstable_by_key(|e| e.0);
    out.dedup_by_key(|e| e.0);
    out
}

/// Packs weighted keys as little-endian `u64` key + `f32` weight.
pub fn encode_weights(v: &[(u64, f32)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len() * 12);
    for (k, w) in v {
        out.extend_from_slice(&k.to_le_bytes());
        out.extend_from_slice(&w.to_le_bytes());
    }
    out
}

/// The inverse of [`encode_weights`]; a trailing partial entry is ignored.
pub fn decode_weights(b: &[u8]) -> Vec<(u64, f32)> {
    b.chunks_exact(12)
        .map(|c| {
            let (k, w) = c.split_at(8);
            (
                u64::from_le_bytes(k.try_into().unwrap_or_default()),
                f32::from_le_bytes(w.try_into().unwrap_or_default()),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyze;

    fn key(word: &str, seed: u64) -> u64 {
        xxh3_64_with_seed(word.as_bytes(), seed)
    }

    #[test]
    fn not_names_is_sorted() {
        assert!(NOT_NAMES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn names_come_from_capitals_inside_sentences_not_headlines() {
        let text = analyze(
            "Canadian police arrested Winston Blackmore on Wednesday in Bountiful. \
             The leader, 52, has 26 wives. Blackmore denied it.",
        );
        let f = StoryFeatures::extract(
            Some("Polygamy Leaders Arrested In Canada"),
            false,
            &text,
            Some("2009-01-07"),
        );
        let has = |w: &str| f.entities.iter().any(|e| e.0 == key(w, ENTITY_SEED));
        assert!(has("blackmore") && has("winston") && has("bountiful"));
        assert!(has("52") && has("26"));
        // Sentence-initial "Canadian" stands alone; "Wednesday" is a day;
        // the title-case headline's capitals say nothing.
        assert!(!has("canadian") && !has("wednesday") && !has("canada"));
        assert!(f.has_title);
        assert_eq!(f.day, day_number("2009-01-07"));
        // "Blackmore" twice weighs more than "Winston" once.
        let w = |word: &str| {
            f.entities
                .iter()
                .find(|e| e.0 == key(word, ENTITY_SEED))
                .unwrap()
                .1
        };
        assert!(w("blackmore") > w("winston"));
    }

    #[test]
    fn headline_and_lead_words_weigh_more() {
        let text = analyze(
            "The jury met in the courthouse on Monday morning. Officials spoke to reporters \
             outside the building. Nothing moved for several hours afterwards. Later the \
             verdict came from the judge. The verdict was read again in full. A long prison \
             term followed for the defendant.",
        );
        let f = StoryFeatures::extract(Some("Verdict in trial"), false, &text, None);
        let w = |word: &str| {
            let stem = content_analyzer(Lang::EN)
                .tokens(word)
                .pop()
                .map(|t| t.text)
                .unwrap_or_default();
            f.terms
                .iter()
                .find(|e| e.0 == key(&stem, TERM_SEED))
                .map(|e| e.1)
                .unwrap_or(0.0)
        };
        assert!(w("jury") > 0.0 && w("prison") > 0.0);
        assert!(w("verdict") > w("jury"), "headline word beats a lead word");
        assert!(w("jury") > w("prison"), "lead word beats a later one");
        assert_eq!(w("the"), 0.0, "stop words are not topic words");
        assert!(f.day.is_none());
    }

    #[test]
    fn headline_words_and_figures_are_kept_apart() {
        let text = analyze(
            "A 6.1 magnitude earthquake killed 73 people in Aceh on Tuesday, officials said. \
             Rescuers searched the rubble in Takengon.",
        );
        let f = StoryFeatures::extract(
            Some("Earthquake kills dozens in Indonesia"),
            false,
            &text,
            Some("2013-07-02"),
        );
        let term = |w: &str| {
            let stem = content_analyzer(Lang::EN)
                .tokens(w)
                .pop()
                .map(|t| t.text)
                .unwrap_or_default();
            key(&stem, TERM_SEED)
        };
        assert!(f.headline.contains(&term("earthquake")));
        assert!(f.headline.contains(&term("dozens")));
        assert!(
            !f.headline.contains(&term("rubble")),
            "body words are not headline words"
        );
        assert!(f.headline.windows(2).all(|w| w[0] < w[1]));
        assert!(f.figures.contains(&key("73", ENTITY_SEED)));
        assert!(
            !f.figures.contains(&key("aceh", ENTITY_SEED)),
            "names are not figures"
        );
        assert!(
            f.figures
                .iter()
                .all(|k| f.entities.iter().any(|e| e.0 == *k))
        );
        // A lead sentence standing in for the headline is no headline.
        let g = StoryFeatures::extract(Some("A 6.1 magnitude earthquake"), true, &text, None);
        assert!(g.headline.is_empty() && !g.has_title);
    }

    #[test]
    fn weights_round_trip_through_bytes() {
        let v = vec![(1u64, 0.5f32), (u64::MAX, 2.25)];
        assert_eq!(decode_weights(&encode_weights(&v)), v);
        assert!(decode_weights(&[1, 2, 3]).is_empty());
    }
}
