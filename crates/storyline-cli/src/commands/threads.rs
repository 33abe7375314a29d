//! `storyline threads`

use std::process::ExitCode;

use anyhow::Result;
use storyline::pipeline;

use crate::cli::ThreadsArgs;
use crate::render;

/// Lists threads, most recently active first.
pub fn run(db: &super::Db, args: ThreadsArgs) -> Result<ExitCode> {
    let mut store = db.reader()?;
    // A database from before the threads stage gets its threads now.
    pipeline::catch_up(&mut store)?;
    let list = store.threads(args.limit.unwrap_or(usize::MAX >> 1), args.min_stories)?;
    if args.json {
        render::print_json(&list)?;
    } else {
        render::print_threads(&list)?;
    }
    Ok(ExitCode::SUCCESS)
}
