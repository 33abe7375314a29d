//! Storyline turns a pile or a stream of news articles into stories.
//!
//! This crate is the pipeline. Data flows one way through its stages, and
//! the [`store`] persists what each stage finds:
//!
//! 1. [`ingest`]: plain text, JSONL, HTML pages, WARC archives and RSS/Atom
//!    feeds become [`ingest::RawArticle`]s, with every bad record reported by
//!    file and line or record, and skipped.
//! 2. [`text`]: Unicode normalisation, sentence splitting and word tokens.
//! 3. [`copies`]: near-duplicates, sentences reused across articles (even
//!    reworded), spun and stitched articles.
//! 4. [`stories`]: online clustering of articles into stories with stable ids.
//! 5. [`summary`]: a cited extractive summary per story.
//! 6. [`quotes`]: who said what, and the people, organisations and places of
//!    a story with their aliases joined.
//! 7. [`store`]: SQLite, with full-text search; re-ingesting is idempotent.
//!
//! [`pipeline::ingest`] runs them end to end.
//!
//! ```
//! use storyline::{pipeline, store::Store, ingest::IngestOptions};
//! # fn main() -> storyline::Result<()> {
//! let dir = std::env::temp_dir().join(format!("storyline-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! std::fs::write(dir.join("a.txt"), "Talks in Moscow\n\nTillerson met Lavrov in Moscow. They spoke for hours.\n")?;
//! std::fs::write(dir.join("b.jsonl"), "{\"id\": \"b1\", \"title\": \"Veto\", \"text\": \"Russia vetoed the resolution.\"}\n{broken\n")?;
//!
//! let mut store = Store::open_in_memory()?;
//! let report = pipeline::ingest(&mut store, &[dir.clone()], &IngestOptions::default(), &|_| {})?;
//! assert_eq!(report.added, 2);
//! assert_eq!(report.errors[0].line, Some(2)); // the broken JSONL line, reported and skipped
//!
//! let again = pipeline::ingest(&mut store, &[dir.clone()], &IngestOptions::default(), &|_| {})?;
//! assert_eq!((again.added, again.unchanged), (0, 2));
//!
//! let hits = store.search("vetoed", 10, 0)?;
//! assert_eq!(hits[0].article.ref_id.as_deref(), Some("b1"));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

pub mod article;
mod cancel;
pub mod copies;
mod error;
pub mod export;
#[doc(hidden)]
pub mod fuzz;
pub mod ingest;
pub mod memory;
pub mod pipeline;
pub mod quotes;
pub mod store;
pub mod stories;
pub mod summary;
pub mod text;
pub mod threads;
pub mod view;

pub use article::{Article, ArticleSummary, NewArticle, Sentence};
pub use cancel::{Cancel, CancelOnDrop};
pub use error::{Error, Limit, Location, Result, SkipKind};
