"""A/B of one implementation's own time over interleaved pairs of
processes: DIR/O/NAME.txt and DIR/N/NAME.txt ran back to back (any
benchmark output; fresh-ab holds only ftutils.Map's growth rows). Per
row and pair, O's time over N's (above 1: N is faster), for ns/op and
for cpu-ns/op, with the median's distribution-free 95 % interval
(../map-round15/medci.py), and each build's median ns/op.

usage: ownpair.py DIR"""
import collections, os, re, statistics, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'map-round15'))
from medci import median_ci  # noqa: E402
from pairratio import pair_files  # noqa: E402

ROW = re.compile(r'^Benchmark(\S+)\s+\d+\s+([\d.]+) ns/op\s+([\d.]+) cpu-ns/op')


def parse(fn):
    """{row: (ns/op, cpu-ns/op)} of one process's output."""
    return {m.group(1): (float(m.group(2)), float(m.group(3))) for m in map(ROW.match, open(fn)) if m}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    t, c = collections.defaultdict(list), collections.defaultdict(list)
    own = {'O': collections.defaultdict(list), 'N': collections.defaultdict(list)}
    pairs = 0
    for f, n in pair_files(d):
        o, nn = parse(f), parse(n)
        pairs += 1
        for row in o.keys() & nn.keys():
            t[row].append(o[row][0] / nn[row][0])
            c[row].append(o[row][1] / nn[row][1])
            own['O'][row].append(o[row][0])
            own['N'][row].append(nn[row][0])
    if not t:
        sys.exit(f"ownpair.py: no rows in both builds under {d!r}")
    print(f"{pairs} pairs; O time / N time (above 1: N faster)")
    print(f"{'row':60s} {'ns/op O/N':>9s} {'95% CI':>15s} {'cpu O/N':>8s} {'95% CI':>15s} {'O ns':>7s} {'N ns':>7s}")
    for row in sorted(t):
        lo, hi = median_ci(t[row])
        lo2, hi2 = median_ci(c[row])
        print(f"{row:60s} {statistics.median(t[row]):9.3f}  [{lo:.3f},{hi:.3f}] {statistics.median(c[row]):8.3f}  [{lo2:.3f},{hi2:.3f}]"
              f" {statistics.median(own['O'][row]):7.1f} {statistics.median(own['N'][row]):7.1f}")


if __name__ == '__main__':
    main()
