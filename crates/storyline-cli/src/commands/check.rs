//! `storyline check`

use std::process::ExitCode;

use anyhow::Result;
use storyline::store::Store;

use crate::cli::CheckArgs;
use crate::render;

/// Checks the database for damage: 0 when it is sound, 2 when damage was
/// found. Nothing is written; the store is opened read-only when it cannot
/// be written or `--read-only` says so (and then the full-text index is
/// checked for its structure only).
pub fn run(db: &super::Db, args: CheckArgs) -> Result<ExitCode> {
    let opened = if db.read_only || !db.path.exists() {
        Store::open_read_only(&db.path)
    } else {
        Store::open_for_reading(&db.path)
    };
    let report = match opened {
        Ok(store) => store.check()?,
        // Too damaged to open at all: that is what the check found.
        Err(e) if matches!(e.root(), storyline::Error::Corrupt(_)) => {
            storyline::store::CheckReport {
                integrity: vec![e.message()],
                read_only: true,
                ..Default::default()
            }
        }
        Err(e) => return Err(super::opening(e, db)),
    };
    if args.json {
        render::print_json(&report)?;
    } else {
        render::print_check(&report, db)?;
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
