//! The ingest stage: reading plain text, JSONL, HTML, WARC and RSS/Atom
//! input into [`RawArticle`]s.
//!
//! Reading is split in two so the expensive half runs in parallel: walking
//! inputs and cutting them into [`Record`]s is sequential and cheap (a JSONL
//! line, a WARC response body), while [`Record::into_article`] (JSON
//! parsing, charset detection, main-text extraction) is where the time goes
//! and runs on every core. Every error carries the file and the line or
//! record it happened at.

mod bounded;
mod dates;
pub mod detect;
pub mod feed;
pub mod html;
pub mod html_bounds;
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
pub use html_bounds::HtmlLimits;
pub use identity::{canonical_url, identity_key};

use crate::cancel::Cancel;
use crate::error::{Error, Limit, Location, Result};

/// Default limit on the size of one input file or stream: 64 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 << 20;

/// Default limit on the size of one record: 8 MiB (a long article's page is
/// about 0.5 MiB, the largest of the extraction sets 1.6 MiB).
pub const DEFAULT_MAX_RECORD_SIZE: u64 = 8 << 20;

/// Default limit on the text of one article: 1 MiB (about 170,000 words; a
/// long feature runs to 50,000 bytes).
pub const DEFAULT_MAX_TEXT_SIZE: u64 = 1 << 20;

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

/// Options for reading inputs: the bounds on the work one input can cause,
/// and a way to stop it.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Files larger than this many bytes are reported and skipped; a
    /// compressed file, a pipe or standard input that yields more is read up
    /// to this point and then reported.
    pub max_file_size: u64,
    /// A record (a JSON line or array element, a WARC record and its
    /// decoded body, a page, a text file, a feed) over this many bytes,
    /// decompressed, is reported as that record's error and skipped.
    pub max_record_size: u64,
    /// An article whose text, once extracted, is over this many bytes is
    /// reported and skipped: the text stage and the stages after it cost
    /// time and memory in proportion to the text.
    pub max_text_size: u64,
    /// Limits on an HTML page's tree.
    pub html: HtmlLimits,
    /// Raised to stop reading (checked between records and inside
    /// extraction).
    pub cancel: Cancel,
    /// The inputs are `storyline export` output, for `storyline import`:
    /// each is read as JSON Lines whatever its name, and each line is an
    /// article as a store had it ([`crate::export::ExportRecord`]).
    pub exported: bool,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_record_size: DEFAULT_MAX_RECORD_SIZE,
            max_text_size: DEFAULT_MAX_TEXT_SIZE,
            html: HtmlLimits::default(),
            cancel: Cancel::new(),
            exported: false,
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
/// order, following symbolic links, skipping hidden files and whatever
/// `.ignore`/`.gitignore` files exclude). Paths that cannot be read, and
/// links that loop, are returned as errors.
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
                    .follow_links(true)
                    .build();
                for entry in walker {
                    match entry {
                        Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                            if is_article_file(e.path()) {
                                inputs.push(Input::File(e.into_path()));
                            }
                        }
                        Ok(_) => {}
                        Err(e) => errors.push(walk_error(e, path)),
                    }
                }
            }
            Ok(_) => inputs.push(Input::File(path.clone())),
        }
    }
    (inputs, errors)
}

/// A walk error, named by the path it happened at when the walker says.
fn walk_error(e: ignore::Error, root: &Path) -> Error {
    fn path_of(e: &ignore::Error) -> Option<&Path> {
        match e {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            ignore::Error::Loop { child, .. } => Some(child),
            _ => None,
        }
    }
    let at = path_of(&e).unwrap_or(root).to_path_buf();
    let message = match &e {
        ignore::Error::WithDepth { err, .. } => err.to_string(),
        other => other.to_string(),
    };
    Error::Io(io::Error::other(message)).with_path(at)
}

/// One record cut from an input, not yet parsed or extracted.
#[derive(Debug)]
pub struct Record {
    /// Where the record came from.
    pub location: Location,
    /// The format of its input.
    pub format: Format,
    payload: Payload,
    html: HtmlLimits,
    max_text: u64,
    cancel: Cancel,
}

#[derive(Debug)]
enum Payload {
    Article(RawArticle),
    Json(String),
    /// A line of `storyline export` output.
    Exported(String),
    Page {
        bytes: Vec<u8>,
        charset: Option<String>,
        url: Option<String>,
        captured: Option<String>,
    },
}

impl Record {
    fn new(location: Location, format: Format, payload: Payload, opts: &IngestOptions) -> Record {
        Record {
            location,
            format,
            payload,
            html: opts.html,
            max_text: opts.max_text_size,
            cancel: opts.cancel.clone(),
        }
    }

    /// Bytes the record holds, to bound how much a batch of records holds.
    pub fn size(&self) -> usize {
        match &self.payload {
            Payload::Article(a) => a.text.len(),
            Payload::Json(s) | Payload::Exported(s) => s.len(),
            Payload::Page { bytes, .. } => bytes.len(),
        }
    }

    /// Whether the record is a line of `storyline export` output, read
    /// with [`Record::into_exported`] instead of [`Record::into_article`].
    pub fn is_exported(&self) -> bool {
        matches!(self.payload, Payload::Exported(_))
    }

    /// The write batch an exported article was stored in, if it says.
    pub fn export_batch(&self) -> Option<i64> {
        match &self.payload {
            Payload::Exported(line) => crate::export::batch_of(line),
            _ => None,
        }
    }

    /// Parses an exported article. Errors carry the record's location.
    pub fn into_exported(self) -> Result<crate::export::ExportRecord> {
        match self.payload {
            Payload::Exported(line) => crate::export::parse_line(&line),
            _ => Err(Error::invalid(
                "not a `storyline export` record: read it with `storyline ingest`",
            )),
        }
        .map_err(|e| locate(e, &self.location))
    }

    /// Parses and extracts the record (the expensive half of reading).
    /// Errors carry the record's location.
    pub fn into_article(self) -> Result<RawArticle> {
        let location = self.location;
        let result = match self.payload {
            Payload::Article(a) => Ok(a),
            Payload::Json(line) => jsonl::parse_record_within(&line, &self.html, &self.cancel),
            Payload::Exported(_) => Err(Error::invalid(
                "an exported article is read with `storyline import`, as a whole record",
            )),
            Payload::Page {
                bytes,
                charset,
                url,
                captured,
            } => read_page(
                &bytes,
                charset.as_deref(),
                url,
                captured,
                &self.html,
                &self.cancel,
            ),
        };
        let result = result.and_then(|a| {
            if a.text.len() as u64 > self.max_text {
                return Err(Error::OverLimit {
                    limit: Limit::TextSize,
                    max: self.max_text,
                    size: Some(a.text.len() as u64),
                });
            }
            Ok(a)
        });
        result.map_err(|e| locate(e, &location))
    }
}

/// Reads one HTML page fetched from `url` (main-text extraction, metadata,
/// charset from `charset` when the server named one, else detected), as a
/// page read from a WARC record is read, within `limits`. `captured` is
/// when it was fetched.
pub fn read_page(
    bytes: &[u8],
    charset: Option<&str>,
    url: Option<String>,
    captured: Option<String>,
    limits: &HtmlLimits,
    cancel: &Cancel,
) -> Result<RawArticle> {
    let page = html::decode_html(bytes, charset);
    let doc = html::extract_within(&page, url.as_deref(), limits, cancel)?;
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
            let reader = Box::new(BufReader::new(bounded::LimitedReader::new(
                io::stdin(),
                opts.max_file_size,
            )));
            return Ok(Box::new(jsonl_records(reader, name, false, opts)));
        }
        Input::File(p) => p.clone(),
        Input::Memory { bytes, .. } => {
            let reader = Box::new(BufReader::new(bounded::LimitedReader::new(
                io::Cursor::new(bytes.clone()),
                opts.max_file_size,
            )));
            return Ok(Box::new(jsonl_records(reader, name, false, opts)));
        }
    };
    let meta = std::fs::metadata(&path)?;
    // A regular file's size is known before reading it; a pipe's (`<(cmd)`,
    // a FIFO) or a device's is not, and it is read up to the limit.
    let known_size = meta.is_file().then_some(meta.len());
    if let Some(size) = known_size {
        if size > opts.max_file_size {
            return Err(Error::OverLimit {
                limit: Limit::FileSize,
                max: opts.max_file_size,
                size: Some(size),
            });
        }
        if size == 0 {
            return Err(Error::Empty);
        }
    }
    let mut file = BufReader::new(File::open(&path)?);
    let compressed = detect::is_gzip(file.fill_buf()?);
    let decoded: Box<dyn Read + Send> = if compressed {
        Box::new(MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut reader: Box<dyn BufRead + Send> = Box::new(BufReader::new(
        bounded::LimitedReader::new(decoded, opts.max_file_size),
    ));
    let (head, failure) = peek(&mut reader, 8192);
    if head.is_empty()
        && let Some(e) = failure
    {
        return Err(io_error(e, compressed));
    }
    // An export is JSON Lines whatever its name (`news.export`, `-`).
    let format = if opts.exported {
        Format::Jsonl
    } else {
        detect::detect(&path, &head)?
    };
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
        Format::Jsonl => Ok(Box::new(jsonl_records(
            reader,
            input.name(),
            compressed,
            opts,
        ))),
        Format::Warc => {
            let opts = opts.clone();
            let records =
                warc::WarcRecords::new(reader, opts.max_record_size).map(move |(n, r)| {
                    let location = loc(Some(n));
                    match r {
                        Ok(page) => Ok(Record::new(
                            location,
                            Format::Warc,
                            Payload::Page {
                                bytes: page.body,
                                charset: page.charset,
                                url: page.url,
                                captured: page.date,
                            },
                            &opts,
                        )),
                        Err(Error::Io(e)) => Err(locate(io_error(e, compressed), &location)),
                        Err(e) => Err(locate(e, &location)),
                    }
                });
            Ok(Box::new(records))
        }
        Format::Html | Format::Text | Format::Feed => {
            let size = known_size.filter(|_| !compressed);
            let bytes = read_record(reader, opts.max_record_size, size, compressed)?;
            let records: Vec<Result<Record>> = match format {
                Format::Html => vec![Ok(Record::new(
                    loc(None),
                    format,
                    Payload::Page {
                        bytes,
                        charset: None,
                        url: None,
                        captured: None,
                    },
                    opts,
                ))],
                Format::Text => {
                    let text = utf8(bytes)?;
                    vec![
                        plain::parse_plain(&text)
                            .map(|a| Record::new(loc(None), format, Payload::Article(a), opts)),
                    ]
                }
                _ => feed::parse_feed_within(&bytes, &opts.html, &opts.cancel)?
                    .into_iter()
                    .map(|(n, item)| {
                        let location = loc(Some(n));
                        match item {
                            Ok(a) => Ok(Record::new(location, format, Payload::Article(a), opts)),
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
    if let Some(over) = bounded::limit_error(&e) {
        over
    } else if compressed {
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

/// Reads a whole-file record (a page, a text, a feed) of at most `limit`
/// bytes; `size` is the file's size when known, for the report.
fn read_record(
    reader: impl Read,
    limit: u64,
    size: Option<u64>,
    compressed: bool,
) -> Result<Vec<u8>> {
    let over = || Error::OverLimit {
        limit: Limit::RecordSize,
        max: limit,
        size,
    };
    if size.is_some_and(|s| s > limit) {
        return Err(over());
    }
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(e, compressed))?;
    if bytes.len() as u64 > limit {
        return Err(over());
    }
    Ok(bytes)
}

/// JSON Lines as records, each line at most `opts.max_record_size` bytes
/// (a longer one is reported and skipped); a line that is not UTF-8 is
/// reported. An input that is one JSON array (`[{...}, ...]`) is read as one
/// record per element, streamed, each element bounded the same way.
fn jsonl_records(
    mut reader: Box<dyn BufRead + Send>,
    name: String,
    compressed: bool,
    opts: &IngestOptions,
) -> impl Iterator<Item = Result<Record>> + Send + use<> {
    let opts = opts.clone();
    let max = opts.max_record_size;
    let mut line_no = 0u64;
    let mut array: Option<bounded::ArrayElements<Box<dyn BufRead + Send>>> = None;
    let mut started = false;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let at_line = |line: u64| Location {
            source: Some(name.clone()),
            line: Some(line),
            record: None,
        };
        let at_record = |record: u64| Location {
            source: Some(name.clone()),
            line: None,
            record: Some(record),
        };
        if !started {
            started = true;
            match leading_bracket(&mut reader) {
                Ok((true, _)) => {
                    let inner = std::mem::replace(&mut reader, Box::new(io::empty()));
                    array = Some(bounded::ArrayElements::new(inner, max));
                }
                Ok((false, newlines)) => line_no = newlines,
                Err(e) => {
                    done = true;
                    return Some(Err(io_error(e, compressed).with_path(&name)));
                }
            }
        }
        if let Some(items) = array.as_mut() {
            return match items.next_element() {
                Ok(None) => {
                    done = true;
                    None
                }
                Ok(Some(element)) => {
                    line_no += 1;
                    let location = at_record(line_no);
                    Some(match element {
                        bounded::Element::Whole(bytes) => utf8(bytes)
                            .map(|text| {
                                Record::new(
                                    location.clone(),
                                    Format::Jsonl,
                                    json_payload(text, &opts),
                                    &opts,
                                )
                            })
                            .map_err(|e| locate(e, &location)),
                        bounded::Element::TooLong(n) => Err(locate(
                            Error::OverLimit {
                                limit: Limit::RecordSize,
                                max,
                                size: Some(n),
                            },
                            &location,
                        )),
                    })
                }
                Err(e) => {
                    done = true;
                    let err = if e.kind() == io::ErrorKind::InvalidData
                        && bounded::limit_error(&e).is_none()
                    {
                        Error::invalid(e)
                    } else {
                        io_error(e, compressed)
                    };
                    Some(Err(locate(err, &at_record(line_no + 1))))
                }
            };
        }
        loop {
            match bounded::read_line(&mut reader, max) {
                Ok(bounded::Line::End) => {
                    done = true;
                    return None;
                }
                Ok(bounded::Line::TooLong(n)) => {
                    line_no += 1;
                    let err = Error::OverLimit {
                        limit: Limit::RecordSize,
                        max,
                        size: Some(n),
                    };
                    return Some(Err(locate(err, &at_line(line_no))));
                }
                Ok(bounded::Line::Whole(buf)) => {
                    line_no += 1;
                    if buf.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let location = at_line(line_no);
                    return Some(match utf8(buf) {
                        Ok(line) => Ok(Record::new(
                            location,
                            Format::Jsonl,
                            json_payload(line, &opts),
                            &opts,
                        )),
                        Err(e) => Err(locate(e, &location)),
                    });
                }
                Err(e) => {
                    done = true;
                    return Some(Err(locate(io_error(e, compressed), &at_line(line_no + 1))));
                }
            }
        }
    })
}

/// A JSON line or array element as a record: an input's article, or an
/// exported one for an import.
fn json_payload(text: String, opts: &IngestOptions) -> Payload {
    if opts.exported {
        Payload::Exported(text)
    } else {
        Payload::Json(text)
    }
}

/// Whether the input, past whitespace and a byte-order mark, opens with
/// `[` (one JSON array); also how many newlines came before, so line
/// numbers stay right. Only the whitespace is consumed.
fn leading_bracket(reader: &mut impl BufRead) -> io::Result<(bool, u64)> {
    let mut newlines = 0;
    let mut first = true;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok((false, newlines));
        }
        if first && buf.starts_with(b"\xEF\xBB\xBF") {
            // The BOM stays: a line's reader strips it, the array's skips it.
            return Ok((
                buf[3..].iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'['),
                0,
            ));
        }
        first = false;
        let n = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if n < buf.len() {
            let bracket = buf[n] == b'[';
            newlines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
            reader.consume(n);
            return Ok((bracket, newlines));
        }
        newlines += buf.iter().filter(|&&b| b == b'\n').count() as u64;
        reader.consume(n);
    }
}
