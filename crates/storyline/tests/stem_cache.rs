//! The stem cache stays within its bound in bytes, one bound for every
//! language, under a stream of distinct words (the bundled corpus's text,
//! then generated words in several languages), and what it weighs covers
//! what it holds: the allocations it makes, counted by a wrapping
//! allocator. A test binary of its own, since the cache and the allocator
//! are the process's, and one test function, so nothing else allocates or
//! stems meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};

use storyline::text::Lang;
use storyline::text::filters::{
    cached_stem, set_stem_cache_bytes, stem_cache_bytes, stem_cache_capacity, stem_cache_words,
    stemmer_algorithm,
};

/// Bytes allocated and not freed, by the sizes asked for.
static LIVE: AtomicI64 = AtomicI64::new(0);

struct Counting;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as i64, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as i64, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as i64 - layout.size() as i64, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The words of the bundled corpus's ECB+ articles, lower-cased, in order.
fn corpus_words() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/jsonl/ecbplus.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.len() > 2)
        .map(str::to_lowercase)
        .collect()
}

/// A made-up word per number: letters only, so every stemmer takes it.
fn made_up(mut n: usize, suffix: &str) -> String {
    let mut w = String::new();
    loop {
        w.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    w + suffix
}

#[test]
fn the_stem_cache_stays_within_its_bound_and_weighs_what_it_holds() {
    let en = stemmer_algorithm(Lang::new("en").unwrap()).unwrap();
    let others: Vec<_> = ["de", "fr", "es", "ru", "it", "nl", "sv"]
        .iter()
        .map(|c| stemmer_algorithm(Lang::new(c).unwrap()).unwrap())
        .collect();

    // What an entry costs: stem distinct made-up words into a cache big
    // enough to keep them all, and compare the bytes it allocated with its
    // own weighing. Measured from a cache already holding words, so that
    // the shards' tables are made, and over enough words that their
    // doublings average out.
    set_stem_cache_bytes(64 << 20);
    for n in 0..1_000 {
        cached_stem(en, &made_up(n, "ings"));
    }
    let (live0, weight0, words0) = (
        LIVE.load(Ordering::Relaxed),
        stem_cache_bytes(),
        stem_cache_words(),
    );
    for n in 1_000..200_000 {
        cached_stem(en, &made_up(n, "ings"));
    }
    let allocated = (LIVE.load(Ordering::Relaxed) - live0) as f64;
    let weighed = (stem_cache_bytes() - weight0) as f64;
    let words = (stem_cache_words() - words0) as f64;
    eprintln!(
        "{words} words: {:.1} bytes allocated each, {:.1} weighed",
        allocated / words,
        weighed / words
    );
    assert_eq!(words, 199_000.0, "a 64 MiB cache keeps them all");
    assert!(
        weighed >= allocated * 0.9 && weighed <= allocated * 1.5,
        "weighed {weighed} for {allocated} allocated"
    );

    // A small bound: real text, then a stream of made-up words in eight
    // languages, far more than it holds.
    let bound = 512 << 10;
    set_stem_cache_bytes(bound);
    assert_eq!(stem_cache_capacity(), bound);
    assert!(stem_cache_bytes() <= bound, "shrinking evicts at once");
    let words = corpus_words();
    assert!(words.len() > 20_000, "{} words", words.len());
    for (i, w) in words.iter().enumerate() {
        let stem = cached_stem(en, w);
        if i % 1_000 == 0 {
            assert!(stem_cache_bytes() <= bound);
        }
        // A cached stem is the stemmer's, evictions or not.
        if w == "confirmed" {
            assert_eq!(stem.as_deref(), Some("confirm"));
        }
    }
    let mut most = 0;
    for n in 0..300_000 {
        let algorithm = if n % 2 == 0 {
            en
        } else {
            others[n % others.len()]
        };
        cached_stem(algorithm, &made_up(n, "ungen"));
        if n % 997 == 0 {
            let bytes = stem_cache_bytes();
            assert!(bytes <= bound, "{bytes} bytes over the {bound} bound");
            most = most.max(bytes);
        }
    }
    // It fills to near its bound and holds there.
    assert!(most > bound * 3 / 4, "at most {most} of {bound}");
    let held = stem_cache_words();
    assert!(held > 2_000 && held < bound as usize / 96, "{held} words");
    // The common words still stem right after all that churn.
    assert_eq!(cached_stem(en, "running").as_deref(), Some("run"));
    assert_eq!(cached_stem(en, "said"), None);
    let de = stemmer_algorithm(Lang::new("de").unwrap()).unwrap();
    assert_eq!(cached_stem(de, "häuser").as_deref(), Some("haus"));

    // The memory itself stays put once full: another 300,000 new words
    // leave the allocated bytes where they were, within the doublings of
    // a table.
    let live_full = LIVE.load(Ordering::Relaxed);
    for n in 300_000..600_000 {
        cached_stem(others[n % others.len()], &made_up(n, "ungen"));
    }
    let grew = LIVE.load(Ordering::Relaxed) - live_full;
    assert!(grew < bound as i64 / 4, "grew {grew} bytes once full");
}
