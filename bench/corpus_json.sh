#!/usr/bin/env bash
# The bundled corpus's JSON, commit against commit: each commit's `storyline` CLI (bench/base.sh,
# built once per commit) ingests corpus/ into a fresh store, then writes `story ID --json`,
# `quotes ID --json` and `entities ID --json` for every story, `stories --json`, `copies --json`,
# `articles --json` and `article ID --json` for every article; each pair BEFORE..AFTER is compared file by
# file with the times of the run's own day masked (ingest times, and the first and last seen of
# stories of undated articles, which fall back on them; nothing else may differ).
#   bash bench/corpus_json.sh BEFORE..AFTER [BEFORE..AFTER ...]
# A commit may be HEAD, a branch or a hash; "." is this checkout as built (target/release).
# Output under target/corpus-json/BEFORE..AFTER/{before,after}/; exits 1 when any pair differs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source bench/base.sh
OUT="$ROOT/target/corpus-json"

# dump COMMIT DIR: COMMIT's JSON of the corpus into DIR.
dump() {
    local bin dir="$2"
    if [ "$1" = . ]; then
        bin="$ROOT/target/release/storyline"
    else
        bin="$(base_storyline "$1")"
    fi
    rm -rf "$dir"
    mkdir -p "$dir/json"
    "$bin" --db "$dir/corpus.db" ingest corpus/ --json > "$dir/ingest.json"
    "$bin" --db "$dir/corpus.db" stories --json --limit 1000000 > "$dir/json/stories.json"
    "$bin" --db "$dir/corpus.db" copies --json > "$dir/json/copies.json"
    local id
    for id in $(python3 -c 'import json,sys; print(" ".join(str(s["id"]) for s in json.load(open(sys.argv[1]))))' "$dir/json/stories.json"); do
        "$bin" --db "$dir/corpus.db" story "$id" --json > "$dir/json/story-$id.json"
        # Quotes and entities on their own (QUOTES=0 skips them and the articles).
        if [ "${QUOTES:-1}" = 1 ]; then
            "$bin" --db "$dir/corpus.db" quotes "$id" --json > "$dir/json/quotes-$id.json"
            "$bin" --db "$dir/corpus.db" entities "$id" --json > "$dir/json/entities-$id.json"
        fi
    done
    if [ "${QUOTES:-1}" = 1 ]; then
        "$bin" --db "$dir/corpus.db" articles --json --limit 1000000 > "$dir/json/articles.json"
        for id in $(python3 -c 'import json,sys; print(" ".join(str(a["id"]) for a in json.load(open(sys.argv[1]))))' "$dir/json/articles.json"); do
            "$bin" --db "$dir/corpus.db" article "$id" --json > "$dir/json/article-$id.json"
        done
    fi
}

# Times of the run's own day are the one thing allowed to differ: when an article was ingested,
# and the first and last seen of a story of undated articles, which fall back on it.
TODAY="$(date -u +%F)"
norm() {
    sed -E "s/\"$TODAY""T[0-9:.]+Z\"/\"TODAY\"/g" "$1"
}

status=0
for pair in "$@"; do
    before="${pair%%..*}" after="${pair#*..}"
    a="$OUT/$before..$after/before" b="$OUT/$before..$after/after"
    dump "$before" "$a"
    dump "$after" "$b"
    n=0 differ=0
    for f in "$a"/json/*; do
        n=$((n + 1))
        g="$b/json/$(basename "$f")"
        if [ ! -e "$g" ] || ! cmp -s <(norm "$f") <(norm "$g"); then
            differ=$((differ + 1))
            echo "  differs: $(basename "$f")"
        fi
    done
    extra=$(comm -13 <(ls "$a/json") <(ls "$b/json") | wc -l)
    echo "$before..$after: $n files, $differ differ, $extra only after (stories: $(ls "$a/json" | grep -c '^story-') before, $(ls "$b/json" | grep -c '^story-') after)"
    [ "$differ" = 0 ] && [ "$extra" = 0 ] || status=1
done
exit "$status"
