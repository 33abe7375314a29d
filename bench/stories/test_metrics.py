"""Unit checks for metrics.py.  Run: cd bench/stories && python3 -m unittest
(or from the repo root: python3 -m unittest discover -s bench/stories)."""
import itertools
import random
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import metrics  # noqa: E402


def brute_pairwise(pred, gold):
    tp = pp = gp = 0
    for i, j in itertools.combinations(range(len(gold)), 2):
        sp, sg = pred[i] == pred[j], gold[i] == gold[j]
        tp += sp and sg
        pp += sp
        gp += sg
    return tp, pp, gp


def brute_bcubed(pred, gold):
    n = len(gold)
    ps = rs = 0.0
    for i in range(n):
        c = {j for j in range(n) if pred[j] == pred[i]}
        g = {j for j in range(n) if gold[j] == gold[i]}
        ps += len(c & g) / len(c)
        rs += len(c & g) / len(g)
    return ps / n, rs / n


class SmallCases(unittest.TestCase):
    def test_perfect(self):
        gold = ["a", "a", "b", "c", "c", "c"]
        s = metrics.score([1, 1, 2, 3, 3, 3], gold)
        for k in ("bcubed_p", "bcubed_r", "bcubed_f1", "pair_p", "pair_r", "pair_f1"):
            self.assertAlmostEqual(s[k], 1.0)

    def test_hand_computed(self):
        # gold {0,1,2} {3,4}; pred {0,1} {2,3,4}
        gold = ["x", "x", "x", "y", "y"]
        pred = [1, 1, 2, 2, 2]
        b = metrics.bcubed(pred, gold)
        # precision: 1,1,1/3,2/3,2/3 ; recall: 2/3,2/3,1/3,1,1
        self.assertAlmostEqual(b["p"], (1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
        self.assertAlmostEqual(b["r"], (2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)
        w = metrics.pairwise(pred, gold)
        self.assertEqual((w["tp"], w["pred_pairs"], w["gold_pairs"]), (2, 4, 4))
        self.assertAlmostEqual(w["f1"], 0.5)

    def test_singletons_pairwise_zero(self):
        w = metrics.pairwise(list(range(4)), ["a", "a", "b", "b"])
        self.assertEqual((w["p"], w["r"], w["f1"]), (0.0, 0.0, 0.0))

    def test_against_brute_force(self):
        rng = random.Random(7)
        for _ in range(200):
            n = rng.randint(1, 30)
            gold = [rng.randint(0, rng.randint(0, 6)) for _ in range(n)]
            pred = [rng.randint(0, rng.randint(0, 6)) for _ in range(n)]
            w = metrics.pairwise(pred, gold)
            self.assertEqual((w["tp"], w["pred_pairs"], w["gold_pairs"]), brute_pairwise(pred, gold))
            b = metrics.bcubed(pred, gold)
            bp, br = brute_bcubed(pred, gold)
            self.assertAlmostEqual(b["p"], bp)
            self.assertAlmostEqual(b["r"], br)

    def test_length_mismatch(self):
        with self.assertRaises(ValueError):
            metrics.score([1], [1, 2])


# Data README, "Story sets": trivial baselines (BCubed F1 / pairwise F1), 3 decimals.
README_TRIVIAL = {
    "duc2004": {"singletons": (0.182, 0.0), "one": (0.039, 0.035)},
    "multinews": {"singletons": (0.519, 0.0), "one": (0.011, 0.008)},
    "ecbplus": {"singletons": (0.161, 0.0), "one": (0.025, 0.023)},
}


@unittest.skipUnless((common.data_dir() / "ecbplus" / "articles.jsonl").exists(),
                     "shared story sets not found (set STORYLINE_SHARED)")
class ReadmeTrivialBaselines(unittest.TestCase):
    def test_trivial(self):
        for name, want in README_TRIVIAL.items():
            gold = [r["story"] for r in common.load_set(name)]
            n = len(gold)
            for kind, pred in (("singletons", list(range(n))), ("one", [0] * n)):
                s = metrics.score(pred, gold)
                with self.subTest(set=name, kind=kind):
                    self.assertEqual(round(s["bcubed_f1"], 3), want[kind][0])
                    self.assertEqual(round(s["pair_f1"], 3), want[kind][1])

    def test_gold_is_perfect_and_streams_keep_every_row(self):
        for name, stream in common.runs():
            gold = [r["story"] for r in stream]
            self.assertEqual(metrics.score(gold, gold)["bcubed_f1"], 1.0)
            self.assertEqual(len({(r["set"], r["id"]) for r in stream}), len(stream))
        pooled = dict(common.runs())["pooled"]
        self.assertEqual(len(pooled), sum(len(common.load_set(s)) for s in common.SETS))


if __name__ == "__main__":
    unittest.main()
