# Before/after comparisons for the benchmark scripts (source it after setting ROOT):
#   build_base COMMIT BIN OUT
# builds the benchmark binary BIN (bench/src/bin/BIN.rs) over COMMIT's library, from a temporary
# git worktree into this checkout's target dir (the dependencies are shared, only the library
# and BIN are built again), and copies it to OUT. The harness is this checkout's: its
# bench/src/bin/BIN.rs and bench/src/lib.rs go over the commit's, so both sides are scored by
# the same code. The worktree is removed afterwards. A script that takes BASE=<commit>
# (bench/quotes.sh, bench/extraction.sh) then scores both binaries side by side.
build_base() {
    local base="$1" bin="$2" out="$3"
    local src="$ROOT/target/base-src-$bin"
    git -C "$ROOT" worktree remove --force "$src" 2>/dev/null || rm -rf "$src"
    git -C "$ROOT" worktree add --detach "$src" "$base" >&2
    git -C "$src" checkout "$(git -C "$ROOT" rev-parse HEAD)" -- "bench/src/bin/$bin.rs" bench/src/lib.rs
    echo "== building $bin at $base ($(git -C "$src" rev-parse --short HEAD))" >&2
    (cd "$src" && CARGO_TARGET_DIR="$ROOT/target" cargo build --release -q -p storyline-bench --bin "$bin" >&2)
    cp "$ROOT/target/release/$bin" "$out"
    git -C "$ROOT" worktree remove --force "$src"
}
