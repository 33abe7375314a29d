//! `storyline copies [--explain ID]`

use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::CopiesArgs;
use crate::render;

/// The copies stage's report, or one article's copies with `--explain`
/// (1 when there is no such article).
pub fn run(db: &super::Db, args: CopiesArgs) -> Result<ExitCode> {
    let store = db.reader()?;
    if let Some(id) = args.explain {
        let Some(found) = store.resolve(&id)? else {
            eprintln!("storyline: no article with id or ref {id:?}");
            return Ok(ExitCode::from(1));
        };
        let copies = storyline::view::article_copies(&store, found, args.threshold)?;
        if args.json {
            render::print_json(&copies)?;
        } else {
            let article = store.article(found)?.context("the article vanished")?;
            render::explain_copies(&article, &copies)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let report = storyline::view::copies_report(
        &store,
        args.threshold,
        args.limit.unwrap_or(usize::MAX >> 1),
    )?;
    if args.json {
        render::print_json(&report)?;
    } else {
        render::print_copies(&report)?;
    }
    Ok(ExitCode::SUCCESS)
}
