//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `storyline` command on database `db`.
pub fn storyline(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_storyline"));
    cmd.arg("--db").arg(db).env_remove("STORYLINE_DB");
    cmd
}

/// Standard output parsed as JSON, with a readable failure.
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Runs `storyline --db db ARGS... --json` and parses the output.
pub fn run_json(db: &Path, args: &[&str]) -> Value {
    let mut cmd = storyline(db);
    cmd.args(args).arg("--json");
    json(&cmd.output().unwrap())
}

/// Runs `storyline --db db ingest --json PATHS...`, asserts it stored
/// everything (exit 0), and returns its report.
pub fn ingest(db: &Path, paths: &[&Path]) -> Value {
    let out = storyline(db)
        .args(["ingest", "--json"])
        .args(paths)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out)
}
