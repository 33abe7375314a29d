//! `storyline compact`, `storyline prune`, `storyline backup`: keeping a
//! store that grows for a year in shape.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{BackupArgs, JsonArgs, PruneArgs};
use crate::render;

/// Checkpoints, merges the copies index, optimises and vacuums.
pub fn compact(db: &super::Db, args: JsonArgs) -> Result<ExitCode> {
    let mut store = db.writer()?;
    let report = store.compact()?;
    if args.json {
        render::print_json(&report)?;
    } else {
        println!(
            "{}: {} bytes before, {} after, {} saved ({} index runs merged, {} articles' attributions, {} story features ({} now read from the text), {} summaries, {} thread contributions, {} verdicts, {} fingerprints and {} articles' reused sentences re-encoded)",
            db.display(),
            report.bytes_before,
            report.bytes_after,
            report.bytes_saved,
            report.index_runs_merged,
            report.attributions_recoded,
            report.story_features_recoded,
            report.story_features_from_text,
            report.summaries_recoded,
            report.contributions_recoded,
            report.verdicts_deflated,
            report.fingerprints_recoded,
            report.reuse_packed
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Drops old articles' text, keeping what was found in it.
pub fn prune(db: &super::Db, args: PruneArgs) -> Result<ExitCode> {
    let mut store = db.writer()?;
    let report = store.prune_text(&args.before)?;
    if args.json {
        render::print_json(&report)?;
    } else {
        println!(
            "{}: text pruned from {} articles dated before {} ({} pruned before); run `storyline compact` to give the space back",
            db.display(),
            report.pruned,
            report.before,
            report.already_pruned
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a consistent copy of the store.
pub fn backup(db: &super::Db, args: BackupArgs) -> Result<ExitCode> {
    let store = db.reader()?;
    let report = store.backup_to(&args.file)?;
    if args.json {
        render::print_json(&report)?;
    } else {
        println!(
            "{}: {} articles, {} bytes",
            report.path, report.articles, report.bytes
        );
    }
    Ok(ExitCode::SUCCESS)
}
