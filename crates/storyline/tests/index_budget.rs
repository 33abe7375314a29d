//! A watcher's copies index stays within its `--cache-mb` share over a
//! long stream of articles: the open generation, which only sealing can
//! shrink, is sized from the budget.
//!
//! The articles are the bundled corpus's texts, two to an article (the
//! watch soak's pages, from the shared extraction sets, are about twice as
//! long: some 440 keys an article against the corpus's 200 or so),
//! fingerprinted as the copies stage does. A stream of news brings new keys
//! with every article, so each article's keys are salted with its id (the
//! same number of keys, other values), as a month of different articles
//! would bring.

use std::path::PathBuf;

use storyline::copies::fingerprint;
use storyline::copies::index::{
    ArticleKeys, CopyIndex, GENERATION, IndexBudget, MemoryIndexStorage,
};
use storyline::store::CacheBudget;
use storyline::text::analyze;

/// Articles streamed: one 4,096-article generation, the size it had
/// before, filled to the article before it would be sealed.
const ARTICLES: i64 = GENERATION as i64;

fn corpus_keys() -> Vec<ArticleKeys> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../corpus/text");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    (0..texts.len())
        .map(|i| {
            let text = format!("{}\n\n{}", texts[i], texts[(i + 1) % texts.len()]);
            ArticleKeys::of(i as i64, &fingerprint(&analyze(&text)), |_| true)
        })
        .collect()
}

/// Article `id`: a corpus article's keys, salted by the id (each text
/// stands in two articles of a round, and in every round).
fn article(corpus: &[ArticleKeys], id: i64) -> ArticleKeys {
    let base = &corpus[id as usize % corpus.len()];
    let mix = (id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let salt = |k: u32| k ^ (mix >> 32) as u32 ^ mix as u32;
    let mut a = base.clone();
    a.article = id;
    for k in &mut a.bands {
        *k = salt(*k);
    }
    for s in &mut a.sentences {
        for k in s.bands.iter_mut().chain(s.quotes.iter_mut()) {
            *k = salt(*k);
        }
    }
    a
}

/// The most the recent tier weighed after any maintenance, streaming
/// `ARTICLES` articles with maintenance every 16 (a watcher maintains the
/// index after each pass, a few articles at a time).
fn peak_recent_bytes(corpus: &[ArticleKeys], budget: IndexBudget) -> usize {
    let storage = MemoryIndexStorage::default();
    let mut index = CopyIndex::new(budget);
    index.sync(&storage).unwrap();
    let mut peak = 0;
    for id in 1..=ARTICLES {
        index.add(&storage, &article(corpus, id)).unwrap();
        if id % 16 == 0 {
            index.maintain(&storage).unwrap();
            peak = peak.max(index.recent_bytes());
        }
    }
    peak
}

#[test]
fn a_watchers_copies_index_stays_within_its_budget() {
    let corpus = corpus_keys();
    let keys: usize = corpus.iter().map(|a| a.entries().count()).sum();
    let per_article = keys / corpus.len();
    // The soak's articles had about 440 keys each (its recent tier's chain
    // of postings reached 2^18 at 600 articles); these must be of the same
    // order, or the stream below would not test the sizing.
    eprintln!("{per_article} keys an article");
    assert!(
        (300..2_000).contains(&per_article),
        "{per_article} keys an article"
    );
    // `watch`'s default budget, 64 MiB, for its one connection.
    let budget = CacheBudget::share(64, 1).index_budget();
    assert_eq!(budget.recent_bytes, 28 << 20);
    assert!(budget.generation < GENERATION, "{budget:?}");
    let peak = peak_recent_bytes(&corpus, budget);
    assert!(
        peak <= budget.recent_bytes,
        "the recent tier reached {peak} bytes, over its {} ({per_article} keys an article, {budget:?})",
        budget.recent_bytes
    );
    // With 4,096 articles a generation (as before), the open generation
    // alone outgrows the same budget and nothing can move it out.
    let before = peak_recent_bytes(
        &corpus,
        IndexBudget {
            generation: GENERATION,
            ..budget
        },
    );
    assert!(
        before > budget.recent_bytes,
        "{before} bytes with {GENERATION}-article generations"
    );
    // A batch's budget keeps the full-size generations.
    assert_eq!(
        CacheBudget::share(512, 1).index_budget().generation,
        GENERATION
    );
    eprintln!(
        "{per_article} keys an article; recent tier at most {peak} bytes with {}-article \
         generations, {before} with {GENERATION}",
        budget.generation
    );
}
