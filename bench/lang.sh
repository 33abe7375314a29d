#!/usr/bin/env bash
# Every language, every page: the measurements of issue 14 (items 1-4).
# Run from the repository root:  bash bench/lang.sh
#
#   1. zero panics: every page of ../shared/data/extraction and extraction_web, all of
#      ../shared/data/crisis, and corpus/ re-ingested with every record's text reversed,
#      shuffled by words, and both
#   2. language identification on news text, full and short (first sentence, first 8 words):
#      Storyline (whatlang) next to lingua (PyPI lingua-language-detector, the Rust engine), with
#      the cost per text of each
#   3. ingest throughput and per-stage cost on crisis (es/fr/it) against English text of the
#      same size (all of multinews, duc2004, ecbplus, and crisis cut to as many bytes), twice
#   4. crisis stories: language purity, and the language of every summary sentence (judged by
#      lingua, independently of Storyline)
#
# Prints a report and writes everything to target/lang-bench/report.json. The data sets have
# research licences: everything generated stays under target/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/bench/shared.sh"
OUT="$ROOT/target/lang-bench"
VENV="${VENV:-$ROOT/target/lang-venv}"
mkdir -p "$OUT"

echo "== building storyline-cli and storyline-bench (release)" >&2
cargo build --release -p storyline-cli -p storyline-bench --bin langid >&2
cp target/release/storyline "$OUT/storyline"
BIN="$OUT/storyline"

if ! "$VENV/bin/python" -c "import lingua" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "lingua-language-detector>=2,<3"
fi

fresh() { rm -f "$1" "$1-wal" "$1-shm"; }

# ------------------------------------------------------------ 1. zero panics
# PARTS picks what runs (default all): panics langid speed crisis.
PARTS="${PARTS:-panics langid speed crisis}"
want() { [[ " $PARTS " == *" $1 "* ]]; }
if want panics; then
# ingest_check NAME PATH...: ingests into a fresh db; records exit status, records, errors and
# how many errors came from the panic guard ("internal error") or a panic message on stderr.
ingest_check() {
    local name="$1"; shift
    fresh "$OUT/$name.db"
    set +e
    "$BIN" --db "$OUT/$name.db" ingest --json "$@" > "$OUT/$name.json" 2> "$OUT/$name.err"
    local rc=$?
    set -e
    echo "$rc" > "$OUT/$name.rc"
    echo "== $name: exit $rc" >&2
}

echo "== corpus/ mangled: every record's text reversed, shuffled by words, and both" >&2
fresh "$OUT/corpus.db"
"$BIN" --db "$OUT/corpus.db" ingest corpus/ > /dev/null
python3 - "$OUT" <<'PY'
import json, random, sqlite3, sys, pathlib
out = pathlib.Path(sys.argv[1])
db = sqlite3.connect(f"file:{out / 'corpus.db'}?mode=ro", uri=True)
rows = db.execute("SELECT id, title, text FROM articles ORDER BY id").fetchall()
rng = random.Random(14)
def shuffled(t):
    paras = []
    for p in t.split("\n\n"):
        w = p.split()
        rng.shuffle(w)
        paras.append(" ".join(w))
    return "\n\n".join(paras)
variants = {
    "reversed": lambda t: t[::-1],
    "shuffled": shuffled,
    "reversed_shuffled": lambda t: shuffled(t)[::-1],
}
d = out / "mangled"
d.mkdir(exist_ok=True)
for name, f in variants.items():
    with open(d / f"{name}.jsonl", "w", encoding="utf-8") as fh:
        for i, title, text in rows:
            fh.write(json.dumps({"id": f"{name}-{i}", "title": f(title or ""), "text": f(text)}, ensure_ascii=False) + "\n")
print(f"{len(rows)} records x {len(variants)} variants", file=sys.stderr)
PY
ingest_check extraction "$SHARED/data/extraction/html"
ingest_check extraction_web "$SHARED/data/extraction_web/html"
ingest_check crisis "$SHARED/data/crisis/articles.jsonl"
ingest_check mangled "$OUT/mangled"

fi
# ------------------------------------------------------------ 2. language identification
if want langid; then
echo "== language identification: texts" >&2
python3 - "$SHARED/data" "$OUT" <<'PY'
import json, re, sys, pathlib
data, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
recs = []
def first_sentence(t):
    m = re.search(r"^(.{20,}?[.!?])\s", t.replace("\n", " "))
    return m.group(1) if m else t[:200]
def add(i, lang, text, source):
    text = text.strip()
    if not text:
        return
    recs.append({"id": f"{i}/full", "gold": lang, "kind": "full", "source": source, "text": text})
    recs.append({"id": f"{i}/sentence", "gold": lang, "kind": "sentence", "source": source, "text": first_sentence(text)})
    recs.append({"id": f"{i}/8words", "gold": lang, "kind": "8 words", "source": source, "text": " ".join(text.split()[:8])})
for line in open(data / "crisis" / "articles.jsonl", encoding="utf-8"):
    r = json.loads(line)
    add(r["id"], r["lang"], r["text"], "crisis")
for s in ("ecbplus", "duc2004", "multinews"):
    for k, line in enumerate(open(data / s / "articles.jsonl", encoding="utf-8")):
        if k >= 400:
            break
        r = json.loads(line)
        add(r["id"], "en", r["text"], s)
with open(out / "langid.jsonl", "w", encoding="utf-8") as fh:
    for r in recs:
        fh.write(json.dumps(r, ensure_ascii=False) + "\n")
print(f"{len(recs)} texts", file=sys.stderr)
PY
target/release/langid < "$OUT/langid.jsonl" > "$OUT/langid-storyline.jsonl"
"$VENV/bin/python" - "$OUT" <<'PY'
import json, sys, time, pathlib
from lingua import LanguageDetectorBuilder
out = pathlib.Path(sys.argv[1])
recs = [json.loads(l) for l in open(out / "langid.jsonl", encoding="utf-8")]
for mode, builder in (("lingua", LanguageDetectorBuilder.from_all_languages()),
                      ("lingua-low", LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode())):
    t0 = time.perf_counter()
    det = builder.build()
    det.detect_language_of("warm up the models")
    load = time.perf_counter() - t0
    with open(out / f"langid-{mode}.jsonl", "w") as fh:
        for r in recs:
            t = time.perf_counter()
            l = det.detect_language_of(r["text"])
            us = (time.perf_counter() - t) * 1e6
            code = l.iso_code_639_1.name.lower() if l else "und"
            fh.write(json.dumps({"id": r["id"], "lang": code, "micros": us}) + "\n")
    print(f"{mode}: models loaded in {load:.1f}s", file=sys.stderr)
PY

fi
# ------------------------------------------------------------ 3. throughput, crisis vs English
if want speed; then
echo "== throughput: crisis and English text of the same size" >&2
python3 - "$SHARED/data" "$OUT" <<'PY'
import json, sys, pathlib
data, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
# Every English article of the story sets (about 6 MB), and as many crisis
# articles as make the same number of bytes (of 16 MB).
english = []
for s in ("multinews", "duc2004", "ecbplus"):
    for line in open(data / s / "articles.jsonl", encoding="utf-8"):
        r = json.loads(line)
        rec = {"id": r["id"], "title": r.get("title"), "text": r["text"], "date": r.get("date"), "source": r.get("source")}
        english.append(json.dumps({k: v for k, v in rec.items() if v is not None}, ensure_ascii=False) + "\n")
size = sum(len(b.encode()) for b in english)
(out / "english-same-size.jsonl").write_text("".join(english), encoding="utf-8")
taken = 0
with open(out / "crisis-same-size.jsonl", "w", encoding="utf-8") as fh:
    for line in open(data / "crisis" / "articles.jsonl", encoding="utf-8"):
        if taken >= size:
            break
        fh.write(line)
        taken += len(line.encode())
print(f"English {size} bytes, crisis {taken} bytes", file=sys.stderr)
PY
for run in 1 2; do
    for set in crisis english; do
        input="$OUT/$set-same-size.jsonl"
        fresh "$OUT/speed-$set.db"
        /usr/bin/env time -f "%e %M" -o "$OUT/speed-$set-$run.time" \
            "$BIN" --db "$OUT/speed-$set.db" ingest --json "$input" > "$OUT/speed-$set-$run.json"
        echo "== $set run $run: $(cat "$OUT/speed-$set-$run.time")" >&2
    done
done

fi
# ------------------------------------------------------------ 4. crisis stories
if want crisis; then
echo "== crisis stories: purity and summary languages" >&2
"$BIN" --db "$OUT/crisis.db" stories --json --limit 100000 > "$OUT/crisis-stories.json"
python3 - "$OUT" "$BIN" <<'PY'
import json, sqlite3, subprocess, sys, pathlib
out, binary = pathlib.Path(sys.argv[1]), sys.argv[2]
db = sqlite3.connect(f"file:{out / 'crisis.db'}?mode=ro", uri=True)
langs = {}
for sid, lang in db.execute("SELECT sa.story_id, a.lang FROM story_articles sa JOIN articles a ON a.id = sa.article_id"):
    langs.setdefault(sid, []).append(lang)
summaries = {}
for sid, summary in db.execute("SELECT story_id, summary FROM story_summaries"):
    summaries[sid] = json.loads(summary)
lang_of = dict(db.execute("SELECT id, lang FROM articles"))
(out / "crisis-summaries.json").write_text(json.dumps({"langs": langs, "summaries": summaries, "article_lang": lang_of}))
PY
"$VENV/bin/python" - "$OUT" <<'PY'
import json, sys, collections, pathlib
from lingua import LanguageDetectorBuilder
out = pathlib.Path(sys.argv[1])
det = LanguageDetectorBuilder.from_all_languages().build()
d = json.loads((out / "crisis-summaries.json").read_text())
stories = {int(k): v for k, v in d["langs"].items()}
article_lang = {int(k): v for k, v in d["article_lang"].items()}
mixed = [s for s, l in stories.items() if len(set(l)) > 1]
res = {"stories": len(stories), "stories_multi_article": sum(1 for l in stories.values() if len(l) > 1),
       "stories_mixed_language": len(mixed)}
sent = agree = cited_same = 0
wrong = []
for sid, summary in d["summaries"].items():
    members = stories.get(int(sid), [])
    story_lang = collections.Counter(members).most_common(1)[0][0] if members else None
    for s in summary:
        sent += 1
        l = det.detect_language_of(s["text"])
        code = l.iso_code_639_1.name.lower() if l else "und"
        if code == story_lang:
            agree += 1
        else:
            wrong.append({"story": sid, "story_lang": story_lang, "lingua": code, "text": s["text"][:160]})
        if all(article_lang.get(c["article"]) == story_lang for c in s["citations"]):
            cited_same += 1
res.update({"summary_sentences": sent, "lingua_says_story_language": agree,
            "citations_all_in_story_language": cited_same, "disagreements": wrong[:20]})
(out / "crisis-purity.json").write_text(json.dumps(res, indent=1, ensure_ascii=False))
PY

fi
# ------------------------------------------------------------ report
python3 - "$OUT" <<'PY'
import json, os, sys, collections, pathlib, statistics
out = pathlib.Path(sys.argv[1])
rep = {"zero_panics": {}}
print("1. zero panics (exit 0 all stored, 2 some records skipped; internal = records the panic guard caught)")
for name in ("extraction", "extraction_web", "crisis", "mangled"):
    r = json.loads((out / f"{name}.json").read_text())
    err = (out / f"{name}.err").read_text()
    internal = sum(1 for e in r["errors"] if "internal error" in e["message"])
    panics = err.count("panicked")
    row = {"exit": int((out / f"{name}.rc").read_text()), "records": r["records"], "added": r["added"],
           "skipped": len(r["errors"]), "internal_errors": internal, "panic_messages": panics,
           "skip_reasons": collections.Counter(e["message"] for e in r["errors"]).most_common(5)}
    rep["zero_panics"][name] = row
    print(f"  {name:<15} exit {row['exit']}  records {row['records']:>5}  stored {row['added']:>5}  skipped {row['skipped']:>4}  internal {internal}  panics {panics}")

print("2. language identification (accuracy; und counts as wrong; micros per text, median)")
gold = {json.loads(l)["id"]: json.loads(l) for l in open(out / "langid.jsonl", encoding="utf-8")}
rep["langid"] = {}
for system in ("storyline", "lingua", "lingua-low"):
    preds = [json.loads(l) for l in open(out / f"langid-{system}.jsonl")]
    by = collections.defaultdict(list)
    times = collections.defaultdict(list)
    for p in preds:
        g = gold[p["id"]]
        by[(g["kind"], g["gold"])].append(p["lang"] == g["gold"])
        by[(g["kind"], "all")].append(p["lang"] == g["gold"])
        times[g["kind"]].append(p["micros"])
    row = {f"{k} {l}": round(sum(v) / len(v), 4) for (k, l), v in sorted(by.items())}
    row.update({f"{k} micros": round(statistics.median(v), 1) for k, v in times.items()})
    rep["langid"][system] = row
    print(f"  {system:<11} " + "  ".join(f"{k}: {row[f'{k} all']:.3f} ({row[f'{k} micros']:.0f} us)" for k in ("full", "sentence", "8 words")))
    print(f"  {'':<11} " + "  ".join(f"{k}={v:.3f}" for k, v in row.items() if not k.endswith("micros") and not k.endswith("all")))

print(f"3. ingest throughput, crisis (es/fr/it) vs English of the same size (fresh db, whole process; load average {os.getloadavg()[0]:.1f})")
rep["throughput"] = {}
for set_ in ("crisis", "english"):
    runs = []
    for run in (1, 2):
        r = json.loads((out / f"speed-{set_}-{run}.json").read_text())
        wall, rss = (out / f"speed-{set_}-{run}.time").read_text().split()
        runs.append({"articles": r["added"], "wall_s": float(wall), "peak_rss_mb": int(rss) / 1024,
                     "stage_seconds": r["stage_seconds"], "ingest_seconds": r["seconds"]})
    best = min(runs, key=lambda x: x["wall_s"])
    mb = (out / f"{set_}-same-size.jsonl").stat().st_size / 1e6
    rep["throughput"][set_] = {"runs": runs, "best": best, "input_mb": mb}
    st = best["stage_seconds"]
    print(f"  {set_:<8} {best['articles']} articles, {mb:.1f} MB in {best['wall_s']:.1f} s ({best['articles'] / best['wall_s']:.1f} art/s, {mb / best['wall_s']:.3f} MB/s), RSS {best['peak_rss_mb']:.0f} MB; writer stages: "
          + ", ".join(f"{k} {v:.1f}s" for k, v in sorted(st.items())) + f"; other run {max(runs, key=lambda x: x['wall_s'])['wall_s']:.1f} s")

p = json.loads((out / "crisis-purity.json").read_text())
rep["crisis_stories"] = p
print(f"4. crisis: {p['stories']} stories ({p['stories_multi_article']} with 2+ articles), {p['stories_mixed_language']} mixing languages; "
      f"{p['summary_sentences']} summary sentences, {p['lingua_says_story_language']} in the story's language by lingua, "
      f"{p['citations_all_in_story_language']} citing only articles in it")
(out / "report.json").write_text(json.dumps(rep, indent=1, ensure_ascii=False))
print(f"all figures: {out / 'report.json'}")
PY
