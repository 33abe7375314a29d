//! `storyline sources add|import|list|remove`

use std::process::ExitCode;

use anyhow::{Context, Result};
use serde_json::{Value, json};
use storyline::store::Store;

use crate::cli::{SourcesAddArgs, SourcesCommand, SourcesImportArgs, SourcesRemoveArgs};
use crate::render;

/// Runs a `sources` subcommand.
pub fn run(db: &super::Db, command: SourcesCommand) -> Result<ExitCode> {
    match command {
        SourcesCommand::Add(args) => add(&mut db.writer()?, args),
        SourcesCommand::Import(args) => import(&mut db.writer()?, args),
        SourcesCommand::List(args) => {
            let sources = db.reader()?.sources()?;
            if args.json {
                render::print_json(&sources)?;
            } else {
                render::print_sources(&sources)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        SourcesCommand::Remove(args) => remove(&mut db.writer()?, args),
    }
}

/// Adds each URL (named `name`), returning the sources as listed, with
/// `added` telling new from already watched, and the URLs refused.
fn add_all(
    store: &mut Store,
    urls: &[(String, Option<String>)],
    every: std::time::Duration,
) -> Result<(Vec<Value>, Vec<Value>)> {
    let now = storyline_watch::now();
    let mut added = Vec::new();
    let mut refused = Vec::new();
    for (url, name) in urls {
        let url = match storyline_watch::source_url(url) {
            Ok(u) => u,
            Err(message) => {
                refused.push(json!({ "url": url, "message": message }));
                continue;
            }
        };
        let (id, new) = store.add_source(&url, name.as_deref(), every.as_secs(), &now)?;
        let source = store.source(id)?.context("the source vanished")?;
        let mut v = serde_json::to_value(source)?;
        v["added"] = new.into();
        added.push(v);
    }
    Ok((added, refused))
}

fn add(store: &mut Store, args: SourcesAddArgs) -> Result<ExitCode> {
    let urls: Vec<(String, Option<String>)> = args
        .urls
        .iter()
        .map(|u| (u.clone(), args.name.clone()))
        .collect();
    let (added, refused) = add_all(store, &urls, args.every)?;
    report(&added, &refused, args.json)
}

fn import(store: &mut Store, args: SourcesImportArgs) -> Result<ExitCode> {
    const MAX_OPML: u64 = 16 << 20;
    let size = std::fs::metadata(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?
        .len();
    if size > MAX_OPML {
        anyhow::bail!(
            "{}: {size} bytes is over the OPML size limit of {MAX_OPML} bytes",
            args.file.display()
        );
    }
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let subscriptions = storyline_watch::opml::parse(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    let urls: Vec<(String, Option<String>)> =
        subscriptions.into_iter().map(|s| (s.url, s.name)).collect();
    let (added, refused) = add_all(store, &urls, args.every)?;
    report(&added, &refused, args.json)
}

fn report(added: &[Value], refused: &[Value], json: bool) -> Result<ExitCode> {
    if json {
        render::print_json(&json!({ "sources": added, "errors": refused }))?;
    } else {
        for s in added {
            let verb = if s["added"] == true {
                "added"
            } else {
                "already watched"
            };
            println!(
                "{verb:>15}  #{}  every {}  {}",
                s["id"],
                s["every"].as_str().unwrap_or(""),
                s["url"].as_str().unwrap_or("")
            );
        }
        for e in refused {
            eprintln!("storyline: {}", e["message"].as_str().unwrap_or("refused"));
        }
    }
    Ok(if refused.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn remove(store: &mut Store, args: SourcesRemoveArgs) -> Result<ExitCode> {
    let mut removed = Vec::new();
    let mut missing = Vec::new();
    for id in args.ids {
        if store.remove_source(id)? {
            removed.push(id);
        } else {
            missing.push(id);
        }
    }
    if args.json {
        render::print_json(&json!({ "removed": removed, "missing": missing }))?;
    } else {
        println!("removed {} sources", removed.len());
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
