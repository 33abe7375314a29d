//! One module per command, each a `run` that returns the exit code.

pub mod article;
pub mod articles;
pub mod copies;
pub mod delete;
pub mod ingest;
pub mod quotes;
pub mod recluster;
pub mod search;
pub mod serve;
pub mod sources;
pub mod stats;
pub mod stories;
pub mod story;
pub mod summarize;
pub mod watch;

use std::path::Path;

use anyhow::{Context, Result};
use storyline::store::Store;

/// Opens the database, saying which one failed.
pub fn open(db: &Path) -> Result<Store> {
    Store::open(db).with_context(|| format!("cannot open the database {}", db.display()))
}

/// The story a `story` argument names: a story id or `article:X`. Prints
/// why not and returns `None` when there is none.
pub fn story_arg(store: &Store, id: &str) -> Result<Option<i64>> {
    let story = match id.strip_prefix("article:") {
        Some(article) => match store.resolve(article)? {
            Some(a) => store.story_of(a)?,
            None => {
                eprintln!("storyline: no article with id or ref {article:?}");
                return Ok(None);
            }
        },
        None => match id.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                eprintln!("storyline: {id:?} is not a story id (a number, or article:ID)");
                return Ok(None);
            }
        },
    };
    if story.is_none() {
        eprintln!("storyline: no story {id:?}");
    }
    Ok(story)
}
