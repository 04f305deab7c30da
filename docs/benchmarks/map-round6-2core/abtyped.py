import re,sys,statistics,collections,math,glob
D=sys.argv[1]; vs=sys.argv[2:]
res={}
for v in vs:
    data=collections.defaultdict(list)
    for fn in glob.glob(f"{D}/{v}.*.txt"):
        for line in open(fn):
            m=re.match(r'^Benchmark(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op',line)
            if not m: continue
            name=m.group(1)+(m.group(2) or '')
            mi=re.search(r'/impl=([^/-]+)',name)
            data[(re.sub(r'/impl=[^/-]+','',name),mi.group(1))].append(float(m.group(3)))
    rows={}
    for b in {b for b,i in data}:
        if (b,'ftutils') in data and (b,'xsync') in data:
            rows[b]=(statistics.median(data[(b,'xsync')])/statistics.median(data[(b,'ftutils')]), statistics.median(data.get((b,'sync.Map'),[1]))/statistics.median(data[(b,'ftutils')]), statistics.median(data[(b,'ftutils')]))
    res[v]=rows
print("vs xsync (and ftutils ns)")
for b in sorted(res[vs[0]]):
    print(f"{b:45s}"+"".join(f"{res[v][b][0]:7.2f} ({res[v][b][2]:6.1f})" for v in vs if b in res[v]))
for v in vs:
    r=[x[0] for x in res[v].values()]; s=[x[1] for x in res[v].values()]
    g=math.exp(sum(map(math.log,r))/len(r)); gs=math.exp(sum(map(math.log,s))/len(s))
    print(v,"xsync geomean %.3f below0.9 %d min %.2f | sync.Map geomean %.2f"%(g,sum(1 for x in r if x<0.9),min(r),gs))
