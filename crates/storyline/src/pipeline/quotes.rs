//! The quotes stage: each article's attributions are found when it is
//! prepared and stored with it; a story's quotes and entities are joined
//! from its members' stored attributions when asked for.

use rayon::prelude::*;

use crate::error::Result;
use crate::quotes::{Attributions, StoryAttributions, StoryInput, extract_in, join_story};
use crate::store::{Reader, Store};

/// The quotes and entities of story `story` (an id merged into another
/// story resolves to it), or `None` when there is no such story.
///
/// Articles stored by an older extractor are read again on the fly (the
/// store is not written: [`backfill`] does that).
pub fn for_story(store: &Reader, story: i64) -> Result<Option<StoryAttributions>> {
    let Some(story) = store.story(story)? else {
        return Ok(None);
    };
    let mut found: Vec<(usize, Attributions)> = Vec::new();
    let mut missing: Vec<(usize, String, crate::text::Lang)> = Vec::new();
    for (i, a) in story.articles.iter().enumerate() {
        match store.attributions(a.id)? {
            Some(at) => found.push((i, at)),
            None => {
                if let Some(article) = store.article(a.id)? {
                    missing.push((i, article.text, article.lang));
                }
            }
        }
    }
    found.extend(
        missing
            .into_par_iter()
            .map(|(i, text, lang)| (i, extract_in(&text, lang)))
            .collect::<Vec<_>>(),
    );
    found.sort_by_key(|(i, _)| *i);
    let inputs: Vec<StoryInput<'_>> = found
        .iter()
        .map(|(i, at)| {
            let a = &story.articles[*i];
            StoryInput {
                id: a.id,
                ref_id: a.ref_id.as_deref(),
                source: a.source.as_deref(),
                attributions: at,
            }
        })
        .collect();
    Ok(Some(join_story(&inputs)))
}

/// Finds and stores the attributions of articles that have none from the
/// current extractor (a store made before the quotes stage, or by an older
/// version of it). Returns how many were found again.
pub fn backfill(store: &mut Store) -> Result<usize> {
    // A read first: the write lock is taken only when there is work. A
    // read-only store is read as it is ([`for_story`] fills the gaps).
    if store.is_read_only() || !store.has_articles_without_attributions()? {
        return Ok(0);
    }
    let batch = store.begin()?;
    let ids = batch.articles_without_attributions()?;
    let mut texts = Vec::with_capacity(ids.len());
    for &id in &ids {
        if let Some((text, lang)) = batch.article_text(id)? {
            texts.push((id, text, lang));
        }
    }
    let found: Vec<(i64, Attributions)> = texts
        .into_par_iter()
        .map(|(id, text, lang)| (id, extract_in(&text, lang)))
        .collect();
    for (id, at) in &found {
        batch.save_attributions(*id, at)?;
    }
    batch.commit()?;
    Ok(found.len())
}
