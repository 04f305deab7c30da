"""BenchmarkGrow at fixed b.N: per file (one process, one b.N), the ratios
xsync/toy, xsync/ftutils and ftutils/toy of the maps' times per row;
medians over the files of each b.N, then the geomean over b.N."""
import collections, glob, math, re, statistics, sys
d = sys.argv[1]
line_re = re.compile(r'^BenchmarkGrow/op=(\w+)/impl=(\w+)(-\d+)?\s+(\d+)\s+([\d.]+) ns/op')
rat = collections.defaultdict(lambda: collections.defaultdict(list))
for fn in glob.glob(f"{d}/*.txt"):
    cur = collections.defaultdict(dict)
    n = None
    for l in open(fn):
        m = line_re.match(l)
        if not m: continue
        row = m.group(1) + (m.group(3) or '')
        n = int(m.group(4))
        cur[row][m.group(2)] = float(m.group(5))
    for row, x in cur.items():
        rat[row][n].append((x['xsync'] / x['toy'], x['xsync'] / x['ftutils'], x['ftutils'] / x['toy']))
print(f"{'row':14s} {'xsync/toy':>10s} {'xsync/ftutils':>14s} {'ftutils/toy':>12s}   (geomean over b.N of medians)")
for row in sorted(rat):
    cols = []
    for j in range(3):
        meds = [statistics.median(v[j] for v in rat[row][n]) for n in rat[row]]
        cols.append(math.exp(sum(map(math.log, meds)) / len(meds)))
    print(f"{row:14s} {cols[0]:10.3f} {cols[1]:14.3f} {cols[2]:12.3f}")
