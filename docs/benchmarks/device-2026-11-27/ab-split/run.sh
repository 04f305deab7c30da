#!/bin/bash
# Second 16-core run: A/B of main (a583bdd) vs the Map split/lock-free-in-place branch.
set -u
R=$(pwd); B=$R/.devbin; O=${OUT:-/tmp/out}; mkdir -p "$O"
T0=$(date +%s); el() { echo "[$(( $(date +%s) - T0 ))s] $*"; }
{ echo "main $(cat $B/REV-main) split $(cat $B/REV-split)"; date -u; nproc; uptime; lscpu | grep -E 'Model name|^CPU\(s\)'; } > "$O/machine.txt"; cat "$O/machine.txt"
for round in 1 2; do
  for v in main split; do
    el "round $round $v: sync.Map workloads"
    (cd "$R" && timeout 60 "$B/root-$v.test" -test.run '^$' -test.bench 'Map_SyncMapWorkloads' -test.cpu 1,2,4,16 -test.benchtime 50ms -test.count 1) >> "$O/root-$v.txt" 2>&1
    el "round $round $v: typed 1K"
    (cd "$R/bench" && timeout 40 "$B/bench-$v.test" -test.run '^$' -test.bench 'Map/type=int/keys=1K/' -test.cpu 1,2,4,16 -test.benchtime 50ms -test.count 1) >> "$O/bench-$v.txt" 2>&1
  done
done
for v in main split; do
  el "$v: typed 1M at -cpu 16"
  (cd "$R/bench" && timeout 50 "$B/bench-$v.test" -test.run '^$' -test.bench 'Map/type=int/keys=1M/' -test.cpu 16 -test.benchtime 50ms -test.count 1) >> "$O/bench-$v.txt" 2>&1
  el "$v: ftbench map"
  timeout 40 "$B/ftbench-$v" -filter '^map/' -goroutines 1,2,4,8,16 -duration 40ms -runs 3 -charts=false -progress=false -out /tmp/ftb-$v > "$O/ftbench-$v.txt" 2>&1
done
el done
ls -la "$O"
