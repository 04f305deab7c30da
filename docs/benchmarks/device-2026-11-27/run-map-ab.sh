#!/bin/bash
# The Map A/B script of leases 3 to 6 (2026-11-27): main's test binaries against another build's, interleaved rounds,
# Go's sync.Map workloads and the typed 1K-key rows at -cpu 1,4,16, 50 ms each. Binaries and REV-* files in .devbin/.
#
#   run-map-ab.sh OTHER ROUNDS ROOT_TIMEOUT BENCH_TIMEOUT
#
# Lease 3: run-map-ab.sh split 2 50 30   main a583bdd vs the split branch with a one-word Map header (7b44afd)
# Lease 4: run-map-ab.sh split 2 50 30   main a583bdd vs main + the padded header (163d3d1); files renamed *-pad.txt
#          (outputs in ab-split/run3-one-word-header/ and ab-split/run4-padded-header/)
# Lease 5: run-map-ab.sh new 3 60 40     main dc78c51 vs group-wise hashing, plain stores into the unpublished table,
#          the used-slot count in the shard (3d7f240)          (output in round5/lease5-rebuild/)
# Lease 6: run-map-ab.sh new 3 60 40     main dc78c51 vs the same plus writers helping to copy large shards (2bf791a)
#          (output in round5/lease6-helped/)
# No round starts after 330 s (leases 3 and 4 never reached it).
set -u
OTHER=$1 ROUNDS=$2 TR=$3 TB=$4
R=$(pwd); B=$R/.devbin; O=${OUT:-/tmp/out}; mkdir -p "$O"
T0=$(date +%s); el() { echo "[$(( $(date +%s) - T0 ))s] $*"; }
{ echo "main $(cat $B/REV-main) $OTHER $(cat $B/REV-$OTHER)"; date -u; nproc; lscpu | grep -E 'Model name'; } > "$O/machine.txt"; cat "$O/machine.txt"
for round in $(seq "$ROUNDS"); do
  [ $(( $(date +%s) - T0 )) -gt 330 ] && { el "stop before round $round"; break; }
  for v in main "$OTHER"; do
    el "round $round $v"
    (cd "$R" && timeout "$TR" "$B/root-$v.test" -test.run '^$' -test.bench 'Map_SyncMapWorkloads' -test.cpu 1,4,16 -test.benchtime 50ms -test.count 1) >> "$O/root-$v.txt" 2>&1
    (cd "$R/bench" && timeout "$TB" "$B/bench-$v.test" -test.run '^$' -test.bench 'Map/type=.*/keys=1K/' -test.cpu 1,4,16 -test.benchtime 50ms -test.count 1) >> "$O/bench-$v.txt" 2>&1
  done
done
el done
