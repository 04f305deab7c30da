"""A/B of two builds over interleaved pairs of processes: DIR/O/NAME.txt
and DIR/N/NAME.txt ran back to back. Typed mode (the default): bench/'s
BenchmarkMap, rows with impl=ftutils and impl=xsync; sync mode: Go's
sync.Map workloads, impl=ftutils.Map and impl=sync.Map. Per row and
pair, (peer time / ftutils time) in N over the same in O (above 1: N
gains on the peer), with the median's 95 % interval (medci.py), and the
median of ftutils' own time in O over N.

usage: pairratio.py [typed|sync] DIR"""
import collections, glob, math, os, statistics, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from medci import median_ci, parse_file  # noqa: E402

def pair_files(d):
    """The pairs (DIR/O/NAME.txt, DIR/N/NAME.txt) of d, by NAME; an O file
    without its N file is skipped, with a line on stderr."""
    for f in sorted(glob.glob(os.path.join(d, 'O', '*.txt'))):
        n = os.path.join(d, 'N', os.path.basename(f))
        if os.path.exists(n):
            yield f, n
        else:
            print(f"no N file for {f}: skipped", file=sys.stderr)


def main():
    args = sys.argv[1:]
    mode = args.pop(0) if len(args) == 2 else 'typed'
    if len(args) != 1 or mode not in ('typed', 'sync'):
        sys.exit(__doc__)
    d = args[0]
    peer, ft = ('xsync', 'ftutils') if mode == 'typed' else ('sync.Map', 'ftutils.Map')
    rr, tr = collections.defaultdict(list), collections.defaultdict(list)
    pairs = 0
    for f, n in pair_files(d):
        o, nn = parse_file(mode, f), parse_file(mode, n)
        pairs += 1
        for row in o:
            if row in nn and {peer, ft} <= o[row].keys() and {peer, ft} <= nn[row].keys():
                rr[row].append((nn[row][peer] / nn[row][ft]) / (o[row][peer] / o[row][ft]))
                tr[row].append(o[row][ft] / nn[row][ft])
    if not rr:
        sys.exit(f"pairratio.py: no {mode} rows with {ft} and {peer} in both builds under {d!r}")
    print(f"{pairs} pairs")
    print(f"{'row':40s} {'N/O vs ' + peer:>15s} {'95% CI':>15s}  ftutils time O/N")
    lg, lg2 = [], []
    for row in sorted(rr):
        a, b = statistics.median(rr[row]), statistics.median(tr[row])
        lg.append(math.log(a))
        lg2.append(math.log(b))
        lo, hi = median_ci(rr[row])
        print(f"{row:40s} {a:15.3f}  [{lo:.3f},{hi:.3f}]  {b:.3f}")
    print(f"geomean {math.exp(sum(lg) / len(lg)):.3f} (vs {peer})   {math.exp(sum(lg2) / len(lg2)):.3f} (own time)")


if __name__ == '__main__':
    main()
