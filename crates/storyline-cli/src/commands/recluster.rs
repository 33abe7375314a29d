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
        let mut p = serde_json::to_value(store.story_params()?)?;
        if let Some(extra) = &args.params {
            let extra: serde_json::Value =
                serde_json::from_str(extra).context("--params is not JSON")?;
            let (Some(obj), Some(extra)) = (p.as_object_mut(), extra.as_object()) else {
                anyhow::bail!("--params must be a JSON object");
            };
            for (k, v) in extra {
                if !obj.contains_key(k) {
                    anyhow::bail!("--params: unknown key {k:?}");
                }
                obj.insert(k.clone(), v.clone());
            }
        }
        let mut p: storyline::stories::StoryParams =
            serde_json::from_value(p).context("--params has a value of the wrong type")?;
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
