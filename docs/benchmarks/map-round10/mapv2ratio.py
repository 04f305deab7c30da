import re, glob, statistics, collections, math, sys
rows=collections.defaultdict(list)
for fn in glob.glob(sys.argv[1]):
    cur=collections.defaultdict(dict)
    for l in open(fn):
        m=re.match(r'BenchmarkMapFlatMix/(\S+)/impl=(\w+)(-\d+)?\s+\d+\s+([\d.]+) ns/op',l)
        if m: cur[m.group(1)+(m.group(3) or '')][m.group(2)]=float(m.group(4))
    for r,x in cur.items(): rows[r].append(x['map']/x['flat'])
xs=[]
for r in sorted(rows):
    v=statistics.median(rows[r]); xs.append(v); print(f"{r:40s} {v:.3f}")
print("geomean map time / flat time", math.exp(sum(map(math.log,xs))/len(xs)))
