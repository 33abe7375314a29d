//! The copies stage: exact and near-duplicate articles, sentences reused
//! across articles (verbatim or reworded), and spun or stitched articles,
//! each with its evidence.

pub mod minhash;
pub mod shingles;

pub use minhash::{LshIndex, MinHasher};
pub use shingles::{jaccard, shingle_set};
