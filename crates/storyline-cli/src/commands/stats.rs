//! `storyline stats`

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::StatsArgs;
use crate::render;

/// Counts of what is stored.
pub fn run(db: &super::Db, args: StatsArgs) -> Result<ExitCode> {
    let store = db.reader()?;
    let stats = store.stats()?;
    if args.json {
        render::print_json(&stats)?;
    } else {
        render::print_stats(&stats, db)?;
    }
    Ok(ExitCode::SUCCESS)
}
