//! Trains the stories stage's join model on ECB+ and on nothing else.
//!
//! ```sh
//! cargo run --release -p storyline-bench --bin stories_train            # choose, train, write
//! cargo run --release -p storyline-bench --bin stories_train -- --dry-run
//! ```
//!
//! 1. ECB+ (`$STORYLINE_SHARED/data/ecbplus`, CC BY 3.0) is ingested in
//!    stream order (by date; an undated article takes the date of the one
//!    before it, as `bench/stories/common.py` orders it) into a temporary
//!    store by the real pipeline, which extracts the story features and
//!    finds the copies.
//! 2. The online clustering is replayed in memory from those features.
//!    Training examples are (article, candidate story) pairs with their
//!    signals, labelled by whether the story is the article's gold event
//!    (its majority, once stories can be mixed). The first pass follows the
//!    gold stories (every article joins its event); later passes follow the
//!    model's own decisions and add what it met there (DAgger: the model
//!    learns from the states it will really be in).
//! 3. Candidate models (regularisation, inputs, passes) are compared by
//!    5-fold cross-validation **by topic**: trained on the topics of four
//!    folds, the whole ECB+ stream is clustered with that model and only
//!    the held-out topics' articles are scored (BCubed and pairwise F1, as
//!    `bench/stories/metrics.py`). The join probability and the merge bar
//!    are chosen the same way. Each model is scored twice: on the stream as
//!    it is and on a crowded copy whose topics all start on one day
//!    (`--crowd-days`, see `crowd`), and the choice maximises the mean of
//!    the two, so that it holds where many events share the same days.
//! 4. The chosen configuration is trained on every topic and written to
//!    `crates/storyline/src/stories/join_model.json` with the attribution
//!    and the cross-validated figures; the whole comparison goes to
//!    `target/stories-train/report.json`.
//!
//! DUC 2004 and Multi-News are never read here: they stay untouched for
//! `bench/stories.sh`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::Parser;
use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use rayon::prelude::*;
use serde_json::json;
use storyline::ingest::IngestOptions;
use storyline::pipeline::stories::{NEAR_DUPLICATE, copy_evidence};
use storyline::store::Store;
use storyline::store::stories::CopyLinks;
use storyline::stories::model::ModelFile;
use storyline::stories::{
    Choice, Clusterer, JoinModel, MemoryIndex, Scorer, Signal, Signals, StoryFeatures, StoryParams,
};

#[derive(Parser, Debug)]
#[command(about = "Train the stories stage's join model on ECB+ (cross-validated by topic)")]
struct Args {
    /// The shared data folder (default: $STORYLINE_SHARED/data, else ../shared/data).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Where the chosen model goes.
    #[arg(long, default_value = "crates/storyline/src/stories/join_model.json")]
    out: PathBuf,
    /// Where the cross-validation report goes.
    #[arg(long, default_value = "target/stories-train/report.json")]
    report: PathBuf,
    /// Cross-validation folds (by topic).
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Compare and report, but do not write the model.
    #[arg(long)]
    dry_run: bool,
    /// Drop every date first (a check that the model does not lean on
    /// which ECB+ documents happen to be dated).
    #[arg(long)]
    strip_dates: bool,
    /// Only these input sets (comma-separated names from the list below).
    #[arg(long)]
    inputs: Option<String>,
    /// Score the rules (the hand-set scorer) the same way and stop.
    #[arg(long)]
    rules: bool,
    /// L2 strengths to compare (comma-separated).
    #[arg(long, value_delimiter = ',', default_values_t = vec![0.1, 1.0, 10.0])]
    alphas: Vec<f64>,
    /// Replay passes to compare (1: the gold stories only; each further
    /// pass adds the states the previous model led to). Cross-validation
    /// found 2 and 3 worse, so only 1 is compared unless asked.
    #[arg(long, value_delimiter = ',', default_values_t = vec![1])]
    passes: Vec<usize>,
    /// Merge bars to compare (comma-separated; 2 never merges).
    #[arg(long, value_delimiter = ',', default_values_t = vec![0.35, 0.5, 0.65, 2.0])]
    merges: Vec<f32>,
    /// Also cross-validate on a crowded copy of ECB+ whose topics all
    /// start within this many days of each other (1: all on one day; 0:
    /// only the stream as it is). See `crowd`.
    #[arg(long, default_value_t = 1)]
    crowd_days: i32,
    /// Where the models learn: only the `plain` stream (the crowded one
    /// then only scores them), or `both`. Comma-separated to compare;
    /// cross-validation found `both` worse, so only `plain` is compared
    /// unless asked.
    #[arg(long, value_delimiter = ',', default_values_t = vec!["plain".to_string()])]
    learn_from: Vec<String>,
}

/// An ECB+ article row.
#[derive(Debug, Clone)]
struct Row {
    id: String,
    story: String,
    title: Option<String>,
    text: String,
    source: Option<String>,
    date: Option<String>,
}

/// A stored article as the replay sees it.
#[derive(Debug, Clone)]
struct Item {
    article: i64,
    features: StoryFeatures,
    links: CopyLinks,
    gold: u32,
    topic: u32,
}

/// The ECB+ stream: articles in arrival order, and every input row's
/// article (identical texts are one article) and gold event.
struct Stream {
    items: Vec<Item>,
    rows: Vec<(usize, u32, u32)>,
}

/// One training example.
#[derive(Debug, Clone, Copy)]
struct Example {
    signals: Signals,
    joins: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let data = args.data.clone().unwrap_or_else(|| {
        std::env::var_os("STORYLINE_SHARED")
            .map(|s| PathBuf::from(s).join("data"))
            .unwrap_or_else(|| PathBuf::from("../shared/data"))
    });
    let rows = load(&data.join("ecbplus/articles.jsonl"), args.strip_dates)?;
    eprintln!(
        "[train] {} ECB+ rows; ingesting them in stream order",
        rows.len()
    );
    let stream = ingest(&rows)?;
    eprintln!("[train] {} articles", stream.items.len());
    let mut streams = vec![stream];
    if args.crowd_days > 0 {
        streams.push(crowd(&streams[0], args.crowd_days));
    }
    let stream = &streams[0];

    let topics: Vec<u32> = {
        let mut t: Vec<u32> = stream.items.iter().map(|i| i.topic).collect();
        t.sort_unstable();
        t.dedup();
        t
    };
    let fold_of: HashMap<u32, usize> = topics
        .iter()
        .enumerate()
        .map(|(i, t)| (*t, i % args.folds))
        .collect();

    if args.rules {
        let c = Clusterer::new(StoryParams {
            scorer: Scorer::Rules,
            ..StoryParams::default()
        });
        for (i, stream) in streams.iter().enumerate() {
            let (pred, _) = replay(stream, &c, Mode::Model, false)?;
            let s = score_rows(stream, &pred, |_| true);
            let name = if i == 0 { "ECB+" } else { "crowded ECB+" };
            println!("rules on all {name}: {}", s.line());
        }
        return Ok(());
    }

    let input_sets = input_sets();
    let chosen_sets: Vec<(String, Vec<String>)> = match &args.inputs {
        Some(names) => names
            .split(',')
            .map(|spec| extended_set(&input_sets, spec))
            .collect::<Result<_>>()?,
        None => input_sets
            .iter()
            .map(|(n, v)| (n.to_string(), v.clone()))
            .collect(),
    };
    let mut configs: Vec<Config> = Vec::new();
    for (name, inputs) in &chosen_sets {
        for &alpha in &args.alphas {
            for &passes in &args.passes {
                for learn in &args.learn_from {
                    let crowded = match learn.as_str() {
                        "both" => args.crowd_days > 0,
                        "plain" => false,
                        other => bail!("--learn-from: {other:?} is neither both nor plain"),
                    };
                    configs.push(Config {
                        inputs_name: name.to_string(),
                        inputs: inputs.clone(),
                        alpha,
                        passes,
                        crowded,
                    });
                }
            }
        }
    }

    // Cross-validation: for each configuration and fold, a model trained
    // on the other folds' topics, then the join bar and merge bar swept on
    // the held-out topics.
    let mut results: Vec<CvResult> = Vec::new();
    for config in &configs {
        // Per fold, per (join, merge) bar, per stream: each row's cluster.
        type Sweep = Vec<(f32, f32, Vec<Vec<u32>>)>;
        let per_fold: Vec<Sweep> = (0..args.folds)
            .into_par_iter()
            .map(|fold| -> Result<Sweep> {
                let train = |t: u32| fold_of[&t] != fold;
                let model = train_model(&streams, config, &train)?;
                let mut out = Vec::new();
                for &join in JOIN_BARS {
                    for &merge in &args.merges {
                        let c = clusterer(&model, join, merge);
                        let mut labels = Vec::new();
                        for stream in &streams {
                            let (pred, _) = replay(stream, &c, Mode::Model, false)?;
                            labels.push(labels_for(stream, &pred));
                        }
                        out.push((join, merge, labels));
                    }
                }
                Ok(out)
            })
            .collect::<Result<_>>()?;
        for (k, &(join, merge, _)) in per_fold[0].iter().enumerate() {
            let mut scores = Vec::new();
            for (si, stream) in streams.iter().enumerate() {
                // Held-out rows of every fold, each fold's clusters kept apart.
                let mut pred = vec![0u64; stream.rows.len()];
                for (r, &(_, _, topic)) in stream.rows.iter().enumerate() {
                    let fold = fold_of[&topic];
                    pred[r] = ((fold as u64) << 40) | per_fold[fold][k].2[si][r] as u64;
                }
                let gold: Vec<u32> = stream.rows.iter().map(|r| r.1).collect();
                scores.push(Scores::of(&pred, &gold));
            }
            results.push(CvResult {
                config: config.clone(),
                join,
                merge,
                scores,
            });
        }
        let best = results
            .iter()
            .filter(|r| r.config == *config)
            .max_by(|a, b| a.key().total_cmp(&b.key()))
            .expect("a sweep has results");
        eprintln!(
            "[train] {:<12} alpha {:<5} passes {} crowded {}: best join {:.2} merge {:.2}: {}",
            config.inputs_name,
            config.alpha,
            config.passes,
            config.crowded,
            best.join,
            best.merge,
            best.lines()
        );
    }
    let best = results
        .iter()
        .max_by(|a, b| a.key().total_cmp(&b.key()))
        .expect("results")
        .clone();
    eprintln!(
        "[train] chosen: {} alpha {} passes {} crowded {} join {:.2} merge {:.2}: CV {}",
        best.config.inputs_name,
        best.config.alpha,
        best.config.passes,
        best.config.crowded,
        best.join,
        best.merge,
        best.lines()
    );

    // The chosen configuration, trained on every topic.
    let model = train_model(&streams, &best.config, &|_| true)?;
    let mut file = model.file().clone();
    file.join_probability = best.join;
    file.merge_similarity = best.merge;
    file.trained_on = TRAINED_ON.to_string();
    let crowded = match best.scores.get(1) {
        Some(c) => format!(
            "; on ECB+ with every topic moved to start {} (learned from {}), {:.3} and {:.3}",
            if args.crowd_days == 1 {
                "on one day".to_string()
            } else {
                format!("within {} days", args.crowd_days)
            },
            if best.config.crowded {
                "both streams"
            } else {
                "the plain stream only"
            },
            c.bcubed_f1,
            c.pair_f1
        ),
        None => String::new(),
    };
    file.chosen_by = format!(
        "{}-fold cross-validation by topic on ECB+ (inputs {}, L2 alpha {}, {} passes, \
         join probability {:.2}, merge similarity {:.2}): held-out BCubed F1 {:.3}, pairwise F1 {:.3}{}",
        args.folds,
        best.config.inputs_name,
        best.config.alpha,
        best.config.passes,
        best.join,
        best.merge,
        best.scores[0].bcubed_f1,
        best.scores[0].pair_f1,
        crowded
    );
    let final_model = Arc::new(JoinModel::new(file.clone())?);
    let (pred, _) = replay(
        stream,
        &clusterer(&final_model, best.join, best.merge),
        Mode::Model,
        false,
    )?;
    let fit = score_rows(stream, &pred, |_| true);
    eprintln!(
        "[train] trained on all of ECB+, scored on it (not a held-out figure): {}",
        fit.line()
    );

    let report = json!({
        "trained_on": TRAINED_ON,
        "strip_dates": args.strip_dates,
        "folds": args.folds,
        "crowd_days": args.crowd_days,
        "chosen": {
            "inputs": best.config.inputs_name, "alpha": best.config.alpha,
            "passes": best.config.passes, "learns_from_crowded": best.config.crowded,
            "join_probability": best.join,
            "merge_similarity": best.merge, "cv": best.scores[0].json(),
            "cv_crowded": best.scores.get(1).map(Scores::json),
        },
        "fit_on_all_ecbplus": fit.json(),
        "model": serde_json::to_value(&file)?,
        "cv": results.iter().map(|r| json!({
            "inputs": r.config.inputs_name, "alpha": r.config.alpha, "passes": r.config.passes,
            "learns_from_crowded": r.config.crowded,
            "join_probability": r.join, "merge_similarity": r.merge, "scores": r.scores[0].json(),
            "scores_crowded": r.scores.get(1).map(Scores::json),
        })).collect::<Vec<_>>(),
    });
    if let Some(dir) = args.report.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.report, serde_json::to_string_pretty(&report)?)?;
    eprintln!("[train] wrote {}", args.report.display());
    if !args.dry_run {
        std::fs::write(&args.out, serde_json::to_string_pretty(&file)? + "\n")?;
        eprintln!("[train] wrote {}", args.out.display());
    }
    Ok(())
}

const TRAINED_ON: &str = "ECB+ (Cybulska & Vossen, LREC 2014, extending ECB by Bejan & Harabagiu \
2010; CC BY 3.0), all 43 topics, 982 articles, in stream order; trained by \
`cargo run --release -p storyline-bench --bin stories_train`";

/// Join probabilities swept.
const JOIN_BARS: &[f32] = &[0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6];

/// The input sets compared: the signals alone, and with products that let
/// a linear model say "these two together".
fn input_sets() -> Vec<(&'static str, Vec<String>)> {
    let base: Vec<String> = Signal::ALL.iter().map(|s| s.name().to_string()).collect();
    let mut products = base.clone();
    for p in [
        "words*names",
        "words*lead_names",
        "words*same_days",
        "names*same_days",
        "title*words",
        "words*size",
        "words*cohesion",
    ] {
        products.push(p.to_string());
    }
    vec![("signals", base), ("products", products)]
}

/// An input set named on the command line: a set's name, optionally
/// followed by `+input` for each input added to it (`signals+span+words*margin`).
fn extended_set(sets: &[(&str, Vec<String>)], spec: &str) -> Result<(String, Vec<String>)> {
    let mut parts = spec.split('+');
    let name = parts.next().unwrap_or_default();
    let Some((_, base)) = sets.iter().find(|(n, _)| *n == name) else {
        bail!("--inputs: no input set {name:?}");
    };
    let mut inputs = base.clone();
    for extra in parts {
        if extra.split('*').any(|s| Signal::from_name(s).is_none()) {
            bail!("--inputs: {extra:?} names an unknown signal");
        }
        if !inputs.iter().any(|i| i == extra) {
            inputs.push(extra.to_string());
        }
    }
    Ok((spec.to_string(), inputs))
}

#[derive(Debug, Clone, PartialEq)]
struct Config {
    inputs_name: String,
    inputs: Vec<String>,
    alpha: f64,
    passes: usize,
    /// Learns from the crowded stream too.
    crowded: bool,
}

#[derive(Debug, Clone)]
struct CvResult {
    config: Config,
    join: f32,
    merge: f32,
    /// On the stream as it is, then on the crowded one (when asked).
    scores: Vec<Scores>,
}

impl CvResult {
    /// What the choice maximises: [`Scores::key`] averaged over the
    /// streams, so that a model must hold up where events crowd the same
    /// weeks as well as where they are spread out.
    fn key(&self) -> f64 {
        self.scores.iter().map(Scores::key).sum::<f64>() / self.scores.len() as f64
    }

    fn lines(&self) -> String {
        let lines: Vec<String> = self.scores.iter().map(Scores::line).collect();
        lines.join(" | crowded: ")
    }
}

fn clusterer(model: &Arc<JoinModel>, join: f32, merge: f32) -> Clusterer {
    Clusterer::new(StoryParams {
        join_probability: Some(join),
        merge_similarity: Some(merge),
        ..StoryParams::default()
    })
    .with_model(model.clone())
}

/// Trains a model on the examples of the topics `train` keeps: a pass
/// that follows the gold stories, then `passes - 1` passes that follow the
/// model's decisions, every pass's examples pooled.
fn train_model(
    streams: &[Stream],
    config: &Config,
    train: &dyn Fn(u32) -> bool,
) -> Result<Arc<JoinModel>> {
    let learn = if config.crowded {
        streams
    } else {
        &streams[..1]
    };
    let subs: Vec<Stream> = learn
        .iter()
        .map(|stream| Stream {
            items: stream
                .items
                .iter()
                .filter(|i| train(i.topic))
                .cloned()
                .collect(),
            rows: Vec::new(),
        })
        .collect();
    let gold_follower = Clusterer::new(StoryParams {
        merge_similarity: Some(f32::INFINITY),
        ..StoryParams::default()
    });
    let mut examples = Vec::new();
    for sub in &subs {
        examples.extend(replay(sub, &gold_follower, Mode::Gold, true)?.1);
    }
    let mut model = fit(&examples, config)?;
    for _ in 1..config.passes {
        let c = clusterer(&model, model.join_probability(), model.merge_similarity());
        for sub in &subs {
            examples.extend(replay(sub, &c, Mode::Model, true)?.1);
        }
        model = fit(&examples, config)?;
    }
    Ok(model)
}

/// ECB+ as a busier stream would carry it: every topic's days shifted so
/// that the topics start evenly spread over `days` days (in topic order),
/// each keeping its own articles' spacing, and the articles re-ordered by
/// the shifted day. ECB+'s dated events are years apart, so there
/// "published in the same days" nearly means "the same event"; in a stream
/// where dozens of events run in the same weeks it does not, and a model
/// that has only seen the first over-trusts it. Undated articles stay undated and
/// keep their place among their topic's articles.
fn crowd(stream: &Stream, days: i32) -> Stream {
    // The day each article is filed under: its own, else the last one
    // before it (the stream is in that order).
    let mut filed = Vec::with_capacity(stream.items.len());
    let mut last = None;
    for item in &stream.items {
        last = item.features.day.or(last);
        filed.push(last);
    }
    let mut topics: Vec<u32> = stream.items.iter().map(|i| i.topic).collect();
    topics.sort_unstable();
    topics.dedup();
    let mut first: HashMap<u32, i32> = HashMap::new();
    for (item, day) in stream.items.iter().zip(&filed) {
        if let Some(d) = *day {
            let f = first.entry(item.topic).or_insert(d);
            *f = (*f).min(d);
        }
    }
    let base = first.values().copied().min().unwrap_or(0);
    let shift: HashMap<u32, i32> = topics
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let start = base + (k as i64 * days as i64 / topics.len().max(1) as i64) as i32;
            (*t, first.get(t).map_or(0, |f| start - f))
        })
        .collect();
    let mut order: Vec<usize> = (0..stream.items.len()).collect();
    order.sort_by_key(|&i| (filed[i].map(|d| d + shift[&stream.items[i].topic]), i));
    let mut new_of = vec![0; stream.items.len()];
    let items = order
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            new_of[i] = k;
            let mut item = stream.items[i].clone();
            item.features.day = item.features.day.map(|d| d + shift[&item.topic]);
            item
        })
        .collect();
    Stream {
        items,
        rows: stream
            .rows
            .iter()
            .map(|&(i, g, t)| (new_of[i], g, t))
            .collect(),
    }
}

/// A logistic regression (linfa) on standardised inputs.
fn fit(examples: &[Example], config: &Config) -> Result<Arc<JoinModel>> {
    let factors: Vec<Vec<Signal>> = config
        .inputs
        .iter()
        .map(|n| {
            n.split('*')
                .map(|s| Signal::from_name(s).expect("known signal"))
                .collect()
        })
        .collect();
    let n = examples.len();
    let d = factors.len();
    let mut x = Array2::<f64>::zeros((n, d));
    for (i, e) in examples.iter().enumerate() {
        for (j, f) in factors.iter().enumerate() {
            x[[i, j]] = f.iter().map(|s| e.signals.get(*s) as f64).product();
        }
    }
    // A missing input (NaN) stands at the mean of those present: after
    // standardising, 0, as the library reads it.
    let mut mean = vec![0.0; d];
    let mut scale = vec![1.0; d];
    for j in 0..d {
        let present: Vec<f64> = x
            .column(j)
            .iter()
            .copied()
            .filter(|v| !v.is_nan())
            .collect();
        if !present.is_empty() {
            let m = present.iter().sum::<f64>() / present.len() as f64;
            let var = present.iter().map(|v| (v - m).powi(2)).sum::<f64>() / present.len() as f64;
            mean[j] = m;
            scale[j] = var.sqrt().max(1e-6);
        }
        for i in 0..n {
            let v = x[[i, j]];
            x[[i, j]] = if v.is_nan() {
                0.0
            } else {
                (v - mean[j]) / scale[j]
            };
        }
    }
    let y: Array1<&'static str> = examples
        .iter()
        .map(|e| if e.joins { "join" } else { "apart" })
        .collect();
    let dataset = Dataset::new(x, y);
    let fitted = LogisticRegression::default()
        .alpha(config.alpha)
        .max_iterations(500)
        .fit(&dataset)
        .context("logistic regression")?;
    // linfa's positive class is the second label in sorted order: "join".
    let sign = if fitted.labels().pos.class == "join" {
        1.0
    } else {
        -1.0
    };
    let weights: Vec<f32> = fitted.params().iter().map(|w| (sign * w) as f32).collect();
    let file = ModelFile {
        trained_on: TRAINED_ON.to_string(),
        chosen_by: String::new(),
        inputs: config.inputs.clone(),
        mean: mean.iter().map(|&m| m as f32).collect(),
        scale: scale.iter().map(|&s| s as f32).collect(),
        weights,
        bias: (sign * fitted.intercept()) as f32,
        join_probability: 0.5,
        merge_similarity: 0.5,
    };
    Ok(Arc::new(JoinModel::new(file)?))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// Every article joins its gold event's story.
    Gold,
    /// The clusterer decides.
    Model,
}

/// Replays the online clustering over the stream in memory, with the
/// document frequencies counted as the articles arrive. Returns each
/// item's final story (after merges) and, when `collect`, the examples.
fn replay(
    stream: &Stream,
    clusterer: &Clusterer,
    mode: Mode,
    collect: bool,
) -> Result<(HashMap<i64, i64>, Vec<Example>)> {
    let mut index = MemoryIndex::new();
    let mut story_of: HashMap<i64, i64> = HashMap::new();
    let mut gold_of: HashMap<i64, u32> = HashMap::new();
    let mut story_of_gold: HashMap<u32, i64> = HashMap::new();
    let mut examples = Vec::new();
    for item in &stream.items {
        gold_of.insert(item.article, item.gold);
        let resolve = |index: &MemoryIndex, mut s: i64| {
            while let Some(&t) = index.aliases.get(&s) {
                s = t;
            }
            s
        };
        let evidence = copy_evidence(item.links.clone(), |a| {
            Ok(story_of.get(&a).map(|s| resolve(&index, *s)))
        })?;
        let mut arrival = clusterer.arrive(&mut index, item.article, &item.features)?;
        let near = evidence
            .near_duplicate_of
            .filter(|s| index.stories.contains_key(s));
        let candidates = clusterer.candidates(&mut index, &arrival, &evidence)?;
        if collect && near.is_none() {
            for c in &candidates {
                let members = &index.stories[&c.story].members;
                let mut count: BTreeMap<u32, usize> = BTreeMap::new();
                for m in members {
                    *count.entry(gold_of[&m.article]).or_default() += 1;
                }
                let majority = count
                    .iter()
                    .max_by_key(|(g, n)| (**n, std::cmp::Reverse(**g)))
                    .map(|(g, _)| *g);
                examples.push(Example {
                    signals: c.signals,
                    joins: majority == Some(item.gold),
                });
            }
        }
        let choice = match mode {
            Mode::Gold => match story_of_gold.get(&item.gold) {
                Some(&s) => Choice::Join(resolve(&index, s)),
                None => Choice::New,
            },
            Mode::Model => match near {
                Some(s) => Choice::NearDuplicate(s),
                None => clusterer.decide(&candidates),
            },
        };
        let a = clusterer.place(&mut index, &mut arrival, candidates, choice)?;
        story_of.insert(item.article, a.story);
        story_of_gold.entry(item.gold).or_insert(a.story);
    }
    Ok((index.assignments(), examples))
}

/// Each row's predicted cluster (a row whose article is in no story is a
/// cluster of its own).
fn labels_for(stream: &Stream, pred: &HashMap<i64, i64>) -> Vec<u32> {
    stream
        .rows
        .iter()
        .enumerate()
        .map(
            |(r, &(item, _, _))| match pred.get(&stream.items[item].article) {
                Some(&s) => s as u32,
                None => (1 << 31) | r as u32,
            },
        )
        .collect()
}

fn score_rows(stream: &Stream, pred: &HashMap<i64, i64>, keep: impl Fn(u32) -> bool) -> Scores {
    let labels = labels_for(stream, pred);
    let (p, g): (Vec<u64>, Vec<u32>) = stream
        .rows
        .iter()
        .zip(&labels)
        .filter(|((_, _, t), _)| keep(*t))
        .map(|((_, gold, _), l)| (*l as u64, *gold))
        .unzip();
    Scores::of(&p, &g)
}

/// BCubed and pairwise precision, recall and F1, as `bench/stories/metrics.py`
/// computes them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Scores {
    bcubed_p: f64,
    bcubed_r: f64,
    bcubed_f1: f64,
    pair_p: f64,
    pair_r: f64,
    pair_f1: f64,
    clusters: usize,
}

impl Scores {
    fn of<P: Copy + Eq + std::hash::Hash, G: Copy + Eq + std::hash::Hash>(
        pred: &[P],
        gold: &[G],
    ) -> Scores {
        let f1 = |p: f64, r: f64| {
            if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            }
        };
        let c2 = |n: usize| (n * n.saturating_sub(1) / 2) as f64;
        let mut cells: HashMap<(P, G), usize> = HashMap::new();
        let mut csize: HashMap<P, usize> = HashMap::new();
        let mut gsize: HashMap<G, usize> = HashMap::new();
        for (&p, &g) in pred.iter().zip(gold) {
            *cells.entry((p, g)).or_default() += 1;
            *csize.entry(p).or_default() += 1;
            *gsize.entry(g).or_default() += 1;
        }
        let n = gold.len().max(1) as f64;
        let bp = cells
            .iter()
            .map(|((c, _), &k)| (k * k) as f64 / csize[c] as f64)
            .sum::<f64>()
            / n;
        let br = cells
            .iter()
            .map(|((_, g), &k)| (k * k) as f64 / gsize[g] as f64)
            .sum::<f64>()
            / n;
        let tp: f64 = cells.values().map(|&k| c2(k)).sum();
        let pp: f64 = csize.values().map(|&k| c2(k)).sum();
        let gp: f64 = gsize.values().map(|&k| c2(k)).sum();
        let wp = if pp > 0.0 { tp / pp } else { 0.0 };
        let wr = if gp > 0.0 { tp / gp } else { 0.0 };
        Scores {
            bcubed_p: bp,
            bcubed_r: br,
            bcubed_f1: f1(bp, br),
            pair_p: wp,
            pair_r: wr,
            pair_f1: f1(wp, wr),
            clusters: csize.len(),
        }
    }

    /// What the choice maximises: the mean of the two F1s.
    fn key(&self) -> f64 {
        (self.bcubed_f1 + self.pair_f1) / 2.0
    }

    fn line(&self) -> String {
        format!(
            "B3 P/R/F1 {:.3}/{:.3}/{:.3}  pair P/R/F1 {:.3}/{:.3}/{:.3}  {} clusters",
            self.bcubed_p,
            self.bcubed_r,
            self.bcubed_f1,
            self.pair_p,
            self.pair_r,
            self.pair_f1,
            self.clusters
        )
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "bcubed_p": self.bcubed_p, "bcubed_r": self.bcubed_r, "bcubed_f1": self.bcubed_f1,
            "pair_p": self.pair_p, "pair_r": self.pair_r, "pair_f1": self.pair_f1,
            "clusters": self.clusters,
        })
    }
}

/// ECB+ rows in stream order: sorted stably by date, an undated row taking
/// the date of the nearest dated row before it in file order (or after it,
/// for leading rows), as `bench/stories/common.py` does.
fn load(path: &Path, strip_dates: bool) -> Result<Vec<Row>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let v: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("{}:{}", path.display(), i + 1))?;
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        rows.push(Row {
            id: s("id").with_context(|| format!("{}:{}: no id", path.display(), i + 1))?,
            story: s("story").with_context(|| format!("{}:{}: no story", path.display(), i + 1))?,
            title: s("title"),
            text: s("text").unwrap_or_default(),
            source: s("source"),
            date: if strip_dates { None } else { s("date") },
        });
    }
    let mut filled: Vec<Option<String>> = Vec::with_capacity(rows.len());
    let mut last = None;
    for r in &rows {
        last = r.date.clone().or(last);
        filled.push(last.clone());
    }
    let mut next = None;
    for i in (0..rows.len()).rev() {
        if rows[i].date.is_some() {
            next = rows[i].date.clone();
        }
        if filled[i].is_none() {
            filled[i] = next.clone();
        }
    }
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| filled[a].cmp(&filled[b]).then(a.cmp(&b)));
    Ok(order.into_iter().map(|i| rows[i].clone()).collect())
}

/// Ingests the rows into a temporary store through the real pipeline and
/// reads back what the stories stage sees of each article.
fn ingest(rows: &[Row]) -> Result<Stream> {
    let dir = tempfile::tempdir()?;
    let jsonl = dir.path().join("ecbplus.jsonl");
    let mut out = String::new();
    for r in rows {
        out.push_str(&serde_json::to_string(&json!({
            "id": r.id, "title": r.title, "text": r.text, "source": r.source, "date": r.date,
        }))?);
        out.push('\n');
    }
    std::fs::write(&jsonl, out)?;
    let mut store = Store::open(dir.path().join("ecbplus.db"))?;
    let report =
        storyline::pipeline::ingest(&mut store, &[jsonl], &IngestOptions::default(), &|_| {})?;
    if !report.errors.is_empty() {
        bail!(
            "ingest reported {} errors: {:?}",
            report.errors.len(),
            report.errors.first()
        );
    }
    let topic_of = |story: &str| -> u32 {
        story
            .trim_end_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .unwrap_or(0)
    };
    let mut golds: HashMap<String, u32> = HashMap::new();
    let mut item_of: HashMap<i64, usize> = HashMap::new();
    let mut items: Vec<Item> = Vec::new();
    let mut row_items = Vec::with_capacity(rows.len());
    let mut ids: Vec<(i64, &Row)> = Vec::new();
    for r in rows {
        let id = store
            .resolve(&format!("ref:{}", r.id))?
            .with_context(|| format!("{} was not stored", r.id))?;
        ids.push((id, r));
    }
    // Articles in the order they were stored: the order they arrived in.
    let mut by_article: Vec<(i64, &Row)> = ids.clone();
    by_article.sort_by_key(|(id, _)| *id);
    by_article.dedup_by_key(|(id, _)| *id);
    let batch = store.begin()?;
    for (id, r) in &by_article {
        let n = golds.len() as u32;
        let gold = *golds.entry(r.story.clone()).or_insert(n);
        let features = batch
            .current_story_features(*id)?
            .with_context(|| format!("article {id} has no story features"))?;
        let links = batch.copy_links(*id, NEAR_DUPLICATE)?;
        item_of.insert(*id, items.len());
        items.push(Item {
            article: *id,
            features,
            links,
            gold,
            topic: topic_of(&r.story),
        });
    }
    drop(batch);
    for (id, r) in &ids {
        let n = golds.len() as u32;
        let gold = *golds.entry(r.story.clone()).or_insert(n);
        row_items.push((item_of[id], gold, topic_of(&r.story)));
    }
    Ok(Stream {
        items,
        rows: row_items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crowding_moves_every_topic_to_the_same_days_and_keeps_its_spacing() {
        // Two topics years apart, one undated article in the first.
        let item = |article: i64, topic: u32, day: Option<i32>| Item {
            article,
            features: StoryFeatures {
                day,
                ..StoryFeatures::default()
            },
            links: CopyLinks::default(),
            gold: topic,
            topic,
        };
        let stream = Stream {
            items: vec![
                item(1, 1, Some(1000)),
                item(2, 1, None),
                item(3, 1, Some(1004)),
                item(4, 2, Some(5000)),
                item(5, 2, Some(5002)),
            ],
            rows: vec![(0, 1, 1), (1, 1, 1), (2, 1, 1), (3, 2, 2), (4, 2, 2)],
        };
        let c = crowd(&stream, 1);
        let order: Vec<i64> = c.items.iter().map(|i| i.article).collect();
        // Both topics start on day 1000 now, so they interleave by date;
        // the undated article is filed under the day of the one before it.
        assert_eq!(order, vec![1, 2, 4, 5, 3]);
        let day = |a: i64| {
            c.items
                .iter()
                .find(|i| i.article == a)
                .unwrap()
                .features
                .day
        };
        assert_eq!(
            [day(1), day(3), day(4), day(5)],
            [Some(1000), Some(1004), Some(1000), Some(1002)]
        );
        assert_eq!(day(2), None, "an undated article stays undated");
        // Each row still points at its own article.
        for (r, &(i, g, t)) in c.rows.iter().enumerate() {
            assert_eq!(c.items[i].article, stream.items[stream.rows[r].0].article);
            assert_eq!((g, t), (stream.rows[r].1, stream.rows[r].2));
        }
        // Spread over 10 days, the second topic starts 5 days after the first.
        let spread = crowd(&stream, 10);
        let d4 = spread.items.iter().find(|i| i.article == 4).unwrap();
        assert_eq!(d4.features.day, Some(1005));
    }

    #[test]
    fn scores_match_the_python_scorer_on_a_hand_example() {
        // pred {a,b,c} {d,e}; gold {a,b} {c,d,e}
        let pred = [1, 1, 1, 2, 2];
        let gold = [7, 7, 8, 8, 8];
        let s = Scores::of(&pred, &gold);
        // BCubed P: a,b: 2/3; c: 1/3; d,e: 1 -> (2/3+2/3+1/3+1+1)/5 = 11/15
        assert!((s.bcubed_p - 11.0 / 15.0).abs() < 1e-12);
        // BCubed R: a,b: 1; c: 1/3; d,e: 2/3 -> (1+1+1/3+2/3+2/3)/5 = 11/15
        assert!((s.bcubed_r - 11.0 / 15.0).abs() < 1e-12);
        // pairs: pred 3+1 = 4, gold 1+3 = 4, tp = ab + de = 2
        assert!((s.pair_p - 0.5).abs() < 1e-12 && (s.pair_r - 0.5).abs() < 1e-12);
    }
}
