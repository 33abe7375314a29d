//! Word shingles for near-duplicate detection.
//!
//! Near-duplicate detection compares sets of overlapping word n-grams
//! ("shingles"). Tokenising for it needs no linguistics, only speed and
//! stability across copies: words are maximal runs of alphanumeric
//! characters, lower-cased, so punctuation, quote style and layout never
//! change a shingle.

use xxhash_rust::xxh3::xxh3_64;

use crate::text::unspaced_script;

/// Words per shingle. Five-word shingles make unrelated news on the same
/// topic share almost nothing while copies share most.
pub const SHINGLE_WORDS: usize = 5;

/// Per ASCII byte: 0 separates words, 1 starts a non-ASCII character
/// (decoded and judged as a `char`), anything else is the lower-cased byte.
const ASCII_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b >= 0x80 {
            1
        } else if b.is_ascii_alphanumeric() {
            b.to_ascii_lowercase()
        } else {
            0
        };
        i += 1;
    }
    t
};

/// The hashes of a text's word tokens, lower-cased. ASCII text is read a
/// byte at a time through a table, which is most of the speed of
/// near-duplicate detection; other characters by their Unicode class.
pub fn word_hashes(text: &str) -> Vec<u64> {
    let mut hashes = Vec::with_capacity(text.len() / 6);
    let mut buf: Vec<u8> = Vec::with_capacity(32);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let class = ASCII_CLASS[bytes[i] as usize];
        if class > 1 {
            buf.push(class);
            i += 1;
            continue;
        }
        let (word_char, width) = if class == 0 {
            (false, 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            if unspaced_script(c) {
                // Scripts without spaces between words: each character is
                // a word, so shingles are character 5-grams, which serve
                // near-duplicate detection as well as words (and cost no
                // dictionary).
                if !buf.is_empty() {
                    hashes.push(xxh3_64(&buf));
                    buf.clear();
                }
                let mut tmp = [0u8; 4];
                hashes.push(xxh3_64(c.encode_utf8(&mut tmp).as_bytes()));
                i += c.len_utf8();
                continue;
            }
            if c.is_alphanumeric() {
                let mut tmp = [0u8; 4];
                for l in c.to_lowercase() {
                    buf.extend_from_slice(l.encode_utf8(&mut tmp).as_bytes());
                }
            }
            (c.is_alphanumeric(), c.len_utf8())
        };
        if !word_char && !buf.is_empty() {
            hashes.push(xxh3_64(&buf));
            buf.clear();
        }
        i += width;
    }
    if !buf.is_empty() {
        hashes.push(xxh3_64(&buf));
    }
    hashes
}

/// The set of shingle hashes of a text: sorted, without repeats, 32 bits
/// each (collisions at that width move a Jaccard estimate by far less than
/// MinHash's own error, and halve the memory).
pub fn shingle_set(text: &str) -> Vec<u32> {
    shingles_of_words(&word_hashes(text))
}

/// Shingle hashes of a word-hash sequence. A text shorter than one shingle
/// is a single shingle of all its words; an empty text has none.
pub fn shingles_of_words(words: &[u64]) -> Vec<u32> {
    if words.is_empty() {
        return Vec::new();
    }
    let n = SHINGLE_WORDS.min(words.len());
    let mut set: Vec<u32> = words
        .windows(n)
        .map(|w| {
            let mut h: u64 = 0x9E37_79B9_7F4A_7C15;
            for &x in w {
                h = (h.rotate_left(23) ^ x).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            }
            (h ^ (h >> 32)) as u32
        })
        .collect();
    set.sort_unstable();
    set.dedup();
    set
}

/// Exact Jaccard similarity of two sorted, repeat-free sets.
pub fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f64 / (a.len() + b.len() - inter) as f64
}

/// The exact Jaccard similarity of two sorted, repeat-free sets if it is
/// at least `threshold`, found without a full merge when it cannot be: the
/// sizes alone bound it (`J <= min / max`), and the merge stops as soon as
/// the misses seen rule the threshold out.
pub fn jaccard_at_least(a: &[u32], b: &[u32], threshold: f64) -> Option<f64> {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if large.is_empty() {
        return (threshold <= 1.0).then_some(1.0);
    }
    if (small.len() as f64) < threshold * large.len() as f64 {
        return None;
    }
    // J >= t  <=>  |A ∩ B| >= t (|A| + |B|) / (1 + t).
    // Rounding must not turn a pair exactly at the threshold away.
    let need = (threshold * (a.len() + b.len()) as f64 / (1.0 + threshold) - 1e-9).ceil() as usize;
    let max_misses = small.len().saturating_sub(need);
    let (mut i, mut j, mut inter, mut misses) = (0, 0, 0usize, 0usize);
    while i < small.len() && j < large.len() {
        match small[i].cmp(&large[j]) {
            std::cmp::Ordering::Less => {
                i += 1;
                misses += 1;
                if misses > max_misses {
                    return None;
                }
            }
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let jac = inter as f64 / (a.len() + b.len() - inter) as f64;
    (jac >= threshold).then_some(jac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_alphanumeric_runs_lower_cased() {
        let h = |w: &str| xxh3_64(w.as_bytes());
        assert_eq!(
            word_hashes("Ça va? The U.S.-Russia TALKS, 320,000 dead \u{00E9}t\u{00C9}"),
            [
                "ça", "va", "the", "u", "s", "russia", "talks", "320", "000", "dead", "été"
            ]
            .map(h)
        );
    }

    #[test]
    fn characters_of_scripts_without_spaces_are_words() {
        let h = |w: &str| xxh3_64(w.as_bytes());
        assert_eq!(
            word_hashes("Xi说中国OK"),
            ["xi", "说", "中", "国", "ok"].map(h)
        );
    }

    #[test]
    fn layout_and_case_do_not_change_shingles() {
        assert_eq!(
            shingle_set("The talks, in Moscow, were \u{201C}frank\u{201D}."),
            shingle_set("the talks in moscow were \"frank\"")
        );
    }

    #[test]
    fn jaccard_of_overlapping_texts() {
        let a = shingle_set("one two three four five six seven eight");
        let b = shingle_set("one two three four five six seven nine");
        // 4 shingles each, 3 shared.
        assert_eq!(a.len(), 4);
        assert!((jaccard(&a, &b) - 3.0 / 5.0).abs() < 1e-9);
        assert_eq!(jaccard(&a, &a), 1.0);
        assert_eq!(jaccard_at_least(&a, &b, 0.6), Some(0.6));
        assert_eq!(jaccard_at_least(&a, &b, 0.61), None);
        assert_eq!(jaccard_at_least(&a, &a[..1], 0.5), None);
        // 40 shared of 50 and 40: J = 0.8 exactly, where 0.8 * 90 / 1.8 rounds up.
        let x: Vec<u32> = (0..50).collect();
        let y: Vec<u32> = (0..40).collect();
        assert_eq!(jaccard_at_least(&x, &y, 0.8), Some(0.8));
        assert_eq!(shingle_set("short text").len(), 1);
        assert!(shingle_set(" ,. ").is_empty());
    }
}
