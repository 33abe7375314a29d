//! What Storyline knows about one story or one article, gathered from the
//! store in one read: the JSON that `storyline story --json` and `article
//! --json` print and that the server returns, built in one place so both
//! always say the same.

use serde::Serialize;

use crate::article::Article;
use crate::error::Result;
use crate::quotes::{OrUnsupported, StoryEntity, StoryQuote, Support};
use crate::store::copies::ArticleCopies;
use crate::store::{Store, StoryCopies};
use crate::stories::Story;
use crate::summary::SummarySentence;

/// Jaccard similarity at which two articles count as copies in these views.
pub const COPY_THRESHOLD: f64 = 0.8;

/// A story with everything derived from it.
#[derive(Debug, Clone, Serialize)]
pub struct StoryView {
    /// The story and its articles, oldest first.
    #[serde(flatten)]
    pub story: Story,
    /// The cited summary (empty until the story has one).
    pub summary: Vec<SummarySentence>,
    /// Quotes, the most carried first ("unsupported language" when the
    /// stage has no quote rules for the story's language).
    pub quotes: OrUnsupported<StoryQuote>,
    /// People, organisations and places, the most mentioned first
    /// ("unsupported language" when it has no rules for names either).
    pub entities: OrUnsupported<StoryEntity>,
    /// Copies among the story's articles.
    pub copies: StoryCopies,
}

/// An article with what the copies stage found about it.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    /// The article, its text and sentences.
    #[serde(flatten)]
    pub article: Article,
    /// Its copies, reused sentences and spin and stitch verdicts.
    #[serde(flatten)]
    pub copies: ArticleCopies,
    /// The story it is in.
    pub story: Option<i64>,
}

/// Story `id` (an alias resolves to the story it was merged into), or
/// `None` when there is no such story.
pub fn story(store: &Store, id: i64) -> Result<Option<StoryView>> {
    store.snapshot(|store| {
        let Some(story) = store.story(id)? else {
            return Ok(None);
        };
        let summary = store.summary(story.id)?.unwrap_or_default();
        let attributions = crate::pipeline::quotes::for_story(store, story.id)?.unwrap_or_default();
        let dated: Vec<(i64, Option<String>)> = story
            .articles
            .iter()
            .map(|a| (a.id, a.date.clone()))
            .collect();
        let copies = store.story_copies(&dated, COPY_THRESHOLD)?;
        Ok(Some(StoryView {
            story,
            summary,
            quotes: OrUnsupported {
                items: attributions.quotes,
                unsupported: attributions.support != Support::Full,
            },
            entities: OrUnsupported {
                items: attributions.entities,
                unsupported: attributions.support == Support::None,
            },
            copies,
        }))
    })
}

/// Article `id` (a store id; see [`Store::resolve`] for references), or
/// `None` when there is no such article.
pub fn article(store: &Store, id: i64) -> Result<Option<ArticleView>> {
    store.snapshot(|store| {
        let Some(article) = store.article(id)? else {
            return Ok(None);
        };
        Ok(Some(ArticleView {
            copies: store.article_copies(id, COPY_THRESHOLD)?,
            story: store.story_of(id)?,
            article,
        }))
    })
}
