//! Telling input formats apart, from content first and extension second.

use std::path::Path;

use crate::error::{Error, Result};

/// The formats Storyline reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text: headline on the first line, blank-line separated paragraphs.
    Text,
    /// JSON Lines (or a JSON array) of article objects.
    Jsonl,
    /// One HTML page.
    Html,
    /// A WARC archive of crawled pages.
    Warc,
    /// An RSS or Atom feed.
    Feed,
}

impl Format {
    /// The format's name as used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Jsonl => "jsonl",
            Format::Html => "html",
            Format::Warc => "warc",
            Format::Feed => "feed",
        }
    }

    /// The format a name stands for.
    pub fn from_name(name: &str) -> Option<Format> {
        [
            Format::Text,
            Format::Jsonl,
            Format::Html,
            Format::Warc,
            Format::Feed,
        ]
        .into_iter()
        .find(|f| f.name() == name)
    }
}

/// Whether bytes start with the gzip magic number.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// The extension of a path, lower-cased, ignoring a trailing `.gz`.
pub(crate) fn extension(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name.rsplit_once('.')
        .map(|(_, ext)| ext.to_string())
        .unwrap_or_default()
}

/// Detects the format of (decompressed) content. The content decides; the
/// extension only breaks ties, so a feed saved as `.html` or a page saved as
/// `.txt` is still read right.
pub fn detect(path: &Path, head: &[u8]) -> Result<Format> {
    if head.is_empty() || head.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Empty);
    }
    let start = skip_bom_and_space(head);
    // Before the binary test: an archive's records carry images and
    // compressed bodies.
    if start.starts_with(b"WARC/") {
        return Ok(Format::Warc);
    }
    if looks_binary(head) {
        return Err(Error::Binary);
    }
    let ext = extension(path);
    let lower: Vec<u8> = start
        .iter()
        .take(4096)
        .map(u8::to_ascii_lowercase)
        .collect();
    if lower.starts_with(b"<") {
        let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
        let feed = has(b"<rss") || has(b"<feed") || has(b"<rdf:rdf");
        let html = has(b"<html") || has(b"<body") || has(b"<!doctype html") || has(b"<head");
        return Ok(match (feed, html) {
            (true, false) => Format::Feed,
            (false, true) => Format::Html,
            (true, true) => {
                if matches!(ext.as_str(), "xml" | "rss" | "atom") || lower.starts_with(b"<?xml") {
                    Format::Feed
                } else {
                    Format::Html
                }
            }
            (false, false) if matches!(ext.as_str(), "xml" | "rss" | "atom") => Format::Feed,
            (false, false) => Format::Html,
        });
    }
    if start.starts_with(b"{") || (start.starts_with(b"[") && ext.starts_with("json")) {
        return Ok(Format::Jsonl);
    }
    Ok(match ext.as_str() {
        "jsonl" | "ndjson" | "json" => Format::Jsonl,
        "warc" => Format::Warc,
        "rss" | "atom" | "xml" => Format::Feed,
        _ => Format::Text,
    })
}

fn skip_bom_and_space(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let n = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[n..]
}

/// Binary data has NUL bytes all through it (images, archives, UTF-16);
/// text may carry a stray one, which then costs only its line or record.
/// So: more than one NUL in 256 bytes, or many control characters, mean
/// binary. UTF-16 text trips this too and is rare enough in news feeds to
/// report as such.
fn looks_binary(head: &[u8]) -> bool {
    let sample = &head[..head.len().min(8192)];
    let nul = sample.iter().filter(|&&b| b == 0).count();
    if nul * 256 > sample.len().max(256) {
        return true;
    }
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0))
        .count();
    control * 20 > sample.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(name: &str, content: &str) -> Result<Format> {
        detect(Path::new(name), content.as_bytes())
    }

    #[test]
    fn content_wins_over_extension() {
        assert_eq!(
            d("a.html", "<?xml version='1.0'?><rss><channel/></rss>").unwrap(),
            Format::Feed
        );
        assert_eq!(
            d("a.txt", "<!DOCTYPE html><html><body>x</body></html>").unwrap(),
            Format::Html
        );
        assert_eq!(d("a.dat", "WARC/1.0\r\n").unwrap(), Format::Warc);
        assert_eq!(d("a.txt", "{\"text\": \"x\"}\n").unwrap(), Format::Jsonl);
        assert_eq!(
            d("a.feed", "<feed xmlns='http://www.w3.org/2005/Atom'>").unwrap(),
            Format::Feed
        );
        assert_eq!(d("story", "Headline\n\nBody.").unwrap(), Format::Text);
    }

    #[test]
    fn a_stray_nul_is_not_binary() {
        let mut jsonl = b"{\"text\": \"one\"}\n".repeat(20);
        jsonl.extend_from_slice(b"{\"text\": \"t\0wo\"}\n");
        assert_eq!(detect(Path::new("a.jsonl"), &jsonl).unwrap(), Format::Jsonl);
        assert!(matches!(
            detect(
                Path::new("a.txt"),
                "UTF-16"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect::<Vec<_>>()
                    .as_slice()
            ),
            Err(Error::Binary)
        ));
    }

    #[test]
    fn empty_and_binary_are_errors() {
        assert!(matches!(d("a.txt", " \n "), Err(Error::Empty)));
        assert!(matches!(
            detect(Path::new("a.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(Error::Binary)
        ));
    }
}
