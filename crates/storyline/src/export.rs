//! Moving a store: `storyline export --jsonl` writes every stored article,
//! one JSON object a line in the order stored, with everything needed to build
//! the store again; `storyline import` reads such lines back through the
//! ingest pipeline ([`crate::pipeline::import`]), so the copies, stories,
//! threads and summaries come out as they were.
//!
//! Articles are written by write batch (each ingest transaction stores up
//! to 512), then by id: the order they were stored in. The stages that
//! count across a batch (usage counts for spin, threads) see a batch at a
//! time, so import stores the same batches together.
//!
//! Only articles are exported: everything else in the store (copies,
//! stories, threads, summaries, quotes, usage counts) is derived from them
//! in arrival order, which the export keeps. Watched sources are
//! not exported yet.

use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};

/// One exported article: the store's own record of it, not an input's.
/// Unknown fields are refused on import, so an export from a newer
/// Storyline is never read with a field silently dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportRecord {
    /// Store id. Import keeps it when it is free in the store imported
    /// into, so links to `/article/N` survive the move.
    pub id: i64,
    /// The smallest of the input ids (as `article --json` shows it); for
    /// reading, `refs` is what import uses.
    #[serde(rename = "ref", default)]
    pub ref_id: Option<String>,
    /// Every input id that named the article, in lexical order.
    #[serde(default)]
    pub refs: Vec<String>,
    /// Identity key (`url:` and the canonical URL, or `text:` and a hash).
    pub key: String,
    /// The canonical URL the key was made from (`null` for a text key).
    /// Written for readers of the export; import goes by `key`.
    #[serde(default)]
    pub canonical_url: Option<String>,
    /// Hash of what was stored, which tells a later update from a repeat.
    pub content_hash: String,
    /// URL as given.
    #[serde(default)]
    pub url: Option<String>,
    /// Headline (the start of the text when the input had none: then
    /// `metadata.title_from_text` is true).
    #[serde(default)]
    pub title: Option<String>,
    /// Publisher or site.
    #[serde(default)]
    pub source: Option<String>,
    /// Author.
    #[serde(default)]
    pub author: Option<String>,
    /// Publication date, ISO 8601.
    #[serde(default)]
    pub date: Option<String>,
    /// Language (ISO 639-1, `und`); `null` for an article stored before
    /// languages were identified.
    #[serde(default)]
    pub lang: Option<String>,
    /// Input format (`jsonl`, `html`, `warc`, `feed`, `text`).
    pub format: String,
    /// Where it was first read from.
    #[serde(default)]
    pub origin: Location,
    /// When it was stored (RFC 3339, UTC).
    pub ingested_at: String,
    /// Fields of the input that Storyline does not interpret, with what
    /// ingest noted (`title_from_text`, `date_unparsed`).
    #[serde(default)]
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// Normalised text; empty when it was pruned.
    pub text: String,
    /// When its text was pruned (`storyline prune`), else `null`.
    #[serde(default)]
    pub text_pruned_at: Option<String>,
    /// The write batch that stored it (its last version), numbered from 1;
    /// `null` when it was stored before batches were numbered. Import
    /// stores each batch's articles together, as they were first stored.
    #[serde(default)]
    pub batch: Option<i64>,
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExportReport {
    /// Articles written.
    pub articles: u64,
    /// Of them, articles whose text was pruned: written, but import cannot
    /// rebuild them.
    pub pruned: u64,
    /// Bytes written.
    pub bytes: u64,
}

/// Writes every article of `store` to `out`, one JSON line each, in store
/// order, from one read snapshot. Articles are read one at a time, so the
/// memory used does not grow with the store. `on_progress` is called with
/// the number written so far (every 1000 and at the end).
pub fn write_jsonl(
    store: &crate::store::Reader,
    out: &mut dyn Write,
    on_progress: &dyn Fn(u64),
) -> Result<ExportReport> {
    let mut report = ExportReport::default();
    let mut line = Vec::with_capacity(64 << 10);
    store.export_articles(&mut |record| {
        line.clear();
        serde_json::to_writer(&mut line, &record).map_err(Error::Encode)?;
        line.push(b'\n');
        out.write_all(&line)?;
        report.articles += 1;
        report.bytes += line.len() as u64;
        if record.text_pruned_at.is_some() {
            report.pruned += 1;
        }
        if report.articles.is_multiple_of(1000) {
            on_progress(report.articles);
        }
        Ok(())
    })?;
    out.flush()?;
    on_progress(report.articles);
    Ok(report)
}

/// The `batch` of an export line, read without building the record, so
/// the sequential reader can cut the import where the exported batches
/// end; `None` when the line has none or does not parse (the parallel
/// half reports why).
pub fn batch_of(line: &str) -> Option<i64> {
    #[derive(Deserialize)]
    struct Batch {
        batch: Option<i64>,
    }
    let line = line.strip_prefix('\u{FEFF}').unwrap_or(line);
    serde_json::from_str::<Batch>(line).ok()?.batch
}

/// Reads one export line.
pub fn parse_line(line: &str) -> Result<ExportRecord> {
    let line = line.strip_prefix('\u{FEFF}').unwrap_or(line);
    let value: serde_json::Value = serde_json::from_str(line)?;
    let serde_json::Value::Object(obj) = &value else {
        return Err(Error::invalid("a record must be a JSON object"));
    };
    // An article from elsewhere (an input for `ingest`) has neither: say
    // so rather than list serde's missing field.
    if !obj.contains_key("key") || !obj.contains_key("content_hash") {
        return Err(Error::invalid(
            "not a `storyline export` record (no \"key\" or \"content_hash\"): read articles from elsewhere with `storyline ingest`",
        ));
    }
    serde_json::from_value(value)
        .map_err(|e| Error::invalid(format!("not a `storyline export` record: {e}")))
}
