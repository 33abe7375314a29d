//! `storyline article ID`

use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::ArticleArgs;
use crate::render;

/// Shows one article; 1 when there is none.
pub fn run(db: &super::Db, args: ArticleArgs) -> Result<ExitCode> {
    let store = db.reader()?;
    let Some(found) = store.resolve(&args.id)? else {
        eprintln!("storyline: no article with id or ref {:?}", args.id);
        return Ok(ExitCode::from(1));
    };
    if args.json {
        let view = storyline::view::article(&store, found)?
            .context("the article vanished while being read")?;
        render::print_json(&view)?;
    } else {
        let article = store
            .article(found)?
            .context("the article vanished while being read")?;
        render::print_article(&article)?;
    }
    Ok(ExitCode::SUCCESS)
}
