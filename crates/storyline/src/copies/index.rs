//! The copies stage's index: which articles and sentences carry a key (an
//! LSH band of an article's shingles, of a sentence's content words, or a
//! 5-gram of a quotation), in two tiers so that the cost of an arrival does
//! not grow with the store.
//!
//! - **Recent**: the last arrivals (as many as the memory budget holds,
//!   [`IndexBudget`]) with every key, in memory, in generations of
//!   [`GENERATION`] articles. Reworded sentences are searched here in full:
//!   ten bands per sentence find a sentence that keeps half its content
//!   words with probability 0.94.
//! - **Archive**: older articles with their most telling keys only
//!   ([`ARCHIVE_SENTENCE_BANDS`] band per sentence, [`ARCHIVE_QUOTE_KEYS`]
//!   quotation keys, [`ARCHIVE_ARTICLE_BANDS`] article bands), in sorted
//!   runs of compressed blocks that are merged as they pile up, as an LSM
//!   tree is. An archive hit names an older article worth aligning with in
//!   full ([`crate::pipeline::copies`] does that), so a reprint or a rewrite
//!   of a months-old article is still found sentence by sentence: finding
//!   the article needs only one of its sentences to keep a key.
//!
//! The index keeps nothing a store engine must know about: the recent
//! tier's keys are logged per article, and runs are blocks of bytes with
//! their fences, through the small [`IndexStorage`] interface (SQLite's is
//! in `store/copy_index.rs`; its schema is written down there).

use std::cell::RefCell;
use std::collections::{BTreeMap, BinaryHeap, HashSet};

use integer_encoding::VarInt;
use rustc_hash::FxHashMap;

use crate::copies::Fingerprint;
use crate::error::{Error, Result};

/// A key: 32 bits of a band or shingle hash.
pub type Key = u32;

/// The sentence number that marks an article-level posting.
pub const ARTICLE: u16 = u16::MAX;

/// Articles per in-memory generation of the recent tier.
pub const GENERATION: usize = 4096;
/// Article-level (near-duplicate) bands kept in the archive, of 42: a copy
/// at Jaccard 0.7 still shares one with probability 0.997, and any copy
/// that shares a sentence word for word is found through that sentence.
pub const ARCHIVE_ARTICLE_BANDS: usize = 14;
/// Content-word bands kept per sentence in the archive, of 10.
pub const ARCHIVE_SENTENCE_BANDS: usize = 2;
/// Quotation keys kept per sentence in the archive, of 4.
pub const ARCHIVE_QUOTE_KEYS: usize = 2;
/// Runs of one level merged into one of the next level.
const FAN_IN: usize = 4;
/// A block holds about this many bytes.
const BLOCK_BYTES: usize = 3800;
/// At most this many postings are kept per key in a run: a key every
/// article carries (a footer, an agency notice) is not evidence, and the
/// earliest articles, kept, are the likely sources.
pub const MAX_POSTINGS_PER_KEY: usize = 128;

/// Folds a 64-bit hash to a key.
pub fn key(h: u64) -> Key {
    (h ^ (h >> 32)) as Key
}

/// An article or one of its sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Posting {
    /// The article.
    pub article: i64,
    /// The sentence, or [`ARTICLE`] for the article as a whole.
    pub sentence: u16,
}

/// One tracked sentence's keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SentenceKeys {
    /// The sentence's index in its article.
    pub sentence: u16,
    /// Content-word bands, in band order.
    pub bands: Vec<Key>,
    /// Quotation 5-gram keys.
    pub quotes: Vec<Key>,
}

/// An article's keys, as the index takes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleKeys {
    /// The article.
    pub article: i64,
    /// Near-duplicate bands of its shingles, in band order.
    pub bands: Vec<Key>,
    /// Its tracked sentences.
    pub sentences: Vec<SentenceKeys>,
}

impl ArticleKeys {
    /// The keys of an article's fingerprint, for the sentences `track`
    /// accepts (a sentence settled against a close copy is not indexed).
    pub fn of(article: i64, fp: &Fingerprint, track: impl Fn(usize) -> bool) -> Self {
        let sentences = fp
            .sentence_bands
            .iter()
            .enumerate()
            .filter(|(i, keys)| !keys.is_empty() && *i < ARTICLE as usize && track(*i))
            .map(|(i, keys)| {
                let (bands, quotes) = split_sentence_keys(keys);
                SentenceKeys {
                    sentence: i as u16,
                    bands: bands.iter().map(|&h| key(h)).collect(),
                    quotes: quotes.iter().map(|&h| key(h)).collect(),
                }
            })
            .collect();
        ArticleKeys {
            article,
            bands: fp.bands.iter().map(|&h| key(h)).collect(),
            sentences,
        }
    }

    /// Every (key, posting) pair, all keys.
    pub fn entries(&self) -> impl Iterator<Item = (Key, Posting)> + '_ {
        self.entries_up_to(usize::MAX, usize::MAX, usize::MAX)
    }

    /// The pairs the archive keeps.
    pub fn archive_entries(&self) -> impl Iterator<Item = (Key, Posting)> + '_ {
        self.entries_up_to(
            ARCHIVE_ARTICLE_BANDS,
            ARCHIVE_SENTENCE_BANDS,
            ARCHIVE_QUOTE_KEYS,
        )
    }

    fn entries_up_to(
        &self,
        article_bands: usize,
        sentence_bands: usize,
        quotes: usize,
    ) -> impl Iterator<Item = (Key, Posting)> + '_ {
        let article = self.article;
        let whole = Posting {
            article,
            sentence: ARTICLE,
        };
        self.bands
            .iter()
            .take(article_bands)
            .map(move |&k| (k, whole))
            .chain(self.sentences.iter().flat_map(move |s| {
                let p = Posting {
                    article,
                    sentence: s.sentence,
                };
                s.bands
                    .iter()
                    .take(sentence_bands)
                    .chain(s.quotes.iter().take(quotes))
                    .map(move |&k| (k, p))
            }))
    }

    /// Packs the keys for the recent tier's log.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + 4 * (self.bands.len() + 12 * self.sentences.len()));
        push_varint(&mut out, self.bands.len() as u64);
        for k in &self.bands {
            out.extend_from_slice(&k.to_le_bytes());
        }
        push_varint(&mut out, self.sentences.len() as u64);
        for s in &self.sentences {
            push_varint(&mut out, s.sentence as u64);
            push_varint(&mut out, s.bands.len() as u64);
            push_varint(&mut out, s.quotes.len() as u64);
            for k in s.bands.iter().chain(&s.quotes) {
                out.extend_from_slice(&k.to_le_bytes());
            }
        }
        out
    }

    /// Unpacks what [`Self::encode`] wrote.
    pub fn decode(article: i64, mut bytes: &[u8]) -> Result<Self> {
        let bad = || Error::invalid(format!("corrupt copies index keys for article {article}"));
        let varint = |b: &mut &[u8]| -> Result<usize> {
            let (v, n) = u64::decode_var(b).ok_or_else(bad)?;
            *b = &b[n..];
            Ok(v as usize)
        };
        let keys = |b: &mut &[u8], n: usize| -> Result<Vec<Key>> {
            let raw = b.get(..4 * n).ok_or_else(bad)?;
            *b = &b[4 * n..];
            Ok(raw
                .chunks_exact(4)
                .map(|c| Key::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect())
        };
        let n = varint(&mut bytes)?;
        let bands = keys(&mut bytes, n)?;
        let count = varint(&mut bytes)?;
        let mut sentences = Vec::with_capacity(count.min(4096));
        for _ in 0..count {
            let sentence = varint(&mut bytes)? as u16;
            let nb = varint(&mut bytes)?;
            let nq = varint(&mut bytes)?;
            sentences.push(SentenceKeys {
                sentence,
                bands: keys(&mut bytes, nb)?,
                quotes: keys(&mut bytes, nq)?,
            });
        }
        Ok(ArticleKeys {
            article,
            bands,
            sentences,
        })
    }
}

/// Splits a sentence's keys from [`crate::copies::sentence_bands`] into
/// content-word bands and quotation keys (tagged with bit 62).
fn split_sentence_keys(keys: &[u64]) -> (&[u64], &[u64]) {
    let bands = keys.iter().take_while(|&&k| k & (1 << 62) == 0).count();
    keys.split_at(bands)
}

fn push_varint(out: &mut Vec<u8>, v: u64) {
    let mut buf = [0u8; 10];
    let n = v.encode_var(&mut buf);
    out.extend_from_slice(&buf[..n]);
}

/// A run of the archive: sorted entries in blocks of bytes, with the first
/// key of each block (its fences).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunMeta {
    /// The run's id.
    pub id: i64,
    /// Its level: runs of level L are merged into one of level L + 1.
    pub level: u32,
    /// The id of its first block; its blocks have consecutive ids.
    pub first_block: i64,
    /// The first key of each block.
    pub fences: Vec<Key>,
    /// Entries in all.
    pub entries: u64,
    /// The lowest and highest article it holds.
    pub articles: (i64, i64),
}

/// Where the index keeps what it keeps: a store engine implements this
/// (reads and writes inside the store's current transaction).
pub trait IndexStorage {
    /// A number that changes whenever the archive or the set of logged
    /// articles changes other than by appending.
    fn index_version(&self) -> Result<i64>;
    /// Records that the archive changed.
    fn bump_index_version(&self) -> Result<()>;
    /// Logged keys of the articles after `after`, in article order.
    fn recent_keys(&self, after: i64) -> Result<Vec<ArticleKeys>>;
    /// Logs an article's keys (replacing any earlier ones).
    fn log_keys(&self, keys: &ArticleKeys) -> Result<()>;
    /// Logged keys of the articles in `first..=last`.
    fn logged_range(&self, first: i64, last: i64) -> Result<Vec<ArticleKeys>>;
    /// Drops the logged keys of the articles in `first..=last`.
    fn unlog_range(&self, first: i64, last: i64) -> Result<()>;
    /// Every run, oldest first.
    fn runs(&self) -> Result<Vec<RunMeta>>;
    /// One block.
    fn block(&self, id: i64) -> Result<Vec<u8>>;
    /// The id the next new block gets.
    fn next_block_id(&self) -> Result<i64>;
    /// Stores a block.
    fn put_block(&self, id: i64, data: &[u8]) -> Result<()>;
    /// Records a run whose blocks are stored.
    fn add_run(&self, run: &RunMeta) -> Result<i64>;
    /// Drops runs and their blocks.
    fn remove_runs(&self, runs: &[RunMeta]) -> Result<()>;
    /// Articles deleted since the last full merge: their archive postings
    /// are dropped when their runs are merged.
    fn deleted_articles(&self) -> Result<HashSet<i64>>;
    /// Forgets the deleted articles (after a full merge).
    fn clear_deleted_articles(&self) -> Result<()>;
}

/// How much memory the recent tier may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexBudget {
    /// Bytes of the recent tier.
    pub recent_bytes: usize,
    /// Articles per generation of the recent tier (the unit that moves to
    /// the archive), at most [`GENERATION`].
    pub generation: usize,
}

impl Default for IndexBudget {
    fn default() -> Self {
        IndexBudget {
            recent_bytes: 256 << 20,
            generation: GENERATION,
        }
    }
}

/// A generation of the recent tier: articles with their keys, sealed into
/// sorted arrays once full.
#[derive(Debug, Default)]
struct Generation {
    first: i64,
    last: i64,
    articles: usize,
    /// While open: each key's latest posting, and the chain of postings
    /// (posting, previous link).
    heads: FxHashMap<Key, u32>,
    links: Vec<(u32, u32)>,
    is_sealed: bool,
    /// Once sealed: keys sorted, with their postings, and where each
    /// bucket of the top key bits starts.
    keys: Vec<Key>,
    postings: Vec<u32>,
    buckets: Vec<u32>,
    shift: u32,
}

/// A posting packed for a generation: article offset from the
/// generation's first article, and sentence.
fn pack(first: i64, p: Posting) -> u32 {
    (((p.article - first) as u32) << 16) | p.sentence as u32
}

fn unpack(first: i64, v: u32) -> Posting {
    Posting {
        article: first + (v >> 16) as i64,
        sentence: (v & 0xFFFF) as u16,
    }
}

impl Generation {
    fn new(first: i64) -> Self {
        Generation {
            first,
            last: first,
            ..Generation::default()
        }
    }

    fn takes(&self, article: i64, size: usize) -> bool {
        !self.is_sealed
            && self.articles < size.clamp(1, GENERATION)
            && article >= self.first
            && article - self.first <= u16::MAX as i64
    }

    fn add(&mut self, keys: &ArticleKeys) {
        for (k, p) in keys.entries() {
            let link = self.links.len() as u32;
            let previous = self.heads.insert(k, link).unwrap_or(u32::MAX);
            self.links.push((pack(self.first, p), previous));
        }
        self.last = self.last.max(keys.article);
        self.articles += 1;
    }

    fn seal(&mut self) {
        let mut all: Vec<(Key, u32)> = Vec::with_capacity(self.links.len());
        for (&k, &head) in &self.heads {
            let mut at = head;
            while at != u32::MAX {
                let (p, previous) = self.links[at as usize];
                all.push((k, p));
                at = previous;
            }
        }
        self.heads = FxHashMap::default();
        self.links = Vec::new();
        self.is_sealed = true;
        all.sort_unstable();
        let bits = (all.len().max(1) as f64 / 4.0)
            .log2()
            .ceil()
            .clamp(1.0, 24.0) as u32;
        self.shift = 32 - bits;
        self.buckets = vec![0; (1 << bits) + 1];
        for &(k, _) in &all {
            self.buckets[(k >> self.shift) as usize + 1] += 1;
        }
        for i in 1..self.buckets.len() {
            self.buckets[i] += self.buckets[i - 1];
        }
        self.keys = all.iter().map(|e| e.0).collect();
        self.postings = all.iter().map(|e| e.1).collect();
    }

    fn lookup(&self, k: Key, out: &mut Vec<Posting>) {
        if !self.is_sealed {
            let mut at = self.heads.get(&k).copied().unwrap_or(u32::MAX);
            let mut n = 0;
            while at != u32::MAX && n < MAX_POSTINGS_PER_KEY {
                let (p, previous) = self.links[at as usize];
                out.push(unpack(self.first, p));
                at = previous;
                n += 1;
            }
            return;
        }
        if self.keys.is_empty() {
            return;
        }
        let b = (k >> self.shift) as usize;
        let (lo, hi) = (self.buckets[b] as usize, self.buckets[b + 1] as usize);
        let start = lo + self.keys[lo..hi].partition_point(|&x| x < k);
        for i in (start..hi).take(MAX_POSTINGS_PER_KEY) {
            if self.keys[i] != k {
                break;
            }
            out.push(unpack(self.first, self.postings[i]));
        }
    }

    fn bytes(&self) -> usize {
        self.heads.capacity() * 9
            + self.links.capacity() * 8
            + 8 * self.keys.len()
            + 4 * self.buckets.len()
    }
}

/// What a lookup found, per key.
pub type Hits = FxHashMap<Key, Vec<Posting>>;

/// The index as a writer holds it: the recent tier in memory and the
/// archive's run list, kept in step with the storage.
#[derive(Debug, Default)]
pub struct CopyIndex {
    budget: IndexBudget,
    version: Option<i64>,
    generations: Vec<Generation>,
    runs: Vec<RunMeta>,
}

impl CopyIndex {
    /// An index that loads itself from the storage when first used.
    pub fn new(budget: IndexBudget) -> Self {
        CopyIndex {
            budget,
            ..CopyIndex::default()
        }
    }

    /// Sets how much memory the recent tier may take: older generations
    /// move to the archive at the next [`Self::maintain`].
    pub fn set_budget(&mut self, budget: IndexBudget) {
        self.budget = budget;
    }

    /// How much memory the recent tier may take.
    pub fn budget(&self) -> IndexBudget {
        self.budget
    }

    /// Forgets what is in memory: the next use loads it again (after a
    /// transaction that wrote to it was rolled back).
    pub fn invalidate(&mut self) {
        self.version = None;
    }

    /// Brings the memory in step with the storage: loads everything when
    /// another writer rearranged it, else only the articles logged since.
    pub fn sync(&mut self, storage: &dyn IndexStorage) -> Result<()> {
        let version = storage.index_version()?;
        if self.version != Some(version) {
            self.generations.clear();
            self.runs = storage.runs()?;
            self.version = Some(version);
        }
        let after = self.generations.last().map_or(0, |g| g.last);
        for keys in storage.recent_keys(after)? {
            self.remember(&keys);
        }
        Ok(())
    }

    fn remember(&mut self, keys: &ArticleKeys) {
        if !self
            .generations
            .last()
            .is_some_and(|g| g.takes(keys.article, self.budget.generation))
        {
            if let Some(g) = self.generations.last_mut()
                && !g.is_sealed
            {
                g.seal();
            }
            self.generations.push(Generation::new(keys.article));
        }
        if let Some(g) = self.generations.last_mut() {
            g.add(keys);
        }
    }

    /// Adds an article's keys: logged, and in the recent tier.
    pub fn add(&mut self, storage: &dyn IndexStorage, keys: &ArticleKeys) -> Result<()> {
        storage.log_keys(keys)?;
        if self
            .generations
            .last()
            .is_some_and(|g| keys.article <= g.last)
        {
            // An article stored again under its old id: its keys were
            // logged again; stale postings only cost a failed comparison.
            return Ok(());
        }
        self.remember(keys);
        Ok(())
    }

    /// Postings of each of `keys` in the recent tier, and of each of
    /// `archive_keys` (the keys the archive keeps of the arrival, see
    /// [`ArticleKeys::archive_entries`]) in the archive too.
    pub fn lookup(
        &self,
        storage: &dyn IndexStorage,
        keys: &[Key],
        archive_keys: &[Key],
    ) -> Result<Hits> {
        let mut hits: Hits = FxHashMap::default();
        let mut sorted: Vec<Key> = keys.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        for &k in &sorted {
            let mut found = Vec::new();
            for g in self.generations.iter().rev() {
                g.lookup(k, &mut found);
            }
            if !found.is_empty() {
                hits.insert(k, found);
            }
        }
        let mut sorted: Vec<Key> = archive_keys.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        for run in &self.runs {
            let mut by_block: BTreeMap<usize, Vec<Key>> = BTreeMap::new();
            for &k in &sorted {
                let b = run.fences.partition_point(|&f| f <= k);
                if b > 0 {
                    by_block.entry(b - 1).or_default().push(k);
                }
            }
            for (b, wanted) in by_block {
                let data = storage.block(run.first_block + b as i64)?;
                for_each_entry(&data, run.fences[b], |k, p| {
                    if wanted.binary_search(&k).is_ok() {
                        hits.entry(k).or_default().push(p);
                    }
                })?;
            }
        }
        Ok(hits)
    }

    /// Keeps the recent tier within its budget: the oldest generations go
    /// to the archive as runs, keeping only their archive keys; runs that
    /// piled up on one level are merged. Returns whether anything moved.
    pub fn maintain(&mut self, storage: &dyn IndexStorage) -> Result<bool> {
        let mut moved = false;
        while self.generations.len() > 1 && self.recent_bytes() > self.budget.recent_bytes {
            let g = self.generations.remove(0);
            self.archive(storage, g.first, g.last)?;
            moved = true;
        }
        while let Some(level) = self.crowded_level() {
            let group: Vec<RunMeta> = self
                .runs
                .iter()
                .filter(|r| r.level == level)
                .take(FAN_IN)
                .cloned()
                .collect();
            self.merge(storage, &group, level + 1, &HashSet::new())?;
            moved = true;
        }
        if moved {
            storage.bump_index_version()?;
            self.version = Some(storage.index_version()?);
        }
        Ok(moved)
    }

    /// Merges every run into one, dropping deleted articles' postings.
    /// Returns how many runs there were.
    pub fn compact(&mut self, storage: &dyn IndexStorage) -> Result<usize> {
        self.sync(storage)?;
        let deleted = storage.deleted_articles()?;
        let before = self.runs.len();
        if before > 1 || (before == 1 && !deleted.is_empty()) {
            let level = self.runs.iter().map(|r| r.level).max().unwrap_or(0);
            let all = self.runs.clone();
            self.merge(storage, &all, level, &deleted)?;
            storage.bump_index_version()?;
            self.version = Some(storage.index_version()?);
        }
        if before > 0 || !deleted.is_empty() {
            storage.clear_deleted_articles()?;
        }
        Ok(before)
    }

    fn crowded_level(&self) -> Option<u32> {
        let mut count: BTreeMap<u32, usize> = BTreeMap::new();
        for r in &self.runs {
            *count.entry(r.level).or_default() += 1;
        }
        count
            .into_iter()
            .find(|&(_, n)| n >= FAN_IN)
            .map(|(l, _)| l)
    }

    /// Bytes the recent tier takes in memory.
    pub fn recent_bytes(&self) -> usize {
        self.generations.iter().map(Generation::bytes).sum()
    }

    /// Articles in the recent tier, and archive runs.
    pub fn shape(&self) -> (usize, usize) {
        (
            self.generations.iter().map(|g| g.articles).sum(),
            self.runs.len(),
        )
    }

    /// The oldest article of the recent tier: older ones are archived.
    pub fn recent_from(&self) -> Option<i64> {
        self.generations.first().map(|g| g.first)
    }

    fn archive(&mut self, storage: &dyn IndexStorage, first: i64, last: i64) -> Result<()> {
        let mut entries: Vec<(Key, Posting)> = Vec::new();
        let logged = storage.logged_range(first, last)?;
        for keys in &logged {
            entries.extend(keys.archive_entries());
        }
        entries.sort_unstable();
        entries.dedup();
        let articles = (
            logged.first().map_or(first, |k| k.article),
            logged.last().map_or(last, |k| k.article),
        );
        if !entries.is_empty() {
            let meta = write_run(storage, 0, articles, entries.into_iter())?;
            self.runs.push(meta);
        }
        storage.unlog_range(first, last)
    }

    fn merge(
        &mut self,
        storage: &dyn IndexStorage,
        group: &[RunMeta],
        level: u32,
        deleted: &HashSet<i64>,
    ) -> Result<()> {
        let mut cursors = group
            .iter()
            .map(|r| RunCursor::new(storage, r))
            .collect::<Result<Vec<_>>>()?;
        let mut heap = BinaryHeap::new();
        for (i, c) in cursors.iter_mut().enumerate() {
            if let Some(e) = c.next(storage)? {
                heap.push(std::cmp::Reverse((e, i)));
            }
        }
        let mut runs_out = Vec::new();
        let articles = (
            group.iter().map(|r| r.articles.0).min().unwrap_or(0),
            group.iter().map(|r| r.articles.1).max().unwrap_or(0),
        );
        // Streamed: entries go out block by block as the merge yields them.
        let mut writer = RunWriter::new(storage, level, articles)?;
        let mut last: Option<(Key, Posting)> = None;
        let mut per_key = 0usize;
        while let Some(std::cmp::Reverse((e, i))) = heap.pop() {
            if let Some(next) = cursors[i].next(storage)? {
                heap.push(std::cmp::Reverse((next, i)));
            }
            if last == Some(e) || deleted.contains(&e.1.article) {
                continue;
            }
            per_key = if last.is_some_and(|l| l.0 == e.0) {
                per_key + 1
            } else {
                1
            };
            last = Some(e);
            if per_key <= MAX_POSTINGS_PER_KEY {
                writer.push(storage, e)?;
            }
        }
        if let Some(meta) = writer.finish(storage)? {
            runs_out.push(meta);
        }
        storage.remove_runs(group)?;
        let ids: HashSet<i64> = group.iter().map(|r| r.id).collect();
        self.runs.retain(|r| !ids.contains(&r.id));
        self.runs.extend(runs_out);
        Ok(())
    }
}

/// Writes sorted entries as blocks, then the run.
struct RunWriter {
    level: u32,
    articles: (i64, i64),
    first_block: i64,
    fences: Vec<Key>,
    entries: u64,
    block: Vec<u8>,
    block_first: Key,
    prev_key: Key,
}

impl RunWriter {
    fn new(storage: &dyn IndexStorage, level: u32, articles: (i64, i64)) -> Result<Self> {
        Ok(RunWriter {
            level,
            articles,
            first_block: storage.next_block_id()?,
            fences: Vec::new(),
            entries: 0,
            block: Vec::with_capacity(BLOCK_BYTES + 64),
            block_first: 0,
            prev_key: 0,
        })
    }

    fn push(&mut self, storage: &dyn IndexStorage, (k, p): (Key, Posting)) -> Result<()> {
        // A key's postings stay in one block, so a lookup reads one.
        if self.block.len() >= BLOCK_BYTES && k != self.prev_key {
            self.flush(storage)?;
        }
        if self.block.is_empty() {
            self.block_first = k;
            self.prev_key = k;
        }
        push_varint(&mut self.block, (k - self.prev_key) as u64);
        push_varint(&mut self.block, p.article as u64);
        push_varint(&mut self.block, (p.sentence as u64 + 1) & 0xFFFF);
        self.prev_key = k;
        self.entries += 1;
        Ok(())
    }

    fn flush(&mut self, storage: &dyn IndexStorage) -> Result<()> {
        if self.block.is_empty() {
            return Ok(());
        }
        storage.put_block(self.first_block + self.fences.len() as i64, &self.block)?;
        self.fences.push(self.block_first);
        self.block.clear();
        Ok(())
    }

    fn finish(mut self, storage: &dyn IndexStorage) -> Result<Option<RunMeta>> {
        self.flush(storage)?;
        if self.fences.is_empty() {
            return Ok(None);
        }
        let mut meta = RunMeta {
            id: 0,
            level: self.level,
            first_block: self.first_block,
            fences: self.fences,
            entries: self.entries,
            articles: self.articles,
        };
        meta.id = storage.add_run(&meta)?;
        Ok(Some(meta))
    }
}

fn write_run(
    storage: &dyn IndexStorage,
    level: u32,
    articles: (i64, i64),
    entries: impl Iterator<Item = (Key, Posting)>,
) -> Result<RunMeta> {
    let mut w = RunWriter::new(storage, level, articles)?;
    let mut last_key = None;
    let mut per_key = 0;
    for e in entries {
        per_key = if last_key == Some(e.0) {
            per_key + 1
        } else {
            1
        };
        last_key = Some(e.0);
        if per_key <= MAX_POSTINGS_PER_KEY {
            w.push(storage, e)?;
        }
    }
    w.finish(storage)?
        .ok_or_else(|| Error::invalid("an empty run of the copies index"))
}

/// Decodes a block: each entry, in order.
fn for_each_entry(data: &[u8], first: Key, mut f: impl FnMut(Key, Posting)) -> Result<()> {
    let mut rest = data;
    let mut k = first;
    let bad = || Error::invalid("corrupt block in the copies index");
    let next = |rest: &mut &[u8]| -> Result<u64> {
        let (v, n) = u64::decode_var(rest).ok_or_else(bad)?;
        *rest = &rest[n..];
        Ok(v)
    };
    while !rest.is_empty() {
        k = k.wrapping_add(next(&mut rest)? as Key);
        let article = next(&mut rest)? as i64;
        let sentence = (next(&mut rest)?.wrapping_sub(1) & 0xFFFF) as u16;
        f(k, Posting { article, sentence });
    }
    Ok(())
}

/// Reads a run's entries in order, a block at a time.
struct RunCursor {
    first_block: i64,
    fences: Vec<Key>,
    next_block: usize,
    buffer: std::vec::IntoIter<(Key, Posting)>,
}

impl RunCursor {
    fn new(_storage: &dyn IndexStorage, run: &RunMeta) -> Result<Self> {
        Ok(RunCursor {
            first_block: run.first_block,
            fences: run.fences.clone(),
            next_block: 0,
            buffer: Vec::new().into_iter(),
        })
    }

    fn next(&mut self, storage: &dyn IndexStorage) -> Result<Option<(Key, Posting)>> {
        loop {
            if let Some(e) = self.buffer.next() {
                return Ok(Some(e));
            }
            if self.next_block >= self.fences.len() {
                return Ok(None);
            }
            let data = storage.block(self.first_block + self.next_block as i64)?;
            let mut out = Vec::new();
            for_each_entry(&data, self.fences[self.next_block], |k, p| out.push((k, p)))?;
            self.next_block += 1;
            self.buffer = out.into_iter();
        }
    }
}

/// The index's storage in memory: for an index that lives and dies with
/// the process (tests, one-off runs), and as the reference a store
/// engine's storage is checked against.
#[derive(Debug, Default)]
pub struct MemoryIndexStorage {
    version: RefCell<i64>,
    log: RefCell<BTreeMap<i64, Vec<u8>>>,
    runs: RefCell<Vec<RunMeta>>,
    blocks: RefCell<BTreeMap<i64, Vec<u8>>>,
    deleted: RefCell<HashSet<i64>>,
}

impl MemoryIndexStorage {
    /// Records that an article was deleted: its logged keys go now, its
    /// archive postings at the next full merge ([`CopyIndex::compact`]).
    pub fn forget(&self, article: i64) {
        self.log.borrow_mut().remove(&article);
        self.deleted.borrow_mut().insert(article);
    }
}

impl IndexStorage for MemoryIndexStorage {
    fn index_version(&self) -> Result<i64> {
        Ok(*self.version.borrow())
    }
    fn bump_index_version(&self) -> Result<()> {
        *self.version.borrow_mut() += 1;
        Ok(())
    }
    fn recent_keys(&self, after: i64) -> Result<Vec<ArticleKeys>> {
        self.log
            .borrow()
            .range(after + 1..)
            .map(|(&a, b)| ArticleKeys::decode(a, b))
            .collect()
    }
    fn log_keys(&self, keys: &ArticleKeys) -> Result<()> {
        self.log.borrow_mut().insert(keys.article, keys.encode());
        Ok(())
    }
    fn logged_range(&self, first: i64, last: i64) -> Result<Vec<ArticleKeys>> {
        self.log
            .borrow()
            .range(first..=last)
            .map(|(&a, b)| ArticleKeys::decode(a, b))
            .collect()
    }
    fn unlog_range(&self, first: i64, last: i64) -> Result<()> {
        self.log.borrow_mut().retain(|&a, _| a < first || a > last);
        Ok(())
    }
    fn runs(&self) -> Result<Vec<RunMeta>> {
        Ok(self.runs.borrow().clone())
    }
    fn block(&self, id: i64) -> Result<Vec<u8>> {
        Ok(self.blocks.borrow()[&id].clone())
    }
    fn next_block_id(&self) -> Result<i64> {
        Ok(self.blocks.borrow().keys().last().map_or(1, |k| k + 1))
    }
    fn put_block(&self, id: i64, data: &[u8]) -> Result<()> {
        self.blocks.borrow_mut().insert(id, data.to_vec());
        Ok(())
    }
    fn add_run(&self, run: &RunMeta) -> Result<i64> {
        let id = self.runs.borrow().iter().map(|r| r.id).max().unwrap_or(0) + 1;
        self.runs.borrow_mut().push(RunMeta { id, ..run.clone() });
        Ok(id)
    }
    fn remove_runs(&self, runs: &[RunMeta]) -> Result<()> {
        for r in runs {
            for b in 0..r.fences.len() as i64 {
                self.blocks.borrow_mut().remove(&(r.first_block + b));
            }
        }
        let ids: HashSet<i64> = runs.iter().map(|r| r.id).collect();
        self.runs.borrow_mut().retain(|r| !ids.contains(&r.id));
        Ok(())
    }
    fn deleted_articles(&self) -> Result<HashSet<i64>> {
        Ok(self.deleted.borrow().clone())
    }
    fn clear_deleted_articles(&self) -> Result<()> {
        self.deleted.borrow_mut().clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys of a synthetic article: bands and sentence keys from its id,
    /// with key 7 shared by every article's first sentence.
    fn article(id: i64) -> ArticleKeys {
        let h = |x: u64| key(x.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        ArticleKeys {
            article: id,
            bands: (0..42).map(|b| h((id as u64) << 8 | b)).collect(),
            sentences: (0..20u16)
                .map(|s| SentenceKeys {
                    sentence: s,
                    bands: (0..10)
                        .map(|b| {
                            if s == 0 && b == 0 {
                                7
                            } else {
                                h((id as u64) << 20 | (s as u64) << 8 | b | 1 << 60)
                            }
                        })
                        .collect(),
                    quotes: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn keys_survive_the_log() {
        let a = article(12);
        assert_eq!(ArticleKeys::decode(12, &a.encode()).unwrap(), a);
        assert!(ArticleKeys::decode(12, &a.encode()[..30]).is_err());
        assert_eq!(a.entries().count(), 42 + 20 * 10);
        assert_eq!(
            a.archive_entries().count(),
            ARCHIVE_ARTICLE_BANDS + 20 * ARCHIVE_SENTENCE_BANDS
        );
    }

    #[test]
    fn old_articles_move_to_the_archive_and_are_still_found() {
        let storage = MemoryIndexStorage::default();
        // A budget that holds about one generation.
        let mut index = CopyIndex::new(IndexBudget {
            recent_bytes: 6 << 20,
            ..IndexBudget::default()
        });
        index.sync(&storage).unwrap();
        let n = 5 * GENERATION as i64;
        for id in 1..=n {
            index.add(&storage, &article(id)).unwrap();
            if id % 512 == 0 {
                index.maintain(&storage).unwrap();
            }
        }
        let (recent, runs) = index.shape();
        assert!(recent < 2 * GENERATION + 1, "{recent}");
        assert!(runs >= 1);
        assert!(index.recent_from().unwrap() > 1);
        // An old article: its archive keys are found, the rest are not.
        let old = article(3);
        let kept = old.sentences[5].bands[0];
        let dropped = old.sentences[5].bands[5];
        let hits = index
            .lookup(
                &storage,
                &[kept, dropped, old.bands[0], old.bands[30]],
                &[kept, dropped, old.bands[0], old.bands[30]],
            )
            .unwrap();
        let posting = Posting {
            article: 3,
            sentence: 5,
        };
        assert_eq!(hits.get(&kept), Some(&vec![posting]));
        assert!(!hits.contains_key(&dropped));
        assert_eq!(hits[&old.bands[0]][0].sentence, ARTICLE);
        assert!(!hits.contains_key(&old.bands[30]));
        // A recent article: every key.
        let new = article(n - 3);
        let hits = index
            .lookup(
                &storage,
                &[new.sentences[2].bands[9]],
                &[new.sentences[2].bands[9]],
            )
            .unwrap();
        assert_eq!(hits.values().next().unwrap()[0].article, n - 3);
        // The key every article shares: capped, oldest kept in the archive.
        let shared = index.lookup(&storage, &[7], &[7]).unwrap();
        assert!(shared[&7].iter().any(|p| p.article == 1));
        // A fresh index over the same storage sees the same.
        let mut again = CopyIndex::new(IndexBudget {
            recent_bytes: 6 << 20,
            ..IndexBudget::default()
        });
        again.sync(&storage).unwrap();
        assert_eq!(again.shape(), index.shape());
        assert_eq!(
            again.lookup(&storage, &[kept], &[kept]).unwrap(),
            index.lookup(&storage, &[kept], &[kept]).unwrap()
        );
    }

    #[test]
    fn compaction_merges_runs_and_drops_deleted_articles() {
        let storage = MemoryIndexStorage::default();
        let mut index = CopyIndex::new(IndexBudget {
            recent_bytes: 1,
            ..IndexBudget::default()
        });
        index.sync(&storage).unwrap();
        for id in 1..=(3 * GENERATION as i64 + 10) {
            index.add(&storage, &article(id)).unwrap();
            if id % GENERATION as i64 == 0 {
                index.maintain(&storage).unwrap();
            }
        }
        assert!(index.shape().1 >= 2, "{:?}", index.shape());
        let k = article(2).sentences[1].bands[0];
        assert_eq!(
            index.lookup(&storage, &[k], &[k]).unwrap()[&k][0].article,
            2
        );
        storage.forget(2);
        index.compact(&storage).unwrap();
        assert_eq!(index.shape().1, 1);
        assert!(!index.lookup(&storage, &[k], &[k]).unwrap().contains_key(&k));
        let k3 = article(3).sentences[1].bands[1];
        assert_eq!(
            index.lookup(&storage, &[k3], &[k3]).unwrap()[&k3][0].article,
            3
        );
        assert!(storage.deleted.borrow().is_empty());
    }
}
