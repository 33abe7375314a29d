//! How fast a store's per-article rows read back: every article's
//! attributions (quotes and names) and story features, every story's
//! quotes and entities joined from them, and every story's summary (read
//! by reference to its articles' sentences since schema 16), timed on one
//! thread. For comparing
//! the encodings of a store written before schema 13 (open it once with
//! write access to upgrade it; its rows stay as they were) with one written
//! after, or the same store before and after `storyline compact`.
//!
//!   cargo run --release -p storyline-bench --bin store_read -- DB [ROUNDS]
//!
//! Prints one JSON object: microseconds per article (the best of ROUNDS,
//! default 3) for each kind of read, with the rows' encodings counted.

use std::time::Instant;

use anyhow::{Context, Result};
use storyline::store::Store;

fn best<T>(rounds: usize, mut f: impl FnMut() -> Result<T>) -> Result<(f64, T)> {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..rounds.max(1) {
        let started = Instant::now();
        let out = f()?;
        best = best.min(started.elapsed().as_secs_f64());
        last = Some(out);
    }
    Ok((best, last.expect("one round at least")))
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let db = args.next().context("usage: store_read DB [ROUNDS]")?;
    let rounds: usize = args.next().map_or(Ok(3), |r| r.parse())?;
    let store = Store::open_read_only(&db).with_context(|| db.clone())?;
    let ids: Vec<i64> = store
        .articles(usize::MAX >> 1, 0)?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let stories = store.story_ids()?;
    let n = ids.len().max(1) as f64;
    let (attributions, found) = best(rounds, || {
        let mut found = 0usize;
        for &id in &ids {
            found += store.attributions(id)?.is_some() as usize;
        }
        Ok(found)
    })?;
    let (features, with_features) = best(rounds, || {
        let mut found = 0usize;
        for &id in &ids {
            found += store.story_features(id)?.is_some() as usize;
        }
        Ok(found)
    })?;
    let (story_quotes, quotes) = best(rounds, || {
        let mut quotes = 0usize;
        for &s in &stories {
            if let Some(q) = storyline::pipeline::quotes::for_story(&store, s)? {
                quotes += q.quotes.len();
            }
        }
        Ok(quotes)
    })?;
    let (summaries, sentences) = best(rounds, || {
        let mut sentences = 0usize;
        for &s in &stories {
            sentences += store.summary(s)?.map_or(0, |x| x.len());
        }
        Ok(sentences)
    })?;
    let per_story = stories.len().max(1) as f64;
    println!(
        "{}",
        serde_json::json!({
            "db": db,
            "articles": ids.len(),
            "stories": stories.len(),
            "rounds": rounds,
            "attributions_found": found,
            "attributions_us_per_article": (1e6 * attributions / n * 100.0).round() / 100.0,
            "story_features_found": with_features,
            "story_features_us_per_article": (1e6 * features / n * 100.0).round() / 100.0,
            "story_quotes_seconds": (story_quotes * 1000.0).round() / 1000.0,
            "story_quotes_us_per_article": (1e6 * story_quotes / n * 100.0).round() / 100.0,
            "story_quotes_found": quotes,
            "summary_us_per_story": (1e6 * summaries / per_story * 100.0).round() / 100.0,
            "summary_sentences_found": sentences,
        })
    );
    Ok(())
}
