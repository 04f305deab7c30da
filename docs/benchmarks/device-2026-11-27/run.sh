#!/bin/bash
# One prepared scaling run on the lent 16-core machine. Binaries were built on
# the 2-core box (CGO_ENABLED=0, static) from the commit in REV; no Go there.
set -u
R=$(pwd); B=$R/.devbin; O=${OUT:-/tmp/out}; mkdir -p "$O"
T0=$(date +%s)
el() { echo "[$(( $(date +%s) - T0 ))s] $*"; }
{
  echo "rev $(cat $B/REV)"; date -u; nproc; uptime
  lscpu | grep -E 'Model name|^CPU\(s\)|Thread|Core|Socket|NUMA node\(s\)|MHz|L2|L3'
  free -g | head -2
} > "$O/machine.txt" 2>&1
cat "$O/machine.txt"

el "fibonacci README command x20"
cd "$B"
for i in $(seq 20); do
  timeout 30 ./fib --nth_element 10000 --run_size 100 --mode all
done > "$O/fib.txt" 2>&1
grep -A4 '^Comparison' "$O/fib.txt" | grep fast_threads | awk '{print $3}' | tr '\n' ' '; echo
el "fibonacci larger run_size 1000 x3, workers 16"
for i in 1 2 3; do
  timeout 60 ./fib --nth_element 10000 --run_size 1000 --mode all
done >> "$O/fib.txt" 2>&1
el "BenchmarkModes"
(cd "$R/examples/fibonacci" && timeout 60 "$B/fib.test" -test.run '^$' -test.bench Modes -test.benchtime 200x -test.count 6 -test.cpu 16) > "$O/fibbench.txt" 2>&1
tail -4 "$O/fibbench.txt"

el "consistent-counter -runs 10"
timeout 40 ./cc -runs 10 > "$O/misc.txt" 2>&1
timeout 20 ./torn >> "$O/misc.txt" 2>&1
tail -12 "$O/misc.txt"

el "root benchmarks"
(cd "$R" && timeout 120 "$B/root.test" -test.run '^$' -test.bench 'Map_SyncMapWorkloads|Counter_Add|BatchExecutor_Load' \
   -test.cpu 1,4,16 -test.benchtime 50ms -test.count 2 -test.benchmem) > "$O/root.txt" 2>&1
el "bench module benchmarks"
(cd "$R/bench" && timeout 60 "$B/bench.test" -test.run '^$' -test.bench 'Map/type=.*/keys=1K/|Counter_' \
   -test.cpu 1,4,16 -test.benchtime 50ms -test.count 2 -test.benchmem) > "$O/bench.txt" 2>&1
el "ftbench"
rm -rf /tmp/ftb
timeout 170 ./ftbench -goroutines 1,2,4,8,16,32 -duration 40ms -runs 3 -png -progress=false -out /tmp/ftb > /tmp/ftb.log 2>&1
echo "ftbench rc $?"; tail -3 /tmp/ftb.log
el "extras: queues, locks, atomics at -cpu 1,16"
(cd "$R" && timeout 60 "$B/root.test" -test.run '^$' -test.bench 'Queue_|WorkQueue_|RWLock_|IntervalLock_|AtomicInt64_|Gatherer_' \
   -test.cpu 1,16 -test.benchtime 30ms -test.count 1) >> "$O/root.txt" 2>&1
(cd /tmp && cp ftb.log ftb/ 2>/dev/null; tar czf "$O/ftbench.tgz" ftb)
el "done"
ls -la "$O"
