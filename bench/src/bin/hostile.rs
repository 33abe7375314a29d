//! Hostile inputs for `bench/hostile.sh`, and the two network clients it
//! needs (loopback only):
//!
//!   hostile gen DIR [--scale F]         write the inputs of the ten cases of
//!                                       issue 13 and the sized records
//!   hostile slow ADDR [--clients N]     hold N connections with unfinished
//!                                       headers, then time a new client
//!   hostile rate ADDR --token T         unauthenticated writes first, then
//!                                       the token holder's
//!
//! Every input is made here, from fixed seeds: nothing is downloaded and no
//! shared data set is read. Text comes from a fixed vocabulary, shuffled by
//! a fixed-seed generator, so every sentence of a large record is its own
//! (a record of one sentence repeated would measure the copies stage's
//! handling of repeats, not the cost of size).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use serde_json::json;

#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the inputs into DIR.
    Gen {
        dir: PathBuf,
        /// Sizes of the memory cases (3, 4, 5) relative to the issue's
        /// (1 GB inflated line, 1 GB inflated WARC body, 200 MB stdin line).
        /// The default, 0.1, keeps the old binary's runs within a few GB.
        #[arg(long, default_value_t = 0.1)]
        scale: f64,
    },
    /// Hold connections that never finish their headers, then time how
    /// long a new client waits for an answer.
    Slow {
        addr: SocketAddr,
        #[arg(long, default_value_t = 1100)]
        clients: usize,
        /// How long to keep trying the new client.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
    },
    /// Writes without a token (and with a wrong one), then one with the
    /// right token: the statuses each got.
    Rate {
        addr: SocketAddr,
        #[arg(long)]
        token: String,
        #[arg(long, default_value_t = 30)]
        unauthenticated: usize,
    },
}

fn main() -> Result<()> {
    match Args::parse().command {
        Command::Gen { dir, scale } => gen_inputs(&dir, scale),
        Command::Slow {
            addr,
            clients,
            seconds,
        } => slow_clients(addr, clients, seconds),
        Command::Rate {
            addr,
            token,
            unauthenticated,
        } => rate(addr, &token, unauthenticated),
    }
}

/// A small fixed-seed generator (xorshift64*): the same inputs on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "the",
    "council",
    "voted",
    "on",
    "a",
    "budget",
    "for",
    "city",
    "after",
    "months",
    "of",
    "debate",
    "over",
    "roads",
    "schools",
    "police",
    "mayor",
    "said",
    "plan",
    "would",
    "raise",
    "taxes",
    "by",
    "two",
    "percent",
    "while",
    "keeping",
    "library",
    "hours",
    "and",
    "bus",
    "routes",
    "officials",
    "reported",
    "storm",
    "damage",
    "across",
    "the",
    "region",
    "as",
    "rescue",
    "teams",
    "reached",
    "villages",
    "cut",
    "off",
    "floods",
    "minister",
    "told",
    "reporters",
    "that",
    "talks",
    "with",
    "neighbours",
    "would",
    "resume",
    "next",
    "week",
    "in",
    "Geneva",
    "court",
    "ruled",
    "company",
    "must",
    "pay",
    "workers",
    "market",
    "fell",
    "sharply",
    "investors",
    "feared",
    "higher",
    "rates",
    "election",
    "results",
    "showed",
    "narrow",
    "lead",
    "opposition",
    "party",
    "parliament",
    "approved",
    "law",
    "hospital",
    "staff",
    "strike",
    "demanded",
    "better",
    "pay",
    "earthquake",
    "struck",
    "coast",
    "early",
    "Tuesday",
    "killing",
    "at",
    "least",
    "twelve",
    "people",
    "witnesses",
    "described",
];

/// `bytes` of article text: sentences of 8 to 24 words, five to a
/// paragraph, every sentence numbered so none repeats.
fn text(bytes: usize, seed: u64) -> String {
    let mut rng = Rng(seed.max(1));
    let mut out = String::with_capacity(bytes + 200);
    let mut n = 0u64;
    while out.len() < bytes {
        for s in 0..5 {
            if s > 0 {
                out.push(' ');
            }
            let len = 8 + rng.below(17);
            for w in 0..len {
                let word = WORDS[rng.below(WORDS.len())];
                if w == 0 {
                    let mut c = word.chars();
                    if let Some(f) = c.next() {
                        out.extend(f.to_uppercase());
                        out.push_str(c.as_str());
                    }
                } else {
                    out.push(' ');
                    out.push_str(word);
                }
            }
            n += 1;
            out.push_str(&format!(" {n}."));
        }
        out.push_str("\n\n");
    }
    out
}

fn page(title: &str, body: &str) -> String {
    let paras: String = body
        .split("\n\n")
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{p}</p>\n"))
        .collect();
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><article><h1>{title}</h1>\n{paras}</article></body></html>"
    )
}

fn nested_page(n: usize) -> String {
    format!(
        "<!doctype html><html><head><title>Nested</title></head><body>{}<p>Body text with several words. A second sentence.</p>{}</body></html>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    )
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?)
}

fn warc_record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2017-04-12T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:{uri}>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn http_response(body: &[u8], gzipped: bool) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n{}Content-Length: {}\r\n\r\n",
        if gzipped {
            "Content-Encoding: gzip\r\n"
        } else {
            ""
        },
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    std::fs::write(dir.join(name), bytes).with_context(|| format!("writing {name}"))
}

fn gen_inputs(dir: &Path, scale: f64) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let mb = |n: f64| ((n * scale) * 1e6) as usize;
    // 1: the POST body of 30,000 nested divs (and 80,000).
    for n in [30_000, 80_000] {
        let body = json!({"id": "n", "url": "https://nest.example/1", "html": nested_page(n)});
        write(
            dir,
            &format!("nest{n}.json"),
            format!("{body}\n").as_bytes(),
        )?;
    }
    // 2: extraction time against depth, and the 11 MB page of 1M divs.
    for n in [5_000, 10_000, 20_000] {
        write(dir, &format!("depth{n}.html"), nested_page(n).as_bytes())?;
    }
    write(dir, "depth1000000.html", nested_page(1_000_000).as_bytes())?;
    // 3: a .jsonl.gz whose one line inflates to 1 GB (times the scale).
    let line_len = mb(1000.0);
    let mut line = String::with_capacity(line_len + 64);
    line.push_str("{\"id\": \"bomb\", \"text\": \"");
    let unit = "All work and no play. ";
    while line.len() < line_len {
        line.push_str(unit);
    }
    line.push_str("\"}\n");
    write(dir, "bomb.jsonl.gz", &gzip(line.as_bytes())?)?;
    drop(line);
    // 4: a WARC record whose HTTP body is gzip that inflates to 1 GB.
    let inflated = page("Bomb", &"All work and no play. ".repeat(mb(1000.0) / 22));
    let body = gzip(inflated.as_bytes())?;
    drop(inflated);
    let mut warc = warc_record(
        "response",
        "http://bomb.example/",
        &http_response(&body, true),
    );
    warc.extend(warc_record(
        "response",
        "http://after.example/",
        &http_response(page("After the bomb", &text(3_000, 4)).as_bytes(), false),
    ));
    write(dir, "bomb.warc", &warc)?;
    // 5: one 200 MB line for standard input (times the scale).
    let big = json!({"id": "big", "title": "A very long record", "text": text(mb(200.0), 5)});
    write(dir, "stdin-line.jsonl", format!("{big}\n").as_bytes())?;
    // 7: a record whose Content-Length runs past the end of the file, with
    // three good records after it inside that length.
    let mut archive = warc_record(
        "response",
        "http://one.example/",
        &http_response(page("One", &text(2_000, 71)).as_bytes(), false),
    );
    let mut rest = Vec::new();
    for (i, name) in ["three", "four", "five"].iter().enumerate() {
        rest.extend(warc_record(
            "response",
            &format!("http://{name}.example/"),
            &http_response(page(name, &text(2_000, 72 + i as u64)).as_bytes(), false),
        ));
    }
    let block = http_response(page("Two", &text(2_000, 70)).as_bytes(), false);
    archive.extend(
        format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://two.example/\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
            block.len() + rest.len() + 5_000
        )
        .into_bytes(),
    );
    archive.extend(&block);
    archive.extend(b"\r\n\r\n");
    archive.extend(&rest);
    write(dir, "overlong.warc", &archive)?;
    // 10: a JSONL file with one raw NUL byte in its first 8 KB.
    let mut nul = Vec::new();
    for i in 0..5 {
        let rec = json!({"id": format!("nul{i}"), "title": format!("Record {i}"), "text": text(600, 100 + i)});
        nul.extend(format!("{rec}\n").into_bytes());
    }
    let at = nul.iter().position(|&b| b == b'A').unwrap_or(10);
    nul.insert(at, 0);
    write(dir, "nul.jsonl", &nul)?;
    // Sized records, for peak memory per input byte.
    for size in [1usize, 4, 8] {
        let bytes = size << 20;
        // Slightly under the size, so the record with its JSON or markup
        // stays within a limit of `size` MiB.
        let t = text(bytes - bytes / 20, 200 + size as u64);
        let rec = json!({"id": format!("jsonl{size}"), "title": "Sized", "text": t});
        write(
            dir,
            &format!("record{size}m.jsonl"),
            format!("{rec}\n").as_bytes(),
        )?;
        let html = page("Sized", &t);
        write(dir, &format!("record{size}m.html"), html.as_bytes())?;
        let warc = warc_record(
            "response",
            &format!("http://sized{size}.example/"),
            &http_response(html.as_bytes(), false),
        );
        write(dir, &format!("record{size}m.warc"), &warc)?;
    }
    let tiny = json!({"id": "tiny", "title": "Tiny", "text": text(2_000, 7)});
    write(dir, "tiny.jsonl", format!("{tiny}\n").as_bytes())?;
    println!("{}", dir.display());
    Ok(())
}

fn slow_clients(addr: SocketAddr, clients: usize, seconds: u64) -> Result<()> {
    let started = Instant::now();
    let mut held = Vec::new();
    let mut refused = 0usize;
    for _ in 0..clients {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(2)) {
            Ok(mut s) => {
                // Headers begun, never finished.
                let _ = s.write_all(b"GET /api/stats HTTP/1.1\r\nHost: x\r\nX-Slow: ");
                held.push(s);
            }
            Err(_) => refused += 1,
        }
    }
    let opened = started.elapsed();
    // A new client: how long until it has an answer?
    let probe = Instant::now();
    let mut answered = None;
    let mut attempts = 0;
    while probe.elapsed() < Duration::from_secs(seconds) {
        attempts += 1;
        let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
            std::thread::sleep(Duration::from_millis(200));
            continue;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(seconds)));
        if s.write_all(b"GET /api/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .is_err()
        {
            continue;
        }
        let mut buf = [0u8; 64];
        match s.read(&mut buf) {
            Ok(n) if n > 12 => {
                answered = Some(String::from_utf8_lossy(&buf[9..12]).to_string());
                break;
            }
            _ => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    // How many held connections did the server close?
    let mut closed = 0;
    for s in &mut held {
        let _ = s.set_read_timeout(Some(Duration::from_millis(20)));
        let mut buf = [0u8; 256];
        if matches!(s.read(&mut buf), Ok(0) | Ok(_)) {
            closed += 1;
        }
    }
    println!(
        "{}",
        json!({
            "clients": clients, "connected": held.len(), "refused": refused,
            "open_seconds": opened.as_secs_f64(),
            "new_client_status": answered, "new_client_seconds": probe.elapsed().as_secs_f64(),
            "new_client_attempts": attempts, "held_closed_by_server": closed,
        })
    );
    Ok(())
}

fn post(addr: SocketAddr, token: Option<&str>, body: &str) -> Result<u16> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "POST /api/articles HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-ndjson\r\n{auth}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let head = String::from_utf8_lossy(&out[..out.len().min(12)]).to_string();
    head.get(9..12)
        .and_then(|c| c.parse().ok())
        .context("no status line in the answer")
}

fn rate(addr: SocketAddr, token: &str, unauthenticated: usize) -> Result<()> {
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for i in 0..unauthenticated {
        let t = if i % 2 == 0 {
            None
        } else {
            Some("wrong-token")
        };
        *statuses.entry(post(addr, t, "{}\n")?).or_default() += 1;
    }
    let rec = json!({"id": "rate-ok", "title": "Rate", "text": text(800, 9)});
    let holder = post(addr, Some(token), &format!("{rec}\n"))?;
    println!(
        "{}",
        json!({"unauthenticated": statuses, "token_holder_status": holder})
    );
    Ok(())
}
