"""Read-only Load: per process (file), Map time over plain Go map time per
key count (medians of the -count runs); median over processes."""
import glob, re, statistics, sys


def ratios(d):
    """{keys: [ftutils.Map time / gomap time, one per process]} for DIR d."""
    rows = {}
    for fn in sorted(glob.glob(f"{d}/*.txt")):
        cur = {}
        for l in open(fn):
            m = re.match(r'BenchmarkMap_LoadReadOnly/keys=(\w+)/impl=(\S+?)\s+\d+\s+([\d.]+) ns/op', l)
            if m:
                cur.setdefault((m.group(1), m.group(2)), []).append(float(m.group(3)))
        for k in ('1K', '1024K'):
            if (k, 'ftutils.Map') in cur and (k, 'gomap') in cur:
                rows.setdefault(k, []).append(statistics.median(cur[(k, 'ftutils.Map')]) / statistics.median(cur[(k, 'gomap')]))
    return rows


if __name__ == '__main__':
    for k, xs in ratios(sys.argv[1]).items():
        print(f"keys={k}: per process {', '.join(f'{x:.3f}' for x in xs)}; median {statistics.median(xs):.3f} (time ratio)")
