//! The compact encoding of an article's story features (`encoding` 1 of
//! `story_features`; 0 is the five blobs the store kept before, 2 a row
//! read from the article's stored text).
//!
//! Before, every term and entity took a `u64` key and an `f32` weight (12
//! bytes), and the lead, headline and figures repeated 8-byte keys of
//! terms and entities: 2.2 KB an article at 100k, a row just too big for two
//! to share a 4 KB page, so 3.1 KB on disk. The weights are few values
//! (`1 + ln(count)` over small counts: about ten distinct in an article), so
//! here each is a byte into the row's own table of them, and the lead,
//! headline and figures are positions in the terms and entities.
//!
//! One blob, in the `terms` column (`entities` and `lead` are empty, and
//! `headline` is empty, not NULL: the row is current). Integers are LEB128
//! varints:
//! - the number of terms, of entities, and of distinct weights;
//! - the distinct weights, `f32` little-endian, in order of first use;
//! - the terms' keys (`u64` little-endian, as extracted: sorted), then one
//!   byte each, its weight's place in the table; the same for the entities;
//! - the lead, the headline and the figures: each a count, then each key's
//!   place in the terms followed by the entities.
//!
//! [`encode`] decodes what it wrote and compares it bit for bit with what
//! it was given; anything that would not come back the same (more than 256
//! distinct weights, a lead key in neither list) is stored the old way.

use integer_encoding::VarInt;

use crate::stories::StoryFeatures;

/// `story_features.encoding` of a row in five blobs.
pub(super) const BLOBS: i64 = 0;
/// `story_features.encoding` of a row in this encoding.
pub(super) const COMPACT: i64 = 1;
/// `story_features.encoding` of a row whose features are the ones the
/// article's stored text, headline and date give (they always are: they
/// were extracted from them): only `day` and `has_title` are written, and
/// the rest is extracted again when read. A row whose text is pruned is
/// written out compact first.
pub(super) const FROM_TEXT: i64 = 2;

fn put(out: &mut Vec<u8>, v: u64) {
    let mut buf = [0u8; 10];
    let n = v.encode_var(&mut buf);
    out.extend_from_slice(&buf[..n]);
}

/// Writes the parts of `f` the blob holds (`day` and `has_title` have
/// columns of their own), or `None` when this encoding would not give them
/// back exactly.
pub(super) fn encode(f: &StoryFeatures) -> Option<Vec<u8>> {
    let mut weights: Vec<u32> = Vec::new();
    let mut places = Vec::with_capacity(f.terms.len() + f.entities.len());
    for &(_, w) in f.terms.iter().chain(&f.entities) {
        let bits = w.to_bits();
        let place = match weights.iter().position(|&b| b == bits) {
            Some(p) => p,
            None => {
                weights.push(bits);
                weights.len() - 1
            }
        };
        places.push(u8::try_from(place).ok()?);
    }
    let mut out = Vec::with_capacity(16 + 4 * weights.len() + 9 * places.len());
    put(&mut out, f.terms.len() as u64);
    put(&mut out, f.entities.len() as u64);
    put(&mut out, weights.len() as u64);
    for w in &weights {
        out.extend_from_slice(&w.to_le_bytes());
    }
    let (term_places, entity_places) = places.split_at(f.terms.len());
    for (list, places) in [(&f.terms, term_places), (&f.entities, entity_places)] {
        for (k, _) in list.iter() {
            out.extend_from_slice(&k.to_le_bytes());
        }
        out.extend_from_slice(places);
    }
    for keys in [&f.lead, &f.headline, &f.figures] {
        put(&mut out, keys.len() as u64);
        for k in keys.iter() {
            let at = f.terms.iter().chain(&f.entities).position(|e| e.0 == *k)?;
            put(&mut out, at as u64);
        }
    }
    let back = decode(&out, f.day, f.has_title).ok()?;
    let same = |a: &[(u64, f32)], b: &[(u64, f32)]| {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x.0 == y.0 && x.1.to_bits() == y.1.to_bits())
    };
    (same(&back.terms, &f.terms)
        && same(&back.entities, &f.entities)
        && back.lead == f.lead
        && back.headline == f.headline
        && back.figures == f.figures)
        .then_some(out)
}

/// Why a row could not be read.
type DecodeError = &'static str;

/// Reads a blob written by [`encode`]; `day` and `has_title` come from
/// their columns.
pub(super) fn decode(
    b: &[u8],
    day: Option<i32>,
    has_title: bool,
) -> Result<StoryFeatures, DecodeError> {
    let mut rest = b;
    let mut u = || -> Result<u64, DecodeError> {
        let (v, n) = u64::decode_var(rest).ok_or("truncated")?;
        rest = &rest[n..];
        Ok(v)
    };
    let (terms, entities, weights) = (u()?, u()?, u()?);
    // A count the row cannot hold is damage (and must not reserve memory).
    let fits = |n: u64, each: u64| n.checked_mul(each).is_some_and(|t| t <= b.len() as u64);
    if !fits(terms, 9) || !fits(entities, 9) || !fits(weights, 4) {
        return Err("a count beyond the row");
    }
    let mut take = |n: usize| -> Result<&[u8], DecodeError> {
        if n > rest.len() {
            return Err("truncated");
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Ok(head)
    };
    let table: Vec<f32> = take(4 * weights as usize)?
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let mut list = |n: usize| -> Result<Vec<(u64, f32)>, DecodeError> {
        let keys = take(8 * n)?;
        let places = take(n)?;
        keys.chunks_exact(8)
            .zip(places)
            .map(|(k, &p)| {
                let key = u64::from_le_bytes(k.try_into().unwrap_or_default());
                let w = table.get(p as usize).ok_or("a weight not in the table")?;
                Ok((key, *w))
            })
            .collect()
    };
    let terms = list(terms as usize)?;
    let entities = list(entities as usize)?;
    let mut keys = || -> Result<Vec<u64>, DecodeError> {
        let mut u = || -> Result<u64, DecodeError> {
            let (v, n) = u64::decode_var(rest).ok_or("truncated")?;
            rest = &rest[n..];
            Ok(v)
        };
        let n = u()?;
        if n > b.len() as u64 {
            return Err("a count beyond the row");
        }
        (0..n)
            .map(|_| {
                let at = u()? as usize;
                terms
                    .get(at)
                    .or_else(|| entities.get(at.checked_sub(terms.len())?))
                    .map(|e| e.0)
                    .ok_or("a key not in the lists")
            })
            .collect()
    };
    let lead = keys()?;
    let headline = keys()?;
    let figures = keys()?;
    if !rest.is_empty() {
        return Err("bytes after the figures");
    }
    Ok(StoryFeatures {
        terms,
        entities,
        lead,
        day,
        has_title,
        headline,
        figures,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::stories::features::encode_weights;
    use crate::text::analyze;

    /// The features of every article of the bundled corpus (ECB+: titles,
    /// dates, names and figures), as the ingest extracts them.
    fn corpus_features() -> Vec<StoryFeatures> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/jsonl/ecbplus.jsonl");
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|line| {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                StoryFeatures::extract(
                    v["title"].as_str(),
                    false,
                    &analyze(v["text"].as_str().unwrap()),
                    v["date"].as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn every_corpus_article_comes_back_bit_for_bit_and_smaller() {
        let all = corpus_features();
        assert!(all.len() > 100);
        assert!(
            all.iter()
                .any(|f| !f.figures.is_empty() && !f.headline.is_empty())
        );
        let (mut before, mut after) = (0, 0);
        for f in &all {
            let blob = encode(f).expect("every corpus article encodes compactly");
            let back = decode(&blob, f.day, f.has_title).unwrap();
            assert_eq!(&back, f);
            for (a, b) in back
                .terms
                .iter()
                .chain(&back.entities)
                .zip(f.terms.iter().chain(&f.entities))
            {
                assert_eq!(a.1.to_bits(), b.1.to_bits());
            }
            before += encode_weights(&f.terms).len()
                + encode_weights(&f.entities).len()
                + 8 * (f.lead.len() + f.headline.len() + f.figures.len());
            after += blob.len();
        }
        // A key stays 8 bytes, its weight becomes one, the lead, headline
        // and figures a byte a key: about 70%.
        assert!(after * 10 < before * 8, "{after} bytes against {before}");
    }

    #[test]
    fn what_would_not_come_back_is_left_to_the_old_blobs() {
        // More distinct weights than a byte can point at.
        let many = StoryFeatures {
            terms: (0..300u64).map(|k| (k, k as f32 + 0.5)).collect(),
            ..StoryFeatures::default()
        };
        assert_eq!(encode(&many), None);
        // A lead key in neither list.
        let stray = StoryFeatures {
            terms: vec![(1, 1.0)],
            lead: vec![7],
            ..StoryFeatures::default()
        };
        assert_eq!(encode(&stray), None);
        // Negative zero and NaN weights keep their bits.
        let odd = StoryFeatures {
            terms: vec![(1, -0.0), (2, 0.0), (3, f32::NAN)],
            entities: vec![(4, 1.0)],
            lead: vec![4, 1],
            figures: vec![4],
            ..StoryFeatures::default()
        };
        let back = decode(&encode(&odd).unwrap(), None, false).unwrap();
        let bits = |f: &StoryFeatures| f.terms.iter().map(|t| t.1.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&back), bits(&odd));
        assert_eq!((back.lead, back.figures), (odd.lead, odd.figures));
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let f = corpus_features().swap_remove(3);
        let blob = encode(&f).unwrap();
        for cut in 0..blob.len() {
            let _ = decode(&blob[..cut], None, false);
            let mut bad = blob.clone();
            bad[cut] ^= 0xff;
            let _ = decode(&bad, None, false);
        }
        assert!(decode(&blob[..blob.len() - 1], None, false).is_err());
    }
}
