"""Per-row medians of per-process ratios, with a distribution-free 95 %
confidence interval for each median (order statistics of the binomial
distribution: no assumption about the shape of the noise).

usage:
  medci.py sync  DIR IMPL          Go's sync.Map workloads: sync.Map time / IMPL's
  medci.py typed DIR IMPL [BASE]   typed rows: BASE's time (default xsync) / IMPL's

Each file of DIR is one process. A row's ratio is taken within a process
(both maps ran back to back in it), then the median over processes.
Prints the geomean of the medians and the rows whose median, or whose
interval's upper end, is below 0.9. The intervals are per row: with 88
rows checked at once, some interval will miss its median by chance, so
"every interval above 0.9" describes the data; it is not a joint test."""
import collections, glob, math, re, statistics, sys


def binom_cdf(k, n):
    """P(Binomial(n, 1/2) <= k)."""
    return sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n


def ci_index(n, conf=0.95):
    """The largest 0-based j with P(Bin(n, 1/2) <= j) <= (1-conf)/2, or 0."""
    j = 0
    while j + 1 < n and binom_cdf(j, n) <= (1 - conf) / 2:
        j += 1
    return max(j - 1, 0)


def median_ci(xs, conf=0.95):
    """(x_j, x_{n-1-j}) of the sorted values: the median lies below x_j
    with probability P(Bin(n, 1/2) <= j), and above x_{n-1-j} with the
    same probability."""
    xs, n = sorted(xs), len(xs)
    j = ci_index(n, conf)
    return xs[j], xs[n - 1 - j]


def coverage(n):
    """The interval's actual coverage for n values: below 95 % only for
    n <= 5, where it is the whole range."""
    return 1 - 2 * binom_cdf(ci_index(n), n)


SYNC_RE = re.compile(r'^BenchmarkMap_SyncMapWorkloads/op=(\w+)/impl=([\w.]+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op')
TYPED_RE = re.compile(r'^Benchmark(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op')


def parse_file(mode, fn):
    """{row: {impl: ns/op}} of one process's output (mode sync or typed)."""
    cur = collections.defaultdict(dict)
    for line in open(fn):
        if mode == 'sync':
            if m := SYNC_RE.match(line):
                cur[m.group(1) + (m.group(3) or '')][m.group(2)] = float(m.group(4))
        elif mode == 'typed':
            m = TYPED_RE.match(line)
            name = m and m.group(1) + (m.group(2) or '')
            if m and (im := re.search(r'/impl=([^/-]+)', name)):
                cur[re.sub(r'/impl=[^/-]+', '', name)][im.group(1)] = float(m.group(3))
        else:
            sys.exit(f"medci.py: mode {mode!r}: want sync or typed")
    return cur


def ratios(mode, d, impl, base=None):
    """{row: [base time / impl time, one per process]} for the files of d."""
    base = base or ('sync.Map' if mode == 'sync' else 'xsync')
    rat = collections.defaultdict(list)
    files = sorted(glob.glob(f"{d}/*.txt"))
    for fn in files:
        for row, x in parse_file(mode, fn).items():
            if impl in x and base in x:
                rat[row].append(x[base] / x[impl])
    if not rat:
        sys.exit(f"medci.py: no rows with both {impl!r} and {base!r} in {len(files)} files of {d!r}")
    return rat, len(files), base


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    mode, d, impl = sys.argv[1], sys.argv[2], sys.argv[3]
    rat, nfiles, base = ratios(mode, d, impl, sys.argv[4] if len(sys.argv) > 4 else None)
    print(f"{nfiles} processes; {base} time / {impl} time")
    print(f"{'row':44s} {'median':>7s} {'95% CI':>13s} {'n':>3s} {'<0.9':>5s}")
    meds, low, sure, small = [], [], [], False
    for row in sorted(rat):
        xs = rat[row]
        med = statistics.median(xs)
        lo, hi = median_ci(xs)
        meds.append(med)
        below = sum(x < 0.9 for x in xs)
        mark = '*' if coverage(len(xs)) < 0.95 else ' '
        small |= mark == '*'
        print(f"{row:44s} {med:7.3f}  [{lo:5.3f},{hi:5.3f}]{mark}{len(xs):3d} {below:5d}")
        if med < 0.9:
            low.append(row)
        if hi < 0.9:
            sure.append(row)
    if small:
        print("* fewer than 6 values: the interval is the whole range and covers the median with less than 95 %")
    g = math.exp(sum(map(math.log, meds)) / len(meds))
    print(f"geomean of medians {g:.3f} over {len(meds)} rows; "
          f"median below 0.9: {low or 'none'}; whole interval below 0.9: {sure or 'none'}")


if __name__ == '__main__':
    main()
