#!/bin/bash
# protocol.sh OUT [SYNC_N] [TYPED_N] [FOCUS_N]
#
# Issue #3's bars in one fixed run, decided before it starts: Go's sync.Map
# workloads (SYNC_N processes, default 12), the 40 typed rows (TYPED_N,
# default 8), and the rows that decide the "none below 0.9x" clauses alone
# (FOCUS_N processes each, default 30: the growth rows and the read-heavy
# rows of 1K keys), then the summaries with medci.py. About 30 minutes on a
# 2-vCPU EPYC with the defaults. Run it from the repository root with
# nothing else running; OUT gets the raw output and summary.txt.
set -euo pipefail
out=${1:?usage: protocol.sh OUT [SYNC_N] [TYPED_N] [FOCUS_N]}
sn=${2:-12} tn=${3:-8} fn=${4:-30}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"/{sync,typed,grow,load1k}
go test -c -o "$out/s.test" .
(cd bench && go test -c -o "$out/b.test" .)
{ date -u; go version; nproc; grep -m1 'model name' /proc/cpuinfo || true; git rev-parse HEAD; } > "$out/machine.txt"
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
rm -f "$out/s.test" "$out/b.test"
{
  cat "$out/machine.txt"
  python3 "$here/medci.py" sync "$out/sync" ftutils.Map
  python3 "$here/medci.py" sync "$out/grow" ftutils.Map
  python3 "$here/medci.py" typed "$out/typed" ftutils
  python3 "$here/medci.py" typed "$out/typed" ftutils sync.Map | tail -1
  python3 "$here/medci.py" typed "$out/load1k" ftutils
} > "$out/summary.txt"
cat "$out/summary.txt"
