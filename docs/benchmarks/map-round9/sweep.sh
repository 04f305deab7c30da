#!/bin/bash
# usage: sweep.sh ROOT_TEST_BINARY OUT REPS
# Runs the growth rows of Go's sync.Map workloads (LoadOrStoreBalanced,
# LoadOrStoreUnique) at fixed iteration counts b.N (-test.benchtime Nx) from
# 300K to 3.2M, log-spaced, at -cpu 1 and 2, REPS times; one line per run:
# N cpu row impl ns/op B/op. Build the binary from the root module:
#   go test -c -o /tmp/root.test .
bin=$1; out=$2; reps=${3:-2}
: > "$out"
for rep in $(seq 1 "$reps"); do
  for n in 300000 400000 500000 630000 800000 1000000 1250000 1600000 2000000 2500000 3200000; do
    for cpu in 1 2; do
      "$bin" -test.run '^$' -test.bench 'Map_SyncMapWorkloads/op=LoadOrStore(Balanced|Unique)/' \
        -test.cpu $cpu -test.benchtime ${n}x -test.benchmem 2>&1 |
        awk -v n=$n -v c=$cpu '/^Benchmark/ {split($1, a, "/"); sub("op=", "", a[2]); sub("impl=", "", a[3]); sub("-2$", "", a[3]); print n, c, a[2], a[3], $3, $7}' >> "$out"
    done
  done
done
