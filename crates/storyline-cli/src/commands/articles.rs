//! `storyline articles`

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::ArticlesArgs;
use crate::render;

/// Lists articles in store order.
pub fn run(db: &super::Db, args: ArticlesArgs) -> Result<ExitCode> {
    let store = db.reader()?;
    let list = store.articles(args.limit.unwrap_or(usize::MAX >> 1), args.offset)?;
    if args.json {
        render::print_json(&list)?;
    } else {
        render::print_articles(&list)?;
    }
    Ok(ExitCode::SUCCESS)
}
