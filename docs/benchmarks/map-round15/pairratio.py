"""A/B of two builds over interleaved pairs of processes of the typed
benchmark: DIR/O/i.txt and DIR/N/i.txt ran back to back. Per row and
pair, (xsync time / ftutils time) in N over the same in O (above 1: N
gains on xsync.Map), with the median's 95 % interval (medci.py), and the
median of ftutils' own time in O over N.

usage: pairratio.py DIR"""
import re,glob,statistics,sys,math,collections,os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from medci import median_ci
d=sys.argv[1]
line_re=re.compile(r'^Benchmark(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op')
def parse(fn):
    cur=collections.defaultdict(dict)
    for l in open(fn):
        m=line_re.match(l)
        if not m: continue
        name=m.group(1)+(m.group(2) or '')
        im=re.search(r'/impl=([^/-]+)',name)
        cur[re.sub(r'/impl=[^/-]+','',name)][im.group(1)]=float(m.group(3))
    return cur
rr=collections.defaultdict(list); tr=collections.defaultdict(list)
for f in sorted(glob.glob(d+'/O/*.txt')):
    n=f.replace('/O/','/N/')
    if not os.path.exists(n): continue
    o,nn=parse(f),parse(n)
    for row in o:
        if row in nn:
            rr[row].append((nn[row]['xsync']/nn[row]['ftutils'])/(o[row]['xsync']/o[row]['ftutils']))
            tr[row].append(o[row]['ftutils']/nn[row]['ftutils'])
print('row  ratio-of-ratios (N/O, >1 = N better vs xsync)   ftutils time O/N')
lg=[];lg2=[]
for row in sorted(rr):
    a=statistics.median(rr[row]); b=statistics.median(tr[row]); lg.append(math.log(a)); lg2.append(math.log(b))
    lo,hi=median_ci(rr[row])
    print('%-40s %.3f [%.3f,%.3f]   %.3f'%(row,a,lo,hi,b))
print('geomean %.3f   %.3f'%(math.exp(sum(lg)/len(lg)),math.exp(sum(lg2)/len(lg2))))
