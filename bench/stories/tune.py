"""Tuning aid for the hand-set rules (`"scorer": "rules"`): re-cluster already ingested story
sets with other parameters.  The learned join model is trained and chosen by
`cargo run --release -p storyline-bench --bin stories_train` instead (ECB+ only).

  python3 bench/stories/tune.py '{"threshold": 0.35}' '{"threshold": 0.4, "entity_weight": 0.5}'

Needs the dbs that run_storyline.py leaves in target/stories/<set>.db (run it first). Each
argument is a JSON object of clusterer parameters (`storyline recluster --params`); for each,
every db is re-clustered (`recluster`: IDF with hindsight, oldest first, so the figures are
close to but not the same as the online ones) and scored. The reported figures of the
closing note come from run_storyline.py, not from here.
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import metrics  # noqa: E402
from run_storyline import Storyline, read_pred  # noqa: E402


# Every run starts from these (the library's defaults when this was written; `recluster
# --json` prints the parameters it used), because `--params` merges over what the db holds.
BASE = {"scorer": "rules", "threshold": 0.35, "entity_weight": 0.4, "half_life_days": 365.0, "novelty_penalty": 0.25,
        "same_days": 3, "same_days_bonus": 0.1, "cohesion_weight": 0.5, "cohesion_range": 0.1,
        "shared_bonus": 0.2, "shared_full": 2}


def main():
    binary = str(common.ROOT / "target" / "release" / "storyline")
    runs = dict(common.runs())
    for arg in sys.argv[1:] or ["{}"]:
        arg = json.dumps({**BASE, **json.loads(arg)})
        line = [arg]
        for name in ("ecbplus", "duc2004", "multinews", "pooled"):
            db = common.OUT / f"{name}.db"
            if not db.exists():
                continue
            sl = Storyline(binary, db)
            sl.run("recluster", "--params", arg)
            rows = runs[name]
            pred, _ = read_pred(sl, rows, 2)
            s = metrics.score(pred, [r["story"] for r in rows])
            line.append(f"{name} B3 {s['bcubed_f1']:.3f} pw {s['pair_p']:.3f}/{s['pair_r']:.3f}/{s['pair_f1']:.3f}")
        print(" | ".join(line), flush=True)


if __name__ == "__main__":
    main()
