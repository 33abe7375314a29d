//! `storyline serve`

use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::ServeArgs;

/// Serves the API and the pages until SIGINT or SIGTERM.
pub fn run(db: &super::Db, args: ServeArgs) -> Result<ExitCode> {
    let mut config = storyline_server::Config::new(db.path.clone());
    config.token = args.token.filter(|t| !t.trim().is_empty());
    config.max_body = usize::try_from(args.max_body).unwrap_or(usize::MAX);
    config.write_rate = args.write_rate;
    config.write_burst = args.write_burst;
    config.unauthenticated_rate = args.unauthenticated_rate;
    config.unauthenticated_burst = args.unauthenticated_burst;
    config.read_timeout = std::time::Duration::from_secs(args.read_timeout);
    config.write_timeout = std::time::Duration::from_secs(args.write_timeout);
    config.watching = args.watch;
    config.connections.max_connections = args.max_connections.max(1);
    config.connections.header_timeout = std::time::Duration::from_secs(args.header_timeout.max(1));
    config.ingest = args.limits.options();
    config.read_only = db.read_only;
    // With --watch the server runs a watcher for months: a watcher's
    // budget, shared with the read connections.
    config.cache_mb = db.budget_mb(if args.watch {
        storyline_watch::DEFAULT_CACHE_MB
    } else {
        storyline_server::DEFAULT_CACHE_MB
    });
    let no_token = config.token.is_none();
    let state = storyline_server::AppState::open(config).map_err(|e| super::opening(e, db))?;
    let mode = if state.is_read_only() {
        "read-only: the database cannot be written"
    } else if no_token {
        "read-only: no --token"
    } else {
        "writes need the token"
    };
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
            let writer = state
                .writer()
                .context("--watch needs a database it can write to")?;
            let watcher = storyline_watch::Watcher::new(writer, config)?;
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
            "storyline: serving {} on http://{local}/ ({mode})",
            db.display()
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

/// Completes on Ctrl-C or SIGTERM (`watch` stops on the same signals).
pub(crate) async fn shutdown() {
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
