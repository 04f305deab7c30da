"""Per-row medians of per-process ratios, with a distribution-free 95 %
confidence interval for each median (order statistics of the binomial
distribution: no assumption about the shape of the noise).

usage:
  medci.py sync  DIR IMPL          Go's sync.Map workloads: sync.Map time / IMPL's
  medci.py typed DIR IMPL [BASE]   typed rows: BASE's time (default xsync) / IMPL's

Each file of DIR is one process. A row's ratio is taken within a process
(both maps ran back to back in it), then the median over processes.
Prints the geomean of the medians and the rows whose median, or whose
interval's upper end, is below 0.9."""
import collections, glob, math, re, statistics, sys


def binom_cdf(k, n):
    return sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n


def median_ci(xs, conf=0.95):
    """Indices j < k (0-based) with P(x_(j) <= median <= x_(k)) >= conf."""
    xs, n = sorted(xs), len(xs)
    a = (1 - conf) / 2
    j = 0
    while j + 1 < n and binom_cdf(j, n) <= a:
        j += 1
    j = max(j - 1, 0)
    k = n - 1 - j
    return xs[j], xs[k]


def coverage(n):
    """The interval's actual coverage for n values: below 95 % only for
    n <= 5, where it is the whole range."""
    j = 0
    while j + 1 < n and binom_cdf(j, n) <= 0.025:
        j += 1
    j = max(j - 1, 0)
    return 1 - 2 * binom_cdf(j, n)  # P(median below the j-th smallest) = P(Bin(n, 1/2) <= j)


def main():
    mode, d, impl = sys.argv[1], sys.argv[2], sys.argv[3]
    base = sys.argv[4] if len(sys.argv) > 4 else ('sync.Map' if mode == 'sync' else 'xsync')
    if mode == 'sync':
        line_re = re.compile(r'^BenchmarkMap_SyncMapWorkloads/op=(\w+)/impl=([\w.]+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op')
        def parse(m):
            return m.group(1) + (m.group(3) or ''), m.group(2), float(m.group(4))
    else:
        line_re = re.compile(r'^Benchmark(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op')
        def parse(m):
            name = m.group(1) + (m.group(2) or '')
            im = re.search(r'/impl=([^/-]+)', name)
            if not im:
                return None
            return re.sub(r'/impl=[^/-]+', '', name), im.group(1), float(m.group(3))
    rat = collections.defaultdict(list)
    files = sorted(glob.glob(f"{d}/*.txt"))
    for fn in files:
        cur = collections.defaultdict(dict)
        for line in open(fn):
            m = line_re.match(line)
            if m and (p := parse(m)):
                cur[p[0]][p[1]] = p[2]
        for row, x in cur.items():
            if impl in x and base in x:
                rat[row].append(x[base] / x[impl])
    print(f"{len(files)} processes; {base} time / {impl} time")
    if files and coverage(len(files)) < 0.95:
        print(f"(with {len(files)} processes the interval is the whole range and covers "
              f"the median with probability {coverage(len(files)):.0%} only)")
    print(f"{'row':44s} {'median':>7s} {'95% CI':>13s} {'n':>3s} {'<0.9':>5s}")
    meds, low, sure = [], [], []
    for row in sorted(rat):
        xs = rat[row]
        med = statistics.median(xs)
        lo, hi = median_ci(xs)
        meds.append(med)
        below = sum(x < 0.9 for x in xs)
        print(f"{row:44s} {med:7.3f}  [{lo:5.3f},{hi:5.3f}] {len(xs):3d} {below:5d}")
        if med < 0.9:
            low.append(row)
        if hi < 0.9:
            sure.append(row)
    g = math.exp(sum(map(math.log, meds)) / len(meds))
    print(f"geomean of medians {g:.3f} over {len(meds)} rows; "
          f"median below 0.9: {low or 'none'}; whole interval below 0.9: {sure or 'none'}")


if __name__ == '__main__':
    main()
