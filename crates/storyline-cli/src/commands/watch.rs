//! `storyline watch [--once]`

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use storyline_watch::{PassReport, Stop, Watcher};

use crate::cli::WatchArgs;
use crate::render;

/// Follows the sources until SIGINT or SIGTERM (0), or for one pass with
/// `--once` (0, or 2 when a source or a page failed).
pub fn run(db: &super::Db, args: WatchArgs) -> Result<ExitCode> {
    let mut store = db.watcher()?;
    storyline::pipeline::stories::backfill(&mut store)?;
    if store.sources()?.is_empty() {
        eprintln!("storyline: no sources to watch yet; add some with `storyline sources add URL`");
    }
    let config = args.fetch.config();
    warn_without_contact(&config);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the runtime")?;
    runtime.block_on(async move {
        let store = Arc::new(tokio::sync::Mutex::new(store));
        let watcher = Watcher::new(store, config)?;
        if args.once {
            let report = watcher.once().await?;
            print_pass(&report, args.json);
            return Ok(if report.source_errors + report.page_errors > 0 {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            });
        }
        let stop = Stop::new();
        tokio::spawn(stop_on_signal(stop.clone()));
        watcher
            .run(&stop, |report| print_pass(report, args.json))
            .await?;
        eprintln!("storyline: stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// Says once, on standard error, that site owners will not know whom to ask.
pub fn warn_without_contact(config: &storyline_watch::Config) {
    if config.contact.is_none() {
        eprintln!(
            "storyline: no --contact given: the User-Agent ({}) names no one site owners can reach",
            config.user_agent()
        );
    }
}

/// One line per pass, or one JSON object per line with `--json`.
pub fn print_pass(report: &PassReport, json: bool) {
    let mut out = std::io::stdout().lock();
    let line = if json {
        serde_json::to_string(report).unwrap_or_default()
    } else {
        render::pass_line(report)
    };
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Asks `stop` to stop on the first SIGINT or SIGTERM; a second one ends
/// the process at once.
pub async fn stop_on_signal(stop: Stop) {
    super::serve::shutdown().await;
    eprintln!("storyline: stopping after the items in hand (again to quit at once)");
    stop.stop();
    super::serve::shutdown().await;
    std::process::exit(130);
}
