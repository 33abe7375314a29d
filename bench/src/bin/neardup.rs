//! Near-duplicate detection benchmark for `storyline::copies`.
//!
//! * `make-corpus`: the shared story-set articles plus programmatic near-copies
//!   (sentence drops and inserts, boilerplate, reflowed text, word substitutions,
//!   truncation) with a spread of edit strengths, as `{"id","text"}` JSON lines.
//! * `truth`: exact Jaccard of the word 5-gram shingle sets over all pairs
//!   (inverted index, intersections counted per pair), every pair with J >= 0.5.
//! * `run`: Storyline's detector from text in memory to the pair list, timed by
//!   phase, scored against the truth at one threshold; prints JSON.
//!
//! The corpus holds research-licensed text: write it under `target/` only.
//!
//! `cargo run --release -p storyline-bench --bin neardup -- make-corpus --out target/neardup/corpus.jsonl`
// Numerical loops over parallel arrays read best with indices.
#![allow(clippy::needless_range_loop, clippy::type_complexity)]

use std::collections::HashSet;
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};
use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;
use serde_json::{Value, json};
use storyline::copies::minhash::{self, LshIndex, MinHasher};
use storyline::copies::shingles::{jaccard, jaccard_at_least, shingle_set};

#[derive(Parser)]
#[command(about = "Near-duplicate detection benchmark")]
struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Build the deterministic evaluation corpus.
    MakeCorpus {
        /// Directory holding {multinews,duc2004,ecbplus}/articles.jsonl
        /// (default: the shared data).
        #[arg(long)]
        data: Option<PathBuf>,
        #[arg(long, default_value = "target/neardup/corpus.jsonl")]
        out: PathBuf,
        /// Total number of documents (base articles plus near-copies).
        #[arg(long, default_value_t = 20_000)]
        n: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The sets whose articles are the base texts (comma-separated
        /// folder names under --data; `crisis` for the Spanish, French and
        /// Italian set).
        #[arg(long, default_value = "multinews,duc2004,ecbplus")]
        sets: String,
    },
    /// Exact Jaccard over all pairs by brute force (inverted index).
    Truth {
        #[arg(long, default_value = "target/neardup/corpus.jsonl")]
        corpus: PathBuf,
        #[arg(long, default_value = "target/neardup/truth.jsonl")]
        out: PathBuf,
        /// Lowest Jaccard written out.
        #[arg(long, default_value_t = 0.5)]
        min: f64,
    },
    /// Storyline's detector, timed from text in memory to pairs, and scored.
    Run {
        #[arg(long, default_value = "target/neardup/corpus.jsonl")]
        corpus: PathBuf,
        #[arg(long, default_value = "target/neardup/truth.jsonl")]
        truth: PathBuf,
        #[arg(long, default_value_t = 0.5)]
        threshold: f64,
        /// `index`: the library's `LshIndex` (insert each set, then `pairs`).
        /// `batch`: the same primitives (shingle_set, MinHasher, band_keys,
        /// jaccard) in a batch pipeline parallel at every stage.
        #[arg(long, value_enum, default_value_t = Engine::Index)]
        engine: Engine,
        /// Rayon threads (0 = all cores).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Write the detected pairs here (`{"a","b","j"}` per line).
        #[arg(long)]
        pairs_out: Option<PathBuf>,
    },
    /// Single-thread time of each step of the detector (diagnosis).
    Profile {
        #[arg(long, default_value = "target/neardup/corpus.jsonl")]
        corpus: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Engine {
    Index,
    Batch,
}

fn main() -> Result<()> {
    match Args::parse().cmd {
        Cmd::MakeCorpus {
            data,
            out,
            n,
            seed,
            sets,
        } => make_corpus(
            &data.unwrap_or_else(storyline_bench::shared_data),
            &out,
            n,
            seed,
            &sets,
        ),
        Cmd::Truth { corpus, out, min } => truth(&corpus, &out, min),
        Cmd::Profile { corpus } => profile(&corpus),
        Cmd::Run {
            corpus,
            truth,
            threshold,
            engine,
            threads,
            pairs_out,
        } => {
            if threads > 0 {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build_global()?;
            }
            run(&corpus, &truth, threshold, engine, pairs_out.as_deref())
        }
    }
}

// ---------------------------------------------------------------- corpus

/// splitmix64: small, deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn f64(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
}

const BOILERPLATE: &[&str] = &[
    "Copyright {Y} The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
    "Sign up for our daily newsletter to get the top stories delivered straight to your inbox every morning.",
    "Follow us on Twitter and Facebook for the latest updates.",
    "Posted {T}, {D} | Updated {T2}",
    "Click here to read more stories like this one.",
    "Advertisement",
    "This article originally appeared on {S}. Republished with permission.",
    "We use cookies to improve your experience on our site. By continuing to browse you agree to our use of cookies.",
    "Reporting by {S} staff; Editing by the news desk",
    "Share this article: Facebook Twitter Email Print",
    "Related: More coverage of this developing story is available on our home page.",
    "Have a news tip? Contact our newsroom at any time, day or night.",
    "Image caption: File photo, used with permission.",
    "Comments are closed for this story.",
    "Read more: {S} coverage of the week's top headlines, analysis and opinion.",
];

const SITES: &[&str] = &[
    "the Daily Ledger",
    "Metro Wire",
    "National Courier",
    "Globe Dispatch",
    "City Herald Online",
    "the Evening Post",
];

fn boilerplate_line(rng: &mut Rng) -> String {
    let line = BOILERPLATE[rng.below(BOILERPLATE.len())];
    let months = [
        "January", "February", "March", "April", "May", "June", "July", "August",
    ];
    line.replace("{Y}", &format!("{}", 1998 + rng.below(25)))
        .replace(
            "{T2}",
            &format!("{}:{:02} PM", 1 + rng.below(12), rng.below(60)),
        )
        .replace(
            "{T}",
            &format!("{}:{:02} AM", 1 + rng.below(12), rng.below(60)),
        )
        .replace(
            "{D}",
            &format!(
                "{} {}, {}",
                months[rng.below(8)],
                1 + rng.below(28),
                2000 + rng.below(20)
            ),
        )
        .replace("{S}", SITES[rng.below(SITES.len())])
}

/// Sentences of a text: split after `.`, `!` or `?` (optionally followed by a
/// closing quote) before whitespace, and at paragraph breaks.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.split("\n\n") {
        let bytes = para.as_bytes();
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if c == b'.' || c == b'!' || c == b'?' {
                let mut j = i + 1;
                while j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'' || bytes[j] == b')')
                {
                    j += 1;
                }
                if j < bytes.len() && bytes[j] == b' ' {
                    let s = para[start..j].trim();
                    if !s.is_empty() {
                        out.push(s.to_string());
                    }
                    start = j + 1;
                    i = j + 1;
                    continue;
                }
            }
            i += 1;
        }
        let s = para[start..].trim();
        if !s.is_empty() {
            out.push(s.to_string());
        }
    }
    out
}

/// Layout-only changes: paragraphing, spacing, quote style, dashes, case.
/// They never change a word, so they never change a shingle.
fn reflow(sents: &[String], rng: &mut Rng) -> String {
    let mut out = String::new();
    let para_every = 1 + rng.below(6);
    let upper = rng.chance(0.2);
    let curly = rng.chance(0.5);
    for (i, s) in sents.iter().enumerate() {
        if i > 0 {
            if i % para_every == 0 {
                out.push_str(if rng.chance(0.5) { "\n\n" } else { "\n" });
            } else if rng.chance(0.2) {
                out.push_str("  ");
            } else {
                out.push(' ');
            }
        }
        let mut s = s.clone();
        if curly {
            s = s
                .replace("\" ", "\u{201D} ")
                .replace(" \"", " \u{201C}")
                .replace('\'', "\u{2019}");
        }
        if rng.chance(0.3) {
            s = s.replace(", ", " , ").replace(" - ", " \u{2014} ");
        }
        if upper && i == 0 {
            s = s.to_uppercase();
        } else if rng.chance(0.05) {
            s = s.to_lowercase();
        }
        out.push_str(&s);
    }
    out
}

/// Replaces words at rate `p` with words drawn from `vocab`, keeping layout.
fn substitute_words(text: &str, p: f64, vocab: &[&str], rng: &mut Rng) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (k, piece) in text.split(' ').enumerate() {
        if k > 0 {
            out.push(' ');
        }
        if !piece.is_empty() && !vocab.is_empty() && rng.chance(p) {
            let w = vocab[rng.below(vocab.len())];
            // keep surrounding punctuation of the replaced word
            let trail: String = piece
                .chars()
                .rev()
                .take_while(|c| !c.is_alphanumeric())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            out.push_str(w);
            out.push_str(&trail);
        } else {
            out.push_str(piece);
        }
    }
    out
}

/// One near-copy of `src`, with `other` as a source of inserted sentences and
/// substitute words. Returns the text and the list of edits applied.
fn near_copy(src: &str, other: &str, rng: &mut Rng) -> (String, Vec<String>) {
    let mut sents = sentences(src);
    let donor = sentences(other);
    let mut ops = Vec::new();
    // Edit strength: most copies light or medium, some heavy.
    let s = rng.f64();
    let n_ops = 1 + rng.below(3);
    let mut kinds: Vec<usize> = (0..n_ops).map(|_| rng.below(6)).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let share = s / kinds.len() as f64; // split the strength over the edits
    let mut subst = 0.0;
    for k in kinds {
        match k {
            0 if sents.len() > 2 => {
                // sentence drops
                let p = 0.7 * share;
                let before = sents.len();
                let mut kept: Vec<String> =
                    sents.iter().filter(|_| !rng.chance(p)).cloned().collect();
                if kept.is_empty() {
                    kept.push(sents[0].clone());
                }
                ops.push(format!("drop {}/{}", before - kept.len(), before));
                sents = kept;
            }
            1 if !donor.is_empty() => {
                // sentence inserts from another document
                let k = ((sents.len() as f64) * 0.7 * share).round().max(1.0) as usize;
                for _ in 0..k {
                    let d = donor[rng.below(donor.len())].clone();
                    let at = rng.below(sents.len() + 1);
                    sents.insert(at, d);
                }
                ops.push(format!("insert {k}"));
            }
            2 => {
                // boilerplate lines before and/or after
                let k = 1 + (share * 8.0) as usize;
                for _ in 0..k {
                    let line = boilerplate_line(rng);
                    if rng.chance(0.5) {
                        sents.insert(0, line);
                    } else {
                        sents.push(line);
                    }
                }
                ops.push(format!("boilerplate {k}"));
            }
            3 => {
                // word substitutions at a low rate (applied after layout)
                subst = 0.12 * share.min(1.0);
                ops.push(format!("substitute {subst:.3}"));
            }
            4 if sents.len() > 2 => {
                // truncation: keep a prefix of the sentences
                let keep = ((sents.len() as f64) * (1.0 - 0.6 * share)).ceil().max(1.0) as usize;
                ops.push(format!("truncate {keep}/{}", sents.len()));
                sents.truncate(keep);
            }
            _ => {
                ops.push("reflow".into());
            }
        }
    }
    let mut text = if rng.chance(0.5) {
        ops.push("reflow".into());
        reflow(&sents, rng)
    } else {
        sents.join(" ")
    };
    if subst > 0.0 {
        let vocab: Vec<&str> = other
            .split_whitespace()
            .filter(|w| w.chars().all(char::is_alphanumeric))
            .collect();
        text = substitute_words(&text, subst, &vocab, rng);
    }
    (text, ops)
}

fn read_texts(path: &Path, field: &str) -> Result<Vec<String>> {
    let f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut out = Vec::new();
    for line in std::io::BufReader::new(f).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line)?;
        let t = v[field].as_str().context("missing text")?;
        out.push(t.to_string());
    }
    Ok(out)
}

fn make_corpus(data: &Path, out: &Path, n: usize, seed: u64, sets: &str) -> Result<()> {
    let mut base = Vec::new();
    for set in sets.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        base.extend(read_texts(&data.join(set).join("articles.jsonl"), "text")?);
    }
    let n_base = base.len();
    ensure!(
        n >= n_base,
        "--n must be at least the {n_base} base articles"
    );
    let mut rng = Rng(seed ^ 0x4E45_4152_4455_5053);
    let mut docs: Vec<String> = base;
    let mut edits = [0usize; 8];
    while docs.len() < n {
        // Copies of a base article, or (one time in three) of an earlier copy,
        // so clusters hold copies of copies too.
        let src = if docs.len() > n_base && rng.chance(1.0 / 3.0) {
            n_base + rng.below(docs.len() - n_base)
        } else {
            rng.below(n_base)
        };
        let other = rng.below(n_base);
        let (text, ops) = near_copy(&docs[src], &docs[other], &mut rng);
        for op in &ops {
            let i = [
                "drop",
                "insert",
                "boilerplate",
                "substitute",
                "truncate",
                "reflow",
            ]
            .iter()
            .position(|k| op.starts_with(k))
            .unwrap_or(7);
            edits[i] += 1;
        }
        if text.trim().is_empty() {
            continue;
        }
        docs.push(text);
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut w = BufWriter::new(std::fs::File::create(out)?);
    for (id, text) in docs.iter().enumerate() {
        writeln!(w, "{}", json!({"id": id, "text": text}))?;
    }
    w.flush()?;
    println!(
        "{}",
        json!({"docs": docs.len(), "base": n_base, "copies": docs.len() - n_base,
               "edits": {"drop": edits[0], "insert": edits[1], "boilerplate": edits[2],
                         "substitute": edits[3], "truncate": edits[4], "reflow": edits[5]},
               "out": out.display().to_string()})
    );
    Ok(())
}

// ---------------------------------------------------------------- truth

fn truth(corpus: &Path, out: &Path, min: f64) -> Result<()> {
    let t0 = Instant::now();
    let texts = read_texts(corpus, "text")?;
    let n = texts.len();
    let sets: Vec<Vec<u32>> = texts.par_iter().map(|t| shingle_set(t)).collect();
    drop(texts);
    // Inverted index in CSR form: (shingle, doc) sorted, grouped by shingle.
    let mut postings: Vec<(u32, u32)> = Vec::with_capacity(sets.iter().map(Vec::len).sum());
    for (d, s) in sets.iter().enumerate() {
        postings.extend(s.iter().map(|&h| (h, d as u32)));
    }
    postings.par_sort_unstable();
    let mut starts: Vec<usize> = Vec::new(); // start of each shingle's posting list
    let mut doc_sids: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, &(h, d)) in postings.iter().enumerate() {
        if i == 0 || postings[i - 1].0 != h {
            starts.push(i);
        }
        doc_sids[d as usize].push((starts.len() - 1) as u32);
    }
    starts.push(postings.len());
    let docs_of: Vec<u32> = postings.iter().map(|&(_, d)| d).collect();
    drop(postings);
    let t_index = t0.elapsed().as_secs_f64();

    // For each doc a: count shared shingles with every later doc b.
    let sizes: Vec<u32> = sets.iter().map(|s| s.len() as u32).collect();
    let results: Vec<(Vec<(u32, u32, f64)>, [u64; 20], u64)> = (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0u32; n], Vec::<u32>::new()),
            |(count, touched), a| {
                for &sid in &doc_sids[a] {
                    let list = &docs_of[starts[sid as usize]..starts[sid as usize + 1]];
                    if list.len() < 2 {
                        continue;
                    }
                    let from = list.partition_point(|&d| d <= a as u32);
                    for &b in &list[from..] {
                        if count[b as usize] == 0 {
                            touched.push(b);
                        }
                        count[b as usize] += 1;
                    }
                }
                let mut hist = [0u64; 20];
                let mut found = Vec::new();
                let overlapping = touched.len() as u64;
                for &b in touched.iter() {
                    let inter = count[b as usize] as f64;
                    count[b as usize] = 0;
                    let j = inter / (sizes[a] as f64 + sizes[b as usize] as f64 - inter);
                    hist[((j * 20.0) as usize).min(19)] += 1;
                    if j >= min {
                        found.push((a as u32, b, j));
                    }
                }
                touched.clear();
                (found, hist, overlapping)
            },
        )
        .collect();
    let mut hist = [0u64; 20];
    let mut overlapping = 0u64;
    let mut pairs = Vec::new();
    for (f, h, o) in results {
        pairs.extend(f);
        overlapping += o;
        for i in 0..20 {
            hist[i] += h[i];
        }
    }
    // Two empty sets: the library calls them identical (J = 1).
    let empty: Vec<u32> = (0..n as u32).filter(|&d| sizes[d as usize] == 0).collect();
    for (i, &a) in empty.iter().enumerate() {
        for &b in &empty[i + 1..] {
            pairs.push((a, b, 1.0));
        }
    }
    pairs.sort_unstable_by_key(|p| (p.0, p.1));
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut w = BufWriter::new(std::fs::File::create(out)?);
    for &(a, b, j) in &pairs {
        writeln!(w, "{}", json!({"a": a, "b": b, "j": j}))?;
    }
    w.flush()?;
    let count_at = |t: f64| pairs.iter().filter(|p| p.2 >= t).count();
    let hist_json: serde_json::Map<String, Value> = (0..20)
        .map(|i| (format!("{:.2}", i as f64 / 20.0), json!(hist[i])))
        .collect();
    println!(
        "{}",
        json!({"docs": n, "empty_docs": empty.len(), "shingles": docs_of.len(), "distinct_shingles": starts.len() - 1,
               "pairs_sharing_a_shingle": overlapping,
               "pairs_ge_0.5": count_at(0.5), "pairs_ge_0.8": count_at(0.8),
               "pairs_0.4_0.6": hist[8] + hist[9] + hist[10] + hist[11],
               "pairs_0.7_0.9": hist[14] + hist[15] + hist[16] + hist[17],
               "jaccard_histogram": hist_json,
               "seconds_index": t_index, "seconds": t0.elapsed().as_secs_f64()})
    );
    Ok(())
}

// ---------------------------------------------------------------- run

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn read_truth(path: &Path, threshold: f64) -> Result<HashSet<(u32, u32)>> {
    let f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut out = HashSet::new();
    let mut min_seen = f64::INFINITY;
    for line in std::io::BufReader::new(f).lines() {
        let line = line?;
        let v: Value = serde_json::from_str(&line)?;
        let j = v["j"].as_f64().context("j")?;
        min_seen = min_seen.min(j);
        if j >= threshold {
            let a = v["a"].as_u64().context("a")? as u32;
            let b = v["b"].as_u64().context("b")? as u32;
            out.insert((a.min(b), a.max(b)));
        }
    }
    Ok(out)
}

fn run(
    corpus: &Path,
    truth_path: &Path,
    threshold: f64,
    engine: Engine,
    pairs_out: Option<&Path>,
) -> Result<()> {
    if threshold < minhash::MIN_THRESHOLD {
        bail!("the bands support thresholds >= {}", minhash::MIN_THRESHOLD);
    }
    let texts = read_texts(corpus, "text")?;
    let n = texts.len();
    let rss_loaded = peak_rss_mb();
    let mut phases = serde_json::Map::new();
    let mut candidates = 0usize;

    let t0 = Instant::now();
    let pairs: Vec<(u32, u32, f64)> = match engine {
        Engine::Index => {
            // Shingling in parallel, then the library's index as a caller uses it.
            let t = Instant::now();
            let sets: Vec<Vec<u32>> = texts.par_iter().map(|t| shingle_set(t)).collect();
            phases.insert("shingles".into(), json!(t.elapsed().as_secs_f64()));
            let t = Instant::now();
            let mut index = LshIndex::new();
            index.extend(sets);
            phases.insert(
                "extend (signatures in parallel, buckets sequential)".into(),
                json!(t.elapsed().as_secs_f64()),
            );
            let t = Instant::now();
            let pairs = index.pairs(threshold);
            phases.insert(
                "pairs (candidates + verification, parallel)".into(),
                json!(t.elapsed().as_secs_f64()),
            );
            pairs
        }
        Engine::Batch => {
            let t = Instant::now();
            let sets: Vec<Vec<u32>> = texts.par_iter().map(|t| shingle_set(t)).collect();
            phases.insert("shingles".into(), json!(t.elapsed().as_secs_f64()));
            let t = Instant::now();
            let hasher = MinHasher::default();
            let keys: Vec<Vec<u64>> = sets
                .par_iter()
                .map(|s| minhash::band_keys(&hasher.signature(s)))
                .collect();
            phases.insert(
                "signatures + band keys".into(),
                json!(t.elapsed().as_secs_f64()),
            );
            // Buckets: all (key, doc) entries sorted; equal keys are one bucket.
            let t = Instant::now();
            let mut entries: Vec<(u64, u32)> = Vec::with_capacity(n * minhash::BANDS);
            for (d, ks) in keys.iter().enumerate() {
                entries.extend(ks.iter().map(|&k| (k, d as u32)));
            }
            drop(keys);
            entries.par_sort_unstable();
            let mut cand: Vec<(u32, u32)> = Vec::new();
            let mut i = 0;
            while i < entries.len() {
                let mut j = i + 1;
                while j < entries.len() && entries[j].0 == entries[i].0 {
                    j += 1;
                }
                for x in i..j {
                    for y in x + 1..j {
                        cand.push((entries[x].1, entries[y].1));
                    }
                }
                i = j;
            }
            drop(entries);
            cand.par_sort_unstable();
            cand.dedup();
            candidates = cand.len();
            phases.insert(
                "buckets + candidate pairs".into(),
                json!(t.elapsed().as_secs_f64()),
            );
            let t = Instant::now();
            let pairs: Vec<(u32, u32, f64)> = cand
                .par_iter()
                .filter_map(|&(a, b)| {
                    jaccard_at_least(&sets[a as usize], &sets[b as usize], threshold)
                        .map(|j| (a, b, j))
                })
                .collect();
            phases.insert(
                "verification (exact Jaccard)".into(),
                json!(t.elapsed().as_secs_f64()),
            );
            pairs
        }
    };
    let seconds = t0.elapsed().as_secs_f64();
    let peak = peak_rss_mb();
    let truth = read_truth(truth_path, threshold)?;
    let found: HashSet<(u32, u32)> = pairs
        .iter()
        .map(|&(a, b, _)| (a.min(b), a.max(b)))
        .collect();
    let tp = found.intersection(&truth).count();
    let fp = found.len() - tp;
    let fn_ = truth.len() - tp;
    if let Some(path) = pairs_out {
        let mut w = BufWriter::new(std::fs::File::create(path)?);
        for &(a, b, j) in &pairs {
            writeln!(w, "{}", json!({"a": a, "b": b, "j": j}))?;
        }
        w.flush()?;
    }
    let ratio = |x: usize, y: usize| if y == 0 { 1.0 } else { x as f64 / y as f64 };
    println!(
        "{}",
        json!({
            "system": match engine { Engine::Index => "storyline LshIndex", Engine::Batch => "storyline batch" },
            "threshold": threshold,
            "bands": format!("{}x{}", minhash::BANDS, minhash::ROWS),
            "threads": rayon::current_num_threads(),
            "docs": n, "seconds": seconds, "docs_per_sec": n as f64 / seconds,
            "pairs": found.len(), "candidates": if engine != Engine::Index { json!(candidates) } else { Value::Null },
            "tp": tp, "fp": fp, "fn": fn_,
            "precision": ratio(tp, tp + fp), "recall": ratio(tp, tp + fn_),
            "peak_rss_mb": peak, "rss_after_load_mb": rss_loaded,
            "phases": phases,
        })
    );
    Ok(())
}

fn profile(corpus: &Path) -> Result<()> {
    use storyline::copies::shingles::{shingles_of_words, word_hashes};
    let texts = read_texts(corpus, "text")?;
    let mut out = serde_json::Map::new();
    let mut time = |name: &str, f: &mut dyn FnMut() -> usize| {
        let t = Instant::now();
        let n = f();
        out.insert(
            name.to_string(),
            json!({"seconds": t.elapsed().as_secs_f64(), "items": n}),
        );
    };
    let mut words: Vec<Vec<u64>> = Vec::new();
    time("tokenise + hash words (library word_hashes)", &mut || {
        words = texts.iter().map(|t| word_hashes(t)).collect();
        words.iter().map(Vec::len).sum()
    });
    time("hash 5-word windows only (no sort)", &mut || {
        words
            .iter()
            .map(|w| {
                w.windows(5)
                    .map(|x| {
                        x.iter().fold(0u64, |h, &y| {
                            (h.rotate_left(23) ^ y).wrapping_mul(0xBF58_476D_1CE4_E5B9)
                        })
                    })
                    .fold(0u64, |a, b| a ^ b) as usize
                    & 1
            })
            .sum()
    });
    let mut sets: Vec<Vec<u32>> = Vec::new();
    time(
        "shingles_of_words (window hashes + sort + dedup)",
        &mut || {
            sets = words.iter().map(|w| shingles_of_words(w)).collect();
            sets.iter().map(Vec::len).sum()
        },
    );
    time("shingle_set end to end (library)", &mut || {
        texts.iter().map(|t| shingle_set(t).len()).sum()
    });
    let hasher = MinHasher::default();
    let mut sigs: Vec<Vec<u32>> = Vec::new();
    time(
        "MinHasher::signature (one-permutation, 126 bins)",
        &mut || {
            sigs = sets.iter().map(|s| hasher.signature(s)).collect();
            sigs.len()
        },
    );
    time("band_keys", &mut || {
        sigs.iter().map(|s| minhash::band_keys(s).len()).sum()
    });
    time("LshIndex::insert x N (signature + buckets)", &mut || {
        let mut index = LshIndex::new();
        for s in &sets {
            index.insert(s.clone());
        }
        sets.len()
    });
    // Candidates of the 42x3 bands, then verification both ways.
    let mut entries: Vec<(u64, u32)> = sigs
        .iter()
        .enumerate()
        .flat_map(|(d, s)| {
            minhash::band_keys(s)
                .into_iter()
                .map(move |k| (k, d as u32))
        })
        .collect();
    entries.sort_unstable();
    let mut cand = Vec::new();
    for run in entries.chunk_by(|x, y| x.0 == y.0) {
        for x in 0..run.len() {
            for y in x + 1..run.len() {
                cand.push((run[x].1, run[y].1));
            }
        }
    }
    cand.sort_unstable();
    cand.dedup();
    for t in [0.5, 0.8] {
        time(
            &format!("jaccard (library) on {} candidates, J>={t}", cand.len()),
            &mut || {
                cand.iter()
                    .filter(|&&(a, b)| jaccard(&sets[a as usize], &sets[b as usize]) >= t)
                    .count()
            },
        );
        time(
            &format!("jaccard_at_least (library, size bound + early exit), J>={t}"),
            &mut || {
                cand.iter()
                    .filter(|&&(a, b)| {
                        jaccard_at_least(&sets[a as usize], &sets[b as usize], t).is_some()
                    })
                    .count()
            },
        );
    }
    println!("{}", serde_json::to_string_pretty(&Value::Object(out))?);
    Ok(())
}
