#!/bin/bash
# suite.sh OUT N: N interleaved pairs of the full sync suite, O and N builds
out=$1; n=$2
mkdir -p $out/O $out/N
cd /tmp
for i in $(seq 1 $n); do
  if [ $((i % 2)) = 1 ]; then order="O N"; else order="N O"; fi
  for b in $order; do
    /tmp/s$b.test -test.run '^$' -test.bench 'Map_SyncMapWorkloads' -test.cpu 1,2 -test.benchtime 200ms > $out/$b/$i.txt 2>&1
  done
done
echo done > $out/DONE
