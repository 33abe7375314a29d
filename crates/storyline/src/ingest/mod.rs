//! The ingest stage: reading plain text, JSONL, HTML, WARC and RSS/Atom
//! input into [`RawArticle`]s.
//!
//! Reading is split in two so the expensive half runs in parallel: walking
//! inputs and cutting them into [`Record`]s is sequential and cheap (a JSONL
//! line, a WARC response body), while [`Record::into_article`] (JSON
//! parsing, charset detection, main-text extraction) is where the time goes
//! and runs on every core. Every error carries the file and the line or
//! record it happened at.

mod dates;
pub mod detect;
pub mod feed;
pub mod html;
mod identity;
pub mod jsonl;
mod markup;
pub mod plain;
pub mod warc;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use serde::{Deserialize, Serialize};

pub use dates::normalize_date;
pub use detect::Format;
pub use identity::{canonical_url, identity_key};

use crate::error::{Error, Location, Result};

/// Default limit on the size of one input file: 64 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 << 20;

/// An article as read from its input, before the text stage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RawArticle {
    /// The input's own id for the record (JSONL `id`), kept as the article's `ref`.
    pub ref_id: Option<String>,
    /// Address of the article (canonical URL when the page names one).
    pub url: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Body text, paragraphs separated by blank lines.
    pub text: String,
    /// Publisher or site.
    pub source: Option<String>,
    /// Author or byline.
    pub author: Option<String>,
    /// Publication date as given by the input.
    pub published: Option<String>,
    /// Every other field the input carried.
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

/// Options for reading inputs.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Files larger than this many bytes (or decompressing to more) are
    /// reported and skipped.
    pub max_file_size: u64,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// JSON Lines on standard input.
    Stdin,
    /// A file.
    File(PathBuf),
    /// JSON Lines (or one JSON array of records) already in memory, such as
    /// a request body; `name` stands for it in reports.
    Memory {
        /// What reports call the input.
        name: String,
        /// The bytes.
        bytes: std::sync::Arc<[u8]>,
    },
}

impl Input {
    /// The name used in reports: the path, or `-` for standard input.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "-".into(),
            Input::File(p) => p.display().to_string(),
            Input::Memory { name, .. } => name.clone(),
        }
    }
}

/// File name endings read when walking a directory. Files named on the
/// command line are read whatever their name.
const ARTICLE_EXTENSIONS: &[&str] = &[
    "txt", "text", "jsonl", "ndjson", "html", "htm", "xhtml", "shtml", "warc", "xml", "rss", "atom",
];

fn is_article_file(path: &Path) -> bool {
    ARTICLE_EXTENSIONS.contains(&detect::extension(path).as_str())
}

/// Expands command-line paths into inputs: `-` is standard input, a file is
/// itself, a directory is every article file under it (recursively, in name
/// order, skipping hidden files and whatever `.ignore`/`.gitignore` files
/// exclude). Paths that cannot be read are returned as errors.
pub fn expand(paths: &[PathBuf]) -> (Vec<Input>, Vec<Error>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Err(e) => errors.push(Error::Io(e).with_path(path)),
            Ok(m) if m.is_dir() => {
                let walker = ignore::WalkBuilder::new(path)
                    .sort_by_file_name(|a, b| a.cmp(b))
                    .require_git(false)
                    .build();
                for entry in walker {
                    match entry {
                        Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                            if is_article_file(e.path()) {
                                inputs.push(Input::File(e.into_path()));
                            }
                        }
                        Ok(_) => {}
                        Err(e) => {
                            errors.push(Error::Io(io::Error::other(e.to_string())).with_path(path))
                        }
                    }
                }
            }
            Ok(_) => inputs.push(Input::File(path.clone())),
        }
    }
    (inputs, errors)
}

/// One record cut from an input, not yet parsed or extracted.
#[derive(Debug)]
pub struct Record {
    /// Where the record came from.
    pub location: Location,
    /// The format of its input.
    pub format: Format,
    payload: Payload,
}

#[derive(Debug)]
enum Payload {
    Article(RawArticle),
    Json(String),
    Page {
        bytes: Vec<u8>,
        charset: Option<String>,
        url: Option<String>,
        captured: Option<String>,
    },
}

impl Record {
    /// Parses and extracts the record (the expensive half of reading).
    /// Errors carry the record's location.
    pub fn into_article(self) -> Result<RawArticle> {
        let location = self.location;
        let result = match self.payload {
            Payload::Article(a) => Ok(a),
            Payload::Json(line) => jsonl::parse_record(&line),
            Payload::Page {
                bytes,
                charset,
                url,
                captured,
            } => page_article(&bytes, charset.as_deref(), url, captured),
        };
        result.map_err(|e| locate(e, &location))
    }
}

/// Reads one HTML page fetched from `url` (main-text extraction, metadata,
/// charset from `charset` when the server named one, else detected), as a
/// page read from a WARC record is read. `captured` is when it was fetched.
pub fn read_page(
    bytes: &[u8],
    charset: Option<&str>,
    url: Option<String>,
    captured: Option<String>,
) -> Result<RawArticle> {
    page_article(bytes, charset, url, captured)
}

fn page_article(
    bytes: &[u8],
    charset: Option<&str>,
    url: Option<String>,
    captured: Option<String>,
) -> Result<RawArticle> {
    let page = html::decode_html(bytes, charset);
    let doc = html::extract(&page, url.as_deref())?;
    let mut metadata = serde_json::Map::new();
    if let Some(c) = captured {
        metadata.insert("captured".into(), c.into());
    }
    if let Some(l) = doc.lang {
        metadata.insert("lang".into(), l.into());
    }
    if let (Some(u), Some(c)) = (&url, &doc.canonical_url)
        && u != c
    {
        metadata.insert("fetched_url".into(), u.clone().into());
    }
    Ok(RawArticle {
        ref_id: None,
        url: doc.canonical_url.or(url),
        title: doc.title,
        text: doc.text,
        source: doc.site_name,
        author: doc.author,
        published: doc.published,
        metadata,
    })
}

/// Wraps an error with a location.
pub fn locate(err: Error, loc: &Location) -> Error {
    let mut err = err;
    if let Some(line) = loc.line {
        err = err.with_line(line);
    }
    if let Some(record) = loc.record {
        err = err.with_record(record);
    }
    if let Some(source) = &loc.source {
        err = err.with_path(source);
    }
    err
}

/// The records of an input, as a stream. File-level problems (unreadable,
/// empty, binary, too large) come out as a single error item.
pub fn read_input(
    input: &Input,
    opts: &IngestOptions,
) -> Box<dyn Iterator<Item = Result<Record>> + Send> {
    let name = input.name();
    match open_input(input, opts) {
        Ok(records) => records,
        Err(e) => Box::new(std::iter::once(Err(e.with_path(&name)))),
    }
}

type Records = Box<dyn Iterator<Item = Result<Record>> + Send>;

fn open_input(input: &Input, opts: &IngestOptions) -> Result<Records> {
    let name = input.name();
    let path = match input {
        Input::Stdin => {
            let reader = BufReader::new(io::stdin());
            return Ok(Box::new(jsonl_records(reader, name, false)));
        }
        Input::File(p) => p.clone(),
        Input::Memory { bytes, .. } => {
            let reader = BufReader::new(io::Cursor::new(bytes.clone()));
            return Ok(Box::new(jsonl_records(reader, name, false)));
        }
    };
    let size = std::fs::metadata(&path)?.len();
    if size > opts.max_file_size {
        return Err(Error::TooLarge {
            size,
            limit: opts.max_file_size,
        });
    }
    if size == 0 {
        return Err(Error::Empty);
    }
    let mut file = BufReader::new(File::open(&path)?);
    let compressed = detect::is_gzip(file.fill_buf()?);
    let mut reader: Box<dyn BufRead + Send> = if compressed {
        Box::new(BufReader::new(MultiGzDecoder::new(file)))
    } else {
        Box::new(file)
    };
    let (head, failure) = peek(&mut reader, 8192);
    if head.is_empty()
        && let Some(e) = failure
    {
        return Err(io_error(e, compressed));
    }
    let format = detect::detect(&path, &head)?;
    let rest: Box<dyn BufRead + Send> = match failure {
        Some(e) => Box::new(BufReader::new(Deferred(Some(e)))),
        None => reader,
    };
    let reader: Box<dyn BufRead + Send> =
        Box::new(BufReader::new(io::Cursor::new(head).chain(rest)));
    let loc = move |record: Option<u64>| Location {
        source: Some(name.clone()),
        line: None,
        record,
    };
    match format {
        Format::Jsonl => Ok(Box::new(jsonl_records(reader, input.name(), compressed))),
        Format::Warc => {
            let records = warc::WarcRecords::new(reader, opts.max_file_size).map(move |(n, r)| {
                let location = loc(Some(n));
                match r {
                    Ok(page) => Ok(Record {
                        location,
                        format: Format::Warc,
                        payload: Payload::Page {
                            bytes: page.body,
                            charset: page.charset,
                            url: page.url,
                            captured: page.date,
                        },
                    }),
                    Err(Error::Io(e)) => Err(locate(io_error(e, compressed), &location)),
                    Err(e) => Err(locate(e, &location)),
                }
            });
            Ok(Box::new(records))
        }
        Format::Html | Format::Text | Format::Feed => {
            let bytes = read_limited(reader, opts.max_file_size, compressed)?;
            let records: Vec<Result<Record>> = match format {
                Format::Html => vec![Ok(Record {
                    location: loc(None),
                    format,
                    payload: Payload::Page {
                        bytes,
                        charset: None,
                        url: None,
                        captured: None,
                    },
                })],
                Format::Text => {
                    let text = utf8(bytes)?;
                    vec![plain::parse_plain(&text).map(|a| Record {
                        location: loc(None),
                        format,
                        payload: Payload::Article(a),
                    })]
                }
                _ => feed::parse_feed(&bytes)?
                    .into_iter()
                    .map(|(n, item)| {
                        let location = loc(Some(n));
                        match item {
                            Ok(a) => Ok(Record {
                                location,
                                format,
                                payload: Payload::Article(a),
                            }),
                            Err(e) => Err(locate(e, &location)),
                        }
                    })
                    .collect(),
            };
            Ok(Box::new(records.into_iter().map(move |r| {
                r.map_err(|e| match e {
                    e @ Error::WithPath { .. } => e,
                    e => e.with_path(&path),
                })
            })))
        }
    }
}

fn utf8(bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| Error::InvalidUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

fn io_error(e: io::Error, compressed: bool) -> Error {
    if compressed {
        Error::Decompress(e.to_string())
    } else {
        Error::Io(e)
    }
}

/// Reads up to `n` bytes for format detection. A read error (a truncated
/// gzip stream) is kept for the reader to meet at its place in the stream,
/// so the records before the damage still go in.
fn peek(reader: &mut dyn BufRead, n: usize) -> (Vec<u8>, Option<io::Error>) {
    let mut head = Vec::with_capacity(n);
    match reader.take(n as u64).read_to_end(&mut head) {
        Ok(_) => (head, None),
        Err(e) => (head, Some(e)),
    }
}

/// A reader that fails with a stored error, then ends.
struct Deferred(Option<io::Error>);

impl Read for Deferred {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

fn read_limited(reader: impl Read, limit: u64, compressed: bool) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(e, compressed))?;
    if bytes.len() as u64 > limit {
        return Err(Error::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// JSONL lines as records; a line that is not UTF-8 is reported, and a file
/// that is a JSON array (`[{...}, ...]`) is read as one record per element.
fn jsonl_records(
    mut reader: impl BufRead + Send + 'static,
    name: String,
    compressed: bool,
) -> impl Iterator<Item = Result<Record>> + Send {
    let mut line_no = 0u64;
    let mut array: Option<std::vec::IntoIter<serde_json::Value>> = None;
    let mut done = false;
    std::iter::from_fn(move || {
        loop {
            if let Some(items) = array.as_mut() {
                let item = items.next()?;
                line_no += 1;
                let location = Location {
                    source: Some(name.clone()),
                    line: None,
                    record: Some(line_no),
                };
                return Some(Ok(Record {
                    location,
                    format: Format::Jsonl,
                    payload: Payload::Json(item.to_string()),
                }));
            }
            if done {
                return None;
            }
            let mut buf = Vec::new();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    done = true;
                    let err = io_error(e, compressed)
                        .with_line(line_no + 1)
                        .with_path(&name);
                    return Some(Err(err));
                }
            }
            line_no += 1;
            if line_no == 1 && buf.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
                let mut rest = buf;
                if let Err(e) = reader.read_to_end(&mut rest) {
                    done = true;
                    return Some(Err(io_error(e, compressed).with_path(&name)));
                }
                done = true;
                match serde_json::from_slice::<Vec<serde_json::Value>>(&rest) {
                    Ok(items) => {
                        line_no = 0;
                        array = Some(items.into_iter());
                        continue;
                    }
                    Err(e) => return Some(Err(Error::Json(e).with_path(&name))),
                }
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let location = Location {
                source: Some(name.clone()),
                line: Some(line_no),
                record: None,
            };
            return Some(match utf8(buf) {
                Ok(line) => Ok(Record {
                    location,
                    format: Format::Jsonl,
                    payload: Payload::Json(line),
                }),
                Err(e) => Err(locate(e, &location)),
            });
        }
    })
}
