//! `storyline search QUERY...`

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::SearchArgs;
use crate::render;

/// Full-text search, best first.
pub fn run(db: &super::Db, args: SearchArgs) -> Result<ExitCode> {
    let store = db.reader()?;
    let hits = store.search(&args.query.join(" "), args.limit, args.offset)?;
    if args.json {
        render::print_json(&hits)?;
    } else {
        render::print_search(&hits)?;
    }
    Ok(ExitCode::SUCCESS)
}
