//! `storyline stories`

use std::process::ExitCode;

use anyhow::Result;
use storyline::pipeline;

use crate::cli::StoriesArgs;
use crate::render;

/// Lists stories, most recently active first.
pub fn run(db: &super::Db, args: StoriesArgs) -> Result<ExitCode> {
    let mut store = db.reader()?;
    // A database from before the stories stage gets its stories now.
    pipeline::stories::backfill(&mut store)?;
    let list = store.stories(
        args.limit.unwrap_or(usize::MAX >> 1),
        args.offset,
        args.min_articles,
    )?;
    if args.json {
        render::print_json(&list)?;
    } else {
        render::print_stories(&list)?;
    }
    Ok(ExitCode::SUCCESS)
}
