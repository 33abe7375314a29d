//! Summaries per second: the library's summariser on DUC 2004 clusters
//! (10 articles each) and on stories of 100 articles (10 clusters pooled),
//! sentence splitting and the text stage included, on one thread.
//!
//!   cargo run --release -p storyline-bench --bin summary_speed -- [SHARED_DATA_DIR]
//!
//! Prints one JSON object. The data dir defaults to the shared data
//! (`$STORYLINE_SHARED/data`, else `../shared/data` beside the repository).

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::{Context, Result};
use storyline::summary::{DEFAULT_WORDS, SummaryInput, summarize};
use storyline::text::analyze;

struct Raw {
    story: String,
    text: String,
}

fn load(dir: &str) -> Result<Vec<Raw>> {
    let path = format!("{dir}/duc2004/articles.jsonl");
    let text = std::fs::read_to_string(&path).with_context(|| path.clone())?;
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l)?;
            Ok(Raw {
                story: v["story"].as_str().unwrap_or_default().to_string(),
                text: v["text"].as_str().unwrap_or_default().to_string(),
            })
        })
        .collect()
}

/// Summaries per second over `stories`, each summarised from raw text.
fn rate(stories: &[Vec<&str>], rounds: usize) -> f64 {
    let started = Instant::now();
    let mut sentences = 0;
    for _ in 0..rounds {
        for story in stories {
            let analyzed: Vec<_> = story.iter().map(|t| analyze(t)).collect();
            let inputs: Vec<SummaryInput<'_>> = analyzed
                .iter()
                .enumerate()
                .map(|(i, a)| SummaryInput {
                    id: i as i64,
                    ref_id: None,
                    source: None,
                    date: None,
                    text: a,
                })
                .collect();
            sentences += summarize(&inputs, DEFAULT_WORDS).len();
        }
    }
    assert!(sentences > 0);
    (rounds * stories.len()) as f64 / started.elapsed().as_secs_f64()
}

fn main() -> Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| storyline_bench::shared_data().display().to_string());
    let rows = load(&dir)?;
    let mut clusters: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in &rows {
        clusters.entry(&r.story).or_default().push(&r.text);
    }
    let tens: Vec<Vec<&str>> = clusters.values().cloned().collect();
    let hundreds: Vec<Vec<&str>> = tens.chunks(10).map(|c| c.concat()).collect();
    rate(&tens[..5], 1); // warm up
    let ten = rate(&tens, 3);
    let hundred = rate(&hundreds, 3);
    println!(
        "{}",
        serde_json::json!({
            "stories_10_articles": tens.len(),
            "summaries_per_s_10_articles": (ten * 10.0).round() / 10.0,
            "stories_100_articles": hundreds.len(),
            "summaries_per_s_100_articles": (hundred * 10.0).round() / 10.0,
            "threads": 1,
        })
    );
    Ok(())
}
