#!/usr/bin/env python3
"""Summarize sweep.sh output: per (row, cpu, N) the sync.Map/ftutils time
ratio of each rep (runs in the same rep are adjacent, so the two maps ran
minutes apart at most), then the median over reps; per (row, cpu) the
geometric mean of those medians over N, and the lowest and highest."""
import collections, math, statistics, sys

runs = collections.defaultdict(dict)  # (rep, n, cpu, row) -> impl -> ns
seen = collections.Counter()
for line in open(sys.argv[1]):
    n, cpu, row, impl, ns, bop = line.split()
    key = (n, cpu, row, impl)
    rep = seen[key]
    seen[key] += 1
    runs[(rep, int(n), cpu, row)][impl] = (float(ns), bop)
ratios = collections.defaultdict(list)
bops = collections.defaultdict(list)
for (rep, n, cpu, row), d in runs.items():
    if 'sync.Map' in d and 'ftutils.Map' in d:
        ratios[(row, cpu, n)].append(d['sync.Map'][0] / d['ftutils.Map'][0])
        bops[(row, cpu, n)].append(d['ftutils.Map'][1])
for row, cpu in sorted({(r, c) for r, c, _ in ratios}):
    ns = sorted(n for r, c, n in ratios if (r, c) == (row, cpu))
    meds = [statistics.median(ratios[(row, cpu, n)]) for n in ns]
    print(f"{row} -cpu {cpu}: " + "  ".join(f"{n // 1000}K {m:.2f} ({bops[(row, cpu, n)][0]}B)" for n, m in zip(ns, meds)))
    g = math.exp(sum(map(math.log, meds)) / len(meds))
    print(f"  geomean over {len(ns)} b.N {g:.3f}, lowest {min(meds):.2f}, highest {max(meds):.2f}")
