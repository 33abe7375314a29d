//! The stories stage: articles about one event, grouped online as they
//! arrive, under ids that stay put.
//!
//! - [`features`]: what an article contributes (topic-word stems weighted by
//!   headline and lead position, capitalised names and figures, its day).
//! - [`profile`]: a story's centroid, span and cohesion, compared with an
//!   article under IDF counted online.
//! - [`signals`]: what the join decision weighs between an article and a
//!   candidate story (words, names, lead names, figures, headline, dates,
//!   shared sentences, the story's cohesion and size).
//! - [`model`]: the learned join decision, a logistic regression over the
//!   signals trained on ECB+, with each signal's contribution.
//! - [`cluster`]: the online clusterer. Each article is compared with the
//!   few stories that share its heaviest keys (an inverted index, so the
//!   cost per article stays flat), joins the one the model rates most
//!   likely to be its event if the probability clears the bar, or starts
//!   its own, and merges two stories it shows to be one (the older id
//!   wins; the other becomes an alias). A near-duplicate joins its
//!   original's story.
//!
//! The store persists the state through [`StoryIndex`];
//! [`MemoryIndex`] keeps it in memory.
//!
//! ```
//! use storyline::stories::{Clusterer, MemoryIndex, StoryFeatures};
//! use storyline::text::analyze;
//! # fn main() -> storyline::Result<()> {
//! let texts = [
//!     ("Lohan checks into rehab", "Lindsay Lohan checked into the Betty Ford Center on Friday, her lawyer said."),
//!     ("Quake hits Indonesia", "A strong earthquake struck Aceh province in Indonesia on Tuesday."),
//!     ("Lohan enters Betty Ford", "Lindsay Lohan entered the Betty Ford Center in California for rehab, her lawyer said."),
//! ];
//! let mut index = MemoryIndex::new();
//! let clusterer = Clusterer::default();
//! let mut stories = Vec::new();
//! for (i, (title, text)) in texts.iter().enumerate() {
//!     let f = StoryFeatures::extract(Some(title), false, &analyze(text), Some("2013-05-03"));
//!     stories.push(clusterer.assign(&mut index, i as i64 + 1, &f, &Default::default())?.story);
//! }
//! assert_eq!(stories[0], stories[2]);
//! assert_ne!(stories[0], stories[1]);
//! # Ok(())
//! # }
//! ```

pub mod cluster;
pub mod features;
mod memory;
pub mod model;
pub mod profile;
pub mod signals;

pub use cluster::{
    Arrival, Assignment, Candidate, Choice, Clusterer, CopyEvidence, JoinReason, Member, Scorer,
    StoryIndex, StoryParams,
};
pub use features::StoryFeatures;
pub use memory::{MemoryIndex, MemoryStory};
pub use model::{Contribution, JoinModel};
pub use profile::{Idf, StoryProfile};
pub use signals::{Comparison, Signal, Signals};

use serde::Serialize;

/// One line of a story listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StorySummary {
    /// Story id (stable; merged-away ids resolve to it).
    pub id: i64,
    /// A representative headline.
    pub title: Option<String>,
    /// Number of articles.
    pub articles: u64,
    /// Number of distinct sources.
    pub sources: u64,
    /// Earliest article date (or, for undated articles, when it was stored).
    pub first_seen: Option<String>,
    /// Latest article date (or when it was stored).
    pub last_seen: Option<String>,
}

/// An article of a story.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoryArticle {
    /// Article id.
    pub id: i64,
    /// The input's own id (the smallest, when several inputs carried it).
    #[serde(rename = "ref")]
    pub ref_id: Option<String>,
    /// Every input id that named the article.
    pub refs: Vec<String>,
    /// Headline.
    pub title: Option<String>,
    /// Publisher or site.
    pub source: Option<String>,
    /// Canonical URL.
    pub url: Option<String>,
    /// Publication date.
    pub date: Option<String>,
    /// When it was stored.
    pub ingested_at: String,
    /// How sure the join was: the model's probability that the article
    /// belongs to the story when it joined (1 for the first article and
    /// for near-duplicates).
    pub score: f64,
    /// Why it joined: `first`, `similar` or `near_duplicate`.
    pub reason: JoinReason,
    /// The signals that weighed most in the join decision, the largest
    /// (either way) first: against the story it joined, or for the first
    /// article of a story, against the best candidate it did not join.
    /// Empty for near-duplicates.
    pub signals: Vec<Contribution>,
}

/// A story with its articles in time order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Story {
    /// Story id.
    pub id: i64,
    /// A representative headline.
    pub title: Option<String>,
    /// Number of articles.
    pub article_count: u64,
    /// Distinct sources, most articles first.
    pub sources: Vec<String>,
    /// Earliest article date (or when it was stored).
    pub first_seen: Option<String>,
    /// Latest article date (or when it was stored).
    pub last_seen: Option<String>,
    /// Ids merged into this story; they still resolve to it.
    pub aliases: Vec<i64>,
    /// The articles, oldest first (by date, then by when they were stored).
    pub articles: Vec<StoryArticle>,
}
