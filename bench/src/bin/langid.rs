//! Language identification as Storyline does it (`Lang::identify`, whatlang
//! underneath), timed per text.
//!
//! Reads JSON Lines `{"id", "text", ...}` on standard input and writes
//! `{"id", "lang", "micros"}` per line: the language code Storyline gives
//! the text (`und` when it cannot tell) and the time it took. Used by
//! `bench/lang.sh`, which scores it next to lingua on the same texts.

use std::io::{BufRead, Write};
use std::time::Instant;

use anyhow::{Context, Result};
use serde_json::{Value, json};
use storyline::text::Lang;

fn main() -> Result<()> {
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line)?;
        let text = v["text"].as_str().context("a record without text")?;
        let started = Instant::now();
        let lang = Lang::identify(text);
        let micros = started.elapsed().as_secs_f64() * 1e6;
        // whatlang's own verdict on the whole text, for choosing thresholds.
        let raw = whatlang::detect(text);
        writeln!(
            out,
            "{}",
            json!({"id": v["id"], "lang": lang.code(), "micros": micros,
                   "whatlang": raw.as_ref().map(|i| i.lang().code()),
                   "confidence": raw.as_ref().map(|i| i.confidence()),
                   "reliable": raw.as_ref().map(|i| i.is_reliable())})
        )?;
    }
    Ok(())
}
