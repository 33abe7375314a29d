//! Hostile input through the library (issue 13): every case is bounded,
//! and costs only its own record. The server's and the command line's
//! cases are in their crates' tests.

use std::io::Write;
use std::path::Path;

use storyline::ingest::{self, HtmlLimits, IngestOptions, Input};
use storyline::pipeline::{self, IngestReport};
use storyline::store::Store;
use storyline::{Cancel, Error};

const BODY: &str = "The city council voted on Tuesday to approve a new budget for the coming fiscal year, \
    ending months of debate over how to pay for road repairs, school upgrades and a larger police force. \
    Council members said the plan raises property taxes by two percent, the first increase in six years.";

fn nested(n: usize, inner: &str) -> String {
    format!(
        "<!doctype html><html><head><title>Nested</title></head><body>{}{inner}{}</body></html>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    )
}

/// Runs `f` on a thread with a small stack, as a request handler or a
/// worker might have: deep recursion over the input shows as an abort.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

fn ingest_files(paths: &[&Path], opts: &IngestOptions) -> (Store, IngestReport) {
    let mut store = Store::open_in_memory().unwrap();
    let paths: Vec<_> = paths.iter().map(|p| p.to_path_buf()).collect();
    let report = pipeline::ingest(&mut store, &paths, opts, &|_| {}).unwrap();
    (store, report)
}

fn ingest_memory(bytes: &[u8], opts: &IngestOptions) -> IngestReport {
    let mut store = Store::open_in_memory().unwrap();
    let input = Input::Memory {
        name: "body".into(),
        bytes: bytes.into(),
    };
    pipeline::ingest_inputs(&mut store, &[input], Vec::new(), opts, &|_| {}).unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A JSON line; the id ends the text, so no two records are one article.
fn record(id: &str, text: &str) -> String {
    serde_json::json!({"id": id, "title": format!("Record {id}"), "text": format!("{text} Record {id}.")})
        .to_string()
        + "\n"
}

/// Case 1: 30,000 and 80,000 nested divs in a JSON record's `html` (the
/// POST that killed the server) parse on a 256 KiB stack.
#[test]
fn deeply_nested_html_in_a_record_does_not_overflow_the_stack() {
    for n in [30_000, 80_000] {
        let body = serde_json::json!({"id": "n", "url": "https://nest.example/1",
            "html": nested(n, &format!("<p>{BODY}</p>"))})
        .to_string();
        let report =
            on_small_stack(move || ingest_memory(body.as_bytes(), &IngestOptions::default()));
        assert_eq!(report.added, 1, "{n}: {:?}", report.errors);
    }
}

/// Case 2: a page nested past the depth limit is flattened, not refused:
/// its text is still found.
#[test]
fn pages_past_the_depth_limit_are_flattened_and_keep_their_text() {
    let page = nested(
        20_000,
        &format!("<article><p>{BODY}</p><p>{BODY}</p></article>"),
    );
    let doc = on_small_stack(move || {
        ingest::html::extract_within(&page, None, &HtmlLimits::default(), &Cancel::new())
    })
    .unwrap();
    assert!(doc.text.contains("approve a new budget"), "{}", doc.text);
}

/// A page with more elements than the limit is refused as that record's
/// error.
#[test]
fn pages_with_too_many_elements_are_refused() {
    let page = format!(
        "<html><body>{}</body></html>",
        "<span>x</span>".repeat(5_000)
    );
    let limits = HtmlLimits {
        max_nodes: 1_000,
        ..HtmlLimits::default()
    };
    let err = ingest::html::extract_within(&page, None, &limits, &Cancel::new()).unwrap_err();
    assert!(err.to_string().contains("more than 1000 elements"), "{err}");
}

/// Case 3: a .jsonl.gz whose line inflates past the record limit: that
/// line is reported (with its size), the lines around it go in.
#[test]
fn a_gzipped_line_that_inflates_past_the_limit_costs_only_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let big = record("big", &"All work and no play. ".repeat(200_000));
    let text = record("a", BODY) + &big + &record("b", BODY);
    let path = dir.path().join("bomb.jsonl.gz");
    std::fs::write(&path, gzip(text.as_bytes())).unwrap();
    let opts = IngestOptions {
        max_record_size: 1 << 20,
        ..IngestOptions::default()
    };
    let (_, report) = ingest_files(&[&path], &opts);
    assert_eq!(report.added, 2, "{:?}", report.errors);
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].line, Some(2));
    assert!(
        report.errors[0]
            .message
            .contains(&format!("is {} bytes", big.len()))
            && report.errors[0].message.contains("--max-record-size"),
        "{}",
        report.errors[0].message
    );
}

/// The file limit counts decompressed bytes: the records before the limit
/// go in, and the report says where reading stopped and why.
#[test]
fn the_file_limit_counts_decompressed_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let text: String = (0..200).map(|i| record(&i.to_string(), BODY)).collect();
    let path = dir.path().join("many.jsonl.gz");
    std::fs::write(&path, gzip(text.as_bytes())).unwrap();
    let limit = text.len() as u64 / 2;
    let opts = IngestOptions {
        max_file_size: limit,
        ..IngestOptions::default()
    };
    let (_, report) = ingest_files(&[&path], &opts);
    assert!(report.added > 50 && report.added < 200, "{}", report.added);
    let last = report.errors.last().unwrap();
    assert!(
        last.message
            .contains(&format!("more than {limit} bytes once decompressed")),
        "{}",
        last.message
    );
}

fn warc_record(uri: &str, block: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2017-04-12T10:00:00Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn http(body: &[u8], gzipped: bool) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n{}\r\n",
        if gzipped {
            "Content-Encoding: gzip\r\n"
        } else {
            ""
        }
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn page(title: &str) -> Vec<u8> {
    format!("<html><head><title>{title}</title></head><body><article><p>{BODY}</p><p>{BODY}</p></article></body></html>")
        .into_bytes()
}

/// Case 4: a WARC response whose gzip body inflates past the record limit
/// is refused as it inflates; the next record goes in.
#[test]
fn a_warc_body_that_inflates_past_the_limit_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = gzip(&b"<p>All work and no play.</p>".repeat(200_000));
    let mut warc = warc_record("http://bomb.example/", &http(&bomb, true));
    warc.extend(warc_record(
        "http://after.example/",
        &http(&page("After"), false),
    ));
    let path = dir.path().join("bomb.warc");
    std::fs::write(&path, warc).unwrap();
    let opts = IngestOptions {
        max_record_size: 1 << 20,
        ..IngestOptions::default()
    };
    let (_, report) = ingest_files(&[&path], &opts);
    assert_eq!(report.added, 1, "{:?}", report.errors);
    assert_eq!(report.errors[0].record, Some(1));
    assert!(report.errors[0].message.contains("--max-record-size"));
}

/// Case 5: in memory (a request body, or standard input, which shares the
/// reader), a line over the record limit streams by without being kept.
#[test]
fn a_line_over_the_limit_in_a_stream_is_skipped() {
    let text = record("a", BODY) + &record("huge", &"word ".repeat(400_000)) + &record("b", BODY);
    let opts = IngestOptions {
        max_record_size: 1 << 20,
        ..IngestOptions::default()
    };
    let report = ingest_memory(text.as_bytes(), &opts);
    assert_eq!(report.added, 2);
    assert_eq!(report.errors[0].line, Some(2));
}

/// A JSON array is read element by element: one element over the limit, or
/// broken, costs only itself.
#[test]
fn a_json_array_is_streamed_element_by_element() {
    let good = |id: &str| serde_json::json!({"id": id, "text": format!("{BODY} {id}")}).to_string();
    let huge = serde_json::json!({"id": "huge", "text": "word ".repeat(400_000)}).to_string();
    let text = format!("[{}, {huge}, {{\"id\": broken}}, {}]", good("a"), good("b"));
    let opts = IngestOptions {
        max_record_size: 1 << 20,
        ..IngestOptions::default()
    };
    let report = ingest_memory(text.as_bytes(), &opts);
    assert_eq!(report.added, 2, "{:?}", report.errors);
    let records: Vec<_> = report.errors.iter().map(|e| e.record).collect();
    assert_eq!(records, [Some(2), Some(3)]);
}

/// Case 7: a record whose Content-Length runs past the end of the file:
/// that record is reported, and the records inside what it claimed are
/// read again.
#[test]
fn a_content_length_past_the_end_keeps_the_records_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut warc = warc_record("http://one.example/", &http(&page("One"), false));
    let rest: Vec<u8> = ["three", "four", "five"]
        .iter()
        .flat_map(|n| warc_record(&format!("http://{n}.example/"), &http(&page(n), false)))
        .collect();
    let block = http(&page("Two"), false);
    warc.extend(
        format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://two.example/\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
            block.len() + rest.len() + 5_000
        )
        .into_bytes(),
    );
    warc.extend(&block);
    warc.extend(b"\r\n\r\n");
    warc.extend(&rest);
    let path = dir.path().join("overlong.warc");
    std::fs::write(&path, &warc).unwrap();
    let (store, report) = ingest_files(&[&path], &IngestOptions::default());
    assert_eq!(report.added, 4, "{:?}", report.errors);
    assert_eq!(report.errors.len(), 1);
    assert!(report.errors[0].message.contains("Content-Length"));
    let urls: Vec<String> = store
        .articles(10, 0)
        .unwrap()
        .into_iter()
        .filter_map(|a| a.url)
        .collect();
    assert!(urls.iter().any(|u| u.contains("five")), "{urls:?}");
}

/// Case 10: one raw NUL byte in a JSONL file's first 8 KB costs its line,
/// not the file.
#[test]
fn a_stray_nul_byte_costs_only_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = (record("a", BODY) + &record("b", BODY) + &record("c", BODY)).into_bytes();
    let at = text.iter().rposition(|&b| b == b'T').unwrap();
    text.insert(at, 0);
    let path = dir.path().join("nul.jsonl");
    std::fs::write(&path, text).unwrap();
    let (_, report) = ingest_files(&[&path], &IngestOptions::default());
    assert_eq!(report.added, 2);
    assert_eq!(report.errors[0].line, Some(3));
}

/// Case 10: a named pipe (what `<(cmd)` is) is read, not "empty input".
#[cfg(unix)]
#[test]
fn named_pipes_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.jsonl");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: no mkfifo");
        return;
    }
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(writer_path)
            .unwrap();
        f.write_all((record("p1", BODY) + &record("p2", BODY)).as_bytes())
            .unwrap();
    });
    let (_, report) = ingest_files(&[&fifo], &IngestOptions::default());
    writer.join().unwrap();
    assert_eq!(report.added, 2, "{:?}", report.errors);
}

/// Case 10: a symlinked folder inside a walked folder is walked.
#[cfg(unix)]
#[test]
fn symlinked_folders_are_walked() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("elsewhere");
    std::fs::create_dir(&real).unwrap();
    std::fs::write(real.join("a.jsonl"), record("linked", BODY)).unwrap();
    let walked = dir.path().join("walked");
    std::fs::create_dir(&walked).unwrap();
    std::os::unix::fs::symlink(&real, walked.join("link")).unwrap();
    let (_, report) = ingest_files(&[&walked], &IngestOptions::default());
    assert_eq!(report.added, 1, "{:?}", report.errors);
}

/// Case 10: over the file limit, the message gives the file's real size.
#[test]
fn the_over_limit_message_gives_the_real_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.jsonl");
    let text = record("a", BODY).repeat(10);
    std::fs::write(&path, &text).unwrap();
    let opts = IngestOptions {
        max_file_size: 1000,
        ..IngestOptions::default()
    };
    let (_, report) = ingest_files(&[&path], &opts);
    assert_eq!(
        report.errors[0].message,
        format!(
            "{} bytes is over the size limit of 1000 bytes (see --max-file-size)",
            text.len()
        )
    );
}

/// A raised cancel stops an ingest between batches: what was committed
/// stays, the rest is not stored, and the caller hears `Cancelled`.
#[test]
fn a_cancelled_ingest_stops_and_keeps_what_it_committed() {
    let text: String = (0..700)
        .map(|i| record(&i.to_string(), &format!("{BODY} Item {i}.")))
        .collect();
    let cancel = Cancel::new();
    let opts = IngestOptions {
        cancel: cancel.clone(),
        ..IngestOptions::default()
    };
    let mut store = Store::open_in_memory().unwrap();
    let input = Input::Memory {
        name: "body".into(),
        bytes: text.as_bytes().into(),
    };
    let result = pipeline::ingest_inputs(&mut store, &[input], Vec::new(), &opts, &|p| {
        // The second batch is prepared: stop before it is written.
        if p.records_done > 512 {
            cancel.cancel();
        }
    });
    assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
    // Whole batches only: the first, if its commit came before the flag.
    let stored = store.stats().unwrap().articles;
    assert!(stored == 0 || stored == 512, "{stored}");
}

/// Case 9: a store opened read-only reads and never writes.
#[test]
fn a_read_only_store_reads_and_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    {
        let mut store = Store::open(&db).unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, record("a", BODY)).unwrap();
        pipeline::ingest(&mut store, &[path], &IngestOptions::default(), &|_| {}).unwrap();
    }
    let mut store = Store::open_read_only(&db).unwrap();
    assert!(store.is_read_only());
    assert_eq!(store.stats().unwrap().articles, 1);
    assert!(store.check().unwrap().ok);
    // Upkeep is skipped, and a write fails.
    assert_eq!(pipeline::stories::backfill(&mut store).unwrap(), 0);
    let path = dir.path().join("b.jsonl");
    std::fs::write(&path, record("b", BODY)).unwrap();
    assert!(pipeline::ingest(&mut store, &[path], &IngestOptions::default(), &|_| {}).is_err());
    assert!(Store::open_read_only(dir.path().join("missing.db")).is_err());
}

/// Case 10: garbage written into the middle of the database is found by
/// the checks, with one clear message.
#[test]
fn damage_is_found_and_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    {
        let mut store = Store::open(&db).unwrap();
        let text: String = (0..200)
            .map(|i| record(&i.to_string(), &format!("{BODY} Item {i}.")))
            .collect();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, text).unwrap();
        pipeline::ingest(&mut store, &[path], &IngestOptions::default(), &|_| {}).unwrap();
        store.check_integrity().unwrap();
    }
    let len = std::fs::metadata(&db).unwrap().len();
    let mut f = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
    use std::io::{Seek, SeekFrom};
    f.seek(SeekFrom::Start(len / 2)).unwrap();
    f.write_all(&b"garbage!".repeat(2048)).unwrap();
    drop(f);
    let found = match Store::open(&db) {
        Ok(store) => {
            let report = store.check().unwrap();
            assert!(!report.ok, "{report:?}");
            store.quick_check().unwrap_err()
        }
        Err(e) => e,
    };
    let message = found.to_string();
    assert!(matches!(found.root(), Error::Corrupt(_)), "{message}");
    // Where the garbage lands decides what SQLite reports (a page it cannot
    // read, "malformed"); either way the damage is said once.
    assert_eq!(
        message.matches("the database is damaged").count(),
        1,
        "{message}"
    );
    assert!(message.matches("malformed").count() <= 1, "{message}");
}
