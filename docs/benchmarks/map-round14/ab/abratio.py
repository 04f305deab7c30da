import sys,re,glob,statistics as st,collections,math
# abratio.py DIR: per row, median over processes of old time / new time
rat=collections.defaultdict(list)
for f in sorted(glob.glob(sys.argv[1]+'/*.txt')):
    r={}
    for l in open(f):
        m=re.match(r'Benchmark\w+/op=(\S+?)/impl=(old|new)(-\d+)?\s+\d+\s+([\d.]+) ns/op',l)
        if m: r[(m.group(1)+(m.group(3) or ''),m.group(2))]=float(m.group(4))
    for (row,impl),v in r.items():
        if impl=='old' and (row,'new') in r: rat[row].append(v/r[(row,'new')])
lg=[]
for k in sorted(rat):
    m=st.median(rat[k]); lg.append(math.log(m))
    print('%-34s %.3f  %s'%(k,m,' '.join('%.2f'%x for x in rat[k])))
print('geomean old/new time: %.4f over %d rows'%(math.exp(sum(lg)/len(lg)),len(lg)))
