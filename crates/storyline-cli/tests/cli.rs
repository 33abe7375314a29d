//! End-to-end tests of the `storyline` command on the bundled corpus and on
//! bad input.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{ingest, json, repo, run_json, storyline};
use serde_json::Value;

fn manifest() -> Value {
    let text = std::fs::read_to_string(repo().join("corpus/manifest.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn corpus_ingests_completely_and_idempotently() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let m = manifest();
    let expected_records = m["ecbplus"].as_array().unwrap().len()
        + m["pages"].as_array().unwrap().len()
        + m["seeds"].as_array().unwrap().len();

    let out = storyline(&db)
        .args(["ingest", "--json"])
        .arg(repo().join("corpus"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json(&out);
    assert_eq!(r["errors"].as_array().unwrap().len(), 0, "{r}");
    assert_eq!(r["records"].as_u64().unwrap() as usize, expected_records);
    let added = r["added"].as_u64().unwrap();
    // The corpus holds a few syndicated copies with identical text and no
    // URL: they are one article under two refs.
    assert_eq!(
        added + r["unchanged"].as_u64().unwrap(),
        expected_records as u64
    );
    assert!(added as usize >= expected_records - 3);
    for format in ["text", "jsonl", "html", "warc", "feed"] {
        assert!(
            r["formats"][format].as_u64().unwrap() >= 30,
            "{format}: {r}"
        );
    }

    let again = json(
        &storyline(&db)
            .args(["ingest", "--json"])
            .arg(repo().join("corpus"))
            .output()
            .unwrap(),
    );
    assert_eq!(again["added"], 0);
    assert_eq!(again["updated"], 0);
    assert_eq!(
        again["unchanged"].as_u64().unwrap() as usize,
        expected_records
    );

    let stats = json(&storyline(&db).args(["stats", "--json"]).output().unwrap());
    assert_eq!(stats["articles"].as_u64().unwrap(), added);

    // Every JSONL record resolves by its own id and keeps its headline.
    let jsonl = std::fs::read_to_string(repo().join("corpus/jsonl/ecbplus.jsonl")).unwrap();
    for line in jsonl.lines().take(20) {
        let rec: Value = serde_json::from_str(line).unwrap();
        let id = rec["id"].as_str().unwrap();
        let a = json(
            &storyline(&db)
                .args(["article", "--json", id])
                .output()
                .unwrap(),
        );
        assert!(
            a["refs"].as_array().unwrap().iter().any(|r| r == id),
            "{id}: {}",
            a["refs"]
        );
        assert_eq!(a["metadata"]["story"], rec["story"]);
    }

    let list = json(
        &storyline(&db)
            .args(["articles", "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(list.as_array().unwrap().len() as u64, added);
    for key in ["id", "title", "source", "url", "date", "words", "ref"] {
        assert!(list[0].get(key).is_some(), "articles lack {key}");
    }
}

#[test]
fn seeds_are_read_with_headline_byline_and_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let out = storyline(&db)
        .args(["ingest", "--json"])
        .arg(repo().join("corpus/seeds"))
        .output()
        .unwrap();
    assert_eq!(json(&out)["added"], 2);
    let a = json(
        &storyline(&db)
            .args(["article", "--json", "1"])
            .output()
            .unwrap(),
    );
    assert_eq!(
        a["title"],
        "United States and Russian Federation struggle to overcome rifts in Moscow"
    );
    assert_eq!(a["author"], "Zachary Reyes");
    assert!(!a["text"].as_str().unwrap().contains("Zachary"));
    let sentences: Vec<&str> = a["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert!(
        sentences.contains(&"\"I think it's very bad for mankind\", Trump told Fox Business News.")
    );
    assert!(
        sentences
            .iter()
            .any(|s| s.contains("accord with the U.S.to avoid conflicts between their militaries"))
    );
    assert!(
        sentences
            .iter()
            .any(|s| s.starts_with("Britain's U.N. Ambassador Matthew Rycroft said"))
    );
    assert_eq!(
        *sentences.last().unwrap(),
        "-Russian relations to one of the lowest points since the Cold War."
    );
    // Sentence offsets are character offsets into the stored text.
    let text: Vec<char> = a["text"].as_str().unwrap().chars().collect();
    for s in a["sentences"].as_array().unwrap() {
        let (start, end) = (
            s["start"].as_u64().unwrap() as usize,
            s["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            text[start..end].iter().collect::<String>(),
            s["text"].as_str().unwrap()
        );
    }

    let hits = json(
        &storyline(&db)
            .args(["search", "--json", "chemical", "attack"])
            .output()
            .unwrap(),
    );
    assert_eq!(hits.as_array().unwrap().len(), 2);
    assert!(hits[0]["snippet"].as_str().unwrap().contains("<mark>"));
    let none = json(
        &storyline(&db)
            .args(["search", "--json", "\"Klitschko\" OR ("])
            .output()
            .unwrap(),
    );
    assert_eq!(none.as_array().unwrap().len(), 0);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn warc_record(uri: &str, html: &str) -> String {
    let block = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{html}");
    format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2017-04-12T10:00:00Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
        block.len()
    )
}

fn page(title: &str) -> String {
    let para = "Russian Foreign Minister Sergei Lavrov met Secretary of State Rex Tillerson in Moscow on Wednesday for talks that both sides described as frank, after a week of sharp words over the missile strike on a Syrian air base.";
    format!(
        "<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1><p>{para}</p><p>{para} They agreed to keep talking.</p><p>{para} Officials said more meetings would follow.</p></article></body></html>"
    )
}

#[test]
fn bad_input_is_reported_by_file_and_line_and_the_rest_goes_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.db");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let w = |name: &str, data: &[u8]| std::fs::write(input.join(name), data).unwrap();

    // Something already stored must survive the bad run.
    w(
        "a_good.txt",
        b"Talks in Moscow\n\nTillerson and Lavrov met for two hours in Moscow.\n",
    );
    assert_eq!(
        storyline(&db)
            .arg("ingest")
            .arg(&input)
            .status()
            .unwrap()
            .code(),
        Some(0)
    );

    w("b_empty.txt", b"");
    w("c_binary.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10");
    w(
        "d_latin1.txt",
        b"Caf\xe9 talks\n\nThe caf\xe9 was closed.\n",
    );
    let lines = (1..=200)
        .map(|i| format!("{{\"id\": \"g{i}\", \"text\": \"Gzipped article number {i} about the talks in Moscow.\"}}\n"))
        .collect::<String>();
    let gz = gzip(lines.as_bytes());
    w("e_truncated.jsonl.gz", &gz[..gz.len() / 2]);
    w(
        "f_broken.jsonl",
        b"{\"id\": \"j1\", \"text\": \"First good line about Moscow.\"}\n{not json\n{\"id\": \"j3\", \"title\": \"no text\"}\n{\"id\": \"j4\", \"text\": \"Fourth line, also good.\"}\n",
    );
    w("g_nomain.html", b"<html><head><title>Menu</title></head><body><nav><a href='/a'>A</a> <a href='/b'>B</a></nav></body></html>");
    let warc = warc_record("http://news.example/1", &page("First page"))
        + "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: oops\r\n\r\nbroken body\r\n\r\n"
        + &warc_record("http://news.example/3", &page("Third page"));
    w("h_crawl.warc.gz", &gzip(warc.as_bytes()));
    w(
        "i_feed.xml",
        b"<?xml version=\"1.0\"?><rss><channel><item><title>cut off",
    );
    w(
        "j_big.txt",
        format!("Big\n\n{}", "word ".repeat(8000)).as_bytes(),
    );

    // The limit counts decompressed bytes: the gzipped inputs are well
    // under it once inflated.
    let out = storyline(&db)
        .args(["ingest", "--json", "--max-file-size", "32K"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json(&out);
    let errors = r["errors"].as_array().unwrap();
    let find = |file: &str| {
        errors
            .iter()
            .filter(|e| e["source"].as_str().unwrap().ends_with(file))
            .cloned()
            .collect::<Vec<_>>()
    };
    let one = |file: &str| {
        let found = find(file);
        assert_eq!(found.len(), 1, "{file}: {errors:?}");
        found[0].clone()
    };
    assert!(
        one("b_empty.txt")["message"]
            .as_str()
            .unwrap()
            .contains("empty")
    );
    assert!(
        one("c_binary.txt")["message"]
            .as_str()
            .unwrap()
            .contains("binary")
    );
    assert!(
        one("d_latin1.txt")["message"]
            .as_str()
            .unwrap()
            .contains("UTF-8")
    );
    let trunc = one("e_truncated.jsonl.gz");
    assert!(
        trunc["message"].as_str().unwrap().contains("decompress"),
        "{trunc}"
    );
    assert!(trunc["line"].as_u64().unwrap() > 1);
    let broken = find("f_broken.jsonl");
    assert_eq!(broken.len(), 2);
    assert_eq!(broken[0]["line"], 2);
    assert!(broken[0]["message"].as_str().unwrap().contains("JSON"));
    assert_eq!(broken[1]["line"], 3);
    assert!(broken[1]["message"].as_str().unwrap().contains("\"text\""));
    assert!(
        one("g_nomain.html")["message"]
            .as_str()
            .unwrap()
            .contains("no main text")
    );
    let warc_err = one("h_crawl.warc.gz");
    assert_eq!(warc_err["record"], 2);
    assert!(
        one("i_feed.xml")["message"]
            .as_str()
            .unwrap()
            .contains("feed")
    );
    assert!(
        one("j_big.txt")["message"]
            .as_str()
            .unwrap()
            .contains("size limit")
    );
    assert_eq!(errors.len(), 10, "{errors:?}");

    // Everything good went in: the earlier article, the lines before the
    // gzip cut, two JSONL lines and two WARC pages.
    let stored = json(
        &storyline(&db)
            .args(["articles", "--json"])
            .output()
            .unwrap(),
    );
    let field = |key: &str| -> Vec<String> {
        stored
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a[key].as_str().map(str::to_string))
            .collect()
    };
    let refs = field("ref");
    assert!(refs.contains(&"j1".to_string()) && refs.contains(&"j4".to_string()));
    let gz_in = refs.iter().filter(|r| r.starts_with('g')).count();
    assert!(gz_in > 0 && gz_in < 200, "{gz_in} gzipped lines stored");
    let titles = field("title");
    assert!(titles.contains(&"Talks in Moscow".to_string()));
    assert!(
        titles.contains(&"First page".to_string()) && titles.contains(&"Third page".to_string())
    );
}

#[test]
fn stdin_jsonl_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("i.db");
    let mut child = storyline(&db)
        .args(["ingest", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            b"{\"id\": 1, \"url\": \"https://x.example/a\", \"text\": \"From standard input.\"}\n",
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["added"], 1);
    let a = json(
        &storyline(&db)
            .args(["article", "--json", "ref:1"])
            .output()
            .unwrap(),
    );
    assert_eq!(a["url"], "https://x.example/a");
    assert_eq!(a["ref"], "1");

    // A database that cannot be opened: nothing can be done.
    let out = storyline(dir.path())
        .args(["ingest", "--json"])
        .arg(repo().join("corpus/seeds"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open the database"));
    // Unknown article.
    assert_eq!(
        storyline(&db)
            .args(["article", "nope"])
            .status()
            .unwrap()
            .code(),
        Some(1)
    );
}

#[test]
fn every_command_has_help_with_an_example() {
    for cmd in [
        "ingest",
        "articles",
        "article",
        "search",
        "stats",
        "copies",
        "delete",
        "stories",
        "story",
        "recluster",
        "serve",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_storyline"))
            .args([cmd, "--help"])
            .output()
            .unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            help.contains("Example"),
            "{cmd} --help has no example:\n{help}"
        );
        assert!(help.contains("storyline "), "{cmd}");
    }
}

/// A SIGKILL in the middle of an ingest leaves a consistent database, and
/// running the same command again completes the job with no duplicates.
/// The ingest commits every 512 articles: the kill comes once the first
/// commit shows, with four more to go (seconds of a debug build's work;
/// with two, a quiet machine finished before the kill), so
/// it lands mid-ingest and most likely mid-transaction.
#[test]
fn kill_9_mid_ingest_then_rerun_completes_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let big = dir.path().join("big.jsonl");
    let base: Vec<Value> = std::fs::read_to_string(repo().join("corpus/jsonl/ecbplus.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let total = 2_400;
    let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
    for i in 0..total {
        let mut rec = base[i % base.len()].clone();
        rec["id"] = format!("k{i}").into();
        rec["url"] = format!("https://copies.example/{i}").into();
        serde_json::to_writer(&mut f, &rec).unwrap();
        f.write_all(b"\n").unwrap();
    }
    f.flush().unwrap();
    drop(f);

    let mut child = storyline(&db)
        .args(["ingest", "--json", "--max-file-size", "1G"])
        .arg(&big)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let count = |db: &Path| -> u64 {
        storyline::store::Store::open(db)
            .and_then(|s| s.stats())
            .map(|s| s.articles)
            .unwrap_or(0)
    };
    let started = std::time::Instant::now();
    while count(&db) == 0 && started.elapsed().as_secs() < 120 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let partial = count(&db);
    assert!(
        partial > 0 && partial < total as u64,
        "killed at {partial} of {total}"
    );
    let store = storyline::store::Store::open(&db).unwrap();
    store.check_integrity().unwrap();
    drop(store);

    let out = storyline(&db)
        .args(["ingest", "--json", "--max-file-size", "1G"])
        .arg(&big)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r = json(&out);
    assert_eq!(r["unchanged"].as_u64().unwrap(), partial);
    assert_eq!(r["added"].as_u64().unwrap() + partial, total as u64);
    let store = storyline::store::Store::open(&db).unwrap();
    store.check_integrity().unwrap();
    let stats = store.stats().unwrap();
    assert_eq!(stats.articles, total as u64);
    assert_eq!(stats.refs, total as u64);
}

/// One HTTP/1.1 exchange on a fresh connection: the status and the body.
fn http(addr: &str, request: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|b| b.1)
        .unwrap_or("")
        .to_string();
    (status, body)
}

/// `storyline serve` on a free port: it says where it listens, answers
/// from the database, takes writes only with the token from
/// $STORYLINE_TOKEN, and the CLI sees what was posted.
#[test]
fn serve_answers_over_http_with_the_token_from_the_environment() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("serve.db");
    ingest(&db, &[&repo().join("corpus/seeds")]);
    let mut child = storyline(&db)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("STORYLINE_TOKEN", "env-token")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let stderr = child.stderr.take().unwrap();
    let _child = Kill(child);
    let mut line = String::new();
    std::io::BufReader::new(stderr)
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    assert!(line.contains("writes need the token"), "{line}");

    let (status, body) = http(
        &addr,
        "GET /api/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 200, "{body}");
    let stats: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(stats["articles"], 2);

    let article = r#"{"id":"posted-1","title":"Posted","text":"A ferry ran aground near the harbour on Sunday. Nobody was hurt."}"#;
    let post = |token: &str| {
        format!(
            "POST /api/articles HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{article}",
            article.len()
        )
    };
    let (status, body) = http(&addr, &post("wrong"));
    assert_eq!(status, 401, "{body}");
    let (status, body) = http(&addr, &post("env-token"));
    assert_eq!(status, 201, "{body}");
    let story = run_json(&db, &["story", "article:posted-1"]);
    for key in ["summary", "quotes", "entities", "copies"] {
        assert!(story.get(key).is_some(), "story --json has {key}");
    }
    let article = run_json(&db, &["article", "posted-1"]);
    assert_eq!(article["story"], story["id"]);
}
