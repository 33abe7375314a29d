//! Judges each article of JSON Lines files alone, as in a fresh store with
//! nothing else in it (no sources, the shipped usage counts only), and
//! prints per file how many are flagged spun and stitched:
//! `cargo run --release --example spin_alone -- [--show] A.jsonl ...`.
//! With `--show`, the flagged articles' signals go to standard error.
//! Used by `bench/spin/false_positives.sh`.
use storyline::copies::{Usage, assess_spin, assess_stitch};
use storyline::text::analyze;

fn main() {
    let mut show = false;
    let mut report = serde_json::Map::new();
    for arg in std::env::args().skip(1) {
        if arg == "--show" {
            show = true;
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
    println!("{}", serde_json::Value::Object(report));
}
