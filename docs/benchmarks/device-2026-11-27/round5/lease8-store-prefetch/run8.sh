#!/bin/bash
# Lease 8: typed 1K-key rows, main (cur) vs Store with a lock-free look-up before the lock (pf), 4 interleaved rounds.
R=$(pwd); B=$R/.devbin; O=${OUT:-/tmp/out}; mkdir -p $O
nproc > $O/machine8.txt; lscpu | grep 'Model name' >> $O/machine8.txt; date -u >> $O/machine8.txt
for round in 1 2 3 4; do for v in cur pf; do
  (cd $R/bench && timeout 30 $B/bench-$v.test -test.run '^$' -test.bench 'Map/type=.*/keys=1K/reads=(50|90|100)/impl=(ftutils|xsync)' -test.cpu 4,16 -test.benchtime 100ms -test.count 1) > $O/t$v.$round.txt 2>&1
done; done
