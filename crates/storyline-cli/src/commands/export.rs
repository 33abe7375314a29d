//! `storyline export --jsonl [FILE|-]`

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use storyline::export;

use crate::cli::ExportArgs;

/// Writes every article to FILE (or standard output).
pub fn run(db: &super::Db, args: ExportArgs) -> Result<ExitCode> {
    debug_assert!(args.jsonl, "clap requires --jsonl");
    let store = db.reader()?;
    let total = store.article_count()?;
    let bar = progress_bar(total);
    let on_progress = |n: u64| {
        if let Some(bar) = &bar {
            bar.set_position(n);
        }
    };
    let to_stdout = args.file.as_os_str() == "-";
    let report = if to_stdout {
        let mut out = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
        export::write_jsonl(&store, &mut out, &on_progress)?
    } else {
        if args.file.exists() && !args.force {
            bail!(
                "{}: the file exists; give another name, or --force to overwrite it",
                args.file.display()
            );
        }
        // Written under another name and renamed when whole, so FILE is
        // never a cut-off export (a full disk, an interrupted run).
        let mut partial = args.file.clone().into_os_string();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let file = File::create(&partial)
            .with_context(|| format!("cannot create {}", partial.display()))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        let report = export::write_jsonl(&store, &mut out, &on_progress)
            .with_context(|| format!("writing {}", partial.display()))?;
        let file = out
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("writing {}", partial.display()))?;
        file.sync_all()
            .with_context(|| format!("writing {}", partial.display()))?;
        std::fs::rename(&partial, &args.file).with_context(|| {
            format!(
                "cannot rename {} to {}",
                partial.display(),
                args.file.display()
            )
        })?;
        report
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if !to_stdout {
        let mut out = std::io::stdout().lock();
        write!(
            out,
            "{}: {} articles, {} bytes",
            args.file.display(),
            report.articles,
            report.bytes
        )?;
        if report.pruned > 0 {
            write!(
                out,
                " ({} with their text pruned: import cannot rebuild those)",
                report.pruned
            )?;
        }
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on a terminal; none in a pipe.
fn progress_bar(total: u64) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} articles")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(bar)
}
