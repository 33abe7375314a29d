//! The compact encoding of an article's attributions (`encoding` 1 of
//! `article_attributions`; 0 is the JSON the store kept before).
//!
//! JSON spelt every field name for each of the ~40 mentions of an article
//! and repeated every quote, cue, speaker and name from the article's text:
//! 5.6 KB an article at 100k, more than the text itself. Here the strings
//! that are pieces of the article's stored text are written as where they
//! are in it, spans as small deltas, and flags as bits: about a twentieth of
//! the JSON's size, and faster to read back than JSON is to parse.
//!
//! Layout (integers are LEB128 varints, `i` ones zigzag):
//! - header: support (0 full, 1 names, 2 none), the stored text's length in
//!   bytes (a row written against another text is found stale, not misread),
//!   the number of quotes, the number of mentions;
//! - each quote: flags (kind, speech, which options are there), its span
//!   (start `i` from the previous quote's start, length `i`), its fragments
//!   (count, then each span from the quote's start), its text as a string
//!   (below) anchored on its span or on its fragments, then cue span and cue,
//!   speaker span and speaker, speaker phrase span, when there;
//! - each mention: flags (kind, role, metonym, titles, whether text and name
//!   are its span's text exactly), its span (start `i` from the previous
//!   mention's start, length `i`), text and name as strings anchored on the
//!   span unless the flag says both are it, titles as literals.
//!
//! A string anchored on a span is a varint tag: 0 the span's text itself,
//! 1 a piece of it (byte offset in the span, byte length), 2 pieces of the
//! fragments joined by a space (one string per fragment, each anchored on
//! its fragment), and `3 + n` a literal of `n` bytes that follow. Pruning an
//! article's text writes its rows again against an empty text: every string
//! becomes a literal, so quotes and names stay readable.
//!
//! [`encode`] decodes what it wrote and compares it with what it was given;
//! anything that would not come back the same is left to JSON, so the
//! encoding can never change what the store answers.

use integer_encoding::VarInt;

use crate::quotes::{Attributions, EntityKind, Mention, Quote, QuoteKind, Span, Support};

/// `article_attributions.encoding` of a row in JSON.
pub(super) const JSON: i64 = 0;
/// `article_attributions.encoding` of a row in this encoding.
pub(super) const COMPACT: i64 = 1;

const SAME: u64 = 0;
const PIECE: u64 = 1;
const PARTS: u64 = 2;
const LITERAL: u64 = 3;

/// Character offsets (what spans count) to byte offsets of one text.
struct Chars<'a> {
    text: &'a str,
    /// Byte offset of each character, plus the text's length at the end;
    /// `None` for ASCII, where the two are the same.
    starts: Option<Vec<u32>>,
}

impl<'a> Chars<'a> {
    fn new(text: &'a str) -> Chars<'a> {
        let starts = (!text.is_ascii()).then(|| {
            text.char_indices()
                .map(|(b, _)| b as u32)
                .chain([text.len() as u32])
                .collect()
        });
        Chars { text, starts }
    }

    fn byte(&self, c: usize) -> Option<usize> {
        match &self.starts {
            None => (c <= self.text.len()).then_some(c),
            Some(s) => s.get(c).map(|&b| b as usize),
        }
    }

    /// The text of a span, when the span lies in the text.
    fn slice(&self, s: Span) -> Option<&'a str> {
        let (a, b) = (self.byte(s.start)?, self.byte(s.end)?);
        self.text.get(a..b)
    }
}

fn put(out: &mut Vec<u8>, v: u64) {
    let mut buf = [0u8; 10];
    let n = v.encode_var(&mut buf);
    out.extend_from_slice(&buf[..n]);
}

fn put_i(out: &mut Vec<u8>, v: i64) {
    let mut buf = [0u8; 10];
    let n = v.encode_var(&mut buf);
    out.extend_from_slice(&buf[..n]);
}

/// A span as its start from `origin` and its length.
fn put_span(out: &mut Vec<u8>, s: Span, origin: usize) {
    put_i(out, s.start as i64 - origin as i64);
    put_i(out, s.end as i64 - s.start as i64);
}

fn put_literal(out: &mut Vec<u8>, s: &str) {
    put(out, LITERAL + s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// `s` as written at `anchor` in the text, or a piece of it, else a literal.
fn put_str(out: &mut Vec<u8>, s: &str, anchor: Option<Span>, chars: &Chars<'_>) {
    if let Some(window) = anchor.and_then(|a| chars.slice(a)) {
        if window == s {
            put(out, SAME);
            return;
        }
        if let Some(at) = window.find(s) {
            put(out, PIECE);
            put(out, at as u64);
            put(out, s.len() as u64);
            return;
        }
    }
    put_literal(out, s);
}

/// A quote's text: when it is its fragments' pieces joined by a space (a
/// quote a cue interrupts), each piece anchored on its fragment.
fn put_quote_text(out: &mut Vec<u8>, q: &Quote, chars: &Chars<'_>) {
    if q.fragments.len() > 1
        && let Some(pieces) = split_pieces(&q.text, &q.fragments, chars)
    {
        put(out, PARTS);
        for (piece, &f) in pieces.iter().zip(&q.fragments) {
            put_str(out, piece, Some(f), chars);
        }
        return;
    }
    put_str(out, &q.text, Some(q.span), chars);
}

/// Cuts `text` into one piece per fragment, each found in its fragment's
/// text, joined by single spaces; `None` when it is not so made.
fn split_pieces<'t>(text: &'t str, fragments: &[Span], chars: &Chars<'_>) -> Option<Vec<&'t str>> {
    let mut rest = text;
    let mut pieces = Vec::with_capacity(fragments.len());
    for (i, &f) in fragments.iter().enumerate() {
        let window = chars.slice(f)?;
        if i + 1 == fragments.len() {
            window.contains(rest).then_some(())?;
            pieces.push(rest);
            break;
        }
        // The longest prefix of `rest` that is in the window and is
        // followed by the joining space (quotation marks only ever trim
        // a piece at its ends, so it is found near the window's start).
        let cut = rest
            .char_indices()
            .filter(|&(_, c)| c == ' ')
            .map(|(b, _)| b)
            .take_while(|&b| window.contains(&rest[..b]))
            .last()?;
        pieces.push(&rest[..cut]);
        rest = &rest[cut + 1..];
    }
    (pieces.len() == fragments.len()).then_some(pieces)
}

fn quote_kind(k: QuoteKind) -> u64 {
    match k {
        QuoteKind::Direct => 0,
        QuoteKind::Mixed => 1,
        QuoteKind::Indirect => 2,
    }
}

fn entity_kind(k: Option<EntityKind>) -> u64 {
    match k {
        None => 0,
        Some(EntityKind::Person) => 1,
        Some(EntityKind::Organization) => 2,
        Some(EntityKind::Place) => 3,
    }
}

const Q_SPEECH: u64 = 1 << 2;
const Q_CUE: u64 = 1 << 3;
const Q_CUE_SPAN: u64 = 1 << 4;
const Q_SPEAKER: u64 = 1 << 5;
const Q_SPEAKER_SPAN: u64 = 1 << 6;
const Q_FRAGMENTS: u64 = 1 << 7;
const Q_PHRASE: u64 = 1 << 8;

const M_ROLE: u64 = 1 << 2;
const M_METONYM: u64 = 1 << 3;
const M_TITLES: u64 = 1 << 4;
const M_AS_WRITTEN: u64 = 1 << 5;

/// Writes `at`, found in `text` (the article's stored text), or `None` when
/// the encoding would not give `at` back exactly (the row stays JSON).
pub(super) fn encode(at: &Attributions, text: &str) -> Option<Vec<u8>> {
    let chars = Chars::new(text);
    let mut out = Vec::with_capacity(16 + 8 * at.quotes.len() + 4 * at.mentions.len());
    put(
        &mut out,
        match at.support {
            Support::Full => 0,
            Support::Names => 1,
            Support::None => 2,
        },
    );
    put(&mut out, text.len() as u64);
    put(&mut out, at.quotes.len() as u64);
    put(&mut out, at.mentions.len() as u64);
    let mut last = 0;
    for q in &at.quotes {
        let flags = quote_kind(q.kind)
            | if q.speech { Q_SPEECH } else { 0 }
            | if q.cue.is_some() { Q_CUE } else { 0 }
            | if q.cue_span.is_some() { Q_CUE_SPAN } else { 0 }
            | if q.speaker.is_some() { Q_SPEAKER } else { 0 }
            | if q.speaker_span.is_some() {
                Q_SPEAKER_SPAN
            } else {
                0
            }
            | if q.fragments.is_empty() {
                0
            } else {
                Q_FRAGMENTS
            }
            | if q.speaker_phrase_span.is_some() {
                Q_PHRASE
            } else {
                0
            };
        put(&mut out, flags);
        put_span(&mut out, q.span, last);
        last = q.span.start;
        if !q.fragments.is_empty() {
            put(&mut out, q.fragments.len() as u64);
            for &f in &q.fragments {
                put_span(&mut out, f, q.span.start);
            }
        }
        put_quote_text(&mut out, q, &chars);
        if let Some(s) = q.cue_span {
            put_span(&mut out, s, q.span.start);
        }
        if let Some(cue) = &q.cue {
            put_str(&mut out, cue, q.cue_span, &chars);
        }
        if let Some(s) = q.speaker_span {
            put_span(&mut out, s, q.span.start);
        }
        if let Some(speaker) = &q.speaker {
            put_str(&mut out, speaker, q.speaker_span, &chars);
        }
        if let Some(s) = q.speaker_phrase_span {
            put_span(&mut out, s, q.span.start);
        }
    }
    last = 0;
    for m in &at.mentions {
        let written = chars.slice(m.span);
        let as_written = written == Some(m.text.as_str()) && written == Some(m.name.as_str());
        let flags = entity_kind(m.kind)
            | if m.role { M_ROLE } else { 0 }
            | if m.metonym { M_METONYM } else { 0 }
            | if m.titles.is_empty() { 0 } else { M_TITLES }
            | if as_written { M_AS_WRITTEN } else { 0 };
        put(&mut out, flags);
        put_span(&mut out, m.span, last);
        last = m.span.start;
        if !as_written {
            put_str(&mut out, &m.text, Some(m.span), &chars);
            put_str(&mut out, &m.name, Some(m.span), &chars);
        }
        if !m.titles.is_empty() {
            put(&mut out, m.titles.len() as u64);
            for t in &m.titles {
                put_literal(&mut out, t);
            }
        }
    }
    (decode_with(&out, &chars).ok()?.as_ref() == Some(at)).then_some(out)
}

/// Why a row could not be read.
type DecodeError = &'static str;

struct Input<'b> {
    b: &'b [u8],
}

impl<'b> Input<'b> {
    fn u(&mut self) -> Result<u64, DecodeError> {
        let (v, n) = u64::decode_var(self.b).ok_or("truncated")?;
        self.b = &self.b[n..];
        Ok(v)
    }

    fn i(&mut self) -> Result<i64, DecodeError> {
        let (v, n) = i64::decode_var(self.b).ok_or("truncated")?;
        self.b = &self.b[n..];
        Ok(v)
    }

    fn count(&mut self) -> Result<usize, DecodeError> {
        let n = self.u()?;
        // Every item takes a byte at least: a bigger count is damage, and
        // must not reserve memory for it.
        if n > self.b.len() as u64 {
            return Err("a count beyond the row");
        }
        Ok(n as usize)
    }

    fn span(&mut self, origin: usize) -> Result<Span, DecodeError> {
        let start = (origin as i64)
            .checked_add(self.i()?)
            .filter(|&s| s >= 0)
            .ok_or("a span before the text")?;
        let end = start
            .checked_add(self.i()?)
            .filter(|&e| e >= 0)
            .ok_or("a span before the text")?;
        Ok(Span {
            start: start as usize,
            end: end as usize,
        })
    }

    fn bytes(&mut self, n: u64) -> Result<&'b [u8], DecodeError> {
        if n > self.b.len() as u64 {
            return Err("truncated");
        }
        let (head, rest) = self.b.split_at(n as usize);
        self.b = rest;
        Ok(head)
    }

    fn literal(&mut self, tag: u64) -> Result<String, DecodeError> {
        let b = self.bytes(tag - LITERAL)?;
        Ok(std::str::from_utf8(b)
            .map_err(|_| "a literal not in UTF-8")?
            .to_string())
    }

    fn string(&mut self, anchor: Option<Span>, chars: &Chars<'_>) -> Result<String, DecodeError> {
        let tag = self.u()?;
        self.string_tagged(tag, anchor, chars)
    }

    fn string_tagged(
        &mut self,
        tag: u64,
        anchor: Option<Span>,
        chars: &Chars<'_>,
    ) -> Result<String, DecodeError> {
        let window = || {
            anchor
                .and_then(|a| chars.slice(a))
                .ok_or("a string at a span outside the text")
        };
        match tag {
            SAME => Ok(window()?.to_string()),
            PIECE => {
                let (at, len) = (self.u()?, self.u()?);
                let w = window()?;
                usize::try_from(at)
                    .ok()
                    .zip(usize::try_from(len).ok())
                    .and_then(|(a, l)| w.get(a..a.checked_add(l)?))
                    .map(str::to_string)
                    .ok_or("a piece outside its span")
            }
            PARTS => Err("pieces of fragments outside a quote"),
            _ => self.literal(tag),
        }
    }

    fn title(&mut self) -> Result<String, DecodeError> {
        match self.u()? {
            tag if tag >= LITERAL => self.literal(tag),
            _ => Err("a title not written out"),
        }
    }
}

/// Reads a row written by [`encode`] against `text`, the article's stored
/// text now; `Ok(None)` when it was written against another text (stale:
/// the article's attributions are to be found again).
pub(super) fn decode(b: &[u8], text: &str) -> Result<Option<Attributions>, DecodeError> {
    decode_with(b, &Chars::new(text))
}

fn decode_with(b: &[u8], chars: &Chars<'_>) -> Result<Option<Attributions>, DecodeError> {
    let mut input = Input { b };
    let support = match input.u()? {
        0 => Support::Full,
        1 => Support::Names,
        2 => Support::None,
        _ => return Err("an unknown support"),
    };
    if input.u()? != chars.text.len() as u64 {
        return Ok(None);
    }
    let quotes = input.count()?;
    let mentions = input.count()?;
    let mut at = Attributions {
        quotes: Vec::with_capacity(quotes),
        mentions: Vec::with_capacity(mentions),
        support,
    };
    let mut last = 0;
    for _ in 0..quotes {
        let flags = input.u()?;
        let kind = match flags & 3 {
            0 => QuoteKind::Direct,
            1 => QuoteKind::Mixed,
            2 => QuoteKind::Indirect,
            _ => return Err("an unknown quote kind"),
        };
        let span = input.span(last)?;
        last = span.start;
        let mut fragments = Vec::new();
        if flags & Q_FRAGMENTS != 0 {
            let n = input.count()?;
            fragments.reserve(n);
            for _ in 0..n {
                fragments.push(input.span(span.start)?);
            }
        }
        let text = match input.u()? {
            PARTS => {
                let mut pieces = Vec::with_capacity(fragments.len());
                for &f in &fragments {
                    pieces.push(input.string(Some(f), chars)?);
                }
                pieces.join(" ")
            }
            tag => input.string_tagged(tag, Some(span), chars)?,
        };
        let cue_span = (flags & Q_CUE_SPAN != 0)
            .then(|| input.span(span.start))
            .transpose()?;
        let cue = (flags & Q_CUE != 0)
            .then(|| input.string(cue_span, chars))
            .transpose()?;
        let speaker_span = (flags & Q_SPEAKER_SPAN != 0)
            .then(|| input.span(span.start))
            .transpose()?;
        let speaker = (flags & Q_SPEAKER != 0)
            .then(|| input.string(speaker_span, chars))
            .transpose()?;
        let speaker_phrase_span = (flags & Q_PHRASE != 0)
            .then(|| input.span(span.start))
            .transpose()?;
        at.quotes.push(Quote {
            kind,
            text,
            span,
            fragments,
            cue,
            cue_span,
            speaker,
            speaker_span,
            speech: flags & Q_SPEECH != 0,
            speaker_phrase_span,
        });
    }
    last = 0;
    for _ in 0..mentions {
        let flags = input.u()?;
        let kind = match flags & 3 {
            0 => None,
            1 => Some(EntityKind::Person),
            2 => Some(EntityKind::Organization),
            _ => Some(EntityKind::Place),
        };
        let span = input.span(last)?;
        last = span.start;
        let (text, name) = if flags & M_AS_WRITTEN != 0 {
            let written = chars
                .slice(span)
                .ok_or("a mention outside the text")?
                .to_string();
            (written.clone(), written)
        } else {
            (
                input.string(Some(span), chars)?,
                input.string(Some(span), chars)?,
            )
        };
        let mut titles = Vec::new();
        if flags & M_TITLES != 0 {
            let n = input.count()?;
            titles.reserve(n);
            for _ in 0..n {
                titles.push(input.title()?);
            }
        }
        at.mentions.push(Mention {
            text,
            span,
            kind,
            name,
            role: flags & M_ROLE != 0,
            metonym: flags & M_METONYM != 0,
            titles,
        });
    }
    if !input.b.is_empty() {
        return Err("bytes after the last mention");
    }
    Ok(Some(at))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::quotes::extract_in;
    use crate::text::analyze;

    /// The bundled corpus's texts (ECB+ articles, some with curly quotes,
    /// dashes and accented names), as the store keeps them.
    fn corpus_texts() -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let mut texts = Vec::new();
        let mut files: Vec<_> = std::fs::read_dir(root.join("text"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            texts.push(std::fs::read_to_string(f).unwrap());
        }
        let jsonl = std::fs::read_to_string(root.join("jsonl/ecbplus.jsonl")).unwrap();
        for line in jsonl.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            texts.push(v["text"].as_str().unwrap().to_string());
        }
        texts
    }

    /// Quotes in other languages and scripts: other quotation marks,
    /// multi-byte characters before and inside every span.
    const OTHERS: &[&str] = &[
        "«Nous ne céderons pas», a déclaré le ministre Jean-Éric Dupont à Paris. Selon \
         Élisabeth Borne, la réforme « est nécessaire pour l'avenir ».",
        "„Wir schaffen das“, sagte Angela Merkel in Berlin. Der Minister Horst Seehofer \
         erklärte, dass die Grenzen offen bleiben würden.",
        "«No vamos a rendirnos», dijo el presidente Pedro Sánchez en Madrid. Según \
         el ministro José Luis Ábalos, el plan «es urgente y necesario».",
        "Президент Владимир Путин встретился в Москве с Ангелой Меркель. Σύμφωνα με τον \
         Αλέξη Τσίπρα, η Αθήνα θα απαντήσει.",
        "\u{201c}We will not back down,\u{201d} said Mayor Zoë Ørsted of Århus, \
         \u{201c}not now, not ever.\u{201d} Officials in Zürich declined to comment.",
    ];

    fn stored_text(raw: &str) -> (String, Attributions) {
        let analyzed = analyze(raw);
        let found = extract_in(&analyzed.text, analyzed.lang);
        (analyzed.text, found)
    }

    #[test]
    fn every_corpus_article_comes_back_the_same_and_far_smaller() {
        let texts = corpus_texts();
        assert!(texts.len() > 150, "{}", texts.len());
        let (mut json_bytes, mut compact_bytes) = (0, 0);
        let (mut quotes, mut mentions, mut fragmented) = (0, 0, 0);
        for raw in texts
            .iter()
            .map(String::as_str)
            .chain(OTHERS.iter().copied())
        {
            let (text, found) = stored_text(raw);
            let blob = encode(&found, &text).expect("every corpus article encodes compactly");
            assert_eq!(decode(&blob, &text).unwrap().as_ref(), Some(&found));
            json_bytes += serde_json::to_string(&found).unwrap().len();
            compact_bytes += blob.len();
            quotes += found.quotes.len();
            mentions += found.mentions.len();
            fragmented += found
                .quotes
                .iter()
                .filter(|q| q.fragments.len() > 1)
                .count();
        }
        // Real material: quotes, quotes a cue interrupts, and names.
        assert!(
            quotes > 200 && mentions > 2000 && fragmented > 5,
            "{quotes} {mentions} {fragmented}"
        );
        // About a twentieth of the JSON.
        assert!(
            compact_bytes * 10 < json_bytes,
            "{compact_bytes} bytes against {json_bytes} in JSON"
        );
    }

    #[test]
    fn other_languages_point_into_their_text() {
        for raw in OTHERS {
            let (text, found) = stored_text(raw);
            assert!(!found.mentions.is_empty(), "{raw}");
            let blob = encode(&found, &text).unwrap();
            // Every string is where it is in the text: no literal bytes of
            // the names or quotes are in the row.
            for m in &found.mentions {
                assert!(
                    !blob.windows(m.text.len()).any(|w| w == m.text.as_bytes()),
                    "{:?} written out",
                    m.text
                );
            }
            assert_eq!(decode(&blob, &text).unwrap(), Some(found));
        }
    }

    #[test]
    fn without_the_text_every_string_is_written_out() {
        // What pruning an article's text does to its rows.
        let (_, found) = stored_text(OTHERS[4]);
        assert!(!found.quotes.is_empty());
        let blob = encode(&found, "").unwrap();
        assert_eq!(decode(&blob, "").unwrap().as_ref(), Some(&found));
        assert!(
            blob.windows(5).any(|w| w == b"Zo\xc3\xab "),
            "the speaker is written out"
        );
    }

    #[test]
    fn a_row_written_against_another_text_is_stale_not_misread() {
        let (text, found) = stored_text(OTHERS[0]);
        let blob = encode(&found, &text).unwrap();
        let edited = text.replace("ministre", "premier ministre");
        assert_eq!(decode(&blob, &edited).unwrap(), None);
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let (text, found) = stored_text(OTHERS[2]);
        let blob = encode(&found, &text).unwrap();
        for cut in 0..blob.len() {
            // Any prefix, and any byte changed: an error or some reading,
            // never a panic, never an allocation the row cannot back.
            let _ = decode(&blob[..cut], &text);
            let mut bad = blob.clone();
            bad[cut] ^= 0xff;
            let _ = decode(&bad, &text);
        }
        assert!(decode(&blob[..blob.len() - 1], &text).is_err());
        let mut longer = blob.clone();
        longer.push(0);
        assert!(decode(&longer, &text).is_err());
    }

    #[test]
    fn spans_outside_the_text_still_come_back() {
        // A span past the text's end cannot be read back from it.
        let found = Attributions {
            quotes: Vec::new(),
            mentions: vec![Mention {
                text: "Nobody".into(),
                span: Span {
                    start: 100,
                    end: 90,
                },
                kind: None,
                name: "Nobody".into(),
                role: false,
                metonym: false,
                titles: vec!["mayor".into()],
            }],
            support: Support::Names,
        };
        // Spans are numbers, strings literals: it still comes back.
        let blob = encode(&found, "short").unwrap();
        assert_eq!(decode(&blob, "short").unwrap(), Some(found));
    }
}
