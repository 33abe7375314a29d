//! Quote extraction on PolNeAR, in the format `score_quotes.py` reads, and
//! extraction throughput.
//!
//!   cargo run --release -p storyline-bench --bin quotes -- predict GOLD.jsonl PRED.jsonl [--phrase]
//!   cargo run --release -p storyline-bench --bin quotes -- speed GOLD.jsonl
//!   cargo run --release -p storyline-bench --bin quotes -- show FILE.txt
//!   cargo run --release -p storyline-bench --bin quotes -- entities GOLD.jsonl ARTICLES.jsonl OUT.jsonl
//!
//! `predict` writes one line per article: `{"id", "attributions": [{"source",
//! "cue", "content", "quote_type"}]}` with code-point offsets into the
//! article's text. Attributions without a cue are left out: the scorer
//! matches every role through an overlapping cue, so they could only count
//! as misses. `--phrase` scores the whole speaker phrase (appositives
//! included) instead of its head. A cue followed by a colon takes it, as
//! PolNeAR's cues do ("said:").
//! `speed` prints articles per second on one thread and on all cores.
//! `entities` joins the entities of each story of an alias gold file
//! (`bench/entities/gold.jsonl`) from its articles (headline + text, as the
//! annotator read them) and writes `{"story", "entities": [{"name", "kind",
//! "forms"}]}` per story for `bench/entities/score.py`.

use std::time::Instant;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use serde_json::{Value, json};
use storyline::quotes::{Quote, QuoteKind, Span, StoryInput, extract, join_story};

fn load(path: &str) -> Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path).with_context(|| path.to_string())?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l)?;
            Ok((
                v["id"].as_str().unwrap_or_default().to_string(),
                v["text"].as_str().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

fn role(span: Option<Span>, pieces: &[Span]) -> Value {
    match span {
        None => Value::Null,
        Some(s) if pieces.len() > 1 => json!({"start": s.start, "end": s.end,
            "spans": pieces.iter().map(|p| [p.start, p.end]).collect::<Vec<_>>()}),
        Some(s) => json!({"start": s.start, "end": s.end}),
    }
}

/// PolNeAR's cues take the colon that introduces a quotation ("said:");
/// Storyline's stop at the verb.
fn polnear_cue(q: &Quote, chars: &[char]) -> Option<Span> {
    q.cue_span.map(|c| match chars.get(c.end) {
        Some(':') => Span {
            start: c.start,
            end: c.end + 1,
        },
        _ => c,
    })
}

fn attribution(q: &Quote, phrase: bool, chars: &[char]) -> Value {
    let source = if phrase {
        q.speaker_phrase_span.or(q.speaker_span)
    } else {
        q.speaker_span
    };
    json!({
        "source": role(source, &[]),
        "cue": role(polnear_cue(q, chars), &[]),
        "content": role(Some(q.span), &q.fragments),
        "quote_type": match q.kind {
            QuoteKind::Direct => "direct",
            QuoteKind::Mixed => "mixed",
            QuoteKind::Indirect => "indirect",
        },
    })
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("predict") if args.len() >= 3 => {
            let phrase = args.iter().any(|a| a == "--phrase");
            let articles = load(&args[1])?;
            let lines: Vec<String> = articles
                .par_iter()
                .map(|(id, text)| {
                    let found = extract(text);
                    let chars: Vec<char> = text.chars().collect();
                    let attrs: Vec<Value> = found
                        .quotes
                        .iter()
                        .filter(|q| q.cue_span.is_some())
                        .map(|q| attribution(q, phrase, &chars))
                        .collect();
                    json!({"id": id, "attributions": attrs}).to_string()
                })
                .collect();
            std::fs::write(&args[2], lines.join("\n") + "\n")?;
        }
        Some("speed") if args.len() >= 2 => {
            let articles = load(&args[1])?;
            let words: usize = articles
                .iter()
                .map(|(_, t)| t.split_whitespace().count())
                .sum();
            let one = |f: &dyn Fn() -> usize| {
                let t = Instant::now();
                let n = f();
                (n, t.elapsed().as_secs_f64())
            };
            let (n1, s1) = one(&|| articles.iter().map(|(_, t)| extract(t).quotes.len()).sum());
            let (n2, s2) = one(&|| {
                articles
                    .par_iter()
                    .map(|(_, t)| extract(t).quotes.len())
                    .sum()
            });
            println!(
                "{}",
                json!({
                    "articles": articles.len(), "words": words, "quotes": n1.max(n2),
                    "one_thread_articles_per_s": articles.len() as f64 / s1,
                    "all_cores_articles_per_s": articles.len() as f64 / s2,
                    "cores": rayon::current_num_threads(),
                })
            );
        }
        Some("show") if args.len() >= 2 => {
            let text = std::fs::read_to_string(&args[1]).with_context(|| args[1].clone())?;
            let found = extract(&text);
            println!("{}", serde_json::to_string_pretty(&found)?);
        }
        Some("entities") if args.len() >= 4 => {
            let gold: Vec<Value> = std::fs::read_to_string(&args[1])?
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(serde_json::from_str)
                .collect::<std::result::Result<_, _>>()?;
            let mut texts = std::collections::HashMap::new();
            for line in std::fs::read_to_string(&args[2])?.lines() {
                let v: Value = serde_json::from_str(line)?;
                let title = v["title"].as_str().unwrap_or("");
                let text = v["text"].as_str().unwrap_or("");
                let full = if title.is_empty() || text.starts_with(title) {
                    text.to_string()
                } else {
                    format!("{title}\n\n{text}")
                };
                texts.insert(v["id"].as_str().unwrap_or("").to_string(), full);
            }
            let mut out = Vec::new();
            for story in &gold {
                let ids: Vec<&str> = story["articles"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let found: Vec<_> = ids
                    .iter()
                    .filter_map(|id| texts.get(*id).map(|t| (id, extract(t))))
                    .collect();
                let inputs: Vec<StoryInput<'_>> = found
                    .iter()
                    .enumerate()
                    .map(|(i, (id, at))| StoryInput {
                        id: i as i64 + 1,
                        ref_id: Some(id),
                        source: None,
                        attributions: at,
                    })
                    .collect();
                let joined = join_story(&inputs);
                let entities: Vec<Value> = joined
                    .entities
                    .iter()
                    .map(|e| {
                        let mut forms = vec![e.name.clone()];
                        forms.extend(e.aliases.iter().cloned());
                        json!({"name": e.name, "kind": e.kind, "forms": forms})
                    })
                    .collect();
                out.push(json!({"story": story["story"], "entities": entities}).to_string());
            }
            std::fs::write(&args[3], out.join("\n") + "\n")?;
        }
        _ => bail!(
            "usage: quotes predict GOLD PRED [--phrase] | speed GOLD | show FILE | entities GOLD ARTICLES OUT"
        ),
    }
    Ok(())
}
