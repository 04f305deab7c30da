#!/bin/bash
# Leases 3 and 4: main (a583bdd) vs .devbin/*-split.test, which was the Map branch with a one-word
# header (7b44afd) in lease 3 and main + the padded header (163d3d1) in lease 4 (files renamed *-pad.txt).
set -u
R=$(pwd); B=$R/.devbin; O=${OUT:-/tmp/out}; mkdir -p "$O"
T0=$(date +%s); el() { echo "[$(( $(date +%s) - T0 ))s] $*"; }
{ echo "main $(cat $B/REV-main) split $(cat $B/REV-split)"; date -u; nproc; lscpu | grep -E 'Model name'; } > "$O/machine.txt"; cat "$O/machine.txt"
for round in 1 2; do
  for v in main split; do
    el "round $round $v"
    (cd "$R" && timeout 50 "$B/root-$v.test" -test.run '^$' -test.bench 'Map_SyncMapWorkloads' -test.cpu 1,4,16 -test.benchtime 50ms -test.count 1) >> "$O/root-$v.txt" 2>&1
    (cd "$R/bench" && timeout 30 "$B/bench-$v.test" -test.run '^$' -test.bench 'Map/type=int/keys=1K/' -test.cpu 1,4,16 -test.benchtime 50ms -test.count 1) >> "$O/bench-$v.txt" 2>&1
  done
done
el done
