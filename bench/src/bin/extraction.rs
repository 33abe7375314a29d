//! Extraction benchmark: runs `storyline::ingest::html` over the scrapinghub
//! article-extraction pages, writes predictions as JSONL (`{"id","body"}`) for
//! `score.py`, and prints throughput (single thread and rayon on all cores).
//!
//! `cargo run --release -p storyline-bench --bin extraction -- --out pred.jsonl`

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;
use rayon::prelude::*;
use storyline::ingest::html::{decode_html, extract};

#[derive(Parser)]
#[command(about = "HTML main-text extraction benchmark")]
struct Args {
    /// Benchmark directory holding `html/<id>.html[.gz]` (default: the shared
    /// data's `extraction/`).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Extra page files or directories to use instead of `--data` (id = file stem).
    paths: Vec<PathBuf>,
    /// Where to write the predictions (`{"id","body"}` per line).
    #[arg(long, default_value = "pred.jsonl")]
    out: PathBuf,
    /// Timed passes over the pages (the best pass is reported).
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// Put the extracted title on the first line of each body (the extraction_web gold
    /// expects "title plus text"; scrapinghub's truth is the text alone).
    #[arg(long)]
    with_title: bool,
    /// Report this many slowest pages (id and milliseconds) from the single-thread pass.
    #[arg(long, default_value_t = 5)]
    slowest: usize,
}

/// Reads one page; `.gz` files are decompressed with the system `gzip -dc`
/// (the bench package has no gzip crate; loading is not timed).
fn read_page(path: &PathBuf) -> Result<Vec<u8>> {
    let raw = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    if !raw.starts_with(&[0x1f, 0x8b]) {
        return Ok(raw);
    }
    let out = std::process::Command::new("gzip")
        .arg("-dc")
        .arg(path)
        .output()
        .context("running gzip -dc")?;
    anyhow::ensure!(out.status.success(), "gzip -dc {} failed", path.display());
    Ok(out.stdout)
}

/// CPU time this thread has run, from the scheduler's statistics (Linux); on a shared
/// machine it moves far less with other load than wall time does.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn page_id(path: &std::path::Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name.strip_suffix(".html")
        .or_else(|| name.strip_suffix(".htm"))
        .unwrap_or(name)
        .to_string()
}

fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("listing {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    let n = f.to_string_lossy();
                    n.ends_with(".html") || n.ends_with(".html.gz") || n.ends_with(".htm")
                })
                .collect();
            entries.sort();
            files.extend(entries);
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

/// Extracts every page on this thread, returning each body with its time in seconds.
fn run(pages: &[(String, Vec<u8>)], with_title: bool) -> Vec<(String, f64)> {
    pages
        .iter()
        .map(|(_, b)| {
            let t = Instant::now();
            let out = body(b, with_title);
            (out, t.elapsed().as_secs_f64())
        })
        .collect()
}

fn body(bytes: &[u8], with_title: bool) -> String {
    let html = decode_html(bytes, None);
    match extract(&html, None) {
        Ok(d) => match d.title {
            Some(title) if with_title => format!("{title}\n\n{}", d.text),
            _ => d.text,
        },
        Err(_) => String::new(),
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    let inputs = if args.paths.is_empty() {
        let data = args
            .data
            .clone()
            .unwrap_or_else(|| storyline_bench::shared_data().join("extraction"));
        vec![data.join("html")]
    } else {
        args.paths.clone()
    };
    let files = collect_files(&inputs)?;
    anyhow::ensure!(!files.is_empty(), "no pages found in {:?}", inputs);
    let pages: Vec<(String, Vec<u8>)> = files
        .par_iter()
        .map(|f| Ok((page_id(f), read_page(f)?)))
        .collect::<Result<_>>()?;
    let n = pages.len();

    // Single thread, pages already in memory.
    let mut best_single = f64::INFINITY;
    let mut best_cpu = f64::INFINITY;
    let mut timed = Vec::new();
    for _ in 0..args.repeat.max(1) {
        let t = Instant::now();
        let cpu = thread_cpu_seconds();
        timed = run(&pages, args.with_title);
        best_single = best_single.min(t.elapsed().as_secs_f64());
        if let (Some(start), Some(end)) = (cpu, thread_cpu_seconds()) {
            best_cpu = best_cpu.min(end - start);
        }
    }
    // All cores with rayon.
    let mut best_par = f64::INFINITY;
    for _ in 0..args.repeat.max(1) {
        let t = Instant::now();
        let par: Vec<String> = pages
            .par_iter()
            .map(|(_, b)| body(b, args.with_title))
            .collect();
        best_par = best_par.min(t.elapsed().as_secs_f64());
        assert_eq!(par.len(), n);
    }

    let mut out = std::io::BufWriter::new(
        std::fs::File::create(&args.out)
            .with_context(|| format!("creating {}", args.out.display()))?,
    );
    let mut empty = 0;
    for ((id, _), (b, _)) in pages.iter().zip(&timed) {
        empty += usize::from(b.is_empty());
        serde_json::to_writer(&mut out, &serde_json::json!({"id": id, "body": b}))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;

    let mut by_time: Vec<(&str, f64)> = pages
        .iter()
        .zip(&timed)
        .map(|((id, _), (_, secs))| (id.as_str(), *secs))
        .collect();
    by_time.sort_by(|a, b| b.1.total_cmp(&a.1));
    let slowest: Vec<serde_json::Value> = by_time
        .iter()
        .take(args.slowest)
        .map(|(id, secs)| serde_json::json!({"id": id, "ms": (secs * 1e4).round() / 10.0}))
        .collect();
    let report = serde_json::json!({
        "pages": n,
        "empty": empty,
        "threads": rayon::current_num_threads(),
        "seconds": best_single,
        "pages_per_sec": n as f64 / best_single,
        "cpu_seconds": best_cpu.is_finite().then_some(best_cpu),
        "pages_per_cpu_sec": best_cpu.is_finite().then(|| n as f64 / best_cpu),
        "seconds_parallel": best_par,
        "pages_per_sec_parallel": n as f64 / best_par,
        "slowest": slowest,
        "out": args.out.display().to_string(),
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
