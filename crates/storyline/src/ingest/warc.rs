//! WARC archives: every `response` record whose HTTP body is HTML becomes a
//! page to extract, with its URL and capture date from the record headers.
//!
//! Records are read as a stream, so archives far larger than memory work.
//! The `warc` crate reads records too, but after a corrupt record it loses
//! its place and mis-reads the records that follow; this reader reports the
//! bad record and resynchronises on the next `WARC/` header line, so one
//! damaged record costs only itself. That holds for a wrong
//! `Content-Length` too: when the block it names does not end where the
//! record does (or runs past the end of the archive), the records read into
//! it are read again.
//!
//! No record holds more than the record limit: a larger block streams by
//! unkept, and a compressed HTTP body is inflated only up to the limit.

use std::io::{BufRead, Read};

use flate2::read::MultiGzDecoder;

use crate::error::{Error, Limit, Result};

/// An HTML response captured in a WARC archive.
#[derive(Debug, Clone, PartialEq)]
pub struct WarcPage {
    /// `WARC-Target-URI`.
    pub url: Option<String>,
    /// `WARC-Date`.
    pub date: Option<String>,
    /// Charset named by the HTTP `Content-Type`, if any.
    pub charset: Option<String>,
    /// The HTTP body, de-chunked and decompressed.
    pub body: Vec<u8>,
}

/// Largest header block accepted for one record or HTTP response.
const MAX_HEADER: usize = 1 << 20;

/// Iterates over the HTML responses of a WARC stream. Items are numbered by
/// their record (1-based, counting every record) so errors can name them.
pub struct WarcRecords<R> {
    reader: Replay<R>,
    record: u64,
    resync: bool,
    done: bool,
    max_record: u64,
}

/// A reader that can be handed bytes to read again before the rest.
struct Replay<R> {
    again: Vec<u8>,
    at: usize,
    inner: R,
}

impl<R: BufRead> Replay<R> {
    fn replay(&mut self, mut bytes: Vec<u8>) {
        bytes.extend_from_slice(&self.again[self.at..]);
        self.again = bytes;
        self.at = 0;
    }
}

impl<R: BufRead> Read for Replay<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let mine = self.fill_buf()?;
            let n = mine.len().min(buf.len());
            buf[..n].copy_from_slice(&mine[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Replay<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.at < self.again.len() {
            Ok(&self.again[self.at..])
        } else {
            self.inner.fill_buf()
        }
    }

    fn consume(&mut self, amt: usize) {
        if self.at < self.again.len() {
            self.at += amt;
            if self.at >= self.again.len() {
                self.again = Vec::new();
                self.at = 0;
            }
        } else {
            self.inner.consume(amt);
        }
    }
}

/// A record's block as read.
enum Block {
    /// Within the limit.
    Whole(Vec<u8>),
    /// Over the limit: streamed by, not kept.
    Skipped,
    /// The input ended before the block did; `later` is what looked like the
    /// start of a later record inside it, from there on.
    Cut { got: u64, later: Option<Vec<u8>> },
}

/// Where a `WARC/` version line starts inside a block, after its start.
fn record_start(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(8)
        .position(|w| w == b"\nWARC/1.")
        .map(|i| i + 1)
}

impl<R: BufRead> WarcRecords<R> {
    /// Reads records from an uncompressed WARC stream. Records over
    /// `max_record` bytes (their block, or their HTTP body once decoded) are
    /// reported and skipped.
    pub fn new(reader: R, max_record: u64) -> Self {
        WarcRecords {
            reader: Replay {
                again: Vec::new(),
                at: 0,
                inner: reader,
            },
            record: 0,
            resync: false,
            done: false,
            max_record,
        }
    }

    /// Reads a block of `length` bytes, keeping it when it is within the
    /// limit; a larger one is skipped, but from the first place a record
    /// seems to start inside it, up to the limit, it is kept in case the
    /// length turns out to run past the end.
    fn read_block(&mut self, length: u64) -> std::io::Result<Block> {
        let keep = length <= self.max_record;
        let limit = usize::try_from(self.max_record).unwrap_or(usize::MAX);
        let mut kept = Vec::with_capacity(if keep {
            length.min(1 << 20) as usize
        } else {
            0
        });
        let mut later: Option<Vec<u8>> = None;
        let mut tail: Vec<u8> = Vec::new();
        let mut got = 0u64;
        while got < length {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let n = buf
                .len()
                .min(usize::try_from(length - got).unwrap_or(usize::MAX));
            let chunk = &buf[..n];
            if keep {
                kept.extend_from_slice(chunk);
            } else if let Some(l) = later.as_mut() {
                let room = limit.saturating_sub(l.len()).min(n);
                l.extend_from_slice(&chunk[..room]);
            } else {
                // The last bytes of the chunk before, so a version line cut
                // in two is found.
                let mut window = std::mem::take(&mut tail);
                let before = window.len();
                window.extend_from_slice(chunk);
                if let Some(i) = record_start(&window) {
                    let from = i.saturating_sub(before);
                    let mut l = window[before.min(i)..before].to_vec();
                    l.extend_from_slice(&chunk[from..n.min(from + limit)]);
                    later = Some(l);
                } else {
                    let k = window.len().saturating_sub(8);
                    tail = window[k..].to_vec();
                }
            }
            got += n as u64;
            self.reader.consume(n);
        }
        Ok(if got < length {
            let later = if keep {
                record_start(&kept).map(|i| kept[i..].to_vec())
            } else {
                later
            };
            Block::Cut { got, later }
        } else if keep {
            Block::Whole(kept)
        } else {
            Block::Skipped
        })
    }

    /// Whether what follows a block is the end of its record: a blank line,
    /// the next record's version line, or the end of the input.
    fn at_record_end(&mut self) -> std::io::Result<bool> {
        let next = self.reader.fill_buf()?;
        Ok(next.is_empty()
            || next.starts_with(b"\r\n")
            || next.starts_with(b"\n")
            || next.starts_with(b"WARC/"))
    }

    fn read_line(&mut self, buf: &mut Vec<u8>) -> std::io::Result<usize> {
        buf.clear();
        (&mut self.reader)
            .take(MAX_HEADER as u64)
            .read_until(b'\n', buf)
    }

    /// Reads the next record: `Ok(None)` at the end, `Ok(Some(None))` for a
    /// record that is not an HTML response.
    fn next_record(&mut self) -> Result<Option<Option<WarcPage>>> {
        let mut line = Vec::new();
        // Find the version line, skipping blank lines between records and,
        // after an error, anything up to the next record.
        loop {
            if self.read_line(&mut line)? == 0 {
                return Ok(None);
            }
            if line.starts_with(b"WARC/") {
                break;
            }
            if !self.resync && !line.iter().all(u8::is_ascii_whitespace) {
                self.resync = true;
                self.record += 1;
                return Err(Error::Warc("expected a \"WARC/\" version line".into()));
            }
        }
        self.resync = false;
        self.record += 1;
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut total = 0;
        loop {
            let n = self.read_line(&mut line)?;
            total += n;
            if n == 0 {
                return Err(Error::Warc("archive ends inside a record header".into()));
            }
            if total > MAX_HEADER {
                self.resync = true;
                return Err(Error::Warc("record header is too long".into()));
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                break;
            }
            match text.split_once(':') {
                Some((k, v)) => headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string())),
                None => {
                    self.resync = true;
                    return Err(Error::Warc(format!("malformed header line {text:?}")));
                }
            }
        }
        let get = |k: &str| headers.iter().find(|(h, _)| h == k).map(|(_, v)| v.clone());
        let Some(length) = get("content-length").and_then(|v| v.parse::<u64>().ok()) else {
            self.resync = true;
            return Err(Error::Warc("record has no valid Content-Length".into()));
        };
        let block = match self.read_block(length)? {
            Block::Cut { got, later } => {
                let message = format!(
                    "the record's Content-Length is {length} bytes, but the archive ends {got} bytes into it"
                );
                match later {
                    Some(bytes) => {
                        self.reader.replay(bytes);
                        return Err(Error::Warc(format!(
                            "{message}; the records inside it are read again"
                        )));
                    }
                    None => {
                        self.done = true;
                        return Err(Error::Warc(message));
                    }
                }
            }
            Block::Skipped => {
                if !self.at_record_end()? {
                    self.resync = true;
                }
                return Err(Error::OverLimit {
                    limit: Limit::RecordSize,
                    max: self.max_record,
                    size: Some(length),
                });
            }
            Block::Whole(block) => block,
        };
        if !self.at_record_end()? {
            // The length is wrong: records it swallowed are read again, or
            // the reader looks for the next record.
            match record_start(&block) {
                Some(i) => self.reader.replay(block[i..].to_vec()),
                None => self.resync = true,
            }
            return Err(Error::Warc(format!(
                "the record's Content-Length ({length}) does not end where the record does"
            )));
        }
        let is_response = get("warc-type").is_some_and(|t| t.eq_ignore_ascii_case("response"));
        let is_http = get("content-type").is_none_or(|t| t.to_ascii_lowercase().contains("http"));
        if !is_response || !is_http {
            return Ok(Some(None));
        }
        let page = parse_http(&block, self.max_record)?.map(|(charset, body)| WarcPage {
            url: get("warc-target-uri").map(|u| u.trim_matches(['<', '>']).to_string()),
            date: get("warc-date"),
            charset,
            body,
        });
        Ok(Some(page))
    }
}

impl<R: BufRead> Iterator for WarcRecords<R> {
    type Item = (u64, Result<WarcPage>);

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.next_record() {
                Ok(None) => self.done = true,
                Ok(Some(None)) => continue,
                Ok(Some(Some(page))) => return Some((self.record, Ok(page))),
                Err(err) => {
                    if matches!(err, Error::Io(_)) {
                        self.done = true;
                    }
                    return Some((self.record, Err(err)));
                }
            }
        }
        None
    }
}

/// Splits an HTTP response into (charset, body) when it is a successful
/// HTML response; `None` for other content or statuses.
fn parse_http(block: &[u8], max_body: u64) -> Result<Option<(Option<String>, Vec<u8>)>> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut response = httparse::Response::new(&mut headers);
    let body_at = match response.parse(block) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => {
            return Err(Error::Warc("HTTP response headers are incomplete".into()));
        }
        Err(e) => return Err(Error::Warc(format!("bad HTTP response: {e}"))),
    };
    if !(200..300).contains(&response.code.unwrap_or(0)) {
        return Ok(None);
    }
    let header = |name: &str| {
        response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
    };
    let content_type = header("content-type").unwrap_or_default();
    let mut body = block[body_at..].to_vec();
    if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        body = dechunk(&body).ok_or_else(|| Error::Warc("bad chunked HTTP body".into()))?;
    }
    match header("content-encoding").as_deref() {
        Some("gzip") | Some("x-gzip") => {
            body = inflate(MultiGzDecoder::new(&body[..]), max_body)?;
        }
        Some("deflate") => {
            body = inflate(flate2::read::ZlibDecoder::new(&body[..]), max_body)?;
        }
        _ => {}
    }
    let html = if content_type.is_empty() {
        let head = String::from_utf8_lossy(&body[..body.len().min(1024)]).to_ascii_lowercase();
        head.contains("<html") || head.contains("<!doctype html")
    } else {
        content_type.contains("html")
    };
    if !html {
        return Ok(None);
    }
    let charset = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("charset="))
        .map(|c| c.trim_matches(['"', '\'']).to_string())
        .next();
    Ok(Some((charset, body)))
}

/// A compressed body, inflated up to `max` bytes: a body that inflates to
/// more is refused as it grows, not after.
fn inflate(decoder: impl Read, max: u64) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    decoder
        .take(max.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| Error::Decompress(e.to_string()))?;
    if out.len() as u64 > max {
        return Err(Error::OverLimit {
            limit: Limit::RecordSize,
            max,
            size: None,
        });
    }
    Ok(out)
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let eol = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..eol]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..).unwrap_or(&[]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, uri: &str, block: &str) -> String {
        format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2017-04-12T10:00:00Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
            block.len()
        )
    }

    fn http(body: &str) -> String {
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=\"ISO-8859-1\"\r\n\r\n{body}")
    }

    #[test]
    fn reads_html_responses_and_skips_the_rest() {
        let warc = record("warcinfo", "", "software: x")
            + &record("request", "http://a/", "GET / HTTP/1.1\r\n\r\n")
            + &record("response", "http://a/", &http("<html>hi</html>"))
            + &record(
                "response",
                "http://a/x.png",
                "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\nPNG",
            );
        let items: Vec<_> = WarcRecords::new(warc.as_bytes(), 1 << 20).collect();
        assert_eq!(items.len(), 1);
        let (n, page) = &items[0];
        assert_eq!(*n, 3);
        let page = page.as_ref().unwrap();
        assert_eq!(page.url.as_deref(), Some("http://a/"));
        assert_eq!(page.charset.as_deref(), Some("iso-8859-1"));
        assert_eq!(page.body, b"<html>hi</html>");
    }

    #[test]
    fn a_corrupt_record_costs_only_itself() {
        let good = record("response", "http://b/", &http("<html>b</html>"));
        let bad = "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: zzz\r\n\r\ngarbage\r\n\r\n";
        let warc = record("response", "http://a/", &http("<html>a</html>")) + bad + &good;
        let items: Vec<_> = WarcRecords::new(warc.as_bytes(), 1 << 20).collect();
        assert_eq!(items.len(), 3);
        assert!(items[0].1.is_ok());
        assert_eq!(items[1].0, 2);
        assert!(
            items[1]
                .1
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("Content-Length")
        );
        assert_eq!(
            items[2].1.as_ref().unwrap().url.as_deref(),
            Some("http://b/")
        );
    }

    #[test]
    fn chunked_bodies_are_decoded() {
        assert_eq!(
            dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").unwrap(),
            b"abcde"
        );
        assert_eq!(dechunk(b"zz\r\n"), None);
    }
}
