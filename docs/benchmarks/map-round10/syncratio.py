"""Go's sync.Map workloads: per process (file), sync.Map time over each
map's time; median over files per row; geomean over rows, rows below 0.9."""
import collections, glob, math, re, statistics, sys
d, impls = sys.argv[1], sys.argv[2:]
line_re = re.compile(r'^BenchmarkMap_SyncMapWorkloads/op=(\w+)/impl=([\w.]+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op')
rat = collections.defaultdict(lambda: collections.defaultdict(list))
for fn in sorted(glob.glob(f"{d}/*.txt")):
    cur = collections.defaultdict(dict)
    for l in open(fn):
        m = line_re.match(l)
        if m:
            cur[m.group(1) + (m.group(3) or '')][m.group(2)] = float(m.group(4))
    for row, x in cur.items():
        for i in impls:
            rat[row][i].append(x['sync.Map'] / x[i])
print(f"{'row':34s}" + "".join(f"{i:>13s}" for i in impls))
g = collections.defaultdict(list)
for row in sorted(rat):
    meds = [statistics.median(rat[row][i]) for i in impls]
    for i, x in zip(impls, meds):
        g[i].append(x)
    print(f"{row:34s}" + "".join(f"{x:13.2f}" for x in meds))
for i in impls:
    xs = g[i]
    print(f"{i}: geomean {math.exp(sum(map(math.log, xs)) / len(xs)):.3f} over {len(xs)} rows, {sum(x < 0.9 for x in xs)} below 0.9, lowest {min(xs):.2f}")
