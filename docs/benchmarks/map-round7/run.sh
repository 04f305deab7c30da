#!/bin/bash
# Device A/B: typed 1K rows (bench module) and Go's sync.Map workloads (root module),
# variants main / reuse (deleted slots reused in churned shards, per-table sequence counts).
# Interleaved per round; -cpu 1,2,16.
set -u
B=$(cd $(dirname "$0") && pwd); O=/tmp/res; mkdir -p $O; F=${OUT:-/tmp/out}
nproc > $O/machine.txt; cat /proc/cpuinfo | grep -m1 "model name" >> $O/machine.txt
BT=${BT:-100ms}; R1=${R1:-3}; R2=${R2:-2}
for r in $(seq 1 $R1); do
  for v in main reuse; do
    (cd bench && $B/bench.$v.test -test.run '^$' -test.bench 'Map/type=.*/keys=1K/' -test.cpu 1,2,16 -test.benchtime $BT -test.benchmem) >> $O/typed.$v.$r.txt 2>&1
  done
  echo "typed round $r $(date +%T)" >&2; tar czf $F/res.tgz -C $O .
done
for r in $(seq 1 $R2); do
  for v in main reuse; do
    $B/root.$v.test -test.run '^$' -test.bench 'Map_SyncMapWorkloads' -test.cpu 1,2,16 -test.benchtime $BT -test.benchmem >> $O/syncmap.$v.$r.txt 2>&1
  done
  echo "syncmap round $r $(date +%T)" >&2; tar czf $F/res.tgz -C $O .
done
