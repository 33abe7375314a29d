//! The packed encoding of reused sentences (`reuse_packed`, schema 14).
//!
//! Before, `sentence_reuse` kept a row per sentence pair, each way, under a
//! four-column key, with an index on the other article: about 80 bytes a
//! pair, 1.3 KB an article at 100k. A pair of articles that share
//! sentences shares several, so here they are one row each way, keyed by the
//! two articles, with the sentence pairs in a blob:
//! - entries in (sentence, other sentence) order, one for each pair;
//! - each entry: the sentence as a LEB128 varint delta from the previous
//!   entry's (the first from 0), then a varint of the other sentence shifted
//!   left by two with the flags in the low bits: 1 word for word, 2 a score
//!   other than 1 follows, as the 8 bytes of its `f64` (little-endian), so
//!   the score comes back bit for bit.
//!
//! A verbatim pair, most of them, takes two or three bytes.

use integer_encoding::VarInt;

/// A sentence pair of two articles, seen from the first: its sentence,
/// the other's, the score and whether it is word for word.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Entry {
    pub sentence: usize,
    pub other_sentence: usize,
    pub score: f64,
    pub verbatim: bool,
}

const VERBATIM: u64 = 1;
const SCORED: u64 = 2;
/// No article has this many sentences: a larger index is damage.
const MAX_SENTENCE: u64 = u32::MAX as u64;

fn put(out: &mut Vec<u8>, v: u64) {
    let mut buf = [0u8; 10];
    let n = v.encode_var(&mut buf);
    out.extend_from_slice(&buf[..n]);
}

/// The blob of `entries`, which must be in (sentence, other sentence)
/// order without repeats ([`upsert`] keeps them so).
pub(super) fn encode(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * 3);
    let mut last = 0usize;
    for e in entries {
        debug_assert!(e.sentence >= last);
        put(&mut out, (e.sentence - last) as u64);
        last = e.sentence;
        // Bit for bit: a score is left out only when it is exactly 1.
        let scored = e.score.to_bits() != 1f64.to_bits();
        let flags = if e.verbatim { VERBATIM } else { 0 } | if scored { SCORED } else { 0 };
        put(&mut out, (e.other_sentence as u64) << 2 | flags);
        if scored {
            out.extend_from_slice(&e.score.to_le_bytes());
        }
    }
    out
}

/// The entries of a blob written by [`encode`].
pub(super) fn decode(mut b: &[u8]) -> Result<Vec<Entry>, &'static str> {
    let mut out = Vec::with_capacity(b.len() / 2);
    let mut sentence = 0u64;
    let next = |b: &mut &[u8]| -> Result<u64, &'static str> {
        let (v, n) = u64::decode_var(b).ok_or("truncated")?;
        *b = &b[n..];
        Ok(v)
    };
    while !b.is_empty() {
        sentence = sentence.checked_add(next(&mut b)?).ok_or("bad sentence")?;
        let packed = next(&mut b)?;
        let other = packed >> 2;
        if sentence > MAX_SENTENCE || other > MAX_SENTENCE {
            return Err("bad sentence");
        }
        let score = if packed & SCORED != 0 {
            let (bytes, rest) = b.split_first_chunk::<8>().ok_or("truncated")?;
            b = rest;
            f64::from_le_bytes(*bytes)
        } else {
            1.0
        };
        out.push(Entry {
            sentence: sentence as usize,
            other_sentence: other as usize,
            score,
            verbatim: packed & VERBATIM != 0,
        });
    }
    Ok(out)
}

/// Adds `e` to `entries` (in order), replacing the entry of the same
/// sentence pair: what `INSERT OR REPLACE` did with a row a pair.
pub(super) fn upsert(entries: &mut Vec<Entry>, e: Entry) {
    match entries.binary_search_by_key(&(e.sentence, e.other_sentence), |x| {
        (x.sentence, x.other_sentence)
    }) {
        Ok(i) => entries[i] = e,
        Err(i) => entries.insert(i, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(sentence: usize, other_sentence: usize, score: f64, verbatim: bool) -> Entry {
        Entry {
            sentence,
            other_sentence,
            score,
            verbatim,
        }
    }

    #[test]
    fn entries_come_back_bit_for_bit_and_verbatim_ones_are_small() {
        let mut entries = Vec::new();
        for e in [
            entry(7, 2, 0.6180339887498949, false),
            entry(0, 0, 1.0, true),
            entry(0, 3, 1.0, true),
            entry(7, 1, 1.0, false),
            entry(300, 70000, 0.9000000000000001, false),
            entry(1, 1, 1.0, true),
        ] {
            upsert(&mut entries, e);
        }
        // Replaced, not repeated.
        upsert(&mut entries, entry(7, 2, 0.75, false));
        let blob = encode(&entries);
        let back = decode(&blob).unwrap();
        assert_eq!(back, entries);
        assert_eq!(back.len(), 6);
        assert_eq!(back[4].score.to_bits(), 0.75f64.to_bits());
        // Three verbatim pairs of small sentences: two bytes each.
        assert_eq!(encode(&entries[..3]).len(), 6);
        assert!(decode(&[]).unwrap().is_empty());
    }

    #[test]
    fn damaged_blobs_are_errors_not_panics() {
        let blob = encode(&[entry(3, 4, 0.5, false)]);
        for cut in 0..blob.len() {
            if cut > 0 {
                assert!(decode(&blob[..cut]).is_err(), "{cut}");
            }
        }
        assert!(decode(&[0xff; 11]).is_err());
        assert!(decode(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00]).is_err());
    }
}
