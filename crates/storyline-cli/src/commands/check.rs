//! `storyline check`

use std::process::ExitCode;

use anyhow::Result;
use storyline::store::Store;

use crate::cli::CheckArgs;
use crate::render;

/// Checks the database for damage, read-only: 0 when it is sound, 2 when
/// damage was found.
pub fn run(db: &super::Db, args: CheckArgs) -> Result<ExitCode> {
    let report = match Store::open_read_only(&db.path) {
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
