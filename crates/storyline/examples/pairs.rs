//! Prints the most similar sentence pairs of two text files, for looking at
//! what the copies stage sees: `cargo run --example pairs A.txt B.txt`.
use storyline::copies::{paraphrase::paraphrase_score, sentence_bands};
use storyline::text::analyze;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let read = |p: &str| analyze(&std::fs::read_to_string(p).expect("readable file"));
    let (a, b) = (read(&args[0]), read(&args[1]));
    let mut pairs = Vec::new();
    for sa in &a.sentences {
        for sb in &b.sentences {
            let (x, y) = (&a.text[sa.start..sa.end], &b.text[sb.start..sb.end]);
            let (ba, bb) = (sentence_bands(x), sentence_bands(y));
            let shared = ba.iter().any(|k| bb.contains(k));
            pairs.push((paraphrase_score(x, y), shared, x, y));
        }
    }
    pairs.sort_by(|p, q| q.0.total_cmp(&p.0));
    for (score, shared, x, y) in pairs.iter().take(12) {
        println!("{score:.3} bands={shared}\n  A: {x}\n  B: {y}");
    }
}
