//! `storyline ingest PATH...`

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use storyline::ingest::IngestOptions;
use storyline::pipeline::{self, Progress};

use crate::cli::{ImportArgs, IngestArgs};
use crate::render;

/// Reads the inputs into the store: 0 when everything went in, 2 when some
/// records were skipped.
pub fn run(db: &super::Db, args: IngestArgs) -> Result<ExitCode> {
    let opts = args.limits.options();
    store_with_progress(db, args.json, "records", |store, progress| {
        pipeline::ingest(store, &args.paths, &opts, progress)
    })
}

/// Rebuilds articles from `export --jsonl` output: 0 when everything went
/// in, 2 when some records were skipped.
pub fn import(db: &super::Db, args: ImportArgs) -> Result<ExitCode> {
    // No size limits: an export is a store's own output, and one file
    // holds the whole store.
    let opts = IngestOptions {
        max_file_size: u64::MAX,
        max_record_size: 1 << 30,
        max_text_size: u64::MAX,
        ..IngestOptions::default()
    };
    store_with_progress(db, args.json, "articles", |store, progress| {
        pipeline::import(store, &args.files, &opts, progress)
    })
}

/// Opens the writer, checks it, runs `store` with a progress bar on a
/// terminal (counting `unit`), and prints the report: the part `ingest` and
/// `import` share.
fn store_with_progress(
    db: &super::Db,
    json: bool,
    unit: &str,
    store: impl FnOnce(
        &mut storyline::store::Store,
        &(dyn Fn(Progress) + Sync),
    ) -> storyline::Result<pipeline::IngestReport>,
) -> Result<ExitCode> {
    let mut writer = db.writer()?;
    writer.quick_check().map_err(|e| super::opening(e, db))?;
    let bar = progress_bar();
    let report = store(&mut writer, &|p: Progress| {
        if let Some(bar) = &bar {
            bar.set_length(p.files_total);
            bar.set_position(p.files_done);
            bar.set_message(format!("{} {unit}", p.records_done));
        }
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if json {
        render::print_json(&report)?;
    } else {
        render::print_ingest_report(&report, &writer.stats()?, db)?;
    }
    Ok(if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// A progress bar on a terminal; none in a pipe.
fn progress_bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} files, {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(bar)
}
