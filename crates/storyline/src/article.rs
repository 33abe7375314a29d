//! The article types shared by the stages and the store.

use serde::Serialize;

use crate::error::Location;
use crate::text::{AnalyzedText, Lang};

/// An article ready to be stored: read, normalised and split.
#[derive(Debug, Clone, PartialEq)]
pub struct NewArticle {
    /// Identity: `url:` and the canonical URL when known, else `text:` and a
    /// hash of the normalised text. Storing an article whose key is already
    /// stored adds nothing.
    pub key: String,
    /// Hash of everything stored about the article, to tell an update from
    /// a repeat.
    pub content_hash: String,
    /// The input's own id for the record.
    pub ref_id: Option<String>,
    /// Canonical URL.
    pub url: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Publisher or site.
    pub source: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Publication date, ISO 8601 (`YYYY-MM-DD` or RFC 3339 in UTC).
    pub date: Option<String>,
    /// The input format.
    pub format: crate::ingest::Format,
    /// Where it was read from.
    pub origin: Location,
    /// Fields of the input that Storyline does not interpret.
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// The text after the text stage.
    pub analyzed: AnalyzedText,
    /// What the copies stage keeps to find the article's copies.
    pub fingerprint: crate::copies::Fingerprint,
    /// What the stories stage compares.
    pub story_features: crate::stories::StoryFeatures,
    /// Quotes and names, found in the stored text.
    pub attributions: crate::quotes::Attributions,
    /// What `storyline import` restores beyond what an input carries;
    /// `None` for an article read from an input.
    pub restored: Option<Restored>,
}

/// The store's own record of an article that an import brings back (see
/// [`crate::export`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Restored {
    /// The store id it had, kept when it is free.
    pub id: i64,
    /// Every input id that named it.
    pub refs: Vec<String>,
    /// When it was first stored: stories and threads show it for undated
    /// articles, and sort by it.
    pub ingested_at: String,
}

/// One line of an article listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleSummary {
    /// Store id.
    pub id: i64,
    /// The input's own id (the smallest, when several inputs carried the article).
    #[serde(rename = "ref")]
    pub ref_id: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Publisher or site.
    pub source: Option<String>,
    /// Canonical URL.
    pub url: Option<String>,
    /// Publication date.
    pub date: Option<String>,
    /// Number of words.
    pub words: usize,
    /// Language (ISO 639-1, `und` when unknown or mixed).
    pub lang: Lang,
}

/// A stored article with its text and sentences.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Article {
    /// Store id.
    pub id: i64,
    /// The input's own id (the smallest, when several inputs carried it).
    #[serde(rename = "ref")]
    pub ref_id: Option<String>,
    /// Every input id that named this article.
    pub refs: Vec<String>,
    /// Identity key (see [`NewArticle::key`]).
    pub key: String,
    /// Headline.
    pub title: Option<String>,
    /// Publisher or site.
    pub source: Option<String>,
    /// Canonical URL.
    pub url: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Publication date.
    pub date: Option<String>,
    /// Number of words.
    pub words: usize,
    /// Input format.
    pub format: crate::ingest::Format,
    /// Where it was first read from.
    pub origin: Location,
    /// When it was stored (RFC 3339, UTC).
    pub ingested_at: String,
    /// Fields of the input that Storyline does not interpret.
    pub metadata: serde_json::Value,
    /// Normalised text, paragraphs separated by a blank line.
    pub text: String,
    /// The sentences of `text`.
    pub sentences: Vec<Sentence>,
    /// Language (ISO 639-1, `und` when unknown or mixed).
    pub lang: Lang,
    /// Its text was pruned (`storyline prune`): `text` is empty, and what
    /// was found in it (stories, summaries, quotes, copies) stays.
    pub text_pruned: bool,
}

/// A sentence of a stored article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sentence {
    /// 0-based index in the article.
    pub index: usize,
    /// 0-based paragraph index.
    pub paragraph: usize,
    /// Character (Unicode scalar) offset of the start in the article text.
    pub start: usize,
    /// Character offset just past the end.
    pub end: usize,
    /// The sentence.
    pub text: String,
}
