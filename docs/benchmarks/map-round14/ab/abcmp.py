import sys,re,glob,statistics as st,collections,math
# usage: abcmp.py DIR A B : per-row median over pairs of (A time / B time)
d,a,b=sys.argv[1:4]
def load(f):
    r={}
    for l in open(f):
        m=re.match(r'Benchmark(\S+?)\s+\d+\s+([\d.]+) ns/op',l)
        if m: r[m.group(1)]=float(m.group(2))
    return r
pairs=sorted(set(f.split('.')[1] for f in map(lambda x:x.split('/')[-1],glob.glob(d+'/'+a+'.*.txt'))))
rat=collections.defaultdict(list)
for p in pairs:
    A=load(f'{d}/{a}.{p}.txt'); B=load(f'{d}/{b}.{p}.txt')
    for k in A:
        if k in B: rat[k].append(A[k]/B[k])
lg=[]
for k in sorted(rat):
    m=st.median(rat[k]); lg.append(math.log(m))
    print('%-75s %.3f  %s'%(k.replace('Map_SyncMapWorkloads/op=',''),m,' '.join('%.2f'%x for x in rat[k])))
print('geomean %s/%s time: %.4f over %d rows'%(a,b,math.exp(sum(lg)/len(lg)),len(lg)))
