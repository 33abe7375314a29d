//! Entry points for fuzzing: each takes arbitrary bytes through one reader
//! (or extraction) the way an input file would go, with small limits so
//! that a fuzzer spends its time on structure rather than size. They must
//! never panic, overflow the stack or hang; anything else (an error for a
//! record) is fine.
//!
//! The same functions drive the `cargo fuzz` targets in `fuzz/` (coverage
//! guided, for a developer's machine) and the bounded mutation run in
//! `tests/fuzz.rs` (part of the test suite, so CI runs it).

use std::io::Write;

use crate::ingest::{self, HtmlLimits, IngestOptions, Input};

/// The limits the entry points read with.
pub fn options() -> IngestOptions {
    IngestOptions {
        max_file_size: 4 << 20,
        max_record_size: 1 << 20,
        max_text_size: 256 << 10,
        html: HtmlLimits {
            max_depth: 64,
            max_nodes: 20_000,
        },
        ..IngestOptions::default()
    }
}

/// Reads `bytes` as a file named `name` (the extension is a hint for
/// detection) and prepares every record, as `ingest` does. Returns the
/// number of records that became articles.
pub fn read_file(name: &str, bytes: &[u8]) -> usize {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("storyline-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{call}-{name}"));
    let written = std::fs::File::create(&path).and_then(|mut f| f.write_all(bytes));
    if written.is_err() {
        return 0;
    }
    let n = read(&Input::File(path.clone()));
    let _ = std::fs::remove_file(&path);
    n
}

/// Reads `bytes` as JSON Lines (or a JSON array) in memory, as a request
/// body is read.
pub fn read_jsonl(bytes: &[u8]) -> usize {
    read(&Input::Memory {
        name: "fuzz".into(),
        bytes: bytes.into(),
    })
}

fn read(input: &Input) -> usize {
    let opts = options();
    ingest::read_input(input, &opts)
        .filter_map(|r| r.ok())
        .filter_map(|record| crate::pipeline::prepare(record).ok())
        .count()
}

/// Main-text extraction of a page given as bytes (decoded as a page is).
pub fn extract(bytes: &[u8]) -> bool {
    let page = ingest::html::decode_html(bytes, None);
    let opts = options();
    ingest::html::extract_within(
        &page,
        Some("https://fuzz.example/a"),
        &opts.html,
        &opts.cancel,
    )
    .is_ok()
}

/// The WARC reader alone, over an uncompressed stream.
pub fn warc(bytes: &[u8]) -> usize {
    ingest::warc::WarcRecords::new(bytes, options().max_record_size)
        .filter(|(_, r)| r.is_ok())
        .count()
}

/// The feed reader alone.
pub fn feed(bytes: &[u8]) -> usize {
    let opts = options();
    ingest::feed::parse_feed_within(bytes, &opts.html, &opts.cancel)
        .map(|items| items.len())
        .unwrap_or(0)
}
