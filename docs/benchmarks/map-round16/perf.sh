#!/bin/bash
# perf.sh OUT: the round's profiles of LoadOrStoreBalanced (ftutils.Map) at
# -cpu 2, b.N = 1M, for /tmp/sO.test and /tmp/sN.test: one row per process
# with the collector off (1 pair) and on (3 pairs), and the suite's order
# (the four LoadOrStoreBalanced rows at -cpu 1,2 in one process, 1 pair);
# writes OUT/NAME.txt, perfcats.py's summary of each, and OUT/NAME.bench.txt,
# the benchmark's lines; for the suite's order also the samples per 0.1 s
# (NAME.windows.txt, to find the last row's window) and `perf script`'s
# text, gzipped (NAME.script.txt.gz: `perfcats.py` reads it, with FROM TO).
# The perf.data files stay in a temporary directory.
#
# perf.sh probe OUT [RUNS]: how "fresh" is judged: LoadOrStoreBalanced-2
# (ftutils.Map alone, b.N = 1M, the collector on), RUNS (default 4) rounds
# of /tmp/sO.test (d7433c6), /tmp/sB.test (b1fb0f2: the middle-page
# probe) and /tmp/sF.test (9c4e829: any unmapped page); OUT/B-i.txt is
# perfcats.py's summary of build B's i-th run, OUT/B-i.bench.txt its line.
set -euo pipefail
mode=round
if [ "$1" = probe ]; then mode=probe; shift; fi
out=$(mkdir -p "$1" && cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd /tmp
row='Map_SyncMapWorkloads/op=LoadOrStoreBalanced/impl=ftutils.Map$'
prof() { # NAME VAR=VALUE COMMAND ARGS...
  local name=$1; shift
  perf record -q -e cpu-clock -g -o "$tmp/$name.data" -- env "$@" 2>/dev/null | grep ns/op > "$out/$name.bench.txt" || true
  perf script -i "$tmp/$name.data" -F tid,time,ip,sym 2>/dev/null > "$tmp/$name.txt"
  python3 "$here/perfcats.py" "$tmp/$name.txt" > "$out/$name.txt"
}
if [ $mode = probe ]; then
  for i in $(seq 1 "${2:-4}"); do
    for b in O B F; do
      prof $b-$i GOGC=100 /tmp/s$b.test -test.run '^$' -test.bench "$row" -test.cpu 2 -test.benchtime 1000000x
    done
  done
  exit 0
fi
for b in O N; do
  prof gcoff-$b GOGC=off /tmp/s$b.test -test.run '^$' -test.bench "$row" -test.cpu 2 -test.benchtime 1000000x
done
for i in 1 2 3; do
  for b in O N; do
    prof gcon-$b-$i GOGC=100 /tmp/s$b.test -test.run '^$' -test.bench "$row" -test.cpu 2 -test.benchtime 1000000x
  done
done
for b in O N; do
  prof seq-$b GOGC=100 /tmp/s$b.test -test.run '^$' -test.bench 'Map_SyncMapWorkloads/op=LoadOrStoreBalanced/' -test.cpu 1,2 -test.benchtime 1000000x
  gzip -9 -c "$tmp/seq-$b.txt" > "$out/seq-$b.script.txt.gz"
  python3 "$here/perfcats.py" --windows "$tmp/seq-$b.txt" > "$out/seq-$b.windows.txt"
done
