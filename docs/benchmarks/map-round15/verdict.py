"""Issue #3's bars from one run of protocol.sh, by rules fixed before the
run (this file):

  1. Go's sync.Map workloads (OUT/sync): geomean of the 48 rows' medians
     >= 1.5x sync.Map.
  2. Typed rows (OUT/typed): geomean of the 40 rows' medians >= 1.1x
     xsync.Map, and >= 2x sync.Map.
  3. "None below 0.9x", for both sets: every row's median >= 0.9. A row
     that the focused runs also measured (OUT/grow: the growth rows of
     Go's workloads; OUT/load1k: the read-heavy typed rows of 1K keys) is
     decided by the focused run, which has more processes; every other
     row by the full run.
  4. Read-only Load (OUT/loadro): the median over processes of ftutils.Map
     time / plain Go map time <= 1.5, for 1K and 1M keys.

The 95 % intervals of the medians (medci.py) are printed for reading;
they decide nothing.

Caveat, found by the one run of it (map.md, round 15, 8): rule 3 lets the
focused run decide the growth rows, but they read lower inside the full
suite (LoadOrStoreBalanced-2 0.839x there, 0.965x alone, in the same
run), and the issue asks for the suite. A PASS here is not a pass of
issue #3 while the two disagree.

usage: verdict.py OUT"""
import math, os, statistics, sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [here, os.path.join(here, '..', 'map-round11')]
from medci import median_ci, ratios  # noqa: E402
import loadratio  # noqa: E402


def geomean(xs):
    return math.exp(sum(map(math.log, xs)) / len(xs))


def meds(r):
    return {row: statistics.median(xs) for row, xs in r.items()}


def none_below(full, focus, name):
    ok = True
    for row in sorted(full):
        src, xs = ('focused', focus[row]) if row in focus else ('full', full[row])
        med = statistics.median(xs)
        if med < 0.9:
            lo, hi = median_ci(xs)
            print(f"  {name}: {row} median {med:.3f} [{lo:.3f}, {hi:.3f}] over {len(xs)} ({src} run) is below 0.9")
            ok = False
    return ok


def loadro(d):
    return {k: statistics.median(xs) for k, xs in loadratio.ratios(d).items()}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    sync, _, _ = ratios('sync', f"{out}/sync", 'ftutils.Map')
    grow, _, _ = ratios('sync', f"{out}/grow", 'ftutils.Map')
    typed, _, _ = ratios('typed', f"{out}/typed", 'ftutils')
    typed_sm, _, _ = ratios('typed', f"{out}/typed", 'ftutils', 'sync.Map')
    load1k, _, _ = ratios('typed', f"{out}/load1k", 'ftutils')
    results = []
    g = geomean(meds(sync).values())
    results.append((f"Go's workloads geomean {g:.3f} over {len(sync)} rows >= 1.5", g >= 1.5))
    ok = none_below(sync, grow, "Go's workloads")
    results.append(("Go's workloads: no row's median below 0.9", ok))
    g = geomean(meds(typed).values())
    results.append((f"typed geomean vs xsync.Map {g:.3f} over {len(typed)} rows >= 1.1", g >= 1.1))
    ok = none_below(typed, load1k, "typed")
    results.append(("typed: no row's median below 0.9", ok))
    g = geomean(meds(typed_sm).values())
    results.append((f"typed geomean vs sync.Map {g:.3f} >= 2", g >= 2))
    lr = loadro(f"{out}/loadro")
    for k in ('1K', '1024K'):
        if k in lr:
            results.append((f"read-only Load keys={k}: time ratio {lr[k]:.3f} <= 1.5", lr[k] <= 1.5))
        else:
            results.append((f"read-only Load keys={k}: no data", False))
    for text, ok in results:
        print(("PASS  " if ok else "MISS  ") + text)
    print("all bars pass" if all(ok for _, ok in results) else "some bar misses")


if __name__ == '__main__':
    main()
