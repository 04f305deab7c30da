#!/bin/bash
# Lease 9: typed 1K-key write rows, main c175b67 (cur: Store always looks k up before locking) vs tl (Store, Swap and
# Compute look k up only when TryLock fails), 3 interleaved rounds.
R=$(pwd); B=$R/.devbin; O=${OUT:-/tmp/out}; mkdir -p $O
{ nproc; lscpu | grep 'Model name'; date -u; } > $O/machine9.txt
for round in 1 2 3; do for v in cur tl; do
  (cd $R/bench && timeout 30 $B/bench-$v.test -test.run '^$' -test.bench 'Map/type=.*/keys=1K/(op=compute|reads=50|reads=90)/impl=(ftutils|xsync)' -test.cpu 4,16 -test.benchtime 100ms -test.count 1) > $O/t$v.$round.txt 2>&1
done; done
