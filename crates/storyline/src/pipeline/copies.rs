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
use crate::copies::{SentenceMatch, assess_spin, assess_stitch, minhash::MIN_THRESHOLD, word_diff};
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

/// Texts read during one step, so each is read once.
#[derive(Default)]
struct Texts {
    cache: HashMap<i64, Option<StoredText>>,
}

impl Texts {
    fn get(&mut self, batch: &Batch<'_>, id: i64) -> Result<Option<&StoredText>> {
        if let Entry::Vacant(e) = self.cache.entry(id) {
            e.insert(batch.stored_text(id)?);
        }
        Ok(self.cache.get(&id).and_then(Option::as_ref))
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
    let mut counts: HashMap<u64, u32> = HashMap::new();
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

/// What the index holds for an arrival's keys.
struct Found {
    /// Articles sharing an article-level key, in id order.
    articles: Vec<i64>,
    /// Per sentence of the arrival, the (article, sentence) pairs sharing
    /// one of its keys, in order, without repeats.
    sentences: Vec<Vec<(i64, usize)>>,
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
        let mut mine: BTreeSet<(i64, usize)> = BTreeSet::new();
        for k in s.bands.iter().chain(&s.quotes) {
            for p in hits.get(k).into_iter().flatten() {
                if p.sentence != ARTICLE && p.article != id {
                    mine.insert((p.article, p.sentence as usize));
                }
            }
        }
        for &(a, _) in &mine {
            if is_archived(a) {
                *archived.entry(a).or_default() += 1;
            }
        }
        if let Some(slot) = sentences.get_mut(s.sentence as usize) {
            *slot = mine.into_iter().take(MAX_SENTENCE_CANDIDATES).collect();
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
    let mut pairs: Vec<BTreeSet<(i64, usize)>> = found
        .sentences
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if settled.contains(&i) {
                BTreeSet::new()
            } else {
                c.iter().copied().collect()
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
            for k in keys {
                for &j in by_key.get(k).into_iter().flatten() {
                    pairs[i].insert((other, j));
                }
            }
        }
    }
    Ok(pairs
        .into_iter()
        .enumerate()
        .flat_map(|(i, set)| {
            set.into_iter().map(move |(a, j)| SentenceCandidate {
                sentence: i,
                other_article: a,
                other_sentence: j,
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
    let usage = Usage {
        stream: batch.usage_counts(&usage::needed_keys(&analyzed))?,
        counts_itself: !reprint,
    };
    let spin = assess_spin(&analyzed, &with_diffs, &usage);
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
    let stitch = assess_stitch(&analyzed, &from, |a| groups.get(&a).copied().unwrap_or(a));
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
}
