//! Reading with a bound on what one input or one record may hold.
//!
//! Every limit here counts bytes as the readers see them, after gzip, so a
//! small compressed file cannot hide a huge stream, and nothing ever holds
//! more than one record in memory: a line or an array element over the
//! record limit is skipped as it streams by, without being kept.

use std::io::{self, BufRead, Read};

use crate::error::{Error, Limit};

/// Marks the I/O error a [`LimitedReader`] gives past its limit, so the
/// caller can report it as [`Error::OverLimit`].
#[derive(Debug)]
pub(crate) struct OverFileLimit(pub u64);

impl std::fmt::Display for OverFileLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "more than {} bytes", self.0)
    }
}

impl std::error::Error for OverFileLimit {}

/// The library error for an I/O error, naming the limit when a
/// [`LimitedReader`] caused it.
pub(crate) fn limit_error(e: &io::Error) -> Option<Error> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<OverFileLimit>())
        .map(|o| Error::OverLimit {
            limit: Limit::FileSize,
            max: o.0,
            size: None,
        })
}

/// A reader that yields at most `limit` bytes and then fails, rather than
/// ending quietly: a stream cut at the limit must not pass for a whole one.
pub(crate) struct LimitedReader<R> {
    inner: R,
    left: u64,
    limit: u64,
}

impl<R: Read> LimitedReader<R> {
    pub(crate) fn new(inner: R, limit: u64) -> Self {
        LimitedReader {
            inner,
            left: limit,
            limit,
        }
    }
}

impl<R: Read> Read for LimitedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            // At the limit: only the end of the stream is fine.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(OverFileLimit(self.limit))),
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// One line read with [`read_line`].
#[derive(Debug, PartialEq)]
pub(crate) enum Line {
    /// The line, with its newline if it had one.
    Whole(Vec<u8>),
    /// The line was longer than the limit; it was skipped up to its
    /// newline, and this many bytes were in it.
    TooLong(u64),
    /// The end of the input.
    End,
}

/// Reads one line of at most `max` bytes (newline included). A longer line
/// streams by without being kept, and is reported by its length.
pub(crate) fn read_line(reader: &mut dyn BufRead, max: u64) -> io::Result<Line> {
    let mut line = Vec::new();
    let mut skipped: Option<u64> = None;
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(match skipped {
                Some(n) => Line::TooLong(n),
                None if line.is_empty() => Line::End,
                None => Line::Whole(line),
            });
        }
        let (chunk, done) = match memchr(b'\n', buf) {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        let n = chunk.len();
        match skipped.as_mut() {
            Some(total) => *total += n as u64,
            None if (line.len() + n) as u64 > max => skipped = Some((line.len() + n) as u64),
            None => line.extend_from_slice(chunk),
        }
        if skipped.is_some() {
            line = Vec::new();
        }
        reader.consume(n);
        if done {
            return Ok(match skipped {
                Some(n) => Line::TooLong(n),
                None => Line::Whole(line),
            });
        }
    }
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// One element of a JSON array read with [`ArrayElements`].
#[derive(Debug, PartialEq)]
pub(crate) enum Element {
    /// The element's JSON text.
    Whole(Vec<u8>),
    /// The element was over the limit and skipped; it held this many bytes.
    TooLong(u64),
}

/// The elements of one top-level JSON array, one at a time, as text: only
/// strings and brackets are followed (no recursion, no values built), so an
/// array of any length or nesting costs one element of memory. Each element
/// is parsed as a record later; a broken one costs only itself.
pub(crate) struct ArrayElements<R> {
    reader: R,
    max: u64,
    started: bool,
    finished: bool,
}

impl<R: BufRead> ArrayElements<R> {
    pub(crate) fn new(reader: R, max: u64) -> Self {
        ArrayElements {
            reader,
            max,
            started: false,
            finished: false,
        }
    }

    fn byte(&mut self) -> io::Result<Option<u8>> {
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            let Some(&b) = buf.first() else {
                return Ok(None);
            };
            self.reader.consume(1);
            return Ok(Some(b));
        }
    }

    fn skip_space(&mut self) -> io::Result<Option<u8>> {
        loop {
            match self.byte()? {
                Some(b) if b.is_ascii_whitespace() => {}
                // A byte-order mark before the array.
                Some(0xEF) if !self.started => {
                    for want in [0xBB, 0xBF] {
                        if self.byte()? != Some(want) {
                            return Ok(Some(0xEF));
                        }
                    }
                }
                other => return Ok(other),
            }
        }
    }

    /// The next element, `None` after the closing bracket. A structural
    /// error (no opening bracket, the input ending inside the array) is an
    /// `Err` with [`io::ErrorKind::InvalidData`], after which the reader
    /// stops.
    pub(crate) fn next_element(&mut self) -> io::Result<Option<Element>> {
        if self.finished {
            return Ok(None);
        }
        let broken = |msg: &str| io::Error::new(io::ErrorKind::InvalidData, msg.to_string());
        if !self.started {
            let first = self.skip_space()?;
            self.started = true;
            if first != Some(b'[') {
                self.finished = true;
                return Err(broken("the input is not a JSON array"));
            }
        }
        let mut first = match self.skip_space()? {
            None => {
                self.finished = true;
                return Err(broken("the JSON array is not closed"));
            }
            Some(b']') => {
                self.finished = true;
                return Ok(None);
            }
            Some(b) => b,
        };
        if first == b',' {
            // An empty element (`[1,,2]`) is the next element's problem.
            match self.skip_space()? {
                Some(b) => first = b,
                None => {
                    self.finished = true;
                    return Err(broken("the JSON array is not closed"));
                }
            }
        }
        let mut text = Vec::new();
        let mut len: u64 = 0;
        let mut keep = true;
        let mut depth: u64 = 0;
        let mut in_string = false;
        let mut escaped = false;
        let mut b = first;
        loop {
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                }
            } else {
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth > 0 => depth -= 1,
                    b']' => {
                        self.finished = true;
                        break;
                    }
                    b',' if depth == 0 => break,
                    _ => {}
                }
            }
            len += 1;
            if keep && len > self.max {
                keep = false;
                text = Vec::new();
            }
            if keep {
                text.push(b);
            }
            match self.byte()? {
                Some(next) => b = next,
                None => {
                    self.finished = true;
                    return Err(broken("the JSON array is not closed"));
                }
            }
        }
        if keep {
            while text.last().is_some_and(u8::is_ascii_whitespace) {
                text.pop();
            }
            Ok(Some(Element::Whole(text)))
        } else {
            Ok(Some(Element::TooLong(len)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limited_reader_fails_past_its_limit() {
        let mut out = Vec::new();
        let err = LimitedReader::new(&b"abcdef"[..], 4)
            .read_to_end(&mut out)
            .unwrap_err();
        assert_eq!(out, b"abcd");
        assert!(matches!(
            limit_error(&err),
            Some(Error::OverLimit { max: 4, .. })
        ));
        let mut out = Vec::new();
        LimitedReader::new(&b"abcd"[..], 4)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, b"abcd");
    }

    #[test]
    fn long_lines_stream_by_without_being_kept() {
        let text = format!("short\n{}\nlast", "x".repeat(100));
        let mut r = io::BufReader::with_capacity(7, text.as_bytes());
        assert_eq!(
            read_line(&mut r, 10).unwrap(),
            Line::Whole(b"short\n".to_vec())
        );
        assert_eq!(read_line(&mut r, 10).unwrap(), Line::TooLong(101));
        assert_eq!(
            read_line(&mut r, 10).unwrap(),
            Line::Whole(b"last".to_vec())
        );
        assert_eq!(read_line(&mut r, 10).unwrap(), Line::End);
    }

    #[test]
    fn array_elements_one_at_a_time() {
        let text = "\u{FEFF} [ {\"a\": \"x,]\\\"}\"}, [1, [2]] ,\n \"long string here\", 3 ]";
        let mut r = ArrayElements::new(text.as_bytes(), 16);
        let mut got = Vec::new();
        while let Some(e) = r.next_element().unwrap() {
            got.push(e);
        }
        assert_eq!(
            got,
            vec![
                Element::Whole(br#"{"a": "x,]\"}"}"#.to_vec()),
                Element::Whole(b"[1, [2]]".to_vec()),
                Element::TooLong(18),
                Element::Whole(b"3".to_vec()),
            ]
        );
        let mut open = ArrayElements::new(&b"[1, {\"a\": 2"[..], 100);
        assert_eq!(
            open.next_element().unwrap(),
            Some(Element::Whole(b"1".to_vec()))
        );
        assert!(open.next_element().is_err());
        assert_eq!(open.next_element().unwrap(), None);
        assert!(
            ArrayElements::new(&b"[]"[..], 9)
                .next_element()
                .unwrap()
                .is_none()
        );
    }
}
