# Before/after comparisons for the benchmark scripts (source it after setting ROOT). Both helpers
# build from a temporary git worktree of another commit into this checkout's target dir (the
# dependencies are shared, only the workspace crates are built again), niced, and leave this
# checkout's own target/release binaries as they were.
#
#   build_base COMMIT BIN OUT
# builds the benchmark binary BIN (bench/src/bin/BIN.rs) over COMMIT's library and copies it to
# OUT. The harness is this checkout's: its bench/src/bin/BIN.rs and bench/src/lib.rs go over the
# commit's, so both sides are scored by the same code (bench/quotes.sh, bench/extraction.sh).
#
#   base_storyline COMMIT
# prints the path of the `storyline` CLI built at COMMIT, all of it the commit's own code: built
# once per commit into target/base-bin/<commit hash>/ and reused by every later run (the scripts
# that run the CLI: bench/stories.sh, bench/summaries.sh, bench/spin/score_spin.sh).
#
# A script that takes BASE (a commit, or several separated by spaces) scores this checkout and
# every BASE commit side by side in one run.

# build_at COMMIT PACKAGE BIN OUT [OVERLAY...]: BIN of PACKAGE at COMMIT, with this checkout's
# OVERLAY files over the commit's, copied to OUT.
build_at() {
    local base="$1" package="$2" bin="$3" out="$4"
    shift 4
    local src="$ROOT/target/base-src-$bin" built="$ROOT/target/release/$bin" kept=""
    git -C "$ROOT" worktree remove --force "$src" 2>/dev/null || rm -rf "$src"
    git -C "$ROOT" worktree add --detach "$src" "$base" >&2
    if [ $# -gt 0 ]; then
        git -C "$src" checkout "$(git -C "$ROOT" rev-parse HEAD)" -- "$@"
    fi
    # The build below replaces this checkout's own binary of the same name: keep it aside.
    if [ -e "$built" ]; then
        kept="$(mktemp "$ROOT/target/kept-$bin.XXXXXX")"
        cp -p "$built" "$kept"
    fi
    echo "== building $bin at $base ($(git -C "$src" rev-parse --short HEAD))" >&2
    local rc=0
    (cd "$src" && CARGO_TARGET_DIR="$ROOT/target" nice -n 10 \
        cargo build --release -q -p "$package" --bin "$bin" >&2) || rc=$?
    if [ "$rc" = 0 ]; then
        { mkdir -p "$(dirname "$out")" && cp "$built" "$out.tmp" && mv "$out.tmp" "$out"; } || rc=$?
    fi
    # Unlinked first: the built file is a hard link into target/release/deps. Without a binary of
    # this checkout's own before, there is none after either.
    rm -f "$built"
    if [ -n "$kept" ]; then
        mv "$kept" "$built"
    fi
    git -C "$ROOT" worktree remove --force "$src"
    return "$rc"
}

build_base() {
    build_at "$1" storyline-bench "$2" "$3" "bench/src/bin/$2.rs" bench/src/lib.rs
}

base_storyline() {
    local sha
    sha="$(git -C "$ROOT" rev-parse --verify "$1^{commit}")" || return 1
    local bin="$ROOT/target/base-bin/$sha/storyline"
    if [ ! -x "$bin" ]; then
        build_at "$sha" storyline-cli storyline "$bin" || return 1
    fi
    echo "$bin"
}
