//! What the benchmark binaries share.

use std::path::PathBuf;

/// The shared data sets: `$STORYLINE_SHARED/data`, else `../shared/data`
/// beside the repository (`bench/shared.sh` and `bench/shared.py` say the
/// same). They have research licences: read them there, never copy them
/// into the repository.
pub fn shared_data() -> PathBuf {
    std::env::var_os("STORYLINE_SHARED")
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
        .join("data")
}
