#!/bin/bash
# Lease 7: growth rows at -cpu 16 (and 4), benchtime 1s and 50ms: main vs new (help threshold 1024 groups) vs new128 (128 groups).
R=$(pwd); B=$R/.devbin
for bt in 1s 50ms; do for round in 1 2; do for v in main new new128; do
  echo "== bt=$bt round=$round v=$v"
  timeout 40 $B/root-$v.test -test.run '^$' -test.bench 'Map_SyncMapWorkloads/op=(LoadOrStoreBalanced|LoadOrStoreUnique|AdversarialAlloc)/' -test.cpu 4,16 -test.benchtime $bt 2>&1 | grep Bench
done; done; done
