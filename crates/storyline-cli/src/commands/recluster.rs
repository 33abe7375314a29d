//! `storyline recluster`

use std::process::ExitCode;

use anyhow::{Context, Result};
use storyline::pipeline;

use crate::cli::ReclusterArgs;
use crate::render;

/// Rebuilds every story, with the stored tuning changed by `--threshold`
/// and `--params`.
pub fn run(db: &super::Db, args: ReclusterArgs) -> Result<ExitCode> {
    let mut store = db.writer()?;
    let params = if args.threshold.is_some() || args.params.is_some() {
        let mut p = store.story_params()?;
        if let Some(changes) = &args.params {
            let changes: serde_json::Value =
                serde_json::from_str(changes).context("--params is not JSON")?;
            p = p.with_changes(&changes).context("--params")?;
        }
        if let Some(t) = args.threshold {
            match p.scorer {
                storyline::stories::Scorer::Learned => p.join_probability = Some(t),
                storyline::stories::Scorer::Rules => p.threshold = t,
            }
        }
        Some(p)
    } else {
        None
    };
    let report = pipeline::stories::recluster(&mut store, params)?;
    if args.json {
        render::print_json(&report)?;
    } else {
        render::print_recluster(&report)?;
    }
    Ok(ExitCode::SUCCESS)
}
