"""Summarise a cpu-clock profile by the kernel paths round 16 is about.

Reads the text of `perf script -F tid,time,ip,sym` (call chains on, from
`perf record -e cpu-clock -g`) and prints, over the samples in the time
window [FROM, TO) seconds after the first sample (the whole run if not
given): the sample count, and the share of samples whose call chain holds
  - a copy-on-write fault (do_wp_page), split by the Go function that took
    it (insert, mapPlainInsert, mapPopulate, other);
  - a page fault trap (exc_page_fault; not the faults that
    madvise(MADV_POPULATE_WRITE) takes inside the call);
  - mapPopulate (the populate, its faults included);
  - an inter-processor interrupt being sent (smp_call_function_many_cond
    or native_write_msr: the TLB shootdowns);
  - the collector shading a pointer (runtime.tryDeferToSpanScan as the
    leaf), split by caller (wbBufFlush1: write barriers; scanObject:
    scanning a large object such as a table; other);
and the 15 leaf functions with the most samples.

With --windows it prints instead, per 0.1 s from the first sample, the
count of samples whose call chain holds ftutils.Map, sync.Map (its
HashTrieMap), the collector's workers, or none of them: a process of
several rows shows where each row's window lies.

usage: perfcats.py FILE[.gz] [FROM TO]
       perfcats.py --windows FILE[.gz]"""
import collections, gzip, re, sys

HDR = re.compile(r'^\s*(\d+)\s+([\d.]+):')


def samples(fn):
    out, cur = [], None
    f = gzip.open(fn, 'rt', errors='replace') if fn.endswith('.gz') else open(fn, errors='replace')
    for line in f:
        if m := HDR.match(line):
            cur = (float(m.group(2)), [])
            out.append(cur)
        elif line.strip() and cur is not None:
            p = line.strip().split(None, 1)
            cur[1].append(p[1] if len(p) > 1 else p[0])
    return out


def windows(ss):
    t0 = ss[0][0]
    b = collections.defaultdict(collections.Counter)
    for t, st in ss:
        chain = ' '.join(st)
        tag = ('ftutils' if re.search(r'ftutils\.\(\*(Map|mapTable)', chain) else 'sync.Map' if 'HashTrieMap' in chain
               else 'collector' if re.search(r'gcBgMarkWorker|gcDrain', chain) else 'other')
        b[int((t - t0) / 0.1)][tag] += 1
    print("samples per 0.1 s by what their call chain holds (the rows run sync.Map, sync.Map-2, ftutils.Map, ftutils.Map-2)")
    for k in sorted(b):
        print(f"{k / 10:5.1f} s", dict(b[k]))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--windows':
        ss = samples(sys.argv[2])
        if not ss:
            sys.exit("perfcats.py: no samples")
        return windows(ss)
    if len(sys.argv) not in (2, 4):
        sys.exit(__doc__)
    ss = samples(sys.argv[1])
    if not ss:
        sys.exit("perfcats.py: no samples")
    t0 = ss[0][0]
    if len(sys.argv) == 4:
        lo, hi = float(sys.argv[2]), float(sys.argv[3])
        ss = [s for s in ss if lo <= s[0] - t0 < hi]
    n = len(ss)
    cats = collections.Counter()
    leaves = collections.Counter()
    for _, st in ss:
        chain = ' '.join(st)
        leaves[st[0] if st else '?'] += 1
        if 'do_wp_page' in chain:
            cats['cow'] += 1
            who = ('insert' if re.search(r'mapTable\[.*\]\)\.insert', chain) else
                   'mapPlainInsert' if 'mapPlainInsert' in chain else
                   'mapPopulate' if 'mapPopulate' in chain else 'other')
            cats['cow ' + who] += 1
        if 'exc_page_fault' in chain:
            cats['page fault'] += 1
        if 'mapPopulate' in chain:
            cats['in mapPopulate'] += 1
        if re.search(r'smp_call_function_many_cond|native_write_msr', chain):
            cats['ipi'] += 1
        if st and st[0].startswith('runtime.tryDeferToSpanScan'):
            cats['shade'] += 1
            caller = st[1] if len(st) > 1 else ''
            cats['shade ' + ('wbBufFlush1' if 'wbBufFlush1' in caller else
                             'scanObject' if caller == 'runtime.scanObject' else 'other')] += 1
    print(f"{n} samples")
    for k in ['cow', 'cow insert', 'cow mapPlainInsert', 'cow mapPopulate', 'cow other',
              'page fault', 'in mapPopulate', 'ipi', 'shade', 'shade wbBufFlush1', 'shade scanObject', 'shade other']:
        print(f"  {k:22s} {cats[k]:6d} {100 * cats[k] / n:6.1f} %")
    print("leaves:")
    for k, v in leaves.most_common(15):
        print(f"  {100 * v / n:5.1f} % {k[:100]}")


if __name__ == '__main__':
    main()
