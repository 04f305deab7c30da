"""Ratios of interleaved A/B runs (files DIR/VARIANT.ROUND.txt, from abfine.sh).

usage: abratio.py syncmap|typed DIR VARIANT...

syncmap: Go's sync.Map workloads; per row, median sync.Map time / median
ftutils time, and the geomean per variant.
typed: the bench module's typed rows; per row, median xsync.Map time /
median ftutils time (ftutils ns in parentheses); geomeans against xsync.Map
and sync.Map per variant.
"""
import collections, glob, math, re, statistics, sys

mode, d, variants = sys.argv[1], sys.argv[2], sys.argv[3:]
line_re = re.compile(r'^Benchmark(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op')


def medians(variant):
    """{(row, impl): median ns/op} over all rounds of one variant."""
    data = collections.defaultdict(list)
    for fn in glob.glob(f"{d}/{variant}.*.txt"):
        for line in open(fn):
            m = line_re.match(line)
            if not m:
                continue
            name = m.group(1) + (m.group(2) or '')
            impl = re.search(r'/impl=([^/-]+)', name).group(1)
            data[(re.sub(r'/impl=[^/-]+', '', name), impl)].append(float(m.group(3)))
    return {k: statistics.median(v) for k, v in data.items()}


def geomean(xs):
    return math.exp(sum(map(math.log, xs)) / len(xs))


ours, theirs = ('ftutils.Map', 'sync.Map') if mode == 'syncmap' else ('ftutils', 'xsync')
res = {}
for v in variants:
    med = medians(v)
    res[v] = {row: (med[(row, theirs)] / med[(row, ours)], med.get((row, 'sync.Map'), 1) / med[(row, ours)], med[(row, ours)])
              for row, impl in med if impl == ours and (row, theirs) in med}
print(f"{theirs} time / {ours} time per row, variants {variants}")
for row in sorted(res[variants[0]]):
    print(f"{row:55s}" + "".join(f"{res[v][row][0]:7.2f} ({res[v][row][2]:6.1f})" for v in variants if row in res[v]))
for v in variants:
    # The bar is over Go's sync.Map workloads: in syncmap mode other rows
    # in the files (Map_LoadReadOnly) are printed above but not counted.
    # (Until round 8 they were counted: round 7's local-hash3 geomeans
    # are over 50 rows, 1.459 and 1.474; over the 48 workload rows they
    # are 1.448 and 1.457.)
    r = [x[0] for row, x in res[v].items() if mode != 'syncmap' or 'SyncMapWorkloads' in row]
    extra = f" | sync.Map geomean {geomean([x[1] for x in res[v].values()]):.2f}" if mode == 'typed' else ''
    print(f"{v}: geomean {geomean(r):.3f}, {sum(x < 0.9 for x in r)} of {len(r)} rows below 0.9, lowest {min(r):.2f}{extra}")
