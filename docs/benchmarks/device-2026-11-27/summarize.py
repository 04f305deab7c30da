#!/usr/bin/env python3
"""Summarize the 16-core device run of 2026-11-27 (raw files in this folder).

Prints the Markdown tables quoted in ../scaling-16core.md. Standard library
only; run from anywhere:

    python3 docs/benchmarks/device-2026-11-27/summarize.py

Conventions: a benchmark's value at one -cpu is the median of its -count
lines (2 here, so the mean of the two); a ratio "×" is baseline ns/op over
ftutils ns/op, so above 1 means ftutils is faster; a geomean is the
geometric mean of per-row ratios.
"""

import math
import os
import re
import statistics
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))

LINE = re.compile(r"^(Benchmark\S+?)(?:-(\d+))?\s+\d+\s+([\d.]+) ns/op")


def load(name):
    """{(benchmark name without -cpu, cpu): median ns/op} from a go test -bench file."""
    vals = defaultdict(list)
    with open(os.path.join(HERE, name)) as f:
        for line in f:
            m = LINE.match(line)
            if m:
                vals[(m.group(1), int(m.group(2) or 1))].append(float(m.group(3)))
    return {k: statistics.median(v) for k, v in vals.items()}, vals


def gmean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def ns(x):
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def fib():
    print("## fibonacci (fib.txt)\n")
    text = open(os.path.join(HERE, "fib.txt")).read()
    blocks = re.findall(
        r"Comparison \(nth Element (\d+), Size (\d+), Workers (\d+), GOMAXPROCS (\d+).*?\n.*?\n"
        r"\s+threads\s+(\S+)\s+\S+\s+(\S+)\s+\S+\n"
        r"\s+fast_threads\s+(\S+)\s+(\S+)x\s+(\S+)\s+(\S+)x\n"
        r"\s+processes\s+(\S+)\s+(\S+)x\s+(\S+)\s+(\S+)x",
        text,
    )
    verified = re.findall(r"Verified: (\d+) of (\d+)", text)
    print(f"comparison tables: {len(blocks)}; Verified lines: {len(verified)}, "
          f"all equal: {all(a == b for a, b in verified)}\n")
    for size in ("100", "1000"):
        rows = [b for b in blocks if b[1] == size]
        sp = [float(b[7]) for b in rows]
        cpu = [float(b[9]) for b in rows]
        proc = [float(b[11]) for b in rows]
        wall = [float(b[4]) / float(b[6]) for b in rows]
        print(f"### run_size {size}: {len(rows)} invocations\n")
        print("| invocation | threads avg (s) | fast_threads avg (s) | fast_threads speedup | CPU saving | processes avg (s) | processes speedup |")
        print("|---|---|---|---|---|---|---|")
        for i, b in enumerate(rows, 1):
            print(f"| {i} | {b[4]} | {b[6]} | {b[7]}x | {b[9]}x | {b[10]} | {b[11]}x |")
        print()
        print(f"- fast_threads speedup (printed): sorted {sorted(sp)}")
        print(f"  min {min(sp):.2f}, median {statistics.median(sp):.2f}, max {max(sp):.2f}, "
              f">= 1.5: {sum(s >= 1.5 for s in sp)} of {len(sp)}; "
              f"from the averages: median {statistics.median(wall):.3f}")
        print(f"- CPU saving: min {min(cpu):.2f}, median {statistics.median(cpu):.2f}, max {max(cpu):.2f}")
        print(f"- processes speedup: min {min(proc):.3g}, median {statistics.median(proc):.3g}, max {max(proc):.3g}\n")


def fibbench():
    print("## BenchmarkModes (fibbench.txt, -cpu 16, count 6)\n")
    med, raw = load("fibbench.txt")
    m = {k[0].split("mode=")[1]: v for k, v in med.items()}
    for mode in ("serial", "threads", "fast_threads"):
        print(f"- {mode}: median {m[mode] / 1000:.0f} µs (n={len(raw[('BenchmarkModes/mode=' + mode, 16)])})")
    print(f"- fast_threads vs threads {m['threads'] / m['fast_threads']:.2f}×, "
          f"vs serial {m['serial'] / m['fast_threads']:.2f}×; threads vs serial "
          f"{m['serial'] / m['threads']:.2f}×\n")


def pairs(med, pattern, ours, base, cpus):
    """Rows (key, cpu, ours ns, base ns, ratio) for names matching pattern with impl=ours / impl=base."""
    out = []
    for (name, cpu), v in sorted(med.items()):
        if cpu not in cpus or not re.search(pattern, name) or f"impl={ours}" not in name:
            continue
        other = name.replace(f"impl={ours}", f"impl={base}")
        if (other, cpu) in med:
            out.append((name, cpu, v, med[(other, cpu)], med[(other, cpu)] / v))
    return out


def short(name, pattern):
    return re.sub(pattern, "", name.replace("Benchmark", ""))


def map_syncmap(root):
    print("## Map_SyncMapWorkloads: ftutils.Map vs sync.Map (root.txt)\n")
    rows = pairs(root, r"Map_SyncMapWorkloads", "ftutils.Map", "sync.Map", (1, 4, 16))
    for cpu in (1, 4, 16):
        r = [x for x in rows if x[1] == cpu]
        low = sorted((x for x in r if x[4] < 0.9), key=lambda x: x[4])
        print(f"- -cpu {cpu}: {len(r)} rows, geomean {gmean([x[4] for x in r]):.2f}×, "
              f"range {min(x[4] for x in r):.2f}–{max(x[4] for x in r):.2f}, below 0.9×: {len(low)}: "
              + ", ".join(f"{short(x[0], r'.*op=|/impl=.*')} {x[4]:.2f}" for x in low))
    print(f"- all {len(rows)} rows: geomean {gmean([x[4] for x in rows]):.2f}×")
    print("- without Clear (of a never-used map, where ftutils.Map returns at once): "
          + ", ".join(f"-cpu {c} {gmean([x[4] for x in rows if x[1] == c and 'op=Clear/' not in x[0]]):.2f}×" for c in (1, 4, 16)) + "\n")
    print("| workload | -cpu 1 | -cpu 4 | -cpu 16 | ftutils ns at 16 | sync.Map ns at 16 |")
    print("|---|---:|---:|---:|---:|---:|")
    by = defaultdict(dict)
    for x in rows:
        by[short(x[0], r".*op=|/impl=.*")][x[1]] = x
    for k in sorted(by, key=lambda k: by[k][16][4]):
        print(f"| {k} | " + " | ".join(f"{by[k][c][4]:.2f}×" for c in (1, 4, 16))
              + f" | {ns(by[k][16][2])} | {ns(by[k][16][3])} |")
    print()


def map_typed(bench):
    print("## typed Map, 1K keys (bench.txt)\n")
    for base in ("xsync", "sync.Map"):
        rows = pairs(bench, r"^BenchmarkMap/", "ftutils", base, (1, 4, 16))
        for cpu in (1, 4, 16):
            r = [x for x in rows if x[1] == cpu]
            low = [x for x in r if x[4] < 0.9]
            print(f"- vs {base} at -cpu {cpu}: {len(r)} rows, geomean {gmean([x[4] for x in r]):.2f}×, "
                  f"range {min(x[4] for x in r):.2f}–{max(x[4] for x in r):.2f}, below 0.9×: {len(low)}")
        print(f"- vs {base}, all {len(rows)} rows: geomean {gmean([x[4] for x in rows]):.2f}×")
    print()
    print("| row (-cpu 16) | ftutils ns | xsync ns | sync.Map ns | vs xsync | vs sync.Map |")
    print("|---|---:|---:|---:|---:|---:|")
    for (name, cpu), v in sorted(bench.items()):
        if cpu != 16 or not name.startswith("BenchmarkMap/") or "impl=ftutils" not in name:
            continue
        x = bench[(name.replace("impl=ftutils", "impl=xsync"), 16)]
        s = bench[(name.replace("impl=ftutils", "impl=sync.Map"), 16)]
        print(f"| {short(name, r'Map/|/keys=1K|/impl=ftutils')} | {ns(v)} | {ns(x)} | {ns(s)} | {x / v:.2f}× | {s / v:.2f}× |")
    print()


def table(med, names, cpus, title):
    """One row per benchmark name (impl spelled out), ns/op at each cpu."""
    print(f"### {title}\n")
    print("| benchmark | " + " | ".join(f"-cpu {c} ns/op" for c in cpus) + " |")
    print("|---|" + "---:|" * len(cpus))
    for n in names:
        print(f"| {n.replace('Benchmark', '')} | "
              + " | ".join(ns(med[(n, c)]) if (n, c) in med else "—" for c in cpus) + " |")
    print()


def counters(root, bench):
    print("## Counter (root.txt and bench.txt)\n")
    cpus = (1, 4, 16)
    for src, med, base in (("root.txt", root, ("atomic.Int64", "Mutex")), ("bench.txt", bench, ("atomic.Int64", "xsync.Counter"))):
        names = sorted({n for (n, c) in med if n.startswith("BenchmarkCounter_")})
        table(med, names, cpus, src)
        for b in base:
            for p in (r"Counter_Add/", r"AddParallel/readEvery=0/", r"AddParallel/readEvery=100/"):
                r = pairs(med, p, "Counter", b, cpus)
                print(f"- {src} {p.strip('/')} Counter vs {b}: "
                      + ", ".join(f"-cpu {x[1]} {x[4]:.2f}× ({ns(x[2])} vs {ns(x[3])} ns)" for x in r))
        print()


def batch(root):
    print("## BatchExecutor (root.txt)\n")
    cpus = (1, 4, 16)
    names = sorted({n for (n, c) in root if n.startswith("BenchmarkBatchExecutor_")})
    table(root, names, cpus, "ns/op")
    print("| shape | src | size | -cpu 1 | -cpu 4 | -cpu 16 | BatchLocal vs Mutex at 16 |")
    print("|---|---|---|---:|---:|---:|---:|")
    for r in pairs(root, r"BatchExecutor_", "BatchExecutor", "Mutex", (16,)):
        name = r[0]
        shape = re.search(r"_(\w+)/", name).group(1)
        src = re.search(r"src=(\w+)", name).group(1)
        size = re.search(r"size=(\d+)", name).group(1)
        cells = []
        for c in cpus:
            a, m = root.get((name, c)), root.get((name.replace("impl=BatchExecutor", "impl=Mutex"), c))
            cells.append(f"{m / a:.2f}× ({ns(m)}/{ns(a)})" if a and m else "—")
        loc = root.get((name.replace("impl=BatchExecutor", "impl=BatchLocal"), 16))
        last = f"{r[3] / loc:.2f}×" if loc else "—"
        print(f"| {shape} | {src} | {size} | " + " | ".join(cells) + f" | {last} |")
    print("\n(cells: Mutex ns / BatchExecutor ns)\n")


EXTRAS = [
    # (label, ours, baseline)
    ("Queue_PushPopSerial/impl=Queue", "Queue_PushPopSerial/impl=sliceRing"),
    ("Queue_PushPopSerial/impl=Queue", "Queue_PushPopSerial/impl=chan"),
    ("Queue_PushPop2x2/impl=Queue/work=0", "Queue_PushPop2x2/impl=chan/work=0"),
    ("Queue_PushPop2x2/impl=Queue/work=0", "Queue_PushPop2x2/impl=condRing/work=0"),
    ("Queue_PushPop2x2/impl=Queue/work=100", "Queue_PushPop2x2/impl=chan/work=100"),
    ("WorkQueue_PutGetSerial/impl=WorkQueue", "WorkQueue_PutGetSerial/impl=sliceRing"),
    ("WorkQueue_PutGet2x2/impl=WorkQueue/work=0", "WorkQueue_PutGet2x2/impl=chan/work=0"),
    ("WorkQueue_PutGet2x2/impl=WorkQueue/work=0", "WorkQueue_PutGet2x2/impl=condRing/work=0"),
    ("WorkQueue_PutGet2x2/impl=WorkQueue/work=100", "WorkQueue_PutGet2x2/impl=chan/work=100"),
    ("RWLock_Uncontended/impl=RWLock", "RWLock_Uncontended/impl=sync.RWMutex"),
    ("RWLock_ReadOnly/mode=serial/impl=RWLock", "RWLock_ReadOnly/mode=serial/impl=sync.RWMutex"),
    ("RWLock_ReadOnly/mode=parallel/impl=RWLock", "RWLock_ReadOnly/mode=parallel/impl=sync.RWMutex"),
    ("RWLock_Shapes/shape=Write100/impl=RWLock", "RWLock_Shapes/shape=Write100/impl=sync.RWMutex"),
    ("RWLock_Shapes/shape=Write10/impl=RWLock", "RWLock_Shapes/shape=Write10/impl=sync.RWMutex"),
    ("RWLock_Shapes/shape=WorkWrite100/impl=RWLock", "RWLock_Shapes/shape=WorkWrite100/impl=sync.RWMutex"),
    ("RWLock_Shapes/shape=WorkWrite10/impl=RWLock", "RWLock_Shapes/shape=WorkWrite10/impl=sync.RWMutex"),
    ("RWLock_Exclusive/goroutines=1xP/impl=RWLock", "RWLock_Exclusive/goroutines=1xP/impl=sync.Mutex"),
    ("RWLock_Exclusive/goroutines=4xP/impl=RWLock", "RWLock_Exclusive/goroutines=4xP/impl=sync.Mutex"),
    ("IntervalLock_LockUnlock/impl=IntervalLock", "IntervalLock_LockUnlock/impl=sync.Mutex"),
    ("IntervalLock_Contended/impl=IntervalLock", "IntervalLock_Contended/impl=sync.Mutex"),
    ("AtomicInt64_Add/impl=ftutils", "AtomicInt64_Add/impl=atomic.Int64"),
    ("AtomicInt64_Contended/op=Add/impl=ftutils", "AtomicInt64_Contended/op=Add/impl=atomic.Int64"),
    ("AtomicInt64_Contended/op=Mul/impl=ftutils", "AtomicInt64_Contended/op=Add/impl=atomic.Int64"),
    ("AtomicInt64_Contended/op=StoreMax/impl=ftutils", "AtomicInt64_Contended/op=Add/impl=atomic.Int64"),
    ("AtomicInt64_Contended/op=Update/impl=ftutils", "AtomicInt64_Contended/op=Add/impl=atomic.Int64"),
    ("Gatherer_Transfer/producers=1/impl=Gatherer", "Gatherer_Transfer/producers=1/impl=chan"),
    ("Gatherer_Transfer/producers=4/impl=Gatherer", "Gatherer_Transfer/producers=4/impl=chan"),
]


def extras(root):
    print("## extras at -cpu 1 and 16 (root.txt, count 1, 30 ms)\n")
    print("| ftutils | baseline | -cpu 1 ns (ours / base) | ratio | -cpu 16 ns (ours / base) | ratio |")
    print("|---|---|---:|---:|---:|---:|")
    for a, b in EXTRAS:
        cells = []
        for c in (1, 16):
            x, y = root.get(("Benchmark" + a, c)), root.get(("Benchmark" + b, c))
            cells += [f"{ns(x)} / {ns(y)}", f"{y / x:.2f}×"] if x and y else ["—", "—"]
        print(f"| {a} | {b.split('impl=')[1]} | " + " | ".join(cells) + " |")
    print("\n(ratio: baseline ns / ftutils ns)\n")
    for n in ("IntervalLock_Poll/impl=IntervalLock", "IntervalLock_Poll/impl=time.Now",
              "IntervalLock_LockUnlock/impl=IntervalLock-timed"):
        print(f"- {n}: " + ", ".join(f"-cpu {c} {ns(root[('Benchmark' + n, c)])} ns"
                                      for c in (1, 16) if ('Benchmark' + n, c) in root))
    print()


def ftbench():
    import json
    print("## ftbench (ftbench/ftbench.json, median of 3 runs of 40 ms per point)\n")
    d = json.load(open(os.path.join(HERE, "ftbench", "ftbench.json")))
    print("| benchmark | ftutils | baseline | vs base g=1 | vs base g=16 | vs xsync g=1 | vs xsync g=16 | ftutils scaling 1→16 | baseline scaling 1→16 |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for b in d["benchmarks"]:
        pts = {i["name"]: {p["goroutines"]: p["ops_per_sec"] for p in i["points"]} for i in b["impls"]}
        origin = {i["name"]: i["origin"] for i in b["impls"]}
        base = pts[b["baseline"]]
        xs = [n for n in pts if origin[n] == "peer"]
        for n in pts:
            if origin[n] != "ftutils":
                continue
            o = pts[n]
            x = pts[xs[0]] if xs else None
            xc = [f"{o[g] / x[g]:.2f}×" if x else "—" for g in (1, 16)]
            print(f"| {b['name']} | `{n}` | `{b['baseline']}` | {o[1] / base[1]:.2f}× | {o[16] / base[16]:.2f}× | "
                  f"{xc[0]} | {xc[1]} | {o[16] / o[1]:.1f}× | {base[16] / base[1]:.1f}× |")
    print()
    print("Every contender against the baseline at g=1 / g=16:\n")
    for b in d["benchmarks"]:
        base = {p["goroutines"]: p["ops_per_sec"] for i in b["impls"] if i["name"] == b["baseline"] for p in i["points"]}
        cells = []
        for i in b["impls"]:
            if i["name"] == b["baseline"]:
                continue
            o = {p["goroutines"]: p["ops_per_sec"] for p in i["points"]}
            cells.append(f"{i['name']} {o[1] / base[1]:.2f}/{o[16] / base[16]:.2f}")
        print(f"- {b['name']} (base {b['baseline']}): " + "; ".join(cells))
    print()


def bars(root, bench):
    """The issues' bars that this run can check as ratios (time ratio = ours ns / base ns)."""
    print("## bars, as time ratios (ours ns / baseline ns; below 1 is faster)\n")
    r = lambda a, b, c, m=root: m[("Benchmark" + a, c)] / m[("Benchmark" + b, c)]
    for c in (1, 16):
        print(f"- -cpu {c}: AtomicInt64.Add / atomic.Int64.Add {r('AtomicInt64_Add/impl=ftutils', 'AtomicInt64_Add/impl=atomic.Int64', c):.2f}; "
              f"contended Mul / contended Add {r('AtomicInt64_Contended/op=Mul/impl=ftutils', 'AtomicInt64_Contended/op=Add/impl=atomic.Int64', c):.2f}; "
              f"StoreMax / Add {r('AtomicInt64_Contended/op=StoreMax/impl=ftutils', 'AtomicInt64_Contended/op=Add/impl=atomic.Int64', c):.2f}")
        print(f"  Queue serial / sliceRing {r('Queue_PushPopSerial/impl=Queue', 'Queue_PushPopSerial/impl=sliceRing', c):.2f}; "
              f"IntervalLock / Mutex {r('IntervalLock_LockUnlock/impl=IntervalLock', 'IntervalLock_LockUnlock/impl=sync.Mutex', c):.2f}; "
              f"RWLock read-only serial / RWMutex {r('RWLock_ReadOnly/mode=serial/impl=RWLock', 'RWLock_ReadOnly/mode=serial/impl=sync.RWMutex', c):.2f}, "
              f"parallel {r('RWLock_ReadOnly/mode=parallel/impl=RWLock', 'RWLock_ReadOnly/mode=parallel/impl=sync.RWMutex', c):.2f}; "
              f"Gatherer / chan p1 {r('Gatherer_Transfer/producers=1/impl=Gatherer', 'Gatherer_Transfer/producers=1/impl=chan', c):.2f}, "
              f"p4 {r('Gatherer_Transfer/producers=4/impl=Gatherer', 'Gatherer_Transfer/producers=4/impl=chan', c):.2f}")
    shapes = ["RWLock_Uncontended/impl=RWLock"] + [f"RWLock_Shapes/shape={s}/impl=RWLock" for s in ("Write100", "Write10", "WorkWrite100", "WorkWrite10")]
    tr = {c: [r(a, a.replace("impl=RWLock", "impl=sync.RWMutex"), c) for a in shapes] for c in (1, 16)}
    print(f"- RWLock, Go's RWMutex shapes, time ratio: -cpu 1 {', '.join(f'{x:.2f}' for x in tr[1])} (geomean {gmean(tr[1]):.2f}); "
          f"-cpu 16 {', '.join(f'{x:.2f}' for x in tr[16])} (geomean {gmean(tr[16]):.2f}); all 10 {gmean(tr[1] + tr[16]):.2f}")
    for c in (1, 4, 16):
        print(f"- -cpu {c}: Counter.Add / atomic.Int64.Add (root) {r('Counter_Add/impl=Counter', 'Counter_Add/impl=atomic.Int64', c):.2f}, "
              f"(bench) {r('Counter_Add/impl=Counter', 'Counter_Add/impl=atomic.Int64', c, bench):.2f}")
    print()


def main():
    root, _ = load("root.txt")
    bench, _ = load("bench.txt")
    fib()
    fibbench()
    map_syncmap(root)
    map_typed(bench)
    counters(root, bench)
    batch(root)
    extras(root)
    ftbench()
    bars(root, bench)


if __name__ == "__main__":
    sys.exit(main())
