"""A/B of two builds over interleaved pairs of processes of the typed
benchmark (bench/'s BenchmarkMap, rows with impl=ftutils and impl=xsync):
DIR/O/NAME.txt and DIR/N/NAME.txt ran back to back. Per row and pair,
(xsync time / ftutils time) in N over the same in O (above 1: N gains on
xsync.Map), with the median's 95 % interval (medci.py), and the median
of ftutils' own time in O over N. For Go's sync.Map workloads, compare
`medci.py sync DIR/O ftutils.Map` with the same for DIR/N instead.

usage: pairratio.py DIR"""
import collections, glob, math, os, statistics, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from medci import median_ci, parse_file  # noqa: E402

def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    rr, tr = collections.defaultdict(list), collections.defaultdict(list)
    pairs = 0
    for f in sorted(glob.glob(os.path.join(d, 'O', '*.txt'))):
        n = os.path.join(d, 'N', os.path.basename(f))
        if not os.path.exists(n):
            print(f"no N file for {f}: skipped", file=sys.stderr)
            continue
        o, nn = parse_file('typed', f), parse_file('typed', n)
        pairs += 1
        for row in o:
            if row in nn and {'xsync', 'ftutils'} <= o[row].keys() and {'xsync', 'ftutils'} <= nn[row].keys():
                rr[row].append((nn[row]['xsync'] / nn[row]['ftutils']) / (o[row]['xsync'] / o[row]['ftutils']))
                tr[row].append(o[row]['ftutils'] / nn[row]['ftutils'])
    if not rr:
        sys.exit(f"pairratio.py: no typed rows with ftutils and xsync in both builds under {d!r}")
    print(f"{pairs} pairs")
    print(f"{'row':40s} {'N/O vs xsync':>12s} {'95% CI':>15s}  ftutils time O/N")
    lg, lg2 = [], []
    for row in sorted(rr):
        a, b = statistics.median(rr[row]), statistics.median(tr[row])
        lg.append(math.log(a))
        lg2.append(math.log(b))
        lo, hi = median_ci(rr[row])
        print(f"{row:40s} {a:12.3f}  [{lo:.3f},{hi:.3f}]  {b:.3f}")
    print(f"geomean {math.exp(sum(lg) / len(lg)):.3f} (vs xsync)   {math.exp(sum(lg2) / len(lg2)):.3f} (own time)")


if __name__ == '__main__':
    main()
