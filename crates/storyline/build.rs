//! Tests on the research-use data of `../shared/data` (never copied into
//! the repository) run where that data is: with `$STORYLINE_SHARED` set, or
//! `../shared` beside the checkout (as CI has it), they are ordinary
//! tests; without, they are compiled `#[ignore]`d, so `cargo test` counts
//! them as ignored rather than passed.

use std::path::PathBuf;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(shared_data)");
    println!("cargo::rerun-if-env-changed=STORYLINE_SHARED");
    let shared = std::env::var_os("STORYLINE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default())
                .join("../../../shared")
        });
    let marker = shared.join("data/crisis/articles.jsonl");
    println!("cargo::rerun-if-changed={}", marker.display());
    if marker.is_file() {
        println!("cargo::rustc-cfg=shared_data");
    }
}
