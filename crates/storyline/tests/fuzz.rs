//! A bounded mutation fuzzer over every reader and extraction, seeded from
//! `corpus/` (every format, plain and gzipped) and run as part of the test
//! suite: for `STORYLINE_FUZZ_SECONDS` seconds (default 10; CI sets more)
//! it mutates seeds (bytes flipped, cut, spliced, blocks repeated, tags
//! nested thousands deep, bodies gzipped) and feeds them through
//! `storyline::fuzz`. A panic, a stack overflow or an input slower than
//! `STORYLINE_FUZZ_SLOW_MS` fails the run; the input is kept at
//! `target/fuzz-failures/last-input` (written before each run, so even an
//! abort leaves it) with the seed that reproduces it
//! (`STORYLINE_FUZZ_SEED`).
//!
//! Coverage-guided fuzzing of the same entry points: `fuzz/` (`cargo fuzz`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Target {
    File(&'static str),
    Jsonl,
    Extract,
    Warc,
    Feed,
}

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

/// Seeds: a few files of every format from the corpus, each with the
/// targets it suits.
fn seeds() -> Vec<(Vec<u8>, Vec<Target>)> {
    let root = corpus();
    let read = |p: &str| std::fs::read(root.join(p)).unwrap_or_default();
    let gunzip = |b: Vec<u8>| {
        use std::io::Read;
        let mut out = Vec::new();
        let _ = flate2::read::MultiGzDecoder::new(&b[..]).read_to_end(&mut out);
        out
    };
    let mut seeds = Vec::new();
    let jsonl = read("jsonl/ecbplus.jsonl");
    let lines: Vec<u8> = jsonl
        .split(|&b| b == b'\n')
        .take(4)
        .collect::<Vec<_>>()
        .join(&b'\n');
    seeds.push((lines, vec![Target::Jsonl, Target::File("x.jsonl")]));
    for name in ["html/1_10ecb.html", "html/12_3ecbplus.html"] {
        seeds.push((read(name), vec![Target::Extract, Target::File("x.html")]));
    }
    let pages: Vec<PathBuf> = std::fs::read_dir(root.join("pages"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    if let Some(page) = pages.iter().min() {
        let raw = std::fs::read(page).unwrap_or_default();
        seeds.push((raw.clone(), vec![Target::File("x.html.gz")]));
        seeds.push((gunzip(raw), vec![Target::Extract]));
    }
    let rss = read("feeds/ecbplus-rss.xml");
    seeds.push((
        rss[..rss.len().min(20_000)].to_vec(),
        vec![Target::Feed, Target::File("x.xml")],
    ));
    let atom = read("feeds/ecbplus-atom.xml");
    seeds.push((atom[..atom.len().min(20_000)].to_vec(), vec![Target::Feed]));
    let warc = gunzip(read("warc/ecbplus.warc.gz"));
    seeds.push((
        warc[..warc.len().min(60_000)].to_vec(),
        vec![Target::Warc, Target::File("x.warc")],
    ));
    seeds.push((
        read("seeds/000_4ca324f4dd3e4842.txt"),
        vec![Target::File("x.txt")],
    ));
    seeds.retain(|(b, _)| !b.is_empty());
    seeds
}

const NESTS: &[&[u8]] = &[
    b"<div>",
    b"<b class=x>",
    b"<table><tr><td>",
    b"<svg>",
    b"<p>",
    b"<li>",
    b"[",
    b"{\"a\":",
    b"<item>",
    b"<a>",
];

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = e.write_all(bytes);
    e.finish().unwrap_or_default()
}

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[(Vec<u8>, Vec<Target>)]) {
    for _ in 0..1 + rng.below(4) {
        let len = input.len();
        match rng.below(10) {
            0 | 1 => {
                if len > 0 {
                    let i = rng.below(len);
                    input[i] = rng.next() as u8;
                }
            }
            2 => {
                let at = rng.below(len + 1);
                let n = rng.below(64).min(len - at);
                input.drain(at..at + n);
            }
            3 => {
                // A block repeated: long lines, runs of tags, big records.
                if len > 0 {
                    let at = rng.below(len);
                    let n = 1 + rng.below(64.min(len - at));
                    let block = input[at..at + n].to_vec();
                    let times = 1 + rng.below(200);
                    let tail = input.split_off(at);
                    for _ in 0..times {
                        input.extend_from_slice(&block);
                    }
                    input.extend_from_slice(&tail);
                }
            }
            4 => {
                // Nesting thousands deep.
                let tag = NESTS[rng.below(NESTS.len())];
                let at = rng.below(len + 1);
                let tail = input.split_off(at);
                for _ in 0..1 + rng.below(5000) {
                    input.extend_from_slice(tag);
                }
                input.extend_from_slice(&tail);
            }
            5 => {
                let from = &seeds[rng.below(seeds.len())].0;
                if !from.is_empty() {
                    let a = rng.below(from.len());
                    let b = (a + rng.below(2000)).min(from.len());
                    let at = rng.below(len + 1);
                    let tail = input.split_off(at);
                    input.extend_from_slice(&from[a..b]);
                    input.extend_from_slice(&tail);
                }
            }
            6 => input.truncate(rng.below(len + 1)),
            7 => {
                let at = rng.below(len + 1);
                input.insert(
                    at,
                    [0u8, b'\n', b'"', b'<', b'>', b'\\', 0xFF][rng.below(7)],
                );
            }
            8 => {
                // A number changed: lengths, chunk sizes, counts.
                if let Some(i) = (0..len.min(4096))
                    .map(|_| rng.below(len))
                    .find(|&i| input[i].is_ascii_digit())
                {
                    input[i] = b'0' + rng.below(10) as u8;
                    if rng.below(3) == 0 {
                        input.insert(i, b'9');
                    }
                }
            }
            _ => {
                if rng.below(4) == 0 {
                    *input = gzip(input);
                }
            }
        }
    }
    input.truncate(2 << 20);
}

fn run(target: Target, bytes: &[u8]) {
    match target {
        Target::File(name) => {
            storyline::fuzz::read_file(name, bytes);
        }
        Target::Jsonl => {
            storyline::fuzz::read_jsonl(bytes);
        }
        Target::Extract => {
            storyline::fuzz::extract(bytes);
        }
        Target::Warc => {
            storyline::fuzz::warc(bytes);
        }
        Target::Feed => {
            storyline::fuzz::feed(bytes);
        }
    }
}

fn keep(dir: &Path, name: &str, target: Target, seed: u64, bytes: &[u8]) {
    let _ = std::fs::create_dir_all(dir);
    let _ = std::fs::write(dir.join(name), bytes);
    let _ = std::fs::write(
        dir.join(format!("{name}.txt")),
        format!("target {target:?}, STORYLINE_FUZZ_SEED={seed}\n"),
    );
}

#[test]
fn mutated_inputs_through_every_reader() {
    let seconds: u64 = std::env::var("STORYLINE_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let slow = Duration::from_millis(
        std::env::var("STORYLINE_FUZZ_SLOW_MS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(20_000),
    );
    let seed: u64 = std::env::var("STORYLINE_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        })
        | 1;
    let failures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-failures");
    let seeds = seeds();
    assert!(seeds.len() >= 6, "the corpus seeds are missing");
    let mut rng = Rng(seed);
    let started = Instant::now();
    let mut runs = 0u64;
    // Every seed once as it is, then mutations until the time is up.
    let mut queue: Vec<(Vec<u8>, Target)> = seeds
        .iter()
        .flat_map(|(b, ts)| ts.iter().map(move |t| (b.clone(), *t)))
        .collect();
    while started.elapsed() < Duration::from_secs(seconds) || !queue.is_empty() {
        let (input, target) = queue.pop().unwrap_or_else(|| {
            let (base, targets) = &seeds[rng.below(seeds.len())];
            let mut input = base.clone();
            mutate(&mut rng, &mut input, &seeds);
            (input, targets[rng.below(targets.len())])
        });
        keep(&failures, "last-input", target, seed, &input);
        let t0 = Instant::now();
        let outcome = std::panic::catch_unwind(|| run(target, &input));
        let took = t0.elapsed();
        runs += 1;
        if outcome.is_err() {
            keep(&failures, "panic", target, seed, &input);
            panic!(
                "{target:?} panicked on an input of {} bytes (kept in {}; STORYLINE_FUZZ_SEED={seed})",
                input.len(),
                failures.display()
            );
        }
        if took > slow {
            keep(&failures, "slow", target, seed, &input);
            panic!(
                "{target:?} took {took:?} on an input of {} bytes (kept in {}; STORYLINE_FUZZ_SEED={seed})",
                input.len(),
                failures.display()
            );
        }
    }
    let _ = std::fs::remove_file(failures.join("last-input"));
    let _ = std::fs::remove_file(failures.join("last-input.txt"));
    eprintln!(
        "fuzz: {runs} inputs in {:?}, seed {seed}",
        started.elapsed()
    );
}
