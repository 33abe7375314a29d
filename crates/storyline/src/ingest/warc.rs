//! WARC archives: every `response` record whose HTTP body is HTML becomes a
//! page to extract, with its URL and capture date from the record headers.
//!
//! Records are read as a stream, so archives far larger than memory work.
//! The `warc` crate reads records too, but after a corrupt record it loses
//! its place and mis-reads the records that follow; this reader reports the
//! bad record and resynchronises on the next `WARC/` header line, so one
//! damaged record costs only itself.

use std::io::{BufRead, Read};

use flate2::read::MultiGzDecoder;

use crate::error::{Error, Result};

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
    reader: R,
    record: u64,
    resync: bool,
    done: bool,
    max_record: u64,
}

impl<R: BufRead> WarcRecords<R> {
    /// Reads records from an uncompressed WARC stream. Records over
    /// `max_record` bytes are reported and skipped.
    pub fn new(reader: R, max_record: u64) -> Self {
        WarcRecords {
            reader,
            record: 0,
            resync: false,
            done: false,
            max_record,
        }
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
        if length > self.max_record {
            std::io::copy(&mut (&mut self.reader).take(length), &mut std::io::sink())?;
            return Err(Error::TooLarge {
                size: length,
                limit: self.max_record,
            });
        }
        let mut block = Vec::with_capacity(length as usize);
        (&mut self.reader).take(length).read_to_end(&mut block)?;
        if (block.len() as u64) < length {
            self.done = true;
            return Err(Error::Warc(format!(
                "record is truncated: {} of {length} bytes",
                block.len()
            )));
        }
        let is_response = get("warc-type").is_some_and(|t| t.eq_ignore_ascii_case("response"));
        let is_http = get("content-type").is_none_or(|t| t.to_ascii_lowercase().contains("http"));
        if !is_response || !is_http {
            return Ok(Some(None));
        }
        let page = parse_http(&block)?.map(|(charset, body)| WarcPage {
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
fn parse_http(block: &[u8]) -> Result<Option<(Option<String>, Vec<u8>)>> {
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
            let mut out = Vec::new();
            MultiGzDecoder::new(&body[..])
                .read_to_end(&mut out)
                .map_err(|e| Error::Decompress(e.to_string()))?;
            body = out;
        }
        Some("deflate") => {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(&body[..])
                .read_to_end(&mut out)
                .map_err(|e| Error::Decompress(e.to_string()))?;
            body = out;
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
