//! `storyline`: the command-line interface to the Storyline pipeline.
//!
//! [`cli`] says what the command line looks like, [`commands`] holds one
//! module per command and [`render`] what they print for a person.

#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
mod allocator;
mod cli;
mod commands;
mod render;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use commands::quotes::Show;

fn main() -> ExitCode {
    #[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
    allocator::install();
    match run(Cli::parse()) {
        Ok(code) => code,
        // `storyline articles | head` closing the pipe early is not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("storyline: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let db = &commands::Db {
        path: commands::store_path(cli.db)?,
        read_only: cli.read_only,
        cache_mb: cli.cache_mb,
    };
    match cli.command {
        Command::Ingest(args) => commands::ingest::run(db, args),
        Command::Articles(args) => commands::articles::run(db, args),
        Command::Article(args) => commands::article::run(db, args),
        Command::Search(args) => commands::search::run(db, args),
        Command::Copies(args) => commands::copies::run(db, args),
        Command::Delete(args) => commands::delete::run(db, args),
        Command::Stories(args) => commands::stories::run(db, args),
        Command::Story(args) => commands::story::run(db, args),
        Command::Threads(args) => commands::threads::run(db, args),
        Command::Thread(args) => commands::thread::run(db, args),
        Command::Quotes(args) => commands::quotes::run(db, args, Show::Quotes),
        Command::Entities(args) => commands::quotes::run(db, args, Show::Entities),
        Command::Recluster(args) => commands::recluster::run(db, args),
        Command::Summarize(args) => commands::summarize::run(db, args),
        Command::Stats(args) => commands::stats::run(db, args),
        Command::Check(args) => commands::check::run(db, args),
        Command::Compact(args) => commands::upkeep::compact(db, args),
        Command::Prune(args) => commands::upkeep::prune(db, args),
        Command::Backup(args) => commands::upkeep::backup(db, args),
        Command::Export(args) => commands::export::run(db, args),
        Command::Import(args) => commands::ingest::import(db, args),
        Command::Serve(args) => commands::serve::run(db, args),
        Command::Sources(command) => commands::sources::run(db, command),
        Command::Watch(args) => commands::watch::run(db, args),
    }
}
