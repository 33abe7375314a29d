//! Runs the summary stage on the stories a batch changed, inside the
//! transaction that changed them: each story's summary is made again when
//! its articles change, and read as stored.

use crate::error::Result;
use crate::store::Batch;
use crate::store::summary::SummaryState;
use crate::summary::{DEFAULT_WORDS, SummaryInput, summarize};

/// A summary is made from a story's first reports and its latest ones, so
/// a story of thousands of articles costs no more than one of forty.
const FIRST_ARTICLES: usize = 10;
const LATEST_ARTICLES: usize = 30;
/// A growing story's summary is made again when the story has grown by
/// half since the last one (2, 3, 5, 8, 12… articles): the summary never
/// lags by more than a third of the articles, and a story costs a few
/// summaries over its life instead of one per article.
const GROWTH: f64 = 1.5;

/// Makes again the summaries of `stories` whose articles changed.
pub fn update(batch: &Batch<'_>, stories: &[i64]) -> Result<()> {
    for &story in stories {
        let Some(SummaryState {
            articles: count,
            summarized: done,
        }) = batch.summary_state(story)?
        else {
            continue;
        };
        // Fewer articles than the summary was made from: some were deleted,
        // and it may cite them.
        let fresh = match done {
            Some(d) => count >= d && (count as f64) < (d as f64 * GROWTH).ceil(),
            None => false,
        };
        if !fresh {
            summarize_story(batch, story, count)?;
        }
    }
    Ok(())
}

/// Makes a story's summary from the stored articles.
fn summarize_story(batch: &Batch<'_>, story: i64, count: u64) -> Result<()> {
    let sources = batch.summary_sources(story, FIRST_ARTICLES, LATEST_ARTICLES)?;
    let inputs: Vec<SummaryInput<'_>> = sources
        .iter()
        .map(|s| SummaryInput {
            id: s.id,
            ref_id: s.ref_id.as_deref(),
            source: s.source.as_deref(),
            date: s.date.as_deref(),
            text: &s.text,
        })
        .collect();
    let summary = summarize(&inputs, DEFAULT_WORDS);
    batch.save_summary(story, DEFAULT_WORDS, count as usize, &summary)
}

/// Makes every story's summary again (after a rebuild).
pub fn rebuild_all(batch: &Batch<'_>) -> Result<()> {
    for story in batch.story_ids()? {
        let Some(state) = batch.summary_state(story)? else {
            continue;
        };
        summarize_story(batch, story, state.articles)?;
    }
    Ok(())
}
