#!/bin/bash
# probe.sh OUT [RUNS]: profiles of LoadOrStoreBalanced-2 (ftutils.Map alone,
# b.N = 1M, the collector on), RUNS (default 4) rounds of the builds
# /tmp/sO.test (d7433c6), /tmp/sB.test (b1fb0f2: the middle-page probe) and
# /tmp/sF.test (9c4e829: any unmapped page), one process each; OUT/B-i.txt is
# perfcats.py's summary of build B's i-th run, OUT/B-i.bench.txt its line.
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd /tmp
for i in $(seq 1 "${2:-4}"); do
  for b in O B F; do
    perf record -q -e cpu-clock -g -o "$tmp/p.data" -- /tmp/s$b.test -test.run '^$' \
      -test.bench 'Map_SyncMapWorkloads/op=LoadOrStoreBalanced/impl=ftutils.Map$' \
      -test.cpu 2 -test.benchtime 1000000x 2>/dev/null | grep ns/op > "$out/$b-$i.bench.txt" || true
    perf script -i "$tmp/p.data" -F tid,time,ip,sym 2>/dev/null > "$tmp/p.txt"
    python3 "$here/perfcats.py" "$tmp/p.txt" > "$out/$b-$i.txt"
  done
done
