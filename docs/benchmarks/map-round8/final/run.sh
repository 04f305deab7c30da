#!/bin/bash
# Round 8: the final code's bars on the 2-vCPU EPYC, one process per round.
# Binaries, built from main (254f434):
#   (cd bench && go test -c -o /tmp/bench.final.test .) && go test -c -o /tmp/root.final.test .
cd /tmp/r8
for r in 1 2 3 4; do
  /tmp/bench.final.test -test.run XXX -test.bench 'Map/type=' -test.cpu 1,2 -test.benchtime 200ms -test.benchmem > typed.$r.txt 2>&1
done
for r in 1 2 3; do
  /tmp/root.final.test -test.run XXX -test.bench 'Map_SyncMapWorkloads|Map_LoadReadOnly' -test.cpu 1,2 -test.benchtime 200ms > syncmap.$r.txt 2>&1
done
echo done > finished
