"""Per-process ratios: for each file of DIR (one process), the base map's
time over each listed map's time per row; medians over files; geomean.

usage: toyratio.py [--base NAME] DIR IMPL...   (NAME defaults to xsync)"""
import collections, glob, math, re, statistics, sys
args = sys.argv[1:]
base = 'xsync'
if args[0] == '--base':
    base, args = args[1], args[2:]
d, impls = args[0], args[1:]
line_re = re.compile(r'^Benchmark(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op')
rows = collections.defaultdict(lambda: collections.defaultdict(list))
for fn in sorted(glob.glob(f"{d}/*.txt")):
    cur = collections.defaultdict(dict)
    for line in open(fn):
        m = line_re.match(line)
        if not m: continue
        name = m.group(1) + (m.group(2) or '')
        impl = re.search(r'/impl=([^/-]+)', name).group(1)
        row = re.sub(r'/impl=[^/-]+', '', name)
        cur[row][impl] = float(m.group(3))
    for row, d2 in cur.items():
        for i in impls:
            if i in d2 and base in d2:
                rows[row][i].append(d2[base]/d2[i])
print(f"{'row':50s}" + "".join(f"{i:>9s}" for i in impls) + f"   ({base} time / each map's)")
g = collections.defaultdict(list)
for row in sorted(rows):
    meds = [statistics.median(rows[row][i]) for i in impls]
    for i, x in zip(impls, meds): g[i].append(x)
    print(f"{row:50s}" + "".join(f"{x:9.3f}" for x in meds))
print(f"{'geomean':50s}" + "".join(f"{math.exp(sum(map(math.log,g[i]))/len(g[i])):9.3f}" for i in impls))
