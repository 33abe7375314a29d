//! Judges each article of JSON Lines files alone, as in a fresh store with
//! nothing else in it (no sources, the shipped usage counts only), and
//! prints per file how many are flagged spun and stitched:
//! `cargo run --release --example spin_alone -- [--show] A.jsonl ...`.
//! With `--show`, the flagged articles' signals go to standard error.
//! With `--dump FILE`, every article's two verdicts go to FILE, one JSON
//! line each (`{"file", "id", "spin", "stitch"}`), for weighing the
//! signals again without a rebuild.
//! Used by `bench/spin/false_positives.sh`.
use std::io::Write;

use storyline::copies::{Usage, assess_spin, assess_stitch};
use storyline::text::analyze;

fn main() {
    let mut show = false;
    let mut dump: Option<std::io::BufWriter<std::fs::File>> = None;
    let mut report = serde_json::Map::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--show" {
            show = true;
            continue;
        }
        if arg == "--dump" {
            let path = args.next().expect("--dump FILE");
            let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            dump = Some(std::io::BufWriter::new(file));
            continue;
        }
        let text = std::fs::read_to_string(&arg).unwrap_or_else(|e| panic!("{arg}: {e}"));
        let (mut n, mut spun, mut stitched) = (0u64, 0u64, 0u64);
        for (line, record) in text.lines().enumerate() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(record) else {
                eprintln!("{arg}:{}: not JSON, skipped", line + 1);
                continue;
            };
            let Some(body) = v["text"].as_str() else {
                continue;
            };
            let a = analyze(body);
            let spin = assess_spin(&a, &[], &Usage::shipped());
            let stitch = assess_stitch(&a, &[], |x| x);
            if let Some(out) = dump.as_mut() {
                let line = serde_json::json!({
                    "file": arg, "id": v["id"], "spin": spin, "stitch": stitch,
                });
                writeln!(out, "{line}").expect("--dump: write");
            }
            n += 1;
            spun += u64::from(spin.spun);
            stitched += u64::from(stitch.stitched);
            if show && (spin.spun || stitch.stitched) {
                let id = v["id"].as_str().unwrap_or("?");
                for (flag, signals) in [
                    (spin.spun, &spin.signals),
                    (stitch.stitched, &stitch.signals),
                ] {
                    if flag {
                        for s in signals {
                            eprintln!("{id}\t{}\t{}\t{:?}", s.kind.name(), s.text, s.usual);
                        }
                    }
                }
            }
        }
        let rate = |k: u64| k as f64 / n.max(1) as f64;
        report.insert(
            arg,
            serde_json::json!({
                "articles": n, "spun": spun, "stitched": stitched,
                "spun_rate": rate(spun), "stitched_rate": rate(stitched),
            }),
        );
    }
    if let Some(mut out) = dump {
        out.flush().expect("--dump: write");
    }
    println!("{}", serde_json::Value::Object(report));
}
