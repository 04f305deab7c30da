import re,sys,statistics,collections,math
D=sys.argv[1]; vs=sys.argv[2:]
res={}
for v in vs:
    data=collections.defaultdict(list)
    import glob
    for fn in glob.glob(f"{D}/{v}.*.txt"):
        for line in open(fn):
            m=re.match(r'^Benchmark(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op',line)
            if not m: continue
            name=m.group(1)+(m.group(2) or '')
            mi=re.search(r'/impl=([^/-]+)',name)
            impl=mi.group(1); base=re.sub(r'/impl=[^/-]+','',name)
            data[(base,impl)].append(float(m.group(3)))
    rows={}
    for (base,impl) in data:
        if impl!='sync.Map' and impl!='syncMap':
            pass
    bases=sorted({b for b,i in data})
    impls=sorted({i for b,i in data})
    for b in bases:
        ours=[i for i in impls if 'ftutils' in i or i=='Map']
        theirs=[i for i in impls if 'sync' in i]
        if not ours or not theirs or (b,ours[0]) not in data or (b,theirs[0]) not in data: continue
        rows[b]=statistics.median(data[(b,theirs[0])])/statistics.median(data[(b,ours[0])])
    res[v]=rows
bases=sorted(res[vs[0]])
print("impls", vs)
for b in bases:
    print(f"{b:55s}"+"".join(f"{res[v].get(b,float('nan')):8.2f}" for v in vs))
for v in vs:
    r=list(res[v].values()); g=math.exp(sum(map(math.log,r))/len(r))
    print(v, "geomean %.3f"%g, "below0.9:", sum(1 for x in r if x<0.9), "min %.2f"%min(r), "n", len(r))
