//! The one error type of the library.
//!
//! Modelled on ripgrep's `ignore::Error`: leaf variants say what went wrong,
//! and the `WithPath`, `WithLineNumber` and `WithRecord` variants wrap any
//! error with where it happened, so a report can name the file and the line
//! or record of bad input.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in Storyline.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An error tied to a file (or `-` for standard input).
    #[error("{}: {err}", path.display())]
    WithPath {
        /// The file the error happened in.
        path: PathBuf,
        /// The error itself.
        err: Box<Error>,
    },
    /// An error tied to a line of a line-oriented input such as JSONL.
    #[error("line {line}: {err}")]
    WithLineNumber {
        /// 1-based line number.
        line: u64,
        /// The error itself.
        err: Box<Error>,
    },
    /// An error tied to a record of a multi-record input (WARC record, feed item).
    #[error("record {record}: {err}")]
    WithRecord {
        /// 1-based record number.
        record: u64,
        /// The error itself.
        err: Box<Error>,
    },
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// A JSON record could not be parsed.
    #[error("not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The database failed.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    /// The input is empty.
    #[error("empty input")]
    Empty,
    /// The input is binary data, not a format Storyline reads.
    #[error("binary data, not text, HTML, JSONL, WARC or a feed")]
    Binary,
    /// The input is not valid UTF-8 where UTF-8 is required.
    #[error("invalid UTF-8 at byte {offset}")]
    InvalidUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// The input is over the configured size limit.
    #[error("{size} bytes is over the size limit of {limit} bytes (see --max-file-size)")]
    TooLarge {
        /// Size of the input in bytes.
        size: u64,
        /// The limit in force.
        limit: u64,
    },
    /// An input or a record went over a limit while it was read, before its
    /// whole size was known (or, for a record, at its known size).
    #[error("{}", over_limit(*limit, *max, *size))]
    OverLimit {
        /// Which limit.
        limit: Limit,
        /// The limit in force.
        max: u64,
        /// The size, when it is known.
        size: Option<u64>,
    },
    /// The work was stopped by a [`crate::Cancel`] (a request timed out or
    /// its client went away). Batches committed before stay stored.
    #[error("stopped: the request timed out or was abandoned")]
    Cancelled,
    /// The database file is damaged.
    #[error(
        "the database is damaged ({0}); `storyline check` lists what is wrong: restore a backup, or ingest the inputs again into a new database"
    )]
    Corrupt(String),
    /// A compressed input could not be decompressed (truncated or corrupt).
    #[error("cannot decompress: {0}")]
    Decompress(String),
    /// An HTML page had no article in it.
    #[error("{0}")]
    Extract(#[from] crate::ingest::html::ExtractError),
    /// A record is well-formed but unusable (e.g. a JSONL object without
    /// text): it holds no article.
    #[error("{0}")]
    Invalid(String),
    /// A feed could not be parsed.
    #[error("not a valid RSS or Atom feed: {0}")]
    Feed(String),
    /// A WARC file or record could not be parsed.
    #[error("corrupt WARC: {0}")]
    Warc(String),
    /// A stage panicked on this input: a bug, reported with the record
    /// instead of ending the run.
    #[error("internal error while {stage} this record (a bug, please report it): {message}")]
    Panicked {
        /// What was being done.
        stage: &'static str,
        /// The panic's message.
        message: String,
    },
    /// What was asked for is not there (a story, an article).
    #[error("{0}")]
    NotFound(String),
    /// An argument is not valid (a story reference, tuning parameters).
    #[error("{0}")]
    BadArgument(String),
    /// The database was made by a newer Storyline.
    #[error(
        "the database has schema version {found}, newer than this program knows ({known}); upgrade Storyline"
    )]
    SchemaTooNew {
        /// The database's schema version.
        found: u32,
        /// The newest this program knows.
        known: u32,
    },
    /// The thread that writes an ingest to the store panicked; what it had
    /// committed stays, the rest of the ingest was not stored.
    #[error("the store writer thread panicked")]
    WriterPanicked,
    /// A value could not be written as JSON for the store.
    #[error("cannot encode as JSON: {0}")]
    Encode(serde_json::Error),
    /// The store cannot take the work now: another writer holds the
    /// database past the busy timeout, or every connection is taken. Nothing
    /// was changed; the same call may succeed later.
    #[error("busy: {0}; try again later")]
    Busy(String),
}

impl From<rusqlite::Error> for Error {
    /// A damaged file is [`Error::Corrupt`] wherever it shows, said once;
    /// so is a value the store cannot read back as its type.
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::FromSqlConversionFailure(column, _, cause) = e {
            return Error::Corrupt(format!("column {column}: {cause}"));
        }
        if matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        ) {
            return Error::Busy(
                "another process is writing to the database (it stayed locked past the busy timeout)"
                    .into(),
            );
        }
        if matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
        ) {
            Error::Corrupt(match &e {
                rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
                rusqlite::Error::SqliteFailure(f, None) => f.to_string(),
                other => other.to_string(),
            })
        } else {
            Error::Sqlite(e)
        }
    }
}

/// What was wrong with a record that was reported and skipped, for a
/// program to act on (the message is for a person).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipKind {
    /// It could not be parsed: not JSON, not UTF-8, not a feed or a WARC
    /// record, a truncated or corrupt compressed stream, binary data.
    Malformed,
    /// It was read, but holds no article: no text, no main text, no words.
    NoArticle,
    /// It is over a size limit (of the file, the record, the text, or an
    /// HTML page's elements or depth).
    TooLarge,
    /// It could not be read at all (a file system error).
    Unreadable,
    /// A stage failed on it: a bug in Storyline, not in the record.
    Internal,
}

/// The limits that bound the work one input can cause (see
/// [`crate::ingest::IngestOptions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The bytes of one input file or stream, after decompression.
    FileSize,
    /// The bytes of one record (a JSON line, a WARC record or its decoded
    /// body, a page, a feed), after decompression.
    RecordSize,
    /// The text of one article, once extracted (what the text stage and
    /// every stage after it work on).
    TextSize,
    /// The elements of one HTML page.
    HtmlNodes,
    /// How deep one HTML page nests its elements.
    HtmlDepth,
}

impl Limit {
    /// The command-line flag that sets the limit.
    pub fn flag(self) -> &'static str {
        match self {
            Limit::FileSize => "--max-file-size",
            Limit::RecordSize => "--max-record-size",
            Limit::TextSize => "--max-text-size",
            Limit::HtmlNodes => "--max-html-nodes",
            Limit::HtmlDepth => "--max-html-depth",
        }
    }
}

fn over_limit(limit: Limit, max: u64, size: Option<u64>) -> String {
    let flag = limit.flag();
    match (limit, size) {
        (Limit::FileSize, Some(size)) => {
            format!("{size} bytes is over the size limit of {max} bytes (see {flag})")
        }
        (Limit::FileSize, None) => format!(
            "the input holds more than {max} bytes once decompressed, over the size limit (see {flag}); what came before was read"
        ),
        (Limit::RecordSize, Some(size)) => format!(
            "the record is {size} bytes, over the record size limit of {max} bytes (see {flag})"
        ),
        (Limit::RecordSize, None) => {
            format!("the record is more than {max} bytes, over the record size limit (see {flag})")
        }
        (Limit::TextSize, size) => format!(
            "the article's text is {} bytes, over the text size limit of {max} bytes (see {flag})",
            size.unwrap_or(max)
        ),
        (Limit::HtmlNodes, _) => {
            format!("the page has more than {max} elements, over the limit (see {flag})")
        }
        (Limit::HtmlDepth, _) => format!(
            "the page nests elements more than {max} deep even after flattening (see {flag})"
        ),
    }
}

/// Where a record was read, or where an error happened: the file, and the
/// line or record in it. (Fields in alphabetical order: an article's stored
/// `origin` has always printed its keys so.)
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// 1-based line, for line-oriented inputs.
    pub line: Option<u64>,
    /// 1-based record, for multi-record inputs.
    pub record: Option<u64>,
    /// The file, or `-` for standard input.
    pub source: Option<String>,
}

impl Error {
    /// Wraps the error with the file it happened in.
    pub fn with_path(self, path: impl AsRef<Path>) -> Error {
        Error::WithPath {
            path: path.as_ref().to_path_buf(),
            err: Box::new(self),
        }
    }

    /// Wraps the error with the line it happened on.
    pub fn with_line(self, line: u64) -> Error {
        Error::WithLineNumber {
            line,
            err: Box::new(self),
        }
    }

    /// Wraps the error with the record it happened in.
    pub fn with_record(self, record: u64) -> Error {
        Error::WithRecord {
            record,
            err: Box::new(self),
        }
    }

    /// The error for a caught panic, with its message when it has one.
    pub fn panicked(stage: &'static str, payload: &(dyn std::any::Any + Send)) -> Error {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        Error::Panicked { stage, message }
    }

    /// Short for `Error::Invalid(msg.to_string())`.
    pub fn invalid(msg: impl fmt::Display) -> Error {
        Error::Invalid(msg.to_string())
    }

    /// Where the error happened, collected from every wrapper.
    pub fn location(&self) -> Location {
        let mut loc = Location::default();
        let mut err = self;
        loop {
            match err {
                Error::WithPath { path, err: inner } => {
                    loc.source.get_or_insert_with(|| path.display().to_string());
                    err = inner;
                }
                Error::WithLineNumber { line, err: inner } => {
                    loc.line.get_or_insert(*line);
                    err = inner;
                }
                Error::WithRecord { record, err: inner } => {
                    loc.record.get_or_insert(*record);
                    err = inner;
                }
                _ => return loc,
            }
        }
    }

    /// The innermost error, without location wrappers.
    pub fn root(&self) -> &Error {
        match self {
            Error::WithPath { err, .. }
            | Error::WithLineNumber { err, .. }
            | Error::WithRecord { err, .. } => err.root(),
            other => other,
        }
    }

    /// The message of the innermost error, without its location.
    pub fn message(&self) -> String {
        self.root().to_string()
    }

    /// What kind of problem a bad record has, when this error is one
    /// (`None` for errors of the store or of the caller's arguments).
    pub fn skip_kind(&self) -> Option<SkipKind> {
        Some(match self.root() {
            Error::Json(_)
            | Error::InvalidUtf8 { .. }
            | Error::Binary
            | Error::Decompress(_)
            | Error::Feed(_)
            | Error::Warc(_) => SkipKind::Malformed,
            Error::Empty | Error::Invalid(_) | Error::Extract(_) => SkipKind::NoArticle,
            Error::TooLarge { .. } | Error::OverLimit { .. } => SkipKind::TooLarge,
            Error::Io(_) => SkipKind::Unreadable,
            Error::Panicked { .. } => SkipKind::Internal,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database another connection holds for writing past the busy
    /// timeout is `Busy` (worth a retry), not a failed database.
    #[test]
    fn a_locked_database_is_busy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("locked.db");
        let holder = rusqlite::Connection::open(&path).unwrap();
        holder
            .execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t (x INTEGER);")
            .unwrap();
        holder
            .execute_batch("BEGIN IMMEDIATE; INSERT INTO t VALUES (1);")
            .unwrap();
        let other = rusqlite::Connection::open(&path).unwrap();
        other.busy_timeout(std::time::Duration::ZERO).unwrap();
        let err = Error::from(other.execute("INSERT INTO t VALUES (2)", []).unwrap_err());
        assert!(matches!(err, Error::Busy(_)), "{err:?}");
        assert!(err.to_string().contains("try again"), "{err}");
        // Reading goes on beside the writer (WAL), and once the writer
        // commits the same write succeeds.
        let n: i64 = other
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
        holder.execute_batch("COMMIT").unwrap();
        other.execute("INSERT INTO t VALUES (2)", []).unwrap();
        // Other database failures keep their own kind.
        let err = Error::from(
            other
                .execute("INSERT INTO nowhere VALUES (1)", [])
                .unwrap_err(),
        );
        assert!(matches!(err, Error::Sqlite(_)), "{err:?}");
    }
}
