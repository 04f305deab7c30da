"""Per-process ratios: for each round file, xsync/ftutils per row; median over rounds per variant."""
import collections, glob, math, re, statistics, sys
d, variants = sys.argv[1], sys.argv[2:]
line_re = re.compile(r'^Benchmark(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op')
peer = 'xsync'
out = {}
for v in variants:
    rows = collections.defaultdict(list)
    for fn in sorted(glob.glob(f"{d}/{v}.*.txt")):
        cur = {}
        for line in open(fn):
            m = line_re.match(line)
            if not m: continue
            name = m.group(1) + (m.group(2) or '')
            impl = re.search(r'/impl=([^/-]+)', name).group(1)
            row = re.sub(r'/impl=[^/-]+', '', name)
            cur.setdefault(row, {})[impl] = float(m.group(3))
            if 'ftutils' in cur[row] and peer in cur[row]:
                rows[row].append(cur[row][peer] / cur[row]['ftutils'])
                del cur[row]
    out[v] = {r: statistics.median(x) for r, x in rows.items()}
allrows = sorted(set().union(*[o.keys() for o in out.values()]))
for r in allrows:
    print(f"{r:55s}" + " ".join(f"{out[v].get(r, float('nan')):6.3f}" for v in variants))
for v in variants:
    xs = list(out[v].values())
    print(v, "geomean %.3f" % math.exp(sum(map(math.log, xs)) / len(xs)))
