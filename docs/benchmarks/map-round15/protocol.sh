#!/bin/bash
# protocol.sh OUT [SYNC_N] [TYPED_N] [FOCUS_N]
#
# Issue #3's bars in one run whose counts and decision rules are fixed
# before it starts (the rules: verdict.py). It measures:
#   - Go's sync.Map workloads, SYNC_N processes (default 12);
#   - the 40 typed rows, TYPED_N processes (default 8);
#   - the rows that decide the "none below 0.9x" clauses, alone, FOCUS_N
#     processes each (default 30): the growth rows of Go's workloads and
#     the read-heavy typed rows of 1K keys;
#   - read-only Load against a plain Go map, 3 processes.
# Then medci.py's tables and verdict.py's PASS/MISS lines go to
# OUT/summary.txt. About 40 minutes on a 2-vCPU EPYC with the defaults.
# Run it with nothing else running; it works from any directory.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: protocol.sh OUT [SYNC_N] [TYPED_N] [FOCUS_N]" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
sn=${2:-12} tn=${3:-8} fn=${4:-30}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cd "$root"
mkdir -p "$out"/{sync,typed,grow,load1k,loadro}
{
  date -u; go version; nproc; grep -m1 'model name' /proc/cpuinfo || true
  echo "commit $(git rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "uncommitted changes: $(git status --porcelain 2>/dev/null | wc -l) paths"
  echo "counts: sync $sn, typed $tn, focused $fn, loadro 3"
} > "$out/machine.txt"
go test -c -o "$out/s.test" .
(cd bench && go test -c -o "$out/b.test" .)
for i in $(seq 1 "$sn"); do
  "$out/s.test" -test.run '^$' -test.bench 'Map_SyncMapWorkloads' -test.cpu 1,2 -test.benchtime 200ms > "$out/sync/$i.txt"
done
for i in $(seq 1 "$tn"); do
  (cd bench && "$out/b.test" -test.run '^$' -test.bench 'BenchmarkMap$/type=' -test.cpu 1,2 -test.benchtime 150ms) > "$out/typed/$i.txt"
done
for i in $(seq 1 "$fn"); do
  "$out/s.test" -test.run '^$' -test.bench 'Map_SyncMapWorkloads/op=(LoadOrStoreBalanced|LoadOrStoreUnique|AdversarialAlloc)/' -test.cpu 1,2 -test.benchtime 200ms > "$out/grow/$i.txt"
  (cd bench && "$out/b.test" -test.run '^$' -test.bench 'BenchmarkMap$/type=(int|string)/keys=1K/reads=(100|99)$' -test.cpu 1,2 -test.benchtime 150ms) > "$out/load1k/$i.txt"
done
for i in 1 2 3; do
  "$out/s.test" -test.run '^$' -test.bench 'Map_LoadReadOnly' -test.cpu 1 -test.benchtime 200ms -test.count 2 > "$out/loadro/$i.txt"
done
rm -f "$out/s.test" "$out/b.test"
export PYTHONDONTWRITEBYTECODE=1
{
  cat "$out/machine.txt"
  python3 "$here/medci.py" sync "$out/sync" ftutils.Map
  python3 "$here/medci.py" sync "$out/grow" ftutils.Map
  python3 "$here/medci.py" typed "$out/typed" ftutils
  python3 "$here/medci.py" typed "$out/typed" ftutils sync.Map | tail -1
  python3 "$here/medci.py" typed "$out/load1k" ftutils
  python3 "$here/verdict.py" "$out"
} > "$out/summary.txt"
cat "$out/summary.txt"
