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
    let thread_params = match &args.thread_params {
        Some(changes) => {
            let mut p = serde_json::to_value(store.thread_params()?)?;
            let changes: serde_json::Value =
                serde_json::from_str(changes).context("--thread-params is not JSON")?;
            if let (Some(p), Some(c)) = (p.as_object_mut(), changes.as_object()) {
                for (k, v) in c {
                    p.insert(k.clone(), v.clone());
                }
            }
            Some(serde_json::from_value(p).context("--thread-params")?)
        }
        None => None,
    };
    if args.threads_only {
        let report = pipeline::threads::rethread(&mut store, thread_params)?;
        render::print_json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(p) = thread_params {
        pipeline::threads::rethread(&mut store, Some(p))?;
    }
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
