"""Read-only Load: per process (file), Map time over plain Go map time per
key count (medians of the -count runs); median over processes."""
import glob, re, statistics, sys
rows = {}
for fn in sorted(glob.glob(f"{sys.argv[1]}/*.txt")):
    cur = {}
    for l in open(fn):
        m = re.match(r'BenchmarkMap_LoadReadOnly/keys=(\w+)/impl=(\S+?)\s+\d+\s+([\d.]+) ns/op', l)
        if m:
            cur.setdefault((m.group(1), m.group(2)), []).append(float(m.group(3)))
    for k in ('1K', '1024K'):
        rows.setdefault(k, []).append(statistics.median(cur[(k, 'ftutils.Map')]) / statistics.median(cur[(k, 'gomap')]))
for k, xs in rows.items():
    print(f"keys={k}: per process {', '.join(f'{x:.3f}' for x in xs)}; median {statistics.median(xs):.3f} (time ratio)")
