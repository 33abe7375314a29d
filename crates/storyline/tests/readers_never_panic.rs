//! Property test: no input makes a reader panic. Arbitrary bytes, and
//! mutations of real inputs of every format, go through detection, reading
//! and extraction; each either yields articles or reports an error.

use std::path::PathBuf;

use proptest::prelude::*;
use storyline::ingest::{self, IngestOptions, Input};

fn read_all(name: &str, bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    for record in ingest::read_input(&Input::File(path), &IngestOptions::default()).flatten() {
        if let Ok(raw) = record.into_article() {
            let _ = storyline::pipeline::new_article(raw, ingest::Format::Text, Default::default());
        }
    }
}

fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let read = |p: &str| std::fs::read(root.join(p)).unwrap();
    let jsonl = read("jsonl/ecbplus.jsonl");
    let first_lines: Vec<u8> = jsonl
        .split(|&b| b == b'\n')
        .take(3)
        .collect::<Vec<_>>()
        .join(&b'\n');
    vec![
        ("a.txt", read("seeds/000_4ca324f4dd3e4842.txt")),
        ("a.jsonl", first_lines),
        ("a.html", read("html/1_10ecb.html")),
        ("a.xml", read("feeds/ecbplus-rss.xml")[..6000].to_vec()),
        ("a.warc.gz", read("warc/ecbplus.warc.gz")[..8000].to_vec()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048), ext in 0usize..6) {
        let name = ["x.txt", "x.jsonl", "x.html", "x.warc", "x.xml", "x.gz"][ext];
        read_all(name, &bytes);
    }

    #[test]
    fn mutated_real_inputs(which in 0usize..5, cuts in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12), truncate in any::<prop::sample::Index>()) {
        let (name, mut bytes) = seeds().swap_remove(which);
        for (at, b) in cuts {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let keep = truncate.index(bytes.len() + 1);
        bytes.truncate(keep.max(1));
        read_all(name, &bytes);
    }

    #[test]
    fn text_stage_on_arbitrary_strings(s in "\\PC{0,400}") {
        let a = storyline::text::analyze(&s);
        for sentence in &a.sentences {
            prop_assert!(a.text.is_char_boundary(sentence.start) && a.text.is_char_boundary(sentence.end));
            prop_assert!(sentence.start < sentence.end && sentence.end <= a.text.len());
        }
    }
}
