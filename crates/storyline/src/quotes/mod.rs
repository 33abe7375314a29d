//! Who said what: quotations with their speakers and cues, and the people,
//! organisations and places of a story, with the many names of one entity
//! joined.
//!
//! - [`extract`] reads one article: direct quotes (straight or curly marks,
//!   quotes that run over paragraphs, partial quotes inside a sentence),
//!   indirect speech ("X said that …", "according to X"), each with its cue
//!   and its speaker as written; and the article's name mentions, typed.
//! - [`join_story`] reads a story's articles: it joins the aliases of one
//!   entity ("Rex Tillerson", "Tillerson", "Secretary Tillerson", "the
//!   secretary of state"), resolves every speaker to an entity (pronouns and
//!   role nouns included), and merges the same quote carried by several
//!   sources, flagging the ones the sources word differently or give to
//!   different speakers.
//!
//! Nothing is downloaded: the rules, cue verbs and gazetteer ship in the
//! crate.

mod extract;
pub mod gazetteer;
mod join;
mod languages;
mod lexicon;
mod names;
mod tokens;

use serde::{Deserialize, Serialize, Serializer};

pub use languages::Support;

use crate::text::Lang;

/// The extractor's version: stored attributions from another version are
/// found again (see [`crate::pipeline::quotes::backfill`]). 8: names
/// no longer keep a sentence's full stop or run over it. 9: a closing mark
/// left alone by a quotation broken across paragraphs is not quoted.
pub const VERSION: i64 = 9;

/// A span of an article's stored text, in characters (Unicode code points),
/// end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

/// How a quote reports what was said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// Word for word, inside quotation marks.
    Direct,
    /// Reported speech with quoted fragments (`called it "illegal"`).
    Mixed,
    /// Reported speech ("X said that …", "according to X").
    Indirect,
}

/// The kind of a named entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A person.
    Person,
    /// A company, party, agency, government body or news outlet.
    Organization,
    /// A country, region or city.
    Place,
}

/// One attribution in one article: what was said, the cue that reports it,
/// and who said it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// Direct, mixed or indirect.
    pub kind: QuoteKind,
    /// What was said, as written (without the outer quotation marks).
    pub text: String,
    /// Where the content is, quotation marks included.
    pub span: Span,
    /// The content's pieces when a cue interrupts it
    /// (`"A," she said, "B."`); empty when it is one piece.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fragments: Vec<Span>,
    /// The cue as written ("said", "told", "according to").
    pub cue: Option<String>,
    /// Where the cue is.
    pub cue_span: Option<Span>,
    /// The speaker as written ("Tillerson", "he", "the secretary of state"):
    /// the name, pronoun or role phrase at the head of the speaker phrase.
    pub speaker: Option<String>,
    /// Where the speaker is.
    pub speaker_span: Option<Span>,
    /// Whether the cue reports speech ("said", "accused"); `false` for a
    /// belief, wish, plan or finding ("believes", "wants", "shows"), which
    /// story quote lists leave out.
    #[serde(default = "yes")]
    pub speech: bool,
    /// The whole speaker phrase, when it is longer than the speaker
    /// ("Rex Tillerson, the USA secretary of state,").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_phrase_span: Option<Span>,
}

fn yes() -> bool {
    true
}

/// A name or role noun in an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// The mention as written.
    pub text: String,
    /// Where it is.
    pub span: Span,
    /// Its kind, when the article shows it.
    pub kind: Option<EntityKind>,
    /// The name without titles (for a place, its gazetteer name); for a
    /// role phrase, its role ("secretary of state").
    pub name: String,
    /// A role phrase ("the secretary of state"), not a name.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub role: bool,
    /// A capital standing for its country's government ("Moscow said").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub metonym: bool,
    /// Roles the article gives this name, by title or apposition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub titles: Vec<String>,
}

/// What [`extract`] finds in one article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Attributions {
    /// Quotes, in text order.
    pub quotes: Vec<Quote>,
    /// Name mentions, in text order.
    pub mentions: Vec<Mention>,
    /// What the rules could look for in the article's language: quotes and
    /// names, names only, or nothing.
    #[serde(default, skip_serializing_if = "is_full")]
    pub support: Support,
}

fn is_full(s: &Support) -> bool {
    *s == Support::Full
}

/// What a story's quotes or entities are in its JSON: the list, or the
/// words "unsupported language" when the stage has no rules for the
/// language of the story's articles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrUnsupported<T> {
    /// The items (empty when unsupported).
    pub items: Vec<T>,
    /// No rules for the language.
    pub unsupported: bool,
}

impl<T> std::ops::Deref for OrUnsupported<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.items
    }
}

impl<T: Serialize> Serialize for OrUnsupported<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.unsupported {
            s.serialize_str(UNSUPPORTED)
        } else {
            self.items.serialize(s)
        }
    }
}

/// What the quotes stage says for a language it has no rules for.
pub const UNSUPPORTED: &str = "unsupported language";

/// One article of a story, as [`join_story`] reads it.
#[derive(Debug, Clone)]
pub struct StoryInput<'a> {
    /// Article id.
    pub id: i64,
    /// The input's own id.
    pub ref_id: Option<&'a str>,
    /// Where it was published.
    pub source: Option<&'a str>,
    /// What [`extract`] found in it.
    pub attributions: &'a Attributions,
}

/// One entity of a story, with every name it goes by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryEntity {
    /// Its number within the story (1 = most mentioned).
    pub id: usize,
    /// Its fullest name.
    pub name: String,
    /// Person, organization or place.
    pub kind: EntityKind,
    /// Every other way the story names it, most used first.
    pub aliases: Vec<String>,
    /// Mentions across the story.
    pub mentions: usize,
    /// Mentions per article, most first.
    pub articles: Vec<EntityArticle>,
}

/// An entity's mentions in one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityArticle {
    /// Article id.
    pub article: i64,
    /// The input's own id.
    #[serde(rename = "ref")]
    pub ref_id: Option<String>,
    /// Mentions in that article.
    pub mentions: usize,
}

/// One source's version of a quote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteSource {
    /// Article id.
    pub article: i64,
    /// The input's own id.
    #[serde(rename = "ref")]
    pub ref_id: Option<String>,
    /// Where the article was published.
    pub source: Option<String>,
    /// Direct, mixed or indirect.
    pub kind: QuoteKind,
    /// The quote as this article words it.
    pub text: String,
    /// The cue as written.
    pub cue: Option<String>,
    /// The speaker as written.
    pub speaker: Option<String>,
    /// The speaker's entity's name.
    pub speaker_resolved: Option<String>,
    /// The speaker's entity ([`StoryEntity::id`]).
    pub entity: Option<usize>,
    /// Where the content is in the article's stored text.
    pub span: Span,
}

/// A quote of a story, with every source that carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryQuote {
    /// The first source's article id.
    pub article: i64,
    /// The first source's own id.
    #[serde(rename = "ref")]
    pub ref_id: Option<String>,
    /// Direct, mixed or indirect (as the first source has it).
    pub kind: QuoteKind,
    /// The quote as the first source words it.
    pub text: String,
    /// The first source's cue.
    pub cue: Option<String>,
    /// The speaker as the first source writes it.
    pub speaker: Option<String>,
    /// The speaker's entity's name.
    pub speaker_resolved: Option<String>,
    /// The speaker's entity ([`StoryEntity::id`]).
    pub entity: Option<usize>,
    /// Where the content is in the first source's stored text.
    pub span: Span,
    /// Every source that carries the quote, the first one included.
    pub sources: Vec<QuoteSource>,
    /// The sources word the quote differently.
    pub wording_differs: bool,
    /// The sources give the quote to different speakers.
    pub speakers_differ: bool,
}

/// A story's quotes and entities.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoryAttributions {
    /// Quotes, the most carried first.
    pub quotes: Vec<StoryQuote>,
    /// Entities, the most mentioned first.
    pub entities: Vec<StoryEntity>,
    /// The most the rules could do for any of the story's articles.
    #[serde(default)]
    pub support: Support,
}

/// Finds the quotes and name mentions of one article in `lang`: by the
/// English rules, by the rules of Spanish, French, German, Italian and
/// Portuguese, or (names only) by the capitals of any other language
/// written in the Latin, Cyrillic or Greek script. For any other language
/// the result says the stage has no rules ([`Support::None`]).
///
/// ```
/// use storyline::quotes::{extract_in, QuoteKind};
/// use storyline::text::Lang;
/// let found = extract_in("\"I think it's very bad for mankind\", Trump told Fox Business News.", Lang::EN);
/// let q = &found.quotes[0];
/// assert_eq!(q.kind, QuoteKind::Direct);
/// assert_eq!(q.text, "I think it's very bad for mankind");
/// assert_eq!(q.speaker.as_deref(), Some("Trump"));
/// assert_eq!(q.cue.as_deref(), Some("told"));
/// ```
pub fn extract_in(text: &str, lang: Lang) -> Attributions {
    if lang == Lang::EN {
        extract(text)
    } else {
        languages::extract_in(text, lang)
    }
}

/// Finds the quotes and name mentions of one article in English.
pub fn extract(text: &str) -> Attributions {
    let doc = extract::Doc::new(text);
    let chars = extract::CharMap::new(text);
    let span = |a: usize, b: usize| {
        let (x, y) = doc.bytes(a, b);
        chars.span(x, y)
    };
    let slice = |a: usize, b: usize| {
        let (x, y) = doc.bytes(a, b);
        &text[x..y]
    };
    let quotes = extract::find(&doc)
        .into_iter()
        .map(|f| {
            let first = f.content[0];
            let last = *f.content.last().unwrap();
            let pieces: Vec<String> = f
                .content
                .iter()
                .map(|&(a, b)| strip_marks(slice(a, b)).to_string())
                .collect();
            let head = f.head.or(f.speaker);
            let phrase = f.speaker.filter(|p| Some(*p) != head);
            Quote {
                kind: f.kind,
                text: pieces.join(" "),
                span: span(first.0, last.1),
                fragments: if f.content.len() > 1 {
                    f.content.iter().map(|&(a, b)| span(a, b)).collect()
                } else {
                    Vec::new()
                },
                cue: f.cue.map(|(a, b)| slice(a, b).to_string()),
                cue_span: f.cue.map(|(a, b)| span(a, b)),
                speaker: head.map(|(a, b)| trim_speaker(slice(a, b)).to_string()),
                speaker_span: head.map(|(a, b)| span(a, b)),
                speech: f.cue.is_none_or(|(a, _)| {
                    lexicon::cue_info(&slice(a, a + 1).to_lowercase()).is_none_or(|c| c.1)
                }),
                speaker_phrase_span: phrase.map(|(a, b)| span(a, b)),
            }
        })
        .collect();
    let mentions = names::find(&doc)
        .into_iter()
        .map(|h| Mention {
            text: trim_speaker(slice(h.start, h.end)).to_string(),
            span: span(h.start, h.end),
            kind: h.kind,
            name: h.name,
            role: h.role,
            metonym: h.metonym,
            titles: h.titles,
        })
        .collect();
    Attributions {
        quotes,
        mentions,
        support: Support::Full,
    }
}

/// A quotation's text without its outer marks and the comma before the
/// closing mark.
fn strip_marks(s: &str) -> &str {
    const OPEN: [char; 5] = ['“', '"', '«', '„', '`'];
    const CLOSE: [char; 4] = ['”', '"', '»', '\''];
    // Only a piece that is all quotation loses its marks: reported speech
    // with quoted words (`that "an attack is unlikely"`) keeps them.
    if !s.starts_with(OPEN) && !s.starts_with("''") {
        // A quotation opened in an earlier paragraph (sources with a
        // sentence a line break one that way) leaves this piece its closing
        // mark alone: it goes, as an opening one would. With a mark of its
        // own inside, the piece quotes words and keeps them in marks.
        let s = s.trim_end_matches(' ');
        if let Some(body) = s.strip_suffix(['”', '"', '»'])
            && !body.contains(['“', '"', '«', '„'])
        {
            return body.trim_end_matches([',', ' ']);
        }
        return s.trim_end_matches([',', ' ']);
    }
    let s = s.trim_start_matches(OPEN).trim_start_matches('\'');
    let s = s.trim_end_matches(CLOSE);
    s.trim_end_matches([',', ' '])
}

/// A speaker or mention as written, without a possessive or a comma.
fn trim_speaker(s: &str) -> &str {
    let s = s.trim_end_matches([',', ' ']);
    s.strip_suffix("'s")
        .or_else(|| s.strip_suffix("’s"))
        .unwrap_or(s)
}

pub use join::join_story;

#[cfg(test)]
mod tests {
    use super::*;

    fn only(text: &str) -> Quote {
        let found = extract(text);
        assert_eq!(found.quotes.len(), 1, "{:#?}", found.quotes);
        found.quotes.into_iter().next().unwrap()
    }

    fn chars(text: &str, s: Span) -> String {
        text.chars().skip(s.start).take(s.end - s.start).collect()
    }

    #[test]
    fn a_quote_over_two_paragraphs_is_one_quote() {
        let text = "“We will not give up. The talks go on.\n\n“Nobody wants a war,” Lavrov said.";
        let q = only(text);
        assert_eq!(q.kind, QuoteKind::Direct);
        assert_eq!(q.speaker.as_deref(), Some("Lavrov"));
        assert!(
            q.text.starts_with("We will not give up") && q.text.ends_with("Nobody wants a war")
        );
        assert!(chars(text, q.span).starts_with('“'));
    }

    /// ECB+ texts have a sentence a line, which breaks a quotation across
    /// paragraphs with no mark where the second starts: that piece ends
    /// with the closing mark alone, which is not part of what was said.
    #[test]
    fn a_closing_mark_left_by_a_broken_quotation_is_not_quoted() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../corpus/text/7_1ecbplus.txt"),
        )
        .unwrap();
        let found = extract(&text);
        let q = found
            .quotes
            .iter()
            .find(|q| q.text.contains("satisfied"))
            .unwrap_or_else(|| panic!("{:#?}", found.quotes));
        assert_eq!(q.text, "I'm satisfied");
        assert_eq!(q.speaker.as_deref(), Some("Klitschko"));
        for q in &found.quotes {
            assert!(!q.text.ends_with(['"', ',']), "{:?}", q.text);
        }
    }

    #[test]
    fn an_interrupted_quote_is_one_quote_in_two_pieces() {
        let text = "\"The strike was illegal,\" Lavrov said, \"and it changes nothing.\"";
        let q = only(text);
        assert_eq!(q.fragments.len(), 2);
        assert_eq!(q.speaker.as_deref(), Some("Lavrov"));
        assert_eq!(q.cue.as_deref(), Some("said"));
        assert_eq!(chars(text, q.fragments[1]), "\"and it changes nothing.\"");
    }

    #[test]
    fn a_quote_inside_a_quote_stays_inside() {
        let q = only("“He told me ‘never again’ and meant it,” said Haley.");
        assert_eq!(q.text, "He told me ‘never again’ and meant it");
        assert_eq!(q.speaker.as_deref(), Some("Haley"));
    }

    #[test]
    fn a_partial_quote_is_reported_speech_with_quoted_words() {
        let q = only("Lavrov said the two countries have a \"common interest\" in a settlement.");
        assert_eq!(q.kind, QuoteKind::Mixed);
        assert_eq!(q.speaker.as_deref(), Some("Lavrov"));
        assert!(q.text.starts_with("the two countries"));
    }

    #[test]
    fn the_medium_is_part_of_the_cue() {
        let q = only("\"It's very bad for this world,\" Trump added in the interview.");
        assert_eq!(q.cue.as_deref(), Some("added in the interview"));
        assert_eq!(q.speaker.as_deref(), Some("Trump"));
    }

    #[test]
    fn reported_speech_keeps_its_quotation_marks() {
        let q = only("France Telecom reported that \"an attack is unlikely\".");
        assert_eq!(q.kind, QuoteKind::Mixed);
        assert_eq!(q.text, "that \"an attack is unlikely\"");
    }

    #[test]
    fn indirect_speech_with_that_and_according_to() {
        let q = only("Tillerson asserted that the US does not see a future role for Assad.");
        assert_eq!(q.kind, QuoteKind::Indirect);
        assert_eq!(q.cue.as_deref(), Some("asserted"));
        assert_eq!(q.text, "that the US does not see a future role for Assad");
        let q = only("Putin is ready to restore the accord, according to Lavrov.");
        assert_eq!(q.cue.as_deref(), Some("according to"));
        assert_eq!(q.speaker.as_deref(), Some("Lavrov"));
        assert_eq!(q.text, "Putin is ready to restore the accord");
    }

    #[test]
    fn an_appositive_belongs_to_the_speaker_phrase_not_its_name() {
        let text = "\"The fear is greater here,\" said Paloma Wu, legal director for the ACLU.";
        let q = only(text);
        assert_eq!(q.speaker.as_deref(), Some("Paloma Wu"));
        let phrase = chars(text, q.speaker_phrase_span.unwrap());
        assert_eq!(phrase, "Paloma Wu, legal director for the ACLU");
    }

    #[test]
    fn a_participle_cue_reports_what_the_subject_said() {
        let found = extract(
            "On whether Assad should be charged, Tillerson did not rule it out, noting that doing so would need a legal step.",
        );
        let q = found
            .quotes
            .iter()
            .find(|q| q.cue.as_deref() == Some("noting"))
            .unwrap();
        assert_eq!(q.speaker.as_deref(), Some("Tillerson"));
    }

    #[test]
    fn nouns_that_look_like_cues_are_not_cues() {
        // "attack" and "report" are nouns here; "said" is the cue.
        let found = extract("The chemical attack report said that 80 people were killed.");
        assert!(
            found
                .quotes
                .iter()
                .all(|q| q.cue.as_deref() == Some("said")),
            "{found:#?}"
        );
    }

    #[test]
    fn spans_count_characters_not_bytes() {
        let text = "Café owners in Moscow — “C’est la vie,” Mr Lavrov told reporters.";
        let q = only(text);
        assert_eq!(chars(text, q.span), "“C’est la vie,”");
        // The speaker as written, title included.
        assert_eq!(chars(text, q.speaker_span.unwrap()), "Mr Lavrov");
        assert_eq!(chars(text, q.cue_span.unwrap()), "told");
    }

    proptest::proptest! {
        // Any text, however its quotation marks are (un)balanced: no panic,
        // and every span lies inside the text in characters.
        #[test]
        fn any_text_gives_spans_inside_it(text in "([A-Z][a-z]{0,8}|[a-z]{1,8}|said|told|according to|\"|“|”|'|,|\\.|:|\n\n| ){0,60}") {
            let n = text.chars().count();
            let found = extract(&text);
            for q in &found.quotes {
                for s in std::iter::once(q.span).chain(q.cue_span).chain(q.speaker_span).chain(q.fragments.iter().copied()) {
                    proptest::prop_assert!(s.start <= s.end && s.end <= n);
                }
            }
            for m in &found.mentions {
                proptest::prop_assert!(m.span.start < m.span.end && m.span.end <= n);
            }
            let inputs = [StoryInput { id: 1, ref_id: None, source: None, attributions: &found }];
            let _ = join_story(&inputs);
        }
    }

    fn join(texts: &[&str]) -> StoryAttributions {
        let found: Vec<Attributions> = texts.iter().map(|t| extract(t)).collect();
        let inputs: Vec<StoryInput<'_>> = found
            .iter()
            .enumerate()
            .map(|(i, a)| StoryInput {
                id: i as i64 + 1,
                ref_id: None,
                source: None,
                attributions: a,
            })
            .collect();
        join_story(&inputs)
    }

    #[test]
    fn pronouns_and_role_nouns_resolve_to_the_person() {
        let story = join(&[
            "Rex Tillerson, the secretary of state, arrived in Moscow. \"We have sharp differences,\" he said.",
            "\"The talks were frank,\" the secretary of state told reporters.",
        ]);
        let tillerson = story
            .entities
            .iter()
            .find(|e| e.name == "Rex Tillerson")
            .unwrap();
        assert_eq!(tillerson.kind, EntityKind::Person);
        assert!(
            tillerson
                .aliases
                .contains(&"the secretary of state".to_string())
        );
        for q in &story.quotes {
            assert_eq!(
                q.speaker_resolved.as_deref(),
                Some("Rex Tillerson"),
                "{q:#?}"
            );
        }
        assert_eq!(story.quotes.len(), 2);
    }

    #[test]
    fn one_quote_given_to_two_speakers_is_flagged() {
        let story = join(&[
            "\"Russia must choose between Assad and the West,\" Tillerson said.",
            "\"Russia must choose between Assad and the West,\" Haley said.",
        ]);
        assert_eq!(story.quotes.len(), 1);
        let q = &story.quotes[0];
        assert_eq!(q.sources.len(), 2);
        assert!(q.speakers_differ);
        assert!(!q.wording_differs);
    }

    /// An acronym that ends a sentence lends the sentence its full stop; the
    /// name is written without it. A word cut short keeps its own, as it
    /// does mid-sentence, and so does a dotted acronym.
    #[test]
    fn a_name_at_a_sentence_end_does_not_keep_the_full_stop() {
        let story = join(&[
            "The chip designer is ARM Holdings PLC. Its chief spoke to the American Medical Assn. He later flew to the U.S. The staff at Acme Corp. did not comment.",
        ]);
        let names: Vec<&str> = story.entities.iter().map(|e| e.name.as_str()).collect();
        for name in ["ARM Holdings PLC", "American Medical Assn.", "Acme Corp."] {
            assert!(names.contains(&name), "{name}: {names:?}");
        }
        assert!(
            !names
                .iter()
                .any(|n| n.ends_with("PLC.") || n.contains(". ")),
            "{names:?}"
        );
        assert!(
            names.iter().any(|n| *n == "U.S." || *n == "United States"),
            "{names:?}"
        );
    }

    #[test]
    fn a_capital_stands_for_its_government_only_as_an_actor() {
        let story = join(&[
            "Haley urged Moscow to stop protecting Assad. Tillerson flew to Moscow on Tuesday. Russia vetoed the text.",
        ]);
        let russia = story.entities.iter().find(|e| e.name == "Russia").unwrap();
        assert!(
            russia.aliases.contains(&"Moscow".to_string()),
            "{russia:#?}"
        );
        let city = story.entities.iter().find(|e| e.name == "Moscow").unwrap();
        assert_eq!(city.mentions, 1);
    }
}
