#!/bin/bash
# Leases 5 and 6 (2026-11-27): main (dc78c51) vs the Map rebuild branch: lease 5 with group-wise hashing, plain stores
# into the unpublished table and the used-slot count in the shard (3d7f240); lease 6 also with writers helping to copy
# large shards (2bf791a). 3 interleaved rounds; stops starting rounds after 330 s.
set -u
R=$(pwd); B=$R/.devbin; O=${OUT:-/tmp/out}; mkdir -p "$O"
T0=$(date +%s); el() { echo "[$(( $(date +%s) - T0 ))s] $*"; }
{ echo "main $(cat $B/REV-main) new $(cat $B/REV-new)"; date -u; nproc; lscpu | grep -E 'Model name'; } > "$O/machine.txt"; cat "$O/machine.txt"
for round in 1 2 3; do
  [ $(( $(date +%s) - T0 )) -gt 330 ] && { el "stop before round $round"; break; }
  for v in main new; do
    el "round $round $v"
    (cd "$R" && timeout 60 "$B/root-$v.test" -test.run '^$' -test.bench 'Map_SyncMapWorkloads' -test.cpu 1,4,16 -test.benchtime 50ms -test.count 1) >> "$O/root-$v.txt" 2>&1
    (cd "$R/bench" && timeout 40 "$B/bench-$v.test" -test.run '^$' -test.bench 'Map/type=.*/keys=1K/' -test.cpu 1,4,16 -test.benchtime 50ms -test.count 1) >> "$O/bench-$v.txt" 2>&1
  done
done
el done
