#!/bin/bash
# typedpairs.sh OUT N REGEX BENCHTIME: N interleaved pairs of /tmp/bO.test and /tmp/bN.test (from bench/)
out=$1; n=$2; re=$3; bt=$4
mkdir -p $out/O $out/N
cd /work/main/bench
for i in $(seq 1 $n); do
  if [ $((i % 2)) = 1 ]; then order="O N"; else order="N O"; fi
  for b in $order; do
    /tmp/b$b.test -test.run '^$' -test.bench "$re" -test.cpu 1,2 -test.benchtime $bt > $out/$b/$i.txt 2>&1
  done
done
echo done > $out/DONE
