//! MSRP paraphrase benchmark for `storyline::copies::paraphrase`.
//!
//! * `msrp train [--write crates/storyline/src/copies/paraphrase.rs]` fits the
//!   logistic regression on `msrp_train.jsonl` (features standardised, L2
//!   penalty and decision threshold chosen by 5-fold cross-validation on
//!   train), and prints the model as Rust source (or writes it between the
//!   `MODEL-BEGIN`/`MODEL-END` markers of the given file).
//! * `msrp eval` scores `msrp_test.jsonl` with the library's
//!   `paraphrase_score` and prints JSON: accuracy, precision, recall, F1 on
//!   test, the train cross-validation figures, throughput, and two
//!   unsupervised baselines (stem Jaccard, token LCS ratio) whose thresholds
//!   are tuned on train.
//!
//! `cargo run --release -p storyline-bench --bin msrp -- eval`
// Numerical loops over parallel arrays read best with indices.
#![allow(clippy::needless_range_loop, clippy::type_complexity)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use serde_json::{Value, json};
use storyline::copies::paraphrase::{
    self, FEATURE_NAMES, N_FEATURES, PARAPHRASE_THRESHOLD, SentenceProfile,
};
use storyline::text::TextAnalyzer;

#[derive(Parser)]
#[command(about = "MSRP paraphrase benchmark")]
struct Args {
    /// Directory with msrp_train.jsonl and msrp_test.jsonl (default: the
    /// shared data's `paraphrase/`).
    #[arg(long, global = true)]
    data: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Fit the model on train and print it as Rust source.
    Train {
        /// Rewrite the MODEL block of this file instead of printing.
        #[arg(long)]
        write: Option<PathBuf>,
    },
    /// Drop-one-feature ablation: CV accuracy on train without each feature.
    Ablate,
    /// Score test with the library model and print JSON figures.
    Eval {
        /// Timed passes over the test pairs (best is reported).
        #[arg(long, default_value_t = 5)]
        repeat: usize,
    },
}

struct Pair {
    label: bool,
    a: String,
    b: String,
}

fn load(path: &Path) -> Result<Vec<Pair>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l)?;
            Ok(Pair {
                label: v["label"].as_i64() == Some(1),
                a: v["a"].as_str().context("a")?.to_string(),
                b: v["b"].as_str().context("b")?.to_string(),
            })
        })
        .collect()
}

// ---------------------------------------------------------------- metrics

#[derive(Clone, Copy)]
struct Metrics {
    accuracy: f64,
    precision: f64,
    recall: f64,
    f1: f64,
}

fn metrics(pred: impl Iterator<Item = (bool, bool)>) -> Metrics {
    let (mut tp, mut fp, mut fn_, mut tn) = (0.0, 0.0, 0.0, 0.0);
    for (p, y) in pred {
        match (p, y) {
            (true, true) => tp += 1.0,
            (true, false) => fp += 1.0,
            (false, true) => fn_ += 1.0,
            (false, false) => tn += 1.0,
        }
    }
    let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let recall = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Metrics {
        accuracy: (tp + tn) / (tp + fp + fn_ + tn),
        precision,
        recall,
        f1,
    }
}

fn metrics_at(scores: &[f64], labels: &[bool], t: f64) -> Metrics {
    metrics(scores.iter().zip(labels).map(|(&s, &y)| (s >= t, y)))
}

fn to_json(m: Metrics) -> Value {
    let r = |x: f64| (x * 10000.0).round() / 10000.0;
    json!({"accuracy": r(m.accuracy), "precision": r(m.precision), "recall": r(m.recall), "f1": r(m.f1)})
}

/// The threshold maximising accuracy (midpoint between consecutive scores).
fn best_threshold(scores: &[f64], labels: &[bool]) -> f64 {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&i, &j| scores[i].total_cmp(&scores[j]));
    // Predict positive for scores >= t. Start with t below everything.
    let mut correct: i64 = labels.iter().filter(|&&y| y).count() as i64;
    let (mut best, mut best_t) = (correct, scores[idx[0]] - 1e-9);
    for k in 0..idx.len() {
        correct += if labels[idx[k]] { -1 } else { 1 };
        if k + 1 < idx.len() && scores[idx[k + 1]] == scores[idx[k]] {
            continue;
        }
        if correct > best {
            best = correct;
            best_t = if k + 1 < idx.len() {
                0.5 * (scores[idx[k]] + scores[idx[k + 1]])
            } else {
                scores[idx[k]] + 1e-9
            };
        }
    }
    best_t
}

// ---------------------------------------------------------------- logistic regression

struct Model {
    means: Vec<f64>,
    stds: Vec<f64>,
    w: Vec<f64>,
    bias: f64,
}

impl Model {
    fn score(&self, x: &[f64]) -> f64 {
        let mut z = self.bias;
        for i in 0..x.len() {
            z += self.w[i] * (x[i] - self.means[i]) / self.stds[i];
        }
        1.0 / (1.0 + (-z).exp())
    }
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .unwrap();
        a.swap(c, p);
        b.swap(c, p);
        for r in c + 1..n {
            let f = a[r][c] / a[c][c];
            for k in c..n {
                a[r][k] -= f * a[c][k];
            }
            b[r] -= f * b[c];
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|k| a[r][k] * x[k]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    x
}

/// L2-penalised logistic regression by Newton's method (IRLS) on
/// standardised features; the intercept is not penalised.
fn fit(xs: &[[f64; N_FEATURES]], ys: &[bool], l2: f64) -> Model {
    let n = xs.len() as f64;
    let d = N_FEATURES;
    let means: Vec<f64> = (0..d)
        .map(|j| xs.iter().map(|x| x[j]).sum::<f64>() / n)
        .collect();
    let stds: Vec<f64> = (0..d)
        .map(|j| {
            let v = xs.iter().map(|x| (x[j] - means[j]).powi(2)).sum::<f64>() / n;
            if v > 1e-12 { v.sqrt() } else { 1.0 }
        })
        .collect();
    let z: Vec<Vec<f64>> = xs
        .iter()
        .map(|x| {
            let mut r: Vec<f64> = (0..d).map(|j| (x[j] - means[j]) / stds[j]).collect();
            r.push(1.0);
            r
        })
        .collect();
    let mut beta = vec![0.0; d + 1];
    for _ in 0..50 {
        let mut g = vec![0.0; d + 1];
        let mut h = vec![vec![0.0; d + 1]; d + 1];
        for (zi, &y) in z.iter().zip(ys) {
            let s: f64 = zi.iter().zip(&beta).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-s).exp());
            let r = p - y as u8 as f64;
            let w = (p * (1.0 - p)).max(1e-9);
            for a in 0..=d {
                g[a] += r * zi[a];
                for b in a..=d {
                    h[a][b] += w * zi[a] * zi[b];
                }
            }
        }
        for a in 0..=d {
            for b in 0..a {
                h[a][b] = h[b][a];
            }
            if a < d {
                g[a] += l2 * beta[a];
                h[a][a] += l2;
            }
        }
        let step = solve(h, g);
        let mut change = 0.0f64;
        for a in 0..=d {
            beta[a] -= step[a];
            change = change.max(step[a].abs());
        }
        if change < 1e-8 {
            break;
        }
    }
    Model {
        means,
        stds,
        w: beta[..d].to_vec(),
        bias: beta[d],
    }
}

/// Deterministic fold of each pair (shuffled by a fixed LCG).
fn folds(n: usize, k: usize) -> Vec<usize> {
    folds_seeded(n, k, 0x2545_F491_4F6C_DD1D)
}

fn folds_seeded(n: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    let mut s: u64 = seed;
    for i in (1..n).rev() {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        idx.swap(i, (s >> 33) as usize % (i + 1));
    }
    let mut f = vec![0; n];
    for (r, &i) in idx.iter().enumerate() {
        f[i] = r % k;
    }
    f
}

/// Out-of-fold scores of a 5-fold cross-validation.
fn cv_scores(xs: &[[f64; N_FEATURES]], ys: &[bool], l2: f64) -> Vec<f64> {
    out_of_fold(xs, ys, l2, &folds(xs.len(), 5))
}

/// Scores of each item by a model fitted on the other folds of `f`.
fn out_of_fold(xs: &[[f64; N_FEATURES]], ys: &[bool], l2: f64, f: &[usize]) -> Vec<f64> {
    let mut out = vec![0.0; xs.len()];
    for k in 0..5 {
        let (tx, ty): (Vec<_>, Vec<_>) = xs
            .iter()
            .zip(ys)
            .zip(f)
            .filter(|(_, fi)| **fi != k)
            .map(|((x, y), _)| (*x, *y))
            .unzip();
        let m = fit(&tx, &ty, l2);
        for i in 0..xs.len() {
            if f[i] == k {
                out[i] = m.score(&xs[i]);
            }
        }
    }
    out
}

/// Chooses L2 and threshold by 5-fold CV; returns (l2, threshold, cv metrics).
fn select(xs: &[[f64; N_FEATURES]], ys: &[bool]) -> (f64, f64, Metrics) {
    let mut best: Option<(f64, f64, Metrics)> = None;
    for l2 in [0.01, 0.1, 1.0, 3.0, 10.0, 30.0, 100.0] {
        let s = cv_scores(xs, ys, l2);
        let t = best_threshold(&s, ys);
        let m = metrics_at(&s, ys, t);
        eprintln!(
            "l2 {l2:>6}: cv accuracy {:.4} f1 {:.4} (threshold {t:.3})",
            m.accuracy, m.f1
        );
        if best
            .as_ref()
            .is_none_or(|b| m.accuracy > b.2.accuracy + 1e-9)
        {
            best = Some((l2, t, m));
        }
    }
    best.unwrap()
}

fn feature_matrix(pairs: &[Pair]) -> (Vec<[f64; N_FEATURES]>, Vec<bool>) {
    (
        pairs
            .iter()
            .map(|p| paraphrase::features(&p.a, &p.b))
            .collect(),
        pairs.iter().map(|p| p.label).collect(),
    )
}

fn rust_array(name: &str, doc: &str, v: &[f64]) -> String {
    let body: Vec<String> = v
        .iter()
        .zip(FEATURE_NAMES)
        .map(|(x, n)| format!("    {x:.6}, // {n}\n"))
        .collect();
    format!(
        "/// {doc}\npub const {name}: [f64; N_FEATURES] = [\n{}];\n",
        body.concat()
    )
}

fn train(args: &Args, write: Option<&Path>) -> Result<()> {
    let pairs = load(&data_dir(args).join("msrp_train.jsonl"))?;
    let (xs, ys) = feature_matrix(&pairs);
    let (l2, t, cv) = select(&xs, &ys);
    let m = fit(&xs, &ys, l2);
    let s: Vec<f64> = xs.iter().map(|x| m.score(x)).collect();
    let tr = metrics_at(&s, &ys, t);
    let mut src = String::from("// MODEL-BEGIN (generated by `msrp train`; do not edit by hand)\n");
    src += &format!(
        "// Fitted on MSRP train (4,076 pairs) by `bash bench/msrp.sh --train`:\n\
         // L2 = {l2} chosen by 5-fold CV on train, CV accuracy {:.4} / F1 {:.4},\n\
         // train (resubstitution) accuracy {:.4} / F1 {:.4}.\n",
        cv.accuracy, cv.f1, tr.accuracy, tr.f1
    );
    src += &rust_array("MEANS", "Feature means used to standardise.", &m.means);
    src += &rust_array(
        "STDS",
        "Feature standard deviations used to standardise.",
        &m.stds,
    );
    src += &rust_array(
        "WEIGHTS",
        "Logistic-regression weights over standardised features.",
        &m.w,
    );
    src += &format!(
        "/// Logistic-regression intercept.\npub const BIAS: f64 = {:.6};\n",
        m.bias
    );
    src += &format!(
        "/// Decision threshold on [`paraphrase_score`], chosen by 5-fold\n\
         /// cross-validation on MSRP train.\npub const PARAPHRASE_THRESHOLD: f64 = {t:.4};\n// MODEL-END\n"
    );
    match write {
        None => print!("{src}"),
        Some(path) => {
            let old = std::fs::read_to_string(path)?;
            let b = old
                .find("// MODEL-BEGIN")
                .context("no MODEL-BEGIN marker")?;
            let e =
                old.find("// MODEL-END\n").context("no MODEL-END marker")? + "// MODEL-END\n".len();
            std::fs::write(path, format!("{}{}{}", &old[..b], src, &old[e..]))?;
            eprintln!("wrote model into {}", path.display());
        }
    }
    Ok(())
}

/// Mean CV accuracy over 4 fold seeds, with the threshold tuned on the
/// pooled out-of-fold scores of each seed.
fn repeated_cv(xs: &[[f64; N_FEATURES]], ys: &[bool], l2: f64) -> f64 {
    let mut acc = 0.0;
    for seed in 1..=4u64 {
        let f = folds_seeded(xs.len(), 5, seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let out = out_of_fold(xs, ys, l2, &f);
        acc += metrics_at(&out, ys, best_threshold(&out, ys)).accuracy;
    }
    acc / 4.0
}

fn ablate(args: &Args) -> Result<()> {
    let pairs = load(&data_dir(args).join("msrp_train.jsonl"))?;
    let (xs, ys) = feature_matrix(&pairs);
    for l2 in [0.1, 1.0, 10.0] {
        let all = repeated_cv(&xs, &ys, l2);
        println!("l2 {l2}: all features {all:.4}");
        for j in 0..N_FEATURES {
            let mut x2 = xs.clone();
            for x in &mut x2 {
                x[j] = 0.0;
            }
            println!(
                "  without {:<24} {:+.4}",
                FEATURE_NAMES[j],
                repeated_cv(&x2, &ys, l2) - all
            );
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- baselines

fn stem_set(an: &TextAnalyzer, s: &str) -> Vec<String> {
    let mut v: Vec<String> = an.tokens(s).into_iter().map(|t| t.text).collect();
    v.sort();
    v.dedup();
    v
}

fn jaccard(a: &[String], b: &[String]) -> f64 {
    let c = a.iter().filter(|x| b.binary_search(x).is_ok()).count();
    let u = a.len() + b.len() - c;
    if u == 0 { 1.0 } else { c as f64 / u as f64 }
}

fn lcs_ratio(an: &TextAnalyzer, a: &str, b: &str) -> f64 {
    let a: Vec<String> = an.tokens(a).into_iter().map(|t| t.text).collect();
    let b: Vec<String> = an.tokens(b).into_iter().map(|t| t.text).collect();
    let mut prev = vec![0usize; b.len() + 1];
    for x in &a {
        let mut cur = vec![0usize; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = if x == y {
                prev[j] + 1
            } else {
                prev[j + 1].max(cur[j])
            };
        }
        prev = cur;
    }
    let m = a.len().max(b.len());
    if m == 0 {
        1.0
    } else {
        prev[b.len()] as f64 / m as f64
    }
}

fn baseline(train: &[Pair], test: &[Pair], f: impl Fn(&Pair) -> f64) -> Value {
    let st: Vec<f64> = train.iter().map(&f).collect();
    let yt: Vec<bool> = train.iter().map(|p| p.label).collect();
    let t = best_threshold(&st, &yt);
    let se: Vec<f64> = test.iter().map(&f).collect();
    let ye: Vec<bool> = test.iter().map(|p| p.label).collect();
    json!({"threshold": (t * 10000.0).round() / 10000.0, "train": to_json(metrics_at(&st, &yt, t)), "test": to_json(metrics_at(&se, &ye, t))})
}

fn eval(args: &Args, repeat: usize) -> Result<()> {
    let train = load(&data_dir(args).join("msrp_train.jsonl"))?;
    let test = load(&data_dir(args).join("msrp_test.jsonl"))?;
    let labels: Vec<bool> = test.iter().map(|p| p.label).collect();

    // Throughput: full paraphrase_score (both profiles built per pair), and
    // score_profiles on prebuilt profiles (the copies-stage use).
    let mut best_full = f64::INFINITY;
    let mut scores = Vec::new();
    for _ in 0..repeat.max(1) {
        let t0 = Instant::now();
        scores = test
            .iter()
            .map(|p| paraphrase::paraphrase_score(&p.a, &p.b))
            .collect::<Vec<_>>();
        best_full = best_full.min(t0.elapsed().as_secs_f64());
    }
    let profiles: Vec<(SentenceProfile, SentenceProfile)> = test
        .iter()
        .map(|p| (SentenceProfile::new(&p.a), SentenceProfile::new(&p.b)))
        .collect();
    let mut best_prof = f64::INFINITY;
    let mut checksum = 0.0;
    for _ in 0..repeat.max(1) * 4 {
        let t0 = Instant::now();
        checksum += profiles
            .iter()
            .map(|(a, b)| paraphrase::score_profiles(a, b))
            .sum::<f64>();
        best_prof = best_prof.min(t0.elapsed().as_secs_f64());
    }
    let t0 = Instant::now();
    let n_prof: usize = test
        .iter()
        .map(|p| SentenceProfile::new(&p.a).len() + SentenceProfile::new(&p.b).len())
        .sum();
    let profile_secs = t0.elapsed().as_secs_f64();
    let n = test.len() as f64;

    let test_m = metrics_at(&scores, &labels, PARAPHRASE_THRESHOLD);
    // Train figures with the shipped threshold, and a fresh 5-fold CV of the
    // same procedure (features from the library, L2 as selected by `train`).
    let (xs, ys) = feature_matrix(&train);
    let (l2, cv_t, cv_m) = select(&xs, &ys);
    let train_scores: Vec<f64> = train
        .iter()
        .map(|p| paraphrase::paraphrase_score(&p.a, &p.b))
        .collect();
    let an = TextAnalyzer::stemming();
    let out = json!({
        "model": "logistic regression over storyline::copies::paraphrase::features",
        "threshold": PARAPHRASE_THRESHOLD,
        "test": to_json(test_m),
        "test_pairs": test.len(),
        "train_resubstitution": to_json(metrics_at(&train_scores, &ys, PARAPHRASE_THRESHOLD)),
        "train_cv5": {"l2": l2, "threshold": (cv_t * 10000.0).round() / 10000.0, "metrics": to_json(cv_m)},
        "always_paraphrase_test": to_json(metrics(labels.iter().map(|&y| (true, y)))),
        "baselines": {
            "stem_jaccard": baseline(&train, &test, |p| jaccard(&stem_set(&an, &p.a), &stem_set(&an, &p.b))),
            "stem_lcs_ratio": baseline(&train, &test, |p| lcs_ratio(&an, &p.a, &p.b)),
        },
        "speed": {
            "pairs_per_sec_paraphrase_score": (n / best_full).round(),
            "us_per_pair_paraphrase_score": (best_full / n * 1e6 * 100.0).round() / 100.0,
            "pairs_per_sec_score_profiles": (n / best_prof).round(),
            "us_per_pair_score_profiles": (best_prof / n * 1e6 * 100.0).round() / 100.0,
            "us_per_sentence_profile": (profile_secs / (2.0 * n) * 1e6 * 100.0).round() / 100.0,
            "single_thread": true,
        },
    });
    let _ = (checksum, n_prof);
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

fn main() -> Result<()> {
    let args = Args::parse();
    match &args.cmd {
        Cmd::Train { write } => train(&args, write.as_deref()),
        Cmd::Eval { repeat } => eval(&args, *repeat),
        Cmd::Ablate => ablate(&args),
    }
}

/// Where the MSRP splits are.
fn data_dir(args: &Args) -> PathBuf {
    args.data
        .clone()
        .unwrap_or_else(|| storyline_bench::shared_data().join("paraphrase"))
}
