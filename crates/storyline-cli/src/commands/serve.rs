//! `storyline serve`

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::ServeArgs;

/// Serves the API and the pages until SIGINT or SIGTERM.
pub fn run(db: &Path, args: ServeArgs) -> Result<ExitCode> {
    let mut config = storyline_server::Config::new(db);
    config.token = args.token.filter(|t| !t.trim().is_empty());
    config.max_body = usize::try_from(args.max_body).unwrap_or(usize::MAX);
    config.write_rate = args.write_rate;
    config.write_burst = args.write_burst;
    config.read_timeout = std::time::Duration::from_secs(args.read_timeout);
    config.write_timeout = std::time::Duration::from_secs(args.write_timeout);
    config.watching = args.watch;
    let read_only = config.token.is_none();
    let state = storyline_server::AppState::open(config)
        .with_context(|| format!("cannot open the database {}", db.display()))?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the runtime")?;
    let addr = args.addr;
    let fetch = args.fetch;
    let watch = args.watch;
    runtime.block_on(async move {
        // With --watch, the watcher writes through the server's one writer
        // connection, in turn with POST /api/articles.
        let stop = storyline_watch::Stop::new();
        let watcher = if watch {
            let config = fetch.config();
            super::watch::warn_without_contact(&config);
            let watcher = storyline_watch::Watcher::new(state.writer(), config)?;
            let stop = stop.clone();
            Some(tokio::spawn(async move {
                watcher
                    .run(&stop, |report| {
                        eprintln!("storyline: {}", crate::render::pass_line(report))
                    })
                    .await
            }))
        } else {
            None
        };
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        eprintln!(
            "storyline: serving {} on http://{local}/ ({})",
            db.display(),
            if read_only {
                "read-only: no --token"
            } else {
                "writes need the token"
            }
        );
        let stopping = stop.clone();
        storyline_server::serve(listener, state, async move {
            shutdown().await;
            stopping.stop();
        })
        .await?;
        if let Some(w) = watcher {
            w.await.context("the watcher failed")??;
        }
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
    eprintln!("storyline: stopping");
}
