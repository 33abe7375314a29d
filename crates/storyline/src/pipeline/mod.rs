//! Runs the stages in order, from inputs to the store: read records,
//! prepare them in parallel (parse, extract, normalise, split), and store
//! them in batches while the next batch is being prepared.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

pub mod copies;
pub mod quotes;
pub mod stories;
pub mod summary;
pub mod threads;

use crate::article::{NewArticle, Restored};
use crate::cancel::Cancel;
use crate::error::{Error, Result, SkipKind};
use crate::export::ExportRecord;
use crate::ingest::{self, IngestOptions, RawArticle, Record};
use crate::store::{Outcome, Store};
use crate::text;

/// Articles per transaction.
const BATCH: usize = 512;

/// Record bytes per batch: a batch of large records is cut short, so what
/// a batch holds stays bounded whatever the records' sizes.
const BATCH_BYTES: usize = 32 << 20;

/// A record that was reported and skipped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkippedRecord {
    /// The file, or `-` for standard input.
    pub source: Option<String>,
    /// 1-based line, for JSONL.
    pub line: Option<u64>,
    /// 1-based record, for WARC archives, feeds and JSON arrays.
    pub record: Option<u64>,
    /// What was wrong, for a person.
    pub message: String,
    /// What was wrong, for a program: `malformed`, `no_article`,
    /// `too_large` or `unreadable`.
    pub kind: SkipKind,
}

impl From<&Error> for SkippedRecord {
    fn from(e: &Error) -> Self {
        let loc = e.location();
        SkippedRecord {
            source: loc.source,
            line: loc.line,
            record: loc.record,
            message: e.message(),
            // Every error an ingest skips over is a record's; anything else
            // (a failing store) ends the ingest instead.
            kind: e.skip_kind().unwrap_or(SkipKind::Unreadable),
        }
    }
}

/// What an ingest did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IngestReport {
    /// New articles stored.
    pub added: u64,
    /// Articles already stored, unchanged.
    pub unchanged: u64,
    /// Articles stored before under the same identity, now replaced.
    pub updated: u64,
    /// Records reported and skipped.
    pub errors: Vec<SkippedRecord>,
    /// Input files read.
    pub files: u64,
    /// Records read (stored, unchanged or skipped).
    pub records: u64,
    /// Articles stored or updated per input format.
    pub formats: BTreeMap<String, u64>,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Seconds the writer spent in each stage: `store` (articles, sentences,
    /// full-text index, commit), `copies`, `stories`, `summary`.
    pub stage_seconds: BTreeMap<String, f64>,
    /// The process's memory at the end: SQLite's heap, anonymous memory
    /// (both heaps) apart from the file pages SQLite maps, and the peak
    /// resident set.
    pub memory: crate::memory::MemoryUse,
}

/// Progress of a running ingest, for a progress bar.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Input files in all.
    pub files_total: u64,
    /// Input files read so far.
    pub files_done: u64,
    /// Records stored or skipped so far.
    pub records_done: u64,
}

/// Reads `inputs` and stores their articles. Bad records are reported in
/// the result and skipped; only a failing database, or `opts.cancel` raised
/// ([`Error::Cancelled`]: the batches committed before stay), is an error.
pub fn ingest(
    store: &mut Store,
    paths: &[std::path::PathBuf],
    opts: &IngestOptions,
    on_progress: &(dyn Fn(Progress) + Sync),
) -> Result<IngestReport> {
    let (inputs, walk_errors) = ingest::expand(paths);
    ingest_inputs(store, &inputs, walk_errors, opts, on_progress)
}

/// Rebuilds articles from `storyline export` output (files, or `-` for
/// standard input) through the same batches and stages as [`ingest`], in
/// the exported order, so copies, stories, threads and summaries come out
/// as in the exported store. `opts.exported` is set here; the size limits
/// are the caller's (an export is bigger than any input ingest takes).
pub fn import(
    store: &mut Store,
    paths: &[std::path::PathBuf],
    opts: &IngestOptions,
    on_progress: &(dyn Fn(Progress) + Sync),
) -> Result<IngestReport> {
    let opts = IngestOptions {
        exported: true,
        ..opts.clone()
    };
    let (inputs, walk_errors) = ingest::expand(paths);
    ingest_inputs(store, &inputs, walk_errors, &opts, on_progress)
}

/// Stores the articles of inputs already expanded (files, standard input,
/// or bytes in memory such as a request body); `walk_errors` are problems
/// met while expanding, reported first. Bad records are reported in the
/// result and skipped; only a failing database is an error.
pub fn ingest_inputs(
    store: &mut Store,
    inputs: &[ingest::Input],
    walk_errors: Vec<Error>,
    opts: &IngestOptions,
    on_progress: &(dyn Fn(Progress) + Sync),
) -> Result<IngestReport> {
    let started = Instant::now();
    let mut report = IngestReport {
        errors: walk_errors.iter().map(SkippedRecord::from).collect(),
        ..IngestReport::default()
    };
    let mut progress = Progress {
        files_total: inputs.len() as u64,
        ..Progress::default()
    };
    on_progress(progress);
    // Articles stored before languages were identified get theirs, and
    // those stored before the stories stage existed get their stories, so
    // new ones can join them.
    if store.has_articles_without_language()? {
        let batch = store.begin()?;
        batch.identify_languages()?;
        batch.commit()?;
    }
    stories::backfill(store)?;
    let (tx, rx) = mpsc::sync_channel::<Vec<Result<NewArticle>>>(2);
    let cancel = &opts.cancel;
    std::thread::scope(|scope| -> Result<()> {
        let writer = scope.spawn(move || -> Result<IngestReport> {
            let mut part = IngestReport::default();
            for batch in rx {
                cancel.check()?;
                let mut ok = Vec::with_capacity(batch.len());
                for item in batch {
                    match item {
                        Ok(a) => ok.push(a),
                        Err(e) => part.errors.push(SkippedRecord::from(&e)),
                    }
                }
                store_guarded(store, ok, &mut part, cancel)?;
            }
            Ok(part)
        });
        let mut batch: Vec<Result<Record>> = Vec::with_capacity(BATCH);
        let mut batch_bytes = 0usize;
        let flush = |batch: &mut Vec<Result<Record>>, progress: &mut Progress| -> bool {
            if cancel.is_cancelled() {
                return false;
            }
            let prepared: Vec<Result<NewArticle>> = std::mem::take(batch)
                .into_par_iter()
                .map(|r| {
                    cancel.check()?;
                    r.and_then(prepare_guarded)
                })
                .collect();
            progress.records_done += prepared.len() as u64;
            on_progress(*progress);
            !cancel.is_cancelled() && tx.send(prepared).is_ok()
        };
        // An import stores each exported batch as one batch: usage counts
        // and threads move once a batch, so other cuts would judge some
        // articles otherwise. (An exported batch never holds more than
        // BATCH articles, so the cut below falls on its end anyway.)
        let mut last_exported: Option<i64> = None;
        'inputs: for input in inputs {
            for record in ingest::read_input(input, opts) {
                if cancel.is_cancelled() {
                    break 'inputs;
                }
                if let Some(tag) = record.as_ref().ok().and_then(Record::export_batch) {
                    if last_exported.is_some_and(|last| last != tag) && !batch.is_empty() {
                        batch_bytes = 0;
                        if !flush(&mut batch, &mut progress) {
                            break 'inputs;
                        }
                    }
                    last_exported = Some(tag);
                }
                report.records += 1;
                batch_bytes += record.as_ref().map_or(0, Record::size);
                batch.push(record);
                if batch.len() >= BATCH || batch_bytes >= BATCH_BYTES {
                    batch_bytes = 0;
                    if !flush(&mut batch, &mut progress) {
                        break 'inputs;
                    }
                }
            }
            report.files += 1;
            progress.files_done += 1;
        }
        if !batch.is_empty() {
            flush(&mut batch, &mut progress);
        }
        drop(tx);
        let part = writer.join().map_err(|_| Error::WriterPanicked)??;
        cancel.check()?;
        report.added = part.added;
        report.unchanged = part.unchanged;
        report.updated = part.updated;
        report.formats = part.formats;
        report.stage_seconds = part.stage_seconds;
        report.errors.extend(part.errors);
        on_progress(progress);
        Ok(())
    })?;
    report.seconds = started.elapsed().as_secs_f64();
    report.memory = crate::memory::MemoryUse::now(None);
    Ok(report)
}

/// What [`store_batch`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredBatch {
    /// What storing each article did, in order.
    pub outcomes: Vec<Outcome>,
    /// Seconds spent in each stage (as [`IngestReport::stage_seconds`]).
    pub stage_seconds: BTreeMap<String, f64>,
}

/// Stores prepared articles and runs every later stage on them (copies,
/// stories, summary, quotes) in one transaction, stopping between stages
/// when `cancel` is raised: the one write path of `ingest`, the server's
/// `POST /api/articles` and watching live sources. `also` runs in the same
/// transaction, after the stages and before the commit, with each
/// article's outcome, so a caller's own bookkeeping (a watched item marked
/// done) lands together with the article or not at all.
pub fn store_batch(
    store: &mut Store,
    articles: &[NewArticle],
    cancel: &Cancel,
    also: impl FnOnce(&crate::store::Batch<'_>, &[Outcome]) -> Result<()>,
) -> Result<StoredBatch> {
    let mut stage_seconds = BTreeMap::new();
    let mut clock = Instant::now();
    let mut lap = |stage: &str| {
        *stage_seconds.entry(stage.to_string()).or_default() += clock.elapsed().as_secs_f64();
        clock = Instant::now();
    };
    let batch = store.begin()?;
    let outcomes = batch.insert_articles(articles)?;
    #[cfg(test)]
    tests::fail_point(articles, "PANIC WHILE STORING");
    lap("store");
    let changed: Vec<copies::Arrival<'_>> = outcomes
        .iter()
        .zip(articles)
        .filter_map(|(o, a)| match o {
            Outcome::Added(id) | Outcome::Updated(id) => Some(copies::Arrival::of(*id, a)),
            Outcome::Unchanged(_) => None,
        })
        .collect();
    cancel.check()?;
    copies::update(&batch, &changed)?;
    lap("copies");
    cancel.check()?;
    let arrivals: Vec<(i64, &crate::stories::StoryFeatures, bool)> = outcomes
        .iter()
        .zip(articles)
        .filter_map(|(o, a)| match o {
            Outcome::Added(id) => Some((*id, &a.story_features, false)),
            Outcome::Updated(id) => Some((*id, &a.story_features, true)),
            Outcome::Unchanged(_) => None,
        })
        .collect();
    let touched = stories::update(&batch, &arrivals)?;
    lap("stories");
    cancel.check()?;
    threads::update(&batch, &touched)?;
    lap("threads");
    cancel.check()?;
    summary::update(&batch, &touched)?;
    lap("summary");
    for (o, a) in outcomes.iter().zip(articles) {
        if let Outcome::Added(id) | Outcome::Updated(id) = o {
            batch.save_attributions(*id, &a.attributions)?;
        }
    }
    lap("quotes");
    cancel.check()?;
    also(&batch, &outcomes)?;
    batch.commit()?;
    lap("store");
    Ok(StoredBatch {
        outcomes,
        stage_seconds,
    })
}

/// [`store_batch`] for an ingest, counting what it did in `part`.
fn store_counted(
    store: &mut Store,
    ok: &[NewArticle],
    part: &mut IngestReport,
    cancel: &Cancel,
) -> Result<()> {
    let stored = store_batch(store, ok, cancel, |_, _| Ok(()))?;
    for (stage, seconds) in stored.stage_seconds {
        *part.stage_seconds.entry(stage).or_default() += seconds;
    }
    for (a, o) in ok.iter().zip(stored.outcomes) {
        match o {
            Outcome::Added(_) => part.added += 1,
            Outcome::Unchanged(_) => part.unchanged += 1,
            Outcome::Updated(_) => part.updated += 1,
        }
        if !matches!(o, Outcome::Unchanged(_)) {
            *part.formats.entry(a.format.name().to_string()).or_default() += 1;
        }
    }
    Ok(())
}

/// [`store_batch`], with the last guard against a bug in a stage: when
/// the batch panics, its transaction is rolled back (dropped in the
/// unwind) and its articles are stored again one at a time, so only the
/// article that panics is lost, reported as its record's error.
fn store_guarded(
    store: &mut Store,
    ok: Vec<NewArticle>,
    part: &mut IngestReport,
    cancel: &Cancel,
) -> Result<()> {
    if let Ok(done) = catch_unwind(AssertUnwindSafe(|| store_counted(store, &ok, part, cancel))) {
        return done;
    }
    for a in ok {
        let one = catch_unwind(AssertUnwindSafe(|| {
            store_counted(store, std::slice::from_ref(&a), part, cancel)
        }));
        match one {
            Ok(r) => r?,
            Err(panic) => {
                let e = ingest::locate(Error::panicked("storing", panic.as_ref()), &a.origin);
                part.errors.push(SkippedRecord::from(&e));
            }
        }
    }
    Ok(())
}

/// [`prepare`], with a panic in any of its stages reported as the
/// record's error instead of ending the run.
pub fn prepare_guarded(record: Record) -> Result<NewArticle> {
    let origin = record.location.clone();
    catch_unwind(AssertUnwindSafe(|| prepare(record))).unwrap_or_else(|panic| {
        Err(ingest::locate(
            Error::panicked("preparing", panic.as_ref()),
            &origin,
        ))
    })
}

/// Reads and prepares articles without storing them: the same readers and
/// text stage as [`ingest`], with repeats of one article (same identity)
/// kept once. Bad records are returned beside the articles.
pub fn read_articles(
    paths: &[std::path::PathBuf],
    opts: &IngestOptions,
) -> (Vec<NewArticle>, Vec<SkippedRecord>) {
    let (inputs, walk_errors) = ingest::expand(paths);
    let mut errors: Vec<SkippedRecord> = walk_errors.iter().map(SkippedRecord::from).collect();
    let records: Vec<Result<Record>> = inputs
        .iter()
        .flat_map(|input| ingest::read_input(input, opts))
        .collect();
    let prepared: Vec<Result<NewArticle>> = records
        .into_par_iter()
        .map(|r| r.and_then(prepare_guarded))
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut articles = Vec::new();
    for p in prepared {
        match p {
            Ok(a) => {
                if seen.insert(a.key.clone()) {
                    articles.push(a);
                }
            }
            Err(e) => errors.push(SkippedRecord::from(&e)),
        }
    }
    (articles, errors)
}

/// Deletes articles and everything derived from them: the articles they
/// were matched with are judged again, and their stories rebuilt from the
/// articles left. Returns how many existed.
pub fn delete(store: &mut Store, ids: &[i64]) -> Result<usize> {
    let mut touched = Vec::new();
    for &id in ids {
        touched.extend(store.story_of(id)?);
    }
    let n = copies::delete(store, ids)?;
    touched.sort_unstable();
    touched.dedup();
    stories::after_delete(store, &touched)?;
    Ok(n)
}

/// Brings a store made by an older Storyline up to the stages it lacks:
/// a story for every article stored before the stories stage, and
/// attributions from the current quote extractor. What a reader of stories
/// and quotes runs first (the CLI's `story` and `quotes`, the server on
/// start).
pub fn catch_up(store: &mut Store) -> Result<()> {
    stories::backfill(store)?;
    threads::backfill(store)?;
    quotes::backfill(store)?;
    Ok(())
}

/// The parallel half of ingest: parse and extract a record, run the text
/// stage, and work out the article's identity.
pub fn prepare(record: Record) -> Result<NewArticle> {
    let format = record.format;
    let origin = record.location.clone();
    if record.is_exported() {
        let exported = record.into_exported()?;
        return restore_article(exported).map_err(|e| ingest::locate(e, &origin));
    }
    let raw = record.into_article()?;
    #[cfg(test)]
    assert!(!raw.text.contains("PANIC WHILE PREPARING"), "test panic");
    new_article(raw, format, origin.clone()).map_err(|e| ingest::locate(e, &origin))
}

/// Builds a storable article from a raw one.
pub fn new_article(
    raw: RawArticle,
    format: ingest::Format,
    origin: crate::error::Location,
) -> Result<NewArticle> {
    let analyzed = text::analyze_declared(&raw.text, declared_lang(&raw.metadata));
    if analyzed.words == 0 {
        return Err(Error::invalid("the article has no words"));
    }
    let clean = |s: Option<String>| {
        s.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty())
    };
    let mut metadata = raw.metadata;
    let title = clean(raw.title.map(|t| text::normalize(&t))).or_else(|| {
        let first = analyzed.sentences.first()?;
        let s = &analyzed.text[first.start..first.end];
        metadata.insert("title_from_text".into(), true.into());
        Some(truncate_words(s, 16))
    });
    let date = match raw.published.as_deref() {
        Some(d) => match ingest::normalize_date(d) {
            Some(n) => Some(n),
            None => {
                metadata.insert("date_unparsed".into(), d.into());
                None
            }
        },
        None => metadata
            .get("captured")
            .and_then(|c| c.as_str())
            .and_then(ingest::normalize_date),
    };
    let url = raw
        .url
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty());
    let key = ingest::identity_key(url.as_deref(), &analyzed.text);
    let source = clean(raw.source);
    let author = clean(raw.author);
    let mut h = Xxh3::new();
    for part in [&title, &url, &source, &author, &date, &raw.ref_id] {
        h.update(part.as_deref().unwrap_or("").as_bytes());
        h.update(&[0]);
    }
    h.update(analyzed.text.as_bytes());
    let fingerprint = crate::copies::fingerprint(&analyzed);
    let story_features = crate::stories::StoryFeatures::extract(
        title.as_deref(),
        metadata.contains_key("title_from_text"),
        &analyzed,
        date.as_deref(),
    );
    let attributions = crate::quotes::extract_in(&analyzed.text, analyzed.lang);
    Ok(NewArticle {
        fingerprint,
        story_features,
        attributions,
        restored: None,
        key,
        content_hash: format!("{:032x}", h.digest128()),
        ref_id: raw.ref_id,
        url,
        title,
        source,
        author,
        date,
        format,
        origin,
        metadata,
        analyzed,
    })
}

/// Rebuilds a storable article from its export (`storyline import`): the
/// key, content hash, fields, metadata, language, store id, input ids and
/// time stored are the store's own, not worked out again, so the stages
/// see what they saw the first time. The text is analysed again (its
/// sentences, fingerprint, features and quotes are derived, and are not
/// exported); it was normalised when first stored, and normalising
/// normalised text leaves it as it is.
pub fn restore_article(rec: ExportRecord) -> Result<NewArticle> {
    if let Some(when) = &rec.text_pruned_at {
        return Err(Error::invalid(format!(
            "article {} had its text pruned ({when}): without its text it cannot be rebuilt (its record stays in the export)",
            rec.id
        )));
    }
    let format = ingest::Format::from_name(&rec.format)
        .ok_or_else(|| Error::invalid(format!("unknown \"format\" {:?}", rec.format)))?;
    let analyzed = match rec.lang.as_deref() {
        Some(code) => {
            let lang = text::Lang::parse(code)
                .ok_or_else(|| Error::invalid(format!("unknown \"lang\" {code:?}")))?;
            text::analyze_as(&rec.text, lang)
        }
        // Stored before languages were identified: identified now, as
        // the next ingest into the old store would have.
        None => text::analyze_declared(&rec.text, declared_lang(&rec.metadata)),
    };
    if analyzed.words == 0 {
        return Err(Error::invalid("the article has no words"));
    }
    let fingerprint = crate::copies::fingerprint(&analyzed);
    let story_features = crate::stories::StoryFeatures::extract(
        rec.title.as_deref(),
        rec.metadata.contains_key("title_from_text"),
        &analyzed,
        rec.date.as_deref(),
    );
    let attributions = crate::quotes::extract_in(&analyzed.text, analyzed.lang);
    Ok(NewArticle {
        key: rec.key,
        content_hash: rec.content_hash,
        ref_id: rec.refs.first().cloned(),
        url: rec.url,
        title: rec.title,
        source: rec.source,
        author: rec.author,
        date: rec.date,
        format,
        origin: rec.origin,
        metadata: rec.metadata,
        analyzed,
        fingerprint,
        story_features,
        attributions,
        restored: Some(Restored {
            id: rec.id,
            refs: rec.refs,
            ingested_at: rec.ingested_at,
        }),
    })
}

/// The language an input declares for a record (a JSONL `lang`, an HTML
/// `lang` or `og:locale`, a feed's language), when it names one.
fn declared_lang(metadata: &serde_json::Map<String, serde_json::Value>) -> Option<text::Lang> {
    metadata
        .get("lang")
        .and_then(|v| v.as_str())
        .and_then(text::Lang::parse)
        .filter(|l| !l.is_und())
}

fn truncate_words(s: &str, n: usize) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() <= n {
        s.to_string()
    } else {
        format!("{}…", words[..n].join(" "))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Panics when one of `articles` carries `marker`: a stand-in for a
    /// bug in a writer stage.
    pub(super) fn fail_point(articles: &[NewArticle], marker: &str) {
        assert!(
            !articles.iter().any(|a| a.analyzed.text.contains(marker)),
            "test panic"
        );
    }

    /// Ingests JSON lines from memory, as one input.
    pub(crate) fn ingest_lines(store: &mut Store, lines: &[&str]) -> IngestReport {
        let input = ingest::Input::Memory {
            name: "lines.jsonl".into(),
            bytes: lines.join("\n").into_bytes().into(),
        };
        ingest_inputs(
            store,
            &[input],
            Vec::new(),
            &IngestOptions::default(),
            &|_| {},
        )
        .unwrap()
    }

    #[test]
    fn a_record_that_panics_is_reported_and_the_rest_goes_in() {
        let mut store = Store::open_in_memory().unwrap();
        let first = ingest_lines(
            &mut store,
            &[r#"{"id": "a", "text": "Rebels took the fort at dawn. NATO planes flew over it."}"#],
        );
        assert_eq!(first.added, 1);
        let report = ingest_lines(
            &mut store,
            &[
                r#"{"id": "b", "text": "The talks in Cairo went on for a third day."}"#,
                r#"{"id": "c", "text": "A PANIC WHILE PREPARING record."}"#,
                r#"{"id": "d", "text": "A PANIC WHILE STORING record."}"#,
                r#"{"id": "e", "text": "Protesters filled the square again on Friday."}"#,
            ],
        );
        assert_eq!(report.added, 2, "{report:?}");
        let lines: Vec<Option<u64>> = report.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [Some(2), Some(3)], "{report:?}");
        assert!(report.errors[0].message.contains("preparing"));
        assert!(report.errors[1].message.contains("storing"));
        assert!(
            report
                .errors
                .iter()
                .all(|e| e.source.as_deref() == Some("lines.jsonl"))
        );
        // Nothing stored before is lost, and the batch's other articles are in.
        for r in ["a", "b", "e"] {
            assert!(store.resolve(r).unwrap().is_some(), "{r}");
        }
        assert!(store.resolve("d").unwrap().is_none());
        store.check_integrity().unwrap();
    }
}
