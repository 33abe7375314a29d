//! Reads a story's quotes and entities from its stored articles.

use crate::error::Result;
use crate::quotes::{Attributions, StoryAttributions, StoryInput, extract, join_story};
use crate::store::Store;

/// The quotes and entities of story `story` (after alias resolution), or
/// `None` when there is no such story.
pub fn for_story(store: &Store, story: i64) -> Result<Option<StoryAttributions>> {
    let Some(story) = store.story(story)? else {
        return Ok(None);
    };
    let mut found: Vec<(i64, Option<String>, Option<String>, Attributions)> = Vec::new();
    for a in &story.articles {
        if let Some(article) = store.article(a.id)? {
            found.push((
                a.id,
                a.ref_id.clone(),
                a.source.clone(),
                extract(&article.text),
            ));
        }
    }
    let inputs: Vec<StoryInput<'_>> = found
        .iter()
        .map(|(id, r, s, at)| StoryInput {
            id: *id,
            ref_id: r.as_deref(),
            source: s.as_deref(),
            attributions: at,
        })
        .collect();
    Ok(Some(join_story(&inputs)))
}
