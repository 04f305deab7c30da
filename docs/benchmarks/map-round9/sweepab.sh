#!/bin/bash
# usage: sweepab.sh OUTDIR REPS v1=BINARY v2=BINARY ...
# The sweep of sweep.sh with the variants interleaved: for each rep, b.N and -cpu,
# every variant's binary runs once, so drift hits them alike. Writes
# OUTDIR/V.txt in sweep.sh's format (summarize each with sweep.py).
out=$1; reps=$2; shift 2
mkdir -p "$out"
for vb in "$@"; do : > "$out/${vb%%=*}.txt"; done
for rep in $(seq 1 "$reps"); do
  for n in 300000 400000 500000 630000 800000 1000000 1250000 1600000 2000000 2500000 3200000; do
    for cpu in 1 2; do
      for vb in "$@"; do
        v=${vb%%=*}; bin=${vb#*=}
        "$bin" -test.run '^$' -test.bench 'Map_SyncMapWorkloads/op=LoadOrStore(Balanced|Unique)/' \
          -test.cpu $cpu -test.benchtime ${n}x -test.benchmem 2>&1 |
          awk -v n=$n -v c=$cpu '/^Benchmark/ {split($1, a, "/"); sub("op=", "", a[2]); sub("impl=", "", a[3]); sub("-2$", "", a[3]); print n, c, a[2], a[3], $3, $7}' >> "$out/$v.txt"
      done
    done
  done
done
