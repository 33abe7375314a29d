//! `storyline delete ID...`

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::DeleteArgs;
use crate::render;

/// Deletes the articles found; 2 when some were not.
pub fn run(db: &super::Db, args: DeleteArgs) -> Result<ExitCode> {
    let mut store = db.writer()?;
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for id in &args.ids {
        match store.resolve(id)? {
            Some(n) => found.push(n),
            None => missing.push(id.clone()),
        }
    }
    let deleted = storyline::pipeline::delete(&mut store, &found)?;
    if args.json {
        render::print_json(&serde_json::json!({ "deleted": deleted, "missing": missing }))?;
    } else {
        println!("deleted {deleted} articles");
        for m in &missing {
            println!("  not found: {m}");
        }
    }
    Ok(if missing.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
