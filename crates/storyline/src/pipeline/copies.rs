//! Runs the copies stage on newly stored articles, inside the transaction
//! that stored them: find their near-duplicates and reused sentences
//! through the copies index ([`crate::copies::index`]), then judge them and
//! the articles they were matched with.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};

use crate::article::NewArticle;
use crate::copies;
use crate::copies::Fingerprint;
use crate::copies::index::{ARTICLE, ArticleKeys, GENERATION, Key};
use crate::copies::paraphrase::{PARAPHRASE_THRESHOLD, SentenceProfile};
use crate::copies::shingles::jaccard_at_least;
use crate::copies::usage::{self, Usage};
use crate::copies::{
    SentenceMatch, assess_spin_with, assess_stitch_with, minhash::MIN_THRESHOLD, word_diff,
};
use crate::error::Result;
use crate::store::copies::{NearCandidate, SentenceCandidate, StoredText, earlier};
use crate::store::{Batch, Store};
use crate::text::{AnalyzedText, fingerprint_text};

/// At most this many candidate sentences are scored per sentence: a line
/// carried by thousands of articles (a boilerplate footer) must not make
/// each new article cost thousands of comparisons.
const MAX_CANDIDATES_PER_SENTENCE: usize = 32;
/// At most this many articles are checked as near-duplicates of a new one.
/// A story syndicated a thousand times puts a thousand copies in the same
/// buckets; linking a new copy to a few hundred of them keeps the group
/// connected without making each arrival cost the whole group.
const MAX_NEAR_CANDIDATES: usize = 256;
/// At most this many (article, sentence) candidates are read per sentence.
const MAX_SENTENCE_CANDIDATES: usize = 128;
/// At most this many articles found in the archive are aligned with in
/// full per arrival, those with the most sentences found first.
const MAX_ARCHIVED_ALIGNED: usize = 8;
/// Articles at least this similar (Jaccard of shingles) are close copies:
/// a new article's sentences are settled against the closest one.
const FAMILY_THRESHOLD: f64 = 0.8;

/// Texts and usage counts read during one step, so each is read once.
#[derive(Default)]
struct Texts {
    cache: HashMap<i64, Option<StoredText>>,
    /// Usage counts read while judging (0 for a key the store lacks). The
    /// counts of a step are added before its first judgement
    /// ([`Batch::count_usage`]) and stay as they are until it ends, and the
    /// articles judged share most of their words: each key is read once.
    /// Keys come from article text: a seeded hasher keeps them from being
    /// chosen to collide.
    usage: foldhash::HashMap<u64, u32>,
}

impl Texts {
    fn get(&mut self, batch: &Batch<'_>, id: i64) -> Result<Option<&StoredText>> {
        if let Entry::Vacant(e) = self.cache.entry(id) {
            e.insert(batch.stored_text(id)?);
        }
        Ok(self.cache.get(&id).and_then(Option::as_ref))
    }

    /// The store's usage counts of `keys`, as [`Batch::usage_counts`] reads
    /// them, the keys not read yet in this step read in one query. Only
    /// for judging: the counts must not change while the cache lives.
    fn usage_counts(
        &mut self,
        batch: &Batch<'_>,
        keys: &[u64],
    ) -> Result<foldhash::HashMap<u64, u32>> {
        let unread: Vec<u64> = keys
            .iter()
            .copied()
            .filter(|k| !self.usage.contains_key(k))
            .collect();
        if !unread.is_empty() {
            let read = batch.usage_counts(&unread)?;
            for k in unread {
                self.usage.insert(k, read.get(&k).copied().unwrap_or(0));
            }
        }
        Ok(keys
            .iter()
            .filter_map(|k| self.usage.get(k).filter(|&&n| n > 0).map(|&n| (*k, n)))
            .collect())
    }
}

/// What the copies stage needs of a stored article.
#[derive(Debug, Clone, Copy)]
pub struct Arrival<'a> {
    /// The article's id.
    pub id: i64,
    /// Its fingerprint.
    pub fingerprint: &'a Fingerprint,
    /// Its text and sentences.
    pub analyzed: &'a AnalyzedText,
    /// Its date.
    pub date: Option<&'a str>,
}

impl<'a> Arrival<'a> {
    /// The copies-stage view of a newly stored article.
    pub fn of(id: i64, article: &'a NewArticle) -> Self {
        Arrival {
            id,
            fingerprint: &article.fingerprint,
            analyzed: &article.analyzed,
            date: article.date.as_deref(),
        }
    }
}

/// Finds the copies of `changed` articles (already stored in `batch`) and
/// updates the verdicts of every article whose evidence changed. Each
/// arrival goes through the steps below, one function each.
pub fn update(batch: &Batch<'_>, changed: &[Arrival<'_>]) -> Result<()> {
    if batch.copy_index_needs_rebuild()? {
        reindex(batch)?;
    }
    let mut work = Work::default();
    // Keys of article text: seeded, no SipHash (see [`Texts::usage`]).
    let mut counts: foldhash::HashMap<u64, u32> = foldhash::HashMap::default();
    for article in changed {
        let (id, fp) = (article.id, article.fingerprint);
        batch.save_fingerprint(id, fp)?;
        work.affected.insert(id);
        if let Some(first) = batch.exact_duplicate_of(id, fp.text_hash)? {
            link_reprint(batch, article, first, &mut work)?;
            continue;
        }
        // A reprint is not counted: a spun phrase reprinted ten times is
        // still one spinner's.
        for k in usage::counted_keys(article.analyzed) {
            *counts.entry(k).or_default() += 1;
        }
        let found = look_up(batch, article)?;
        let near = match_near_duplicates(batch, article, &found)?;
        let settled = settle_against_closest(batch, article, near.closest, &mut work)?;
        // Indexed after the lookup: with its own rows in the index, a long
        // article whose sentences share keys would meet itself.
        batch.with_copy_index(|index, storage| {
            index.add(storage, &ArticleKeys::of(id, fp, |i| !settled.contains(&i)))
        })?;
        let candidates = sentence_candidates(batch, article, &found, &settled, &mut work)?;
        score_sentences(batch, article, candidates, &near.skip, &mut work)?;
    }
    batch.count_usage(&counts)?;
    for id in std::mem::take(&mut work.affected) {
        judge(batch, id, &mut work.texts)?;
    }
    batch.with_copy_index(|index, storage| index.maintain(storage))?;
    Ok(())
}

/// What one call of [`update`] carries from article to article.
#[derive(Default)]
struct Work {
    texts: Texts,
    /// Other articles' sentences, normalised and profiled once.
    theirs: HashMap<(i64, usize), (String, SentenceProfile)>,
    /// Articles to judge again at the end.
    affected: BTreeSet<i64>,
}

/// Step 1, for a verbatim reprint: it is linked to the first copy of its
/// text, and its sentences to that copy's: the rest follows from there.
/// This keeps a text reprinted a thousand times linear in the store, and
/// a reprint is not indexed (the first copy answers for it).
fn link_reprint(
    batch: &Batch<'_>,
    article: &Arrival<'_>,
    first: i64,
    work: &mut Work,
) -> Result<()> {
    let id = article.id;
    batch.save_near_duplicate(id, first, 1.0, true)?;
    for i in 0..article.analyzed.sentences.len() {
        batch.save_reuse(
            id,
            &SentenceMatch {
                sentence: i,
                other_article: first,
                other_sentence: i,
                score: 1.0,
                verbatim: true,
            },
        )?;
    }
    let first_date = work.texts.get(batch, first)?.and_then(|t| t.date.clone());
    if earlier((id, article.date), (first, first_date.as_deref())) {
        work.affected.insert(first);
    }
    Ok(())
}

/// Another article's sentence that shares keys with one of the arrival's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shared {
    /// The article and its sentence.
    pair: (i64, usize),
    /// How many of our sentence's keys it shares.
    keys: usize,
}

/// Candidates best first: those sharing the most keys, then the earliest
/// articles (the likelier sources). The candidates of a sentence are
/// capped ([`MAX_SENTENCE_CANDIDATES`], [`MAX_CANDIDATES_PER_SENTENCE`]),
/// and one common band (two frequent stems) can put a hundred unrelated
/// sentences beside the one that shares all ten: in article order the cap
/// kept those that came first and dropped the source itself.
fn ranked(pairs: HashMap<(i64, usize), usize>) -> Vec<Shared> {
    let mut out: Vec<Shared> = pairs
        .into_iter()
        .map(|(pair, keys)| Shared { pair, keys })
        .collect();
    out.sort_unstable_by_key(|c| (std::cmp::Reverse(c.keys), c.pair));
    out
}

/// What the index holds for an arrival's keys.
struct Found {
    /// Articles sharing an article-level key, in id order.
    articles: Vec<i64>,
    /// Per sentence of the arrival, the (article, sentence) pairs sharing
    /// one of its keys, without repeats, best first ([`ranked`]).
    sentences: Vec<Vec<Shared>>,
    /// Older articles found in the archive, most hits first: aligned with
    /// in full, since the archive keeps only some of their keys.
    archived: Vec<i64>,
}

/// Step 2: one lookup of every key of the arrival.
fn look_up(batch: &Batch<'_>, article: &Arrival<'_>) -> Result<Found> {
    let id = article.id;
    let keys = ArticleKeys::of(id, article.fingerprint, |_| true);
    let all: Vec<Key> = keys.entries().map(|(k, _)| k).collect();
    let archive: Vec<Key> = keys.archive_entries().map(|(k, _)| k).collect();
    let (hits, recent_from) = batch.with_copy_index(|index, storage| {
        Ok((index.lookup(storage, &all, &archive)?, index.recent_from()))
    })?;
    let is_archived = |a: i64| recent_from.is_none_or(|r| a < r);
    let mut articles = BTreeSet::new();
    let mut archived: HashMap<i64, usize> = HashMap::new();
    for k in &keys.bands {
        for p in hits.get(k).into_iter().flatten() {
            if p.sentence == ARTICLE && p.article != id {
                articles.insert(p.article);
            }
        }
    }
    let mut sentences = vec![Vec::new(); article.analyzed.sentences.len()];
    for s in &keys.sentences {
        let mut mine: HashMap<(i64, usize), usize> = HashMap::new();
        for k in s.bands.iter().chain(&s.quotes) {
            // A key's postings may repeat a sentence (its generations and
            // runs are read in turn): each key counts once per sentence.
            let mut seen: BTreeSet<(i64, usize)> = BTreeSet::new();
            for p in hits.get(k).into_iter().flatten() {
                if p.sentence != ARTICLE && p.article != id {
                    seen.insert((p.article, p.sentence as usize));
                }
            }
            for pair in seen {
                *mine.entry(pair).or_default() += 1;
            }
        }
        for &(a, _) in mine.keys() {
            if is_archived(a) {
                *archived.entry(a).or_default() += 1;
            }
        }
        if let Some(slot) = sentences.get_mut(s.sentence as usize) {
            let mut all = ranked(mine);
            all.truncate(MAX_SENTENCE_CANDIDATES);
            *slot = all;
        }
    }
    let mut archived: Vec<(i64, usize)> = archived.into_iter().collect();
    archived.sort_by_key(|&(a, n)| (std::cmp::Reverse(n), a));
    Ok(Found {
        articles: articles.into_iter().collect(),
        sentences,
        archived: archived
            .into_iter()
            .take(MAX_ARCHIVED_ALIGNED)
            .map(|(a, _)| a)
            .collect(),
    })
}

/// What step 3 decided.
struct NearDuplicates {
    /// The closest copy at least [`FAMILY_THRESHOLD`] similar.
    closest: Option<i64>,
    /// Articles whose sentences add nothing: close copies other than the
    /// closest, and exact copies of one text but the first.
    skip: BTreeSet<i64>,
}

/// Step 3: near-duplicates, verified on the shingles.
fn match_near_duplicates(
    batch: &Batch<'_>,
    article: &Arrival<'_>,
    found: &Found,
) -> Result<NearDuplicates> {
    let (id, fp) = (article.id, article.fingerprint);
    let mut ids: Vec<i64> = found
        .articles
        .iter()
        .copied()
        .take(MAX_NEAR_CANDIDATES)
        .collect();
    ids.extend(
        found
            .archived
            .iter()
            .filter(|a| !found.articles.contains(a)),
    );
    // Exact copies of one text are one source for sentence matching:
    // only the first of each is compared sentence by sentence.
    let mut first_of_text: HashMap<u64, i64> = HashMap::new();
    let mut skip: BTreeSet<i64> = BTreeSet::new();
    let mut base: Option<(i64, f64)> = None;
    for NearCandidate {
        id: other,
        text_hash: hash,
        shingles,
    } in batch.near_duplicate_candidates(&ids)?
    {
        if let Some(j) = jaccard_at_least(&fp.shingles, &shingles, MIN_THRESHOLD) {
            batch.save_near_duplicate(id, other, j, hash == fp.text_hash)?;
            if j >= FAMILY_THRESHOLD {
                // A close copy of an earlier article: its sentences are
                // that article's, and its other copies add nothing.
                skip.insert(other);
                if base.is_none_or(|(b, bj)| j > bj || (j == bj && other < b)) {
                    base = Some((other, j));
                }
            }
        }
        let first = first_of_text.entry(hash).or_insert(other);
        if *first != other {
            skip.insert(other.max(*first));
            *first = other.min(*first);
        }
    }
    // The closest copy stays a candidate for the sentences it does not
    // carry word for word: they are where a rewrite shows.
    if let Some((b, _)) = base {
        skip.remove(&b);
    }
    Ok(NearDuplicates {
        closest: base.map(|(b, _)| b),
        skip,
    })
}

/// Step 4: sentences the closest copy carries word for word are linked to
/// it and settled; only the rest are indexed and matched, so a story
/// syndicated a thousand times costs each copy its own changes.
fn settle_against_closest(
    batch: &Batch<'_>,
    article: &Arrival<'_>,
    closest: Option<i64>,
    work: &mut Work,
) -> Result<BTreeSet<usize>> {
    let mut settled = BTreeSet::new();
    let Some(b) = closest else {
        return Ok(settled);
    };
    let Some(base_text) = work.texts.get(batch, b)? else {
        return Ok(settled);
    };
    let by_words: HashMap<String, usize> = (0..base_text.sentences.len())
        .map(|k| (fingerprint_text(base_text.sentence(k)), k))
        .collect();
    for (i, s) in article.analyzed.sentences.iter().enumerate() {
        let key = fingerprint_text(&article.analyzed.text[s.start..s.end]);
        if let Some(&k) = by_words.get(&key) {
            settled.insert(i);
            batch.save_reuse(
                article.id,
                &SentenceMatch {
                    sentence: i,
                    other_article: b,
                    other_sentence: k,
                    score: 1.0,
                    verbatim: true,
                },
            )?;
        }
    }
    Ok(settled)
}

/// Step 5: the sentence pairs worth scoring. The index's pairs, and for
/// an article found in the archive, every pair that shares a key once its
/// keys are computed again from its text: the archive finds the article,
/// this finds its sentences as a full index would.
fn sentence_candidates(
    batch: &Batch<'_>,
    article: &Arrival<'_>,
    found: &Found,
    settled: &BTreeSet<usize>,
    work: &mut Work,
) -> Result<Vec<SentenceCandidate>> {
    let mut pairs: Vec<HashMap<(i64, usize), usize>> = found
        .sentences
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if settled.contains(&i) {
                HashMap::new()
            } else {
                c.iter().map(|s| (s.pair, s.keys)).collect()
            }
        })
        .collect();
    for &other in &found.archived {
        let Some(text) = work.texts.get(batch, other)? else {
            continue;
        };
        let theirs = copies::fingerprint(&text.analyzed());
        let mut by_key: HashMap<u64, Vec<usize>> = HashMap::new();
        for (j, keys) in theirs.sentence_bands.iter().enumerate() {
            for &k in keys {
                by_key.entry(k).or_default().push(j);
            }
        }
        for (i, keys) in article.fingerprint.sentence_bands.iter().enumerate() {
            if settled.contains(&i) {
                continue;
            }
            // Every key of theirs is here, not only the archive's: the
            // count replaces what the archive alone found.
            let mut shared: HashMap<usize, usize> = HashMap::new();
            for k in keys {
                for &j in by_key.get(k).into_iter().flatten() {
                    *shared.entry(j).or_default() += 1;
                }
            }
            for (j, n) in shared {
                let count = pairs[i].entry((other, j)).or_default();
                *count = (*count).max(n);
            }
        }
    }
    Ok(pairs
        .into_iter()
        .enumerate()
        .flat_map(|(i, set)| {
            ranked(set).into_iter().map(move |c| SentenceCandidate {
                sentence: i,
                other_article: c.pair.0,
                other_sentence: c.pair.1,
            })
        })
        .collect())
}

/// Step 6: scores each candidate pair and keeps those that pass, marking
/// the other article for judging when this one could be its source.
fn score_sentences(
    batch: &Batch<'_>,
    article: &Arrival<'_>,
    candidates: Vec<SentenceCandidate>,
    skip: &BTreeSet<i64>,
    work: &mut Work,
) -> Result<()> {
    let (id, text, me_date) = (article.id, article.analyzed, article.date);
    let mut per_sentence: HashMap<usize, usize> = HashMap::new();
    let mut mine: HashMap<usize, (String, SentenceProfile)> = HashMap::new();
    for SentenceCandidate {
        sentence: i,
        other_article: other,
        other_sentence: j,
    } in candidates
    {
        if skip.contains(&other) {
            continue;
        }
        let seen = per_sentence.entry(i).or_default();
        if *seen >= MAX_CANDIDATES_PER_SENTENCE {
            continue;
        }
        *seen += 1;
        if let Entry::Vacant(e) = work.theirs.entry((other, j)) {
            let Some(other_text) = work.texts.get(batch, other)? else {
                continue;
            };
            let sentence = other_text.sentence(j);
            let profile = SentenceProfile::new_in(sentence, other_text.lang);
            e.insert((fingerprint_text(sentence), profile));
        }
        let (their_key, their_profile) = &work.theirs[&(other, j)];
        let (our_key, our_profile) = mine.entry(i).or_insert_with(|| {
            let s = text.sentences[i];
            let ours = &text.text[s.start..s.end];
            (
                fingerprint_text(ours),
                SentenceProfile::new_in(ours, text.lang),
            )
        });
        let verbatim = our_key == their_key;
        let score = if verbatim {
            1.0
        } else {
            let s = text.sentences[i];
            let ours = &text.text[s.start..s.end];
            let theirs = work
                .texts
                .get(batch, other)?
                .map(|t| t.sentence(j).to_string())
                .unwrap_or_default();
            copies::reuse_score(ours, our_profile, &theirs, their_profile, text.lang)
        };
        if score >= PARAPHRASE_THRESHOLD {
            batch.save_reuse(
                id,
                &SentenceMatch {
                    sentence: i,
                    other_article: other,
                    other_sentence: j,
                    score,
                    verbatim,
                },
            )?;
            // The other article's evidence changes only if this one
            // could be its source.
            let other_date = work.texts.get(batch, other)?.and_then(|t| t.date.clone());
            if earlier((id, me_date), (other, other_date.as_deref())) {
                work.affected.insert(other);
            }
        }
    }
    Ok(())
}

/// Indexes every stored article again from its text (a store made before
/// the index had tiers): the first copy of each text, every sentence.
fn reindex(batch: &Batch<'_>) -> Result<()> {
    let mut first_of_text: BTreeSet<u64> = BTreeSet::new();
    for (n, (id, hash)) in batch.fingerprinted_articles()?.into_iter().enumerate() {
        if !first_of_text.insert(hash) {
            continue;
        }
        let Some(stored) = batch.stored_text(id)? else {
            continue;
        };
        let fp = copies::fingerprint(&stored.analyzed());
        batch.with_copy_index(|index, storage| {
            index.add(storage, &ArticleKeys::of(id, &fp, |_| true))?;
            if n % GENERATION == GENERATION - 1 {
                index.maintain(storage)?;
            }
            Ok(())
        })?;
    }
    batch.copy_index_rebuilt()
}

/// Recomputes the spin and stitch verdicts of one article from what the
/// store holds now.
fn judge(batch: &Batch<'_>, id: i64, texts: &mut Texts) -> Result<()> {
    let Some(me) = texts.get(batch, id)?.cloned() else {
        return Ok(());
    };
    let matches = batch.reuse_of(id)?;
    let mut dates: HashMap<i64, Option<String>> = HashMap::new();
    let mut earlier_matches: Vec<SentenceMatch> = Vec::new();
    for m in matches {
        if let Entry::Vacant(e) = dates.entry(m.other_article) {
            e.insert(
                texts
                    .get(batch, m.other_article)?
                    .and_then(|t| t.date.clone()),
            );
        }
        let other_date = dates[&m.other_article].as_deref();
        if earlier((m.other_article, other_date), (id, me.date.as_deref())) {
            earlier_matches.push(m);
        }
    }
    // Attribute each sentence to the source that supplied the most of the
    // article (a greedy cover): a sentence that several earlier articles
    // carry goes to the one the rest of the article came from, so a copy of
    // one report is not mistaken for a patchwork of its reprints.
    let mut coverage: HashMap<i64, BTreeSet<usize>> = HashMap::new();
    for m in &earlier_matches {
        coverage
            .entry(m.other_article)
            .or_default()
            .insert(m.sentence);
    }
    let mut best: HashMap<usize, SentenceMatch> = HashMap::new();
    for m in earlier_matches {
        let rank =
            |x: &SentenceMatch| (coverage[&x.other_article].len(), x.score, -x.other_article);
        match best.get(&m.sentence) {
            Some(b) if rank(b) >= rank(&m) => {}
            _ => {
                best.insert(m.sentence, m);
            }
        }
    }
    let mut from: Vec<SentenceMatch> = best.into_values().collect();
    from.sort_by_key(|m| m.sentence);
    let mut with_diffs = Vec::with_capacity(from.len());
    for m in &from {
        let source = texts
            .get(batch, m.other_article)?
            .map(|t| t.sentence(m.other_sentence).to_string())
            .unwrap_or_default();
        with_diffs.push((m.clone(), word_diff(&source, me.sentence(m.sentence))));
    }
    let analyzed = me.analyzed();
    let reprint = batch
        .near_duplicates_of(id)?
        .iter()
        .any(|n| n.exact && n.other < id);
    // The words and thesaurus entries of its sentences, found once for the
    // counts to read and the rule that reads them.
    let phrases = usage::Phrases::of(&analyzed);
    let usage = Usage {
        stream: texts.usage_counts(batch, &phrases.needed_keys())?,
        counts_itself: !reprint,
    };
    let spin = assess_spin_with(&analyzed, &phrases, &with_diffs, &usage);
    let mut groups: HashMap<i64, i64> = HashMap::new();
    for m in &from {
        if let Entry::Vacant(e) = groups.entry(m.other_article) {
            let root = batch
                .near_duplicates_of(m.other_article)?
                .into_iter()
                .map(|n| n.other)
                .chain([m.other_article])
                .min()
                .unwrap_or(m.other_article);
            e.insert(root);
        }
    }
    let stitch = assess_stitch_with(&analyzed, &phrases, &from, |a| {
        groups.get(&a).copied().unwrap_or(a)
    });
    batch.save_verdicts(id, &spin, &stitch)
}

/// Deletes articles and re-judges the articles that were matched with
/// them. A verbatim reprint of a deleted article is indexed in its place.
pub fn delete(store: &mut Store, ids: &[i64]) -> Result<usize> {
    let mut partners = BTreeSet::new();
    let mut reprinted = Vec::new();
    for &id in ids {
        for m in store.reuse_of(id)? {
            partners.insert(m.other_article);
        }
        for n in store.near_duplicates_of(id)? {
            if n.exact {
                reprinted.push(n.other);
            }
        }
    }
    let n = store.delete_articles(ids)?;
    let deleted: BTreeSet<i64> = ids.iter().copied().collect();
    let batch = store.begin()?;
    let mut texts = Texts::default();
    // The reprints of a deleted text are matched again, in order: the first
    // survivor is indexed in the deleted one's place, the rest link to it.
    let mut hashes = BTreeSet::new();
    for other in reprinted.into_iter().filter(|o| !deleted.contains(o)) {
        if let Some(hash) = batch.text_hash_of(other)? {
            hashes.insert(hash);
        }
    }
    for hash in hashes {
        for id in batch.with_text_hash(hash)? {
            let Some(stored) = batch.stored_text(id)? else {
                continue;
            };
            let analyzed = stored.analyzed();
            let fingerprint = copies::fingerprint(&analyzed);
            let arrival = Arrival {
                id,
                fingerprint: &fingerprint,
                analyzed: &analyzed,
                date: stored.date.as_deref(),
            };
            update(&batch, &[arrival])?;
        }
    }
    for id in partners.difference(&deleted) {
        judge(&batch, *id, &mut texts)?;
    }
    batch.commit()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use crate::copies::index::IndexBudget;
    use crate::ingest::IngestOptions;
    use crate::store::Store;

    fn corpus_lines() -> Vec<String> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/jsonl/ecbplus.jsonl");
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Ingests the lines a few at a time, as a stream arrives, so the
    /// index's upkeep runs between arrivals.
    fn ingest_in_steps(store: &mut Store, lines: &[String]) {
        for chunk in lines.chunks(6) {
            let chunk: Vec<&str> = chunk.iter().map(String::as_str).collect();
            let r = crate::pipeline::tests::ingest_lines(store, &chunk);
            assert!(r.errors.is_empty(), "{:?}", r.errors);
        }
    }

    /// Every (article, other article) pair the store links, by input id.
    fn links(store: &Store) -> BTreeSet<(String, String)> {
        let name = |id: i64| store.article(id).unwrap().unwrap().ref_id.unwrap();
        let mut out = BTreeSet::new();
        for r in store.reuse_rows(usize::MAX).unwrap() {
            out.insert((name(r.article), name(r.found.other_article)));
        }
        for p in store.near_duplicate_pairs(0.0).unwrap() {
            out.insert((name(p.a), name(p.b)));
        }
        out
    }

    /// A rewrite of an early article, arriving last: its first paragraph
    /// dropped, its verbs of saying swapped.
    fn rewrite_of(line: &str) -> String {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = v["text"].as_str().unwrap();
        let rest = text.split_once("\n\n").map_or(text, |(_, r)| r);
        v["text"] = rest
            .replace(" said ", " stated ")
            .replace(" has ", " had ")
            .into();
        v["id"] = "rewrite".into();
        v.to_string()
    }

    /// The two seed articles, alone in a fresh store (their sources never
    /// arrive): both are spun and stitched, and the evidence names the
    /// spun phrases with their usual forms and the seams between sources.
    #[test]
    fn the_seeds_alone_are_spun_and_stitched_with_their_evidence() {
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/seeds");
        let mut store = Store::open_in_memory().unwrap();
        let report =
            crate::pipeline::ingest(&mut store, &[seeds], &IngestOptions::default(), &|_| {})
                .unwrap();
        assert_eq!(report.added, 2, "{report:?}");
        for a in store.articles(10, 0).unwrap() {
            let v = store.verdicts(a.id).unwrap().expect("judged");
            let (spin, stitch) = (&v.spin, &v.stitch);
            assert!(
                spin.spun && stitch.stitched,
                "{}: {spin:#?} {stitch:#?}",
                a.id
            );
            let rare: Vec<(&str, &str)> = spin
                .signals
                .iter()
                .filter(|s| s.kind == crate::copies::SignalKind::RareVariant)
                .map(|s| (s.text.as_str(), s.usual.as_deref().unwrap_or("")))
                .collect();
            assert!(!rare.is_empty(), "{}: {:#?}", a.id, spin.signals);
            // "Russian Federation" is spun for "Russia" in both seeds.
            assert!(
                rare.contains(&("Russian Federation", "Russia")),
                "{}: {rare:?}",
                a.id
            );
            assert!(stitch.seams.len() >= 2, "{}: {stitch:#?}", a.id);
            assert!(stitch.seams.iter().all(|&i| i > 0 && i < 200));
        }
    }

    #[test]
    fn the_archive_finds_what_the_full_index_finds() {
        let mut lines = corpus_lines();
        let source = lines
            .iter()
            .find(|l| l.contains("\"1_11ecb\""))
            .unwrap()
            .clone();
        lines.push(rewrite_of(&source));

        let mut full = Store::open_in_memory().unwrap();
        ingest_in_steps(&mut full, &lines);
        // Generations of four articles, and no room for more than one:
        // all but the last few articles are matched through the archive.
        let mut tiered = Store::open_in_memory().unwrap();
        tiered.set_copy_index_budget(IndexBudget {
            recent_bytes: 1,
            generation: 4,
        });
        ingest_in_steps(&mut tiered, &lines);
        let stats = tiered.copy_index_stats().unwrap();
        assert!(stats.runs >= 1 && stats.archive_entries > 0, "{stats:?}");
        assert!(stats.recent_articles < 12, "{stats:?}");

        let (want, got) = (links(&full), links(&tiered));
        assert!(want.len() > 20, "{}", want.len());
        let kept = want.intersection(&got).count();
        assert!(
            kept * 100 >= want.len() * 95,
            "{kept} of {}: missed {:?}",
            want.len(),
            want.difference(&got).collect::<Vec<_>>()
        );
        // The rewrite of an article long gone to the archive is still
        // matched sentence by sentence.
        let id = |s: &Store, r: &str| s.resolve(r).unwrap().unwrap();
        let (rewrite, source) = (id(&tiered, "rewrite"), id(&tiered, "1_11ecb"));
        let sentences = tiered.article(rewrite).unwrap().unwrap().sentences.len();
        let matched: BTreeSet<usize> = tiered
            .reuse_of(rewrite)
            .unwrap()
            .into_iter()
            .filter(|m| m.other_article == source)
            .map(|m| m.sentence)
            .collect();
        assert!(
            sentences >= 4 && matched.len() * 2 >= sentences,
            "{} of {sentences}",
            matched.len()
        );
    }

    #[test]
    fn a_rolled_back_batch_leaves_nothing_in_the_index() {
        let lines = corpus_lines();
        let mut store = Store::open_in_memory().unwrap();
        ingest_in_steps(&mut store, &lines[..6]);
        // An article indexed in a batch that rolls back: its id is given
        // again to the next article.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("rolled-back.jsonl");
        std::fs::write(&file, &lines[40]).unwrap();
        let (articles, _) = crate::pipeline::read_articles(&[file], &IngestOptions::default());
        let rolled_back =
            crate::pipeline::store_batch(&mut store, &articles, &crate::Cancel::new(), |_, _| {
                Err(crate::Error::invalid("roll back"))
            });
        assert!(rolled_back.is_err());
        assert_eq!(store.stats().unwrap().articles, 6);
        ingest_in_steps(&mut store, &lines[8..9]);
        let original = store.resolve(&ref_of(&lines[8])).unwrap().unwrap();
        // A light edit of it (its last paragraph gone) finds it.
        let mut v: serde_json::Value = serde_json::from_str(&lines[8]).unwrap();
        let text = v["text"].as_str().unwrap().to_string();
        let cut = text.trim_end().rfind("\n\n").unwrap();
        v["text"] = text[..cut].into();
        v["id"] = "edited".into();
        ingest_in_steps(&mut store, &[v.to_string()]);
        let edited = store.resolve("edited").unwrap().unwrap();
        let near: Vec<i64> = store
            .near_duplicates_of(edited)
            .unwrap()
            .into_iter()
            .map(|n| n.other)
            .collect();
        assert!(near.contains(&original), "{near:?}");
    }

    fn ref_of(line: &str) -> String {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        v["id"].as_str().unwrap().to_string()
    }

    /// A sentence whose frequent words put it in one band with many others
    /// (the corpus's busiest sentence keys carry a hundred postings) is
    /// still matched with its source. The index finds the source, sharing
    /// every key, among sentences that share one; read in article order,
    /// the cap on candidates per sentence kept the crowd of earlier
    /// articles and dropped the source. The arrival, a patchwork of such
    /// sentences from several reports stored by an earlier process, is
    /// matched sentence by sentence with each.
    #[test]
    fn a_sentence_in_a_crowded_band_is_matched_with_its_source_by_a_later_process() {
        use std::collections::HashMap;

        use super::MAX_CANDIDATES_PER_SENTENCE;
        use crate::copies;
        use crate::copies::index::{ARTICLE, ArticleKeys, Key};
        use crate::text::fingerprint_text;

        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("store.db");
        {
            let mut store = Store::open(&db).unwrap();
            let report =
                crate::pipeline::ingest(&mut store, &[corpus], &IngestOptions::default(), &|_| {})
                    .unwrap();
            assert!(report.added > 300, "{report:?}");
        }
        // A later process: its recent tier is loaded from the store.
        let mut store = Store::open(&db).unwrap();

        // Stored sentences, each with the sentences ahead of it in article
        // order that share one of its keys: the crowd that filled the cap.
        let mut crowded: Vec<(usize, i64, usize, String)> = Vec::new();
        {
            let batch = store.begin().unwrap();
            let mut texts = std::collections::BTreeSet::new();
            for (id, hash) in batch.fingerprinted_articles().unwrap() {
                // A reprint is not indexed: the first copy answers for it.
                if !texts.insert(hash) {
                    continue;
                }
                let text = batch.stored_text(id).unwrap().unwrap();
                let keys = ArticleKeys::of(id, &copies::fingerprint(&text.analyzed()), |_| true);
                for s in &keys.sentences {
                    let all: Vec<Key> = s.bands.iter().chain(&s.quotes).copied().collect();
                    let hits = batch
                        .with_copy_index(|index, storage| index.lookup(storage, &all, &[]))
                        .unwrap();
                    let mut shared: HashMap<(i64, usize), usize> = HashMap::new();
                    for k in &all {
                        let mut pairs: Vec<(i64, usize)> = hits
                            .get(k)
                            .into_iter()
                            .flatten()
                            .filter(|p| p.sentence != ARTICLE)
                            .map(|p| (p.article, p.sentence as usize))
                            .collect();
                        pairs.sort_unstable();
                        pairs.dedup();
                        for pair in pairs {
                            *shared.entry(pair).or_default() += 1;
                        }
                    }
                    let me = (id, s.sentence as usize);
                    // The sentence itself is indexed, and no other sentence
                    // carries every one of its keys (no copy of it).
                    let whole = shared.values().filter(|&&n| n == all.len()).count();
                    if shared.get(&me) != Some(&all.len()) || whole != 1 {
                        continue;
                    }
                    let ahead = shared.keys().filter(|&&p| p < me).count();
                    let sentence = text.sentence(me.1).to_string();
                    crowded.push((ahead, id, me.1, sentence));
                }
            }
        }
        crowded.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut picked: Vec<(i64, usize, String)> = Vec::new();
        for (ahead, id, s, sentence) in crowded {
            if picked.len() == 6 {
                break;
            }
            assert!(
                ahead > MAX_CANDIDATES_PER_SENTENCE,
                "only {} crowded sentences",
                picked.len()
            );
            if picked.iter().all(|p| p.0 != id) {
                picked.push((id, s, sentence));
            }
        }
        assert_eq!(picked.len(), 6);

        let text: Vec<&str> = picked.iter().map(|p| p.2.as_str()).collect();
        let line = serde_json::json!({"id": "patchwork", "text": text.join("\n\n")});
        let report = crate::pipeline::tests::ingest_lines(&mut store, &[&line.to_string()]);
        assert_eq!(report.added, 1, "{report:?}");
        let arrival = store.resolve("patchwork").unwrap().unwrap();
        let stored = store.stored_text(arrival).unwrap().unwrap();
        let reuse = store.reuse_of(arrival).unwrap();
        for (source, s, sentence) in &picked {
            let i = (0..stored.sentences.len())
                .find(|&i| fingerprint_text(stored.sentence(i)) == fingerprint_text(sentence))
                .unwrap_or_else(|| panic!("{sentence:?} is not a sentence of the arrival"));
            assert!(
                reuse
                    .iter()
                    .any(|m| (m.sentence, m.other_article, m.other_sentence) == (i, *source, *s)),
                "sentence {i} ({sentence:?}) not matched with article {source} sentence {s}: {:?}",
                reuse.iter().filter(|m| m.sentence == i).collect::<Vec<_>>()
            );
        }
    }
}

/// One test per step of [`update`], on the corpus's ECB+ articles (CC BY
/// 3.0, see `corpus/ATTRIBUTION.md`). The earlier articles go in through
/// the whole pipeline; the arrival is stored in a batch as [`update`] finds
/// it and handed to the one step under test, and what that step decided is
/// read back from the batch, which is then rolled back.
#[cfg(test)]
mod step_tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;
    use crate::copies::index::{CopyIndex, IndexBudget, MemoryIndexStorage};
    use crate::copies::{SpinVerdict, StitchVerdict, jaccard};
    use crate::ingest::{self, IngestOptions};
    use crate::pipeline::tests::ingest_lines;
    use crate::store::Outcome;
    use crate::text::AnalyzedText;

    /// Computerworld, 2013-09-17: an IE zero-day, 20 paragraphs and sentences.
    const IE_BUG: &str = "27_3ecbplus";
    /// news.com.au, 2013-07-03: an earthquake in Aceh, 26 paragraphs.
    const QUAKE: &str = "37_10ecbplus";
    /// Articles of other events, for the index to tell apart.
    const OTHERS: [&str; 3] = [QUAKE, "12_4ecbplus", "43_7ecbplus"];

    /// The sentence of [`IE_BUG`] the tests reword, and its rewording (two
    /// words changed, one added).
    const SAID: &str = "Microsoft today declined say when it plans to patch the IE vulnerability.";
    const REWORDED: &str =
        "Microsoft on Tuesday declined to say when it plans to patch the IE vulnerability.";

    /// The text of a corpus article and its date.
    fn ecb(id: &str) -> (String, Option<String>) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/jsonl/ecbplus.jsonl");
        let all = std::fs::read_to_string(path).unwrap();
        let v: serde_json::Value = all
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|v| v["id"] == id)
            .unwrap_or_else(|| panic!("{id} is not in the corpus"));
        (
            v["text"].as_str().unwrap().to_string(),
            v["date"].as_str().map(str::to_string),
        )
    }

    fn paragraphs(text: &str) -> Vec<&str> {
        text.split("\n\n").collect()
    }

    /// A JSON line with its own URL: copies of one text are articles of
    /// their own.
    fn line(id: &str, date: Option<&str>, text: &str) -> String {
        serde_json::json!({"id": id, "url": format!("https://{id}.example/"), "date": date, "text": text})
            .to_string()
    }

    /// A corpus article's JSON line under its own id and date.
    fn corpus_line(id: &str) -> String {
        let (text, date) = ecb(id);
        line(id, date.as_deref(), &text)
    }

    /// An article prepared as ingest prepares it.
    fn prepared(line: &str) -> NewArticle {
        let input = ingest::Input::Memory {
            name: "arrival.jsonl".into(),
            bytes: line.as_bytes().into(),
        };
        let record = ingest::read_input(&input, &IngestOptions::default())
            .next()
            .unwrap()
            .unwrap();
        crate::pipeline::prepare(record).unwrap()
    }

    /// A store holding `lines`, stored in order through the pipeline.
    fn store_with(lines: &[String]) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let report = ingest_lines(&mut store, &lines);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        store
    }

    fn id(store: &Store, reference: &str) -> i64 {
        store.resolve(reference).unwrap().unwrap()
    }

    /// Stores `article` in a new batch, as the pipeline does before
    /// [`update`], and hands the batch and the arrival to `step`. The batch
    /// is rolled back when `step` returns.
    fn arriving<T>(
        store: &mut Store,
        article: &NewArticle,
        step: impl FnOnce(&Batch<'_>, &Arrival<'_>) -> T,
    ) -> T {
        let batch = store.begin().unwrap();
        let outcome = batch
            .insert_articles(std::slice::from_ref(article))
            .unwrap()[0];
        let Outcome::Added(id) = outcome else {
            panic!("not a new article: {outcome:?}")
        };
        let arrival = Arrival::of(id, article);
        batch.save_fingerprint(id, arrival.fingerprint).unwrap();
        step(&batch, &arrival)
    }

    fn sentence_with(text: &AnalyzedText, words: &str) -> usize {
        text.sentences
            .iter()
            .position(|s| text.text[s.start..s.end].contains(words))
            .unwrap_or_else(|| panic!("no sentence has {words:?}"))
    }

    /// [`IE_BUG`] without its last paragraph, [`SAID`] reworded.
    fn edited_ie_bug() -> String {
        let (text, _) = ecb(IE_BUG);
        let paras = paragraphs(&text);
        let edited = paras[..paras.len() - 1].join("\n\n");
        assert!(edited.contains(SAID));
        edited.replace(SAID, REWORDED)
    }

    #[test]
    fn link_reprint_links_every_sentence_to_the_original() {
        let (text, date) = ecb(IE_BUG);
        let mut store = store_with(&[line("original", date.as_deref(), &text)]);
        let original = id(&store, "original");
        // A reprint dated before the original could be its source: the
        // original is judged again. One dated after it, or undated (it
        // arrived later), could not.
        for (date, judged_again) in [
            (Some("2013-09-16"), true),
            (Some("2013-09-18"), false),
            (None, false),
        ] {
            let reprint = prepared(&line("reprint", date, &text));
            arriving(&mut store, &reprint, |batch, arrival| {
                let first = batch
                    .exact_duplicate_of(arrival.id, arrival.fingerprint.text_hash)
                    .unwrap();
                assert_eq!(first, Some(original));
                let mut work = Work::default();
                link_reprint(batch, arrival, original, &mut work).unwrap();

                let near = batch.near_duplicates_of(arrival.id).unwrap();
                assert_eq!(near.len(), 1, "{near:?}");
                assert_eq!(
                    (near[0].other, near[0].jaccard, near[0].exact),
                    (original, 1.0, true)
                );
                let reuse = batch.reuse_of(arrival.id).unwrap();
                let n = arrival.analyzed.sentences.len();
                assert!(n >= 15, "{n} sentences");
                assert_eq!(reuse.len(), n);
                for (i, m) in reuse.iter().enumerate() {
                    assert_eq!(
                        (m.sentence, m.other_article, m.other_sentence),
                        (i, original, i),
                        "{m:?}"
                    );
                    assert!(m.verbatim && m.score == 1.0, "{m:?}");
                }
                assert_eq!(work.affected.contains(&original), judged_again, "{date:?}");
            });
        }
    }

    #[test]
    fn look_up_finds_an_edited_copy_and_each_sentence_it_carries() {
        let (text, date) = ecb(IE_BUG);
        let mut lines = vec![line("original", date.as_deref(), &text)];
        lines.extend(OTHERS.iter().map(|r| corpus_line(r)));
        let mut store = store_with(&lines);
        let original = id(&store, "original");
        let edited = prepared(&line("edited", None, &edited_ie_bug()));
        let reworded = sentence_with(&edited.analyzed, REWORDED);

        let found = arriving(&mut store, &edited, |batch, arrival| {
            look_up(batch, arrival).unwrap()
        });
        // The copy, not the other events' articles.
        assert_eq!(found.articles, [original]);
        assert!(found.archived.is_empty(), "{:?}", found.archived);
        let fp = &edited.fingerprint;
        assert_eq!(found.sentences.len(), fp.sentence_bands.len());
        let mut tracked = 0;
        for (i, pairs) in found.sentences.iter().enumerate() {
            if fp.sentence_bands[i].is_empty() {
                continue;
            }
            tracked += 1;
            // Each sentence finds its own in the original; the reworded one
            // too, through the content words it kept.
            assert!(
                pairs.iter().any(|c| c.pair == (original, i)),
                "sentence {i}: {pairs:?}"
            );
        }
        assert!(tracked > 15 && !fp.sentence_bands[reworded].is_empty());

        // The store's index finds what the in-memory reference storage does
        // with the same articles' keys.
        let storage = MemoryIndexStorage::default();
        let mut index = CopyIndex::new(IndexBudget::default());
        index.sync(&storage).unwrap();
        for (reference, l) in ["original"].iter().chain(&OTHERS).zip(&lines) {
            let keys = ArticleKeys::of(id(&store, reference), &prepared(l).fingerprint, |_| true);
            index.add(&storage, &keys).unwrap();
        }
        let keys = ArticleKeys::of(i64::MAX, fp, |_| true);
        let hits = index.lookup(&storage, &keys.bands, &[]).unwrap();
        let in_memory: BTreeSet<i64> = hits
            .values()
            .flatten()
            .filter(|p| p.sentence == ARTICLE)
            .map(|p| p.article)
            .collect();
        assert_eq!(found.articles, in_memory.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn match_near_duplicates_picks_the_closest_copy_whatever_its_date() {
        let (text, date) = ecb(IE_BUG);
        let paras = paragraphs(&text);
        let shorter = paras[..paras.len() - 4].join("\n\n");
        // Undated copies arrive before and after the dated original; the
        // verbatim reprint is linked to the original and never indexed.
        let lines = [
            line("shorter", None, &shorter),
            line("original", date.as_deref(), &text),
            line("reprint", None, &text),
            corpus_line(QUAKE),
        ];
        let mut store = store_with(&lines);
        let (shorter, original) = (id(&store, "shorter"), id(&store, "original"));
        let edited = prepared(&line("edited", Some("2013-09-18"), &edited_ie_bug()));
        let shingles = |l: &str| prepared(l).fingerprint.shingles;
        let to_original = jaccard(&edited.fingerprint.shingles, &shingles(&lines[1]));
        let to_shorter = jaccard(&edited.fingerprint.shingles, &shingles(&lines[0]));
        assert!(
            to_original > to_shorter && to_shorter >= FAMILY_THRESHOLD,
            "{to_original} {to_shorter}"
        );

        arriving(&mut store, &edited, |batch, arrival| {
            let found = look_up(batch, arrival).unwrap();
            let near = match_near_duplicates(batch, arrival, &found).unwrap();
            // The closer copy, though the other came first.
            assert_eq!(near.closest, Some(original));
            // The other close copy adds nothing the closest does not.
            assert_eq!(near.skip, BTreeSet::from([shorter]));
            let mut saved: Vec<(i64, f64, bool)> = batch
                .near_duplicates_of(arrival.id)
                .unwrap()
                .into_iter()
                .map(|n| (n.other, n.jaccard, n.exact))
                .collect();
            saved.sort_by_key(|n| n.0);
            assert_eq!(saved.len(), 2, "{saved:?}");
            assert_eq!((saved[0].0, saved[0].2), (shorter, false));
            assert_eq!((saved[1].0, saved[1].2), (original, false));
            assert!((saved[0].1 - to_shorter).abs() < 1e-9, "{saved:?}");
            assert!((saved[1].1 - to_original).abs() < 1e-9, "{saved:?}");
        });
    }

    #[test]
    fn settle_against_closest_links_the_sentences_it_carries_word_for_word() {
        let (text, date) = ecb(IE_BUG);
        let mut store = store_with(&[line("original", date.as_deref(), &text)]);
        let original = id(&store, "original");
        let edited = prepared(&line("edited", None, &edited_ie_bug()));
        let reworded = sentence_with(&edited.analyzed, REWORDED);
        let n = edited.analyzed.sentences.len();

        arriving(&mut store, &edited, |batch, arrival| {
            let settled =
                settle_against_closest(batch, arrival, Some(original), &mut Work::default())
                    .unwrap();
            let all_but_reworded: BTreeSet<usize> = (0..n).filter(|&i| i != reworded).collect();
            assert_eq!(settled, all_but_reworded);
            let reuse = batch.reuse_of(arrival.id).unwrap();
            assert_eq!(reuse.len(), n - 1);
            for m in &reuse {
                // The edit dropped the last paragraph only: sentence i is
                // the original's sentence i.
                assert_eq!(
                    (m.other_article, m.other_sentence, m.score, m.verbatim),
                    (original, m.sentence, 1.0, true),
                    "{m:?}"
                );
            }
        });
        // Without a close copy nothing is settled.
        arriving(&mut store, &edited, |batch, arrival| {
            let settled =
                settle_against_closest(batch, arrival, None, &mut Work::default()).unwrap();
            assert!(settled.is_empty());
            assert!(batch.reuse_of(arrival.id).unwrap().is_empty());
        });
    }

    #[test]
    fn sentence_candidates_leaves_out_the_settled_sentences() {
        let (text, date) = ecb(IE_BUG);
        let mut store = store_with(&[line("original", date.as_deref(), &text)]);
        let original = id(&store, "original");
        let edited = prepared(&line("edited", None, &edited_ie_bug()));
        let reworded = sentence_with(&edited.analyzed, REWORDED);

        arriving(&mut store, &edited, |batch, arrival| {
            let mut work = Work::default();
            let found = look_up(batch, arrival).unwrap();
            let settled =
                settle_against_closest(batch, arrival, Some(original), &mut work).unwrap();
            assert!(settled.len() >= 15 && !settled.contains(&reworded));
            let pairs = |c: Vec<SentenceCandidate>| -> BTreeSet<(usize, i64, usize)> {
                c.into_iter()
                    .map(|c| (c.sentence, c.other_article, c.other_sentence))
                    .collect()
            };
            let candidates =
                pairs(sentence_candidates(batch, arrival, &found, &settled, &mut work).unwrap());
            // Only the reworded sentence is left to match, with its source
            // among its candidates.
            assert!(
                candidates.iter().all(|&(i, _, _)| i == reworded),
                "{candidates:?}"
            );
            assert!(candidates.contains(&(reworded, original, reworded)));
            // With nothing settled, every tracked sentence meets its own.
            let all = pairs(
                sentence_candidates(batch, arrival, &found, &BTreeSet::new(), &mut work).unwrap(),
            );
            for (i, keys) in arrival.fingerprint.sentence_bands.iter().enumerate() {
                assert_eq!(
                    all.contains(&(i, original, i)),
                    !keys.is_empty(),
                    "sentence {i}"
                );
            }
        });
    }

    #[test]
    fn score_sentences_keeps_the_pairs_above_the_bar() {
        let (text, date) = ecb(IE_BUG);
        let mut store = store_with(&[line("original", date.as_deref(), &text)]);
        let original = id(&store, "original");
        let analyzed = store.stored_text(original).unwrap().unwrap().analyzed();
        let (source, unrelated) = (
            sentence_with(&analyzed, SAID),
            sentence_with(&analyzed, "EMET (Enhanced Mitigation"),
        );
        let candidate = |sentence, other_sentence| SentenceCandidate {
            sentence,
            other_article: original,
            other_sentence,
        };
        // Dated before the original, the arrival could be its source: the
        // original is judged again; dated after it, or undated, not.
        for (date, judged_again) in [
            (Some("2013-09-16"), true),
            (Some("2013-09-18"), false),
            (None, false),
        ] {
            let edited = prepared(&line("edited", date, &edited_ie_bug()));
            let reworded = sentence_with(&edited.analyzed, REWORDED);
            let candidates = vec![
                candidate(reworded, source),
                candidate(reworded, unrelated),
                candidate(0, 0),
            ];
            arriving(&mut store, &edited, |batch, arrival| {
                let mut work = Work::default();
                score_sentences(
                    batch,
                    arrival,
                    candidates.clone(),
                    &BTreeSet::new(),
                    &mut work,
                )
                .unwrap();
                let kept = batch.reuse_of(arrival.id).unwrap();
                assert_eq!(kept.len(), 2, "{kept:?}");
                // The first sentence, word for word.
                assert_eq!(
                    (kept[0].sentence, kept[0].other_sentence, kept[0].verbatim),
                    (0, 0, true)
                );
                assert_eq!(kept[0].score, 1.0);
                // The reworded one with its source, above the bar but not
                // verbatim; never with the unrelated sentence.
                let m = kept.iter().find(|m| m.sentence == reworded).unwrap();
                assert_eq!((m.other_article, m.other_sentence), (original, source));
                assert!(
                    !m.verbatim && (PARAPHRASE_THRESHOLD..1.0).contains(&m.score),
                    "{m:?}"
                );
                assert_eq!(work.affected.contains(&original), judged_again, "{date:?}");
            });
            // An article the near-duplicate step skipped is not scored.
            arriving(&mut store, &edited, |batch, arrival| {
                let mut work = Work::default();
                let skip = BTreeSet::from([original]);
                score_sentences(batch, arrival, candidates, &skip, &mut work).unwrap();
                assert!(batch.reuse_of(arrival.id).unwrap().is_empty());
                assert!(work.affected.is_empty());
            });
        }
    }

    /// The usage counts a step reads once answer what the store answers,
    /// for a second article whose keys are mostly read already too; keys
    /// the store lacks are left out, as the store leaves them out.
    #[test]
    fn usage_counts_read_once_are_the_stores() {
        let mut store = store_with(&[
            corpus_line(IE_BUG),
            corpus_line(QUAKE),
            corpus_line(OTHERS[1]),
        ]);
        let (ie, quake) = (id(&store, IE_BUG), id(&store, QUAKE));
        let batch = store.begin().unwrap();
        let mut texts = Texts::default();
        let keys = |id: i64| {
            let text = batch.stored_text(id).unwrap().unwrap().analyzed();
            usage::needed_keys(&text)
        };
        let (ie_keys, quake_keys) = (keys(ie), keys(quake));
        let shared = ie_keys.iter().filter(|k| quake_keys.contains(k)).count();
        assert!(shared >= 20, "{shared}");
        for keys in [&ie_keys, &quake_keys, &ie_keys] {
            let direct: BTreeMap<u64, u32> =
                batch.usage_counts(keys).unwrap().into_iter().collect();
            let cached: BTreeMap<u64, u32> = texts
                .usage_counts(&batch, keys)
                .unwrap()
                .into_iter()
                .collect();
            assert_eq!(cached, direct);
            // The stream counted these articles' words and pairs; most of
            // the synonyms asked for are in none of them.
            assert!(
                direct.len() >= 100 && direct.len() * 2 < keys.len(),
                "{} of {}",
                direct.len(),
                keys.len()
            );
        }
        assert_eq!(texts.usage.len(), ie_keys.len() + quake_keys.len() - shared);
    }

    #[test]
    fn judge_gives_spin_and_stitch_verdicts_from_the_earlier_sources() {
        let (ie, ie_date) = ecb(IE_BUG);
        let (quake, quake_date) = ecb(QUAKE);
        // A spinner's copy: words swapped all through it.
        let spun = [
            ("vulnerability", "weakness"),
            ("attacks", "assaults"),
            ("company", "firm"),
            ("hackers", "cybercriminals"),
            ("engineers", "technicians"),
            ("customers", "clients"),
        ]
        .iter()
        .fold(ie.clone(), |t, (from, to)| t.replace(from, to));
        // Half of one report, then half of another.
        let (ie_paras, quake_paras) = (paragraphs(&ie), paragraphs(&quake));
        let stitched = [&ie_paras[..8], &quake_paras[quake_paras.len() - 10..]]
            .concat()
            .join("\n\n");
        // The sources dated, the copies undated or dated later: each copy's
        // sources are earlier than it, and no copy is earlier than them.
        let mut store = store_with(&[
            line("ie", ie_date.as_deref(), &ie),
            line("quake", quake_date.as_deref(), &quake),
            line("reprint", Some("2013-09-18"), &ie),
            line("spun", None, &spun),
            line("stitched", Some("2013-09-20"), &stitched),
        ]);
        let [ie, quake, reprint, spun, stitched] =
            ["ie", "quake", "reprint", "spun", "stitched"].map(|r| id(&store, r));

        let batch = store.begin().unwrap();
        let mut texts = Texts::default();
        let judged = |id: i64, texts: &mut Texts| {
            // What the pipeline stored is wiped first: the verdict read
            // back is judge's own.
            batch
                .save_verdicts(id, &SpinVerdict::default(), &StitchVerdict::default())
                .unwrap();
            judge(&batch, id, texts).unwrap();
            batch.verdicts(id).unwrap().unwrap()
        };

        let v = judged(spun, &mut texts);
        assert!(v.spin.spun, "{:?}", v.spin);
        for (from, to) in [("vulnerability", "weakness"), ("company", "firm")] {
            assert!(
                v.spin
                    .substitutions
                    .iter()
                    .any(|s| s.from == from && s.to == to && s.source_article == ie),
                "{from} / {to}: {:?}",
                v.spin.substitutions
            );
        }
        assert!(!v.stitch.stitched, "{:?}", v.stitch);

        let v = judged(stitched, &mut texts);
        assert!(v.stitch.stitched, "{:?}", v.stitch);
        let sources: BTreeSet<i64> = v.stitch.source_articles.iter().map(|s| s.0).collect();
        assert_eq!(sources, BTreeSet::from([ie, quake]));
        assert!(
            v.stitch.source_articles.iter().all(|s| s.1 >= 5),
            "{:?}",
            v.stitch
        );
        assert!(
            v.spin.substitutions.is_empty() && !v.spin.spun,
            "{:?}",
            v.spin
        );

        // A verbatim reprint is a copy, neither spun nor stitched.
        let v = judged(reprint, &mut texts);
        assert!(v.spin.aligned_sentences >= 15, "{:?}", v.spin);
        assert!(
            !v.spin.spun && v.spin.substitutions.is_empty(),
            "{:?}",
            v.spin
        );
        assert!(!v.stitch.stitched, "{:?}", v.stitch);

        // The sources have no earlier source: what the later copies share
        // with them is not evidence against them.
        for source in [ie, quake] {
            let v = judged(source, &mut texts);
            assert_eq!(v.spin.aligned_sentences, 0, "{:?}", v.spin);
            assert!(v.stitch.sources.is_empty(), "{:?}", v.stitch);
            assert!(!v.spin.spun && !v.stitch.stitched);
        }
    }
}
