#!/usr/bin/env bash
# Coverage-guided fuzzing of every reader and of extraction (cargo-fuzz,
# libFuzzer), seeded from corpus/. Run from the repository root:
#
#   bash fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]      (default 60, all)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain, or
# the stable one with RUSTC_BOOTSTRAP=1 (set here when no nightly is
# installed). Crashes go to fuzz/artifacts/<target>/; the corpus grows in
# fuzz/corpus/<target>/ (neither is committed). Without a sanitizer (-s
# none): the code is safe Rust, and what is hunted is panics, stack
# overflows, hangs and memory blow-ups (-rss_limit_mb).
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_PER_TARGET="${1:-60}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(read_file jsonl extract warc feed)
command -v cargo-fuzz >/dev/null || { echo "install cargo-fuzz first: cargo install cargo-fuzz" >&2; exit 1; }
TOOLCHAIN=()
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    TOOLCHAIN=(+nightly)
else
    export RUSTC_BOOTSTRAP=1
fi
# Seeds from the bundled corpus (licensed for the repository).
seed() {
    local target="$1"; shift
    mkdir -p "corpus/$target"
    for f in "$@"; do
        [ -f "$f" ] || continue
        cp "$f" "corpus/$target/$(basename "$f")"
    done
}
C=../corpus
seed jsonl $C/jsonl/*.jsonl
seed extract $C/html/*.html
seed feed $C/feeds/*.xml
for f in $C/warc/*.warc.gz; do mkdir -p corpus/warc; gzip -dc "$f" | head -c 200000 > "corpus/warc/$(basename "$f" .gz)"; done
mkdir -p corpus/read_file
for f in $C/seeds/*.txt $C/jsonl/*.jsonl $C/html/1_*.html $C/feeds/*.xml $C/warc/*.warc.gz; do
    # The first byte picks the extension the target names the file with.
    case "$f" in *.txt) p='\x00';; *.jsonl) p='\x01';; *.html) p='\x02';; *.xml) p='\x04';; *.gz) p='\x05';; esac
    { printf "$p"; head -c 200000 "$f"; } > "corpus/read_file/$(basename "$f")"
done
for t in "${TARGETS[@]}"; do
    echo "== fuzz $t for ${SECONDS_PER_TARGET}s"
    cargo "${TOOLCHAIN[@]}" fuzz run -s none "$t" "corpus/$t" -- \
        -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=20 -max_len=1048576
done
