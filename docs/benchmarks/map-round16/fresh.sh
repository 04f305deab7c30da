#!/bin/bash
# fresh.sh OUT N: N interleaved pairs, ftutils rows only (fresh heap), growth rows at -cpu 2 and 1
out=$1; n=$2
mkdir -p $out/O $out/N
cd /tmp
for i in $(seq 1 $n); do
  if [ $((i % 2)) = 1 ]; then order="O N"; else order="N O"; fi
  for b in $order; do
    : > $out/$b/$i.txt
    for row in LoadOrStoreBalanced LoadOrStoreUnique; do
      for c in 2 1; do
        /tmp/s$b.test -test.run '^$' -test.bench "Map_SyncMapWorkloads/op=$row/impl=ftutils.Map\$" -test.cpu $c -test.benchtime 1000000x 2>&1 | grep ns/op >> $out/$b/$i.txt
      done
    done
  done
done
echo done > $out/DONE
