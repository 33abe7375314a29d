//! MinHash signatures and LSH banding, for finding near-duplicate pairs
//! without comparing every pair.
//!
//! A signature holds, for each of `k` hash functions, the smallest hash of
//! any shingle in the set; two sets agree at one position with probability
//! equal to their Jaccard similarity. Banding cuts the signature into `b`
//! bands of `r` rows; two sets become candidates when any band agrees
//! whole, which happens with probability `1 - (1 - J^r)^b`, an S-curve that
//! is steep around its threshold. Candidates are then verified with the
//! exact Jaccard of their shingle sets, so banding only has to be generous:
//! the bands are chosen so that pairs at the lowest supported threshold are
//! found with probability above 0.99, and verification removes the rest.

use super::shingles::jaccard_at_least;

/// Hash functions per signature.
pub const NUM_HASHES: usize = 126;
/// Rows per band.
pub const ROWS: usize = 3;
/// Bands per signature.
pub const BANDS: usize = NUM_HASHES / ROWS;
/// The lowest near-duplicate threshold the bands support: pairs this
/// similar are found with probability `1 - (1 - 0.5^3)^42` = 0.996.
pub const MIN_THRESHOLD: f64 = 0.5;

/// Computes MinHash signatures by one-permutation hashing with optimal
/// densification (Shrivastava, ICML 2017): each shingle is hashed once and
/// falls into one of `k` bins, each bin keeps its smallest hash, and empty
/// bins borrow from a pseudo-randomly chosen full bin. Two signatures agree
/// at a position with probability close to the sets' Jaccard similarity,
/// like `k` independent MinHashes, at the cost of one hash per shingle
/// instead of `k`. Fixed seed: signatures stored today stay comparable
/// with those computed tomorrow.
#[derive(Debug, Clone)]
pub struct MinHasher {
    k: usize,
    seed: u64,
}

impl Default for MinHasher {
    fn default() -> Self {
        Self::new(NUM_HASHES, 0x5354_4f52_594c_494e)
    }
}

/// A 64-bit finaliser (splitmix64): good avalanche for hashing integers.
fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl MinHasher {
    /// A hasher with `k` bins, seeded by `seed`.
    pub fn new(k: usize, seed: u64) -> Self {
        MinHasher { k: k.max(1), seed }
    }

    /// The signature of a shingle set (`k` values; all `u32::MAX` for an
    /// empty set).
    pub fn signature(&self, shingles: &[u32]) -> Vec<u32> {
        let k = self.k;
        let mut sig = vec![u32::MAX; k];
        let mut full = vec![false; k];
        for &s in shingles {
            let h = mix64(s as u64 ^ self.seed);
            let bin = (((h >> 32) * k as u64) >> 32) as usize;
            let v = h as u32;
            if !full[bin] || v < sig[bin] {
                sig[bin] = v;
                full[bin] = true;
            }
        }
        if shingles.is_empty() {
            return sig;
        }
        for i in 0..k {
            if full[i] {
                continue;
            }
            let mut attempt = 0u64;
            loop {
                let h = mix64(self.seed ^ ((i as u64) << 32) ^ attempt);
                let j = (((h >> 32) * k as u64) >> 32) as usize;
                if full[j] {
                    sig[i] = sig[j];
                    break;
                }
                attempt += 1;
            }
        }
        sig
    }
}

/// The share of positions where two signatures agree: an estimate of the
/// Jaccard similarity of their sets.
pub fn estimate(a: &[u32], b: &[u32]) -> f64 {
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / a.len().max(1) as f64
}

/// The LSH bucket keys of a signature: one 64-bit key per band, with the
/// band number mixed in so equal rows in different bands never collide.
pub fn band_keys(signature: &[u32]) -> Vec<u64> {
    signature
        .chunks(ROWS)
        .enumerate()
        .map(|(band, rows)| {
            let mut h = (band as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD6E8_FEB8_6659_FD93;
            for &r in rows {
                h = (h ^ r as u64).wrapping_mul(0x100_0000_01B3);
                h ^= h >> 29;
            }
            // SQLite integers are signed: keep keys positive and distinct.
            h & (i64::MAX as u64)
        })
        .collect()
}

/// Bucket keys are hashes already: hashing them again (SipHash) is waste.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildKeyHasher;

/// Passes a `u64` key through (see [`BuildKeyHasher`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | b as u64).wrapping_mul(0x100_0000_01B3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl std::hash::BuildHasher for BuildKeyHasher {
    type Hasher = KeyHasher;
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher(0)
    }
}

/// Probability that a pair with Jaccard `j` becomes a candidate.
pub fn candidate_probability(j: f64) -> f64 {
    1.0 - (1.0 - j.powi(ROWS as i32)).powi(BANDS as i32)
}

/// An in-memory LSH index over documents numbered by the caller, with
/// exact verification. The store keeps the same bucket keys in SQLite for
/// the persistent index; this one serves batch runs and benchmarks.
#[derive(Debug, Default)]
pub struct LshIndex {
    buckets: std::collections::HashMap<u64, Vec<u32>, BuildKeyHasher>,
    docs: Vec<Option<(Vec<u32>, Vec<u64>)>>,
    hasher: MinHasher,
}

impl LshIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a document's shingle set; returns its number.
    pub fn insert(&mut self, shingles: Vec<u32>) -> u32 {
        let keys = band_keys(&self.hasher.signature(&shingles));
        self.add(shingles, keys)
    }

    /// Adds many documents, computing their signatures on every core;
    /// returns their numbers.
    pub fn extend(&mut self, sets: Vec<Vec<u32>>) -> std::ops::Range<u32> {
        use rayon::prelude::*;
        let first = self.docs.len() as u32;
        let keyed: Vec<(Vec<u32>, Vec<u64>)> = sets
            .into_par_iter()
            .map(|s| {
                let keys = band_keys(&self.hasher.signature(&s));
                (s, keys)
            })
            .collect();
        for (s, keys) in keyed {
            self.add(s, keys);
        }
        first..self.docs.len() as u32
    }

    fn add(&mut self, shingles: Vec<u32>, keys: Vec<u64>) -> u32 {
        let id = self.docs.len() as u32;
        for &k in &keys {
            self.buckets.entry(k).or_default().push(id);
        }
        self.docs.push(Some((shingles, keys)));
        id
    }

    /// Removes a document.
    pub fn remove(&mut self, id: u32) {
        if let Some(Some((_, keys))) = self.docs.get_mut(id as usize).map(Option::take) {
            for k in keys {
                if let Some(ids) = self.buckets.get_mut(&k) {
                    ids.retain(|&d| d != id);
                }
            }
        }
    }

    /// Documents whose exact Jaccard with `shingles` is at least
    /// `threshold`, with that Jaccard.
    pub fn query(&self, shingles: &[u32], threshold: f64) -> Vec<(u32, f64)> {
        let keys = band_keys(&self.hasher.signature(shingles));
        let mut candidates: Vec<u32> = keys
            .iter()
            .filter_map(|k| self.buckets.get(k))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .filter_map(|d| {
                let (set, _) = self.docs[d as usize].as_ref()?;
                jaccard_at_least(shingles, set, threshold).map(|j| (d, j))
            })
            .collect()
    }

    /// Every pair of documents with exact Jaccard at least `threshold`,
    /// each once as `(smaller, larger, jaccard)`, found on every core.
    pub fn pairs(&self, threshold: f64) -> Vec<(u32, u32, f64)> {
        use rayon::prelude::*;
        (0..self.docs.len() as u32)
            .into_par_iter()
            .flat_map_iter(|id| {
                let mut out = Vec::new();
                if let Some((set, keys)) = &self.docs[id as usize] {
                    let mut candidates: Vec<u32> = keys
                        .iter()
                        .filter_map(|k| self.buckets.get(k))
                        .flatten()
                        .copied()
                        .filter(|&d| d > id)
                        .collect();
                    candidates.sort_unstable();
                    candidates.dedup();
                    for d in candidates {
                        if let Some((other, _)) = &self.docs[d as usize]
                            && let Some(j) = jaccard_at_least(set, other, threshold)
                        {
                            out.push((id, d, j));
                        }
                    }
                }
                out
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::shingles::{jaccard, shingle_set};
    use super::*;

    #[test]
    fn banding_is_generous_at_the_lowest_threshold() {
        assert!(candidate_probability(MIN_THRESHOLD) > 0.99);
        assert!(candidate_probability(0.05) < 0.01);
    }

    #[test]
    fn signatures_estimate_jaccard() {
        let words: Vec<String> = (0..400).map(|i| format!("w{i}")).collect();
        let a = shingle_set(&words[..300].join(" "));
        let b = shingle_set(&words[100..].join(" "));
        let exact = jaccard(&a, &b);
        let h = MinHasher::default();
        let est = estimate(&h.signature(&a), &h.signature(&b));
        assert!(
            (est - exact).abs() < 0.12,
            "estimate {est} vs exact {exact}"
        );
    }

    #[test]
    fn index_finds_near_copies_and_forgets_removed_ones() {
        let base = "Russia vetoed a Western-drafted resolution at the UN Security Council on Wednesday that would have required Syria to cooperate with an investigation into the suspected chemical attack, and Washington said Moscow stood alone.";
        let copy = format!("{base} Officials in Moscow declined to comment.");
        let other = "Lindsay Lohan checked into the Betty Ford Center on Thursday night for a court-ordered stay in rehab, her lawyer said.";
        let mut index = LshIndex::new();
        let a = index.insert(shingle_set(base));
        let more = index.extend(vec![shingle_set(other), shingle_set(&copy)]);
        assert_eq!(more, 1..3);
        assert_eq!(index.pairs(0.5).len(), 1);
        index.remove(2);
        let found = index.query(&shingle_set(&copy), 0.5);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, a);
        index.remove(a);
        assert!(index.query(&shingle_set(&copy), 0.5).is_empty());
    }
}
