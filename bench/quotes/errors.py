#!/usr/bin/env python3
"""Error analysis for quote extraction on PolNeAR train (never dev).

    python3 bench/quotes/errors.py GOLD PRED [--type direct] [--role source] [-n 30]

Prints, for gold attributions of the type, the ones whose role the
prediction with an overlapping cue gets wrong (or that no prediction's cue
overlaps), with the gold and predicted spans marked in context.
"""
import argparse, json, random, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from shared import shared_data  # noqa: E402  (one place says where the data are)
sys.path.insert(0, str(shared_data() / 'quotes'))
from score_quotes import Doc, quote_type

ap = argparse.ArgumentParser()
ap.add_argument('gold'); ap.add_argument('pred')
ap.add_argument('--type', default='direct'); ap.add_argument('--role', default='source')
ap.add_argument('-n', type=int, default=30); ap.add_argument('--seed', type=int, default=0)
ap.add_argument('--fp', action='store_true', help='show false-positive predictions instead')
a = ap.parse_args()
gold = [json.loads(l) for l in open(a.gold)]
pred = {r['id']: r['attributions'] for r in map(json.loads, open(a.pred))}
cases = []
for art in gold:
    t = art['text']; d = Doc(t)
    ps = pred.get(art['id'], [])
    psets = [{k: d.tokens(p.get(k)) for k in ('cue', 'source', 'content')} for p in ps]
    gsets = [{k: d.tokens(g.get(k)) for k in ('cue', 'source', 'content')} for g in art['attributions']]
    if a.fp:
        for p, ps_ in zip(ps, psets):
            if p.get('quote_type') == a.type and not any(ps_['cue'] & g['cue'] for g in gsets):
                cases.append((t, None, p))
        continue
    for g, gs in zip(art['attributions'], gsets):
        if (g.get('quote_type') or quote_type(t, g.get('content'))) != a.type:
            continue
        match = [p for p, ps_ in zip(ps, psets) if ps_['cue'] & gs['cue']]
        if match and any({k: d.tokens(p.get(k)) for k in ('source','content','cue')}[a.role] == gs[a.role] for p in match):
            continue
        cases.append((t, g, match[0] if match else None))
random.seed(a.seed)
print(len(cases), 'cases')
def mark(t, items):
    los = [r['start'] for _, r in items if r]; his = [r['end'] for _, r in items if r]
    lo, hi = max(0, min(los) - 80), min(len(t), max(his) + 60)
    ev = []
    for tag, r in items:
        if r: ev += [(r['start'], 0, '[' + tag + ' '), (r['end'], 1, ']')]
    s, pos = '', lo
    for p, _, m in sorted(ev):
        s += t[pos:p] + m; pos = p
    return (s + t[pos:hi]).replace('\n', '/')
for t, g, p in random.sample(cases, min(a.n, len(cases))):
    if g: print('GOLD', mark(t, [('S', g.get('source')), ('C', g.get('cue')), ('T', g.get('content'))]))
    if p: print('PRED', mark(t, [('s', p.get('source')), ('c', p.get('cue')), ('t', p.get('content'))]))
    print()
