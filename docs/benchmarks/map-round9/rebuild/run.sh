#!/bin/bash
# BenchmarkMap_Rebuild, the commit before round 9 (d07079c, with the round's
# benchmark and its MapRebuild hook copied in) against round 9, five
# interleaved runs, -cpu 1 (sizes 4K, 64K, 128K, 512K). raw.txt is its output.
#   git worktree add /tmp/before d07079c
#   cp export_map_test.go map_bench_test.go /tmp/before/
#   (cd /tmp/before && go test -c -o /tmp/rbm.test .); go test -c -o /tmp/rbt.test .
for rep in 1 2 3 4 5; do
  for v in main:rbm round9:rbt; do
    /tmp/${v#*:}.test -test.run '^$' -test.bench 'Map_Rebuild/' -test.benchtime 20x -test.cpu 1 |
      grep Bench | awk -v v=${v%:*} '{print v, $0}'
  done
done
