//! `storyline summarize PATH...`

use std::process::ExitCode;

use anyhow::Result;
use storyline::pipeline;
use storyline::summary::{SummaryInput, main_language, summarize, summarize_any_language};

use crate::cli::SummarizeArgs;
use crate::render;

/// Summarises the inputs without storing them; 2 when some records were
/// skipped.
pub fn run(_db: &super::Db, args: SummarizeArgs) -> Result<ExitCode> {
    let (articles, errors) = pipeline::read_articles(&args.paths, &args.limits.options());
    let inputs: Vec<SummaryInput<'_>> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| SummaryInput {
            id: i as i64,
            ref_id: a.ref_id.as_deref(),
            source: a.source.as_deref(),
            date: a.date.as_deref(),
            text: &a.analyzed,
        })
        .collect();
    let summary = if args.any_language {
        summarize_any_language(&inputs, args.words)
    } else {
        summarize(&inputs, args.words)
    };
    if args.json {
        let listed: Vec<serde_json::Value> = articles
            .iter()
            .enumerate()
            .map(|(i, a)| {
                serde_json::json!({"article": i, "ref": a.ref_id, "title": a.title,
                    "source": a.source, "date": a.date, "lang": a.analyzed.lang})
            })
            .collect();
        render::print_json(&serde_json::json!({
            "words": args.words, "lang": main_language(&inputs), "articles": listed,
            "summary": summary, "errors": errors
        }))?;
    } else {
        render::print_summary(&summary)?;
        for e in &errors {
            eprintln!(
                "storyline: skipped {}: {}",
                e.source.as_deref().unwrap_or("-"),
                e.message
            );
        }
    }
    Ok(if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
