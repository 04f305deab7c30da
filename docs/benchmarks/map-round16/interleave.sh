#!/bin/bash
# interleave.sh OUT N FIRST CMD
#
# Pairs FIRST..FIRST+N-1 of an A/B of two builds: in pair i, CMD (a bash
# command line; B is set to O or N, and i to the pair) runs once for each
# build, O first in odd pairs and N first in even ones, with its output
# in OUT/$B/$i.txt. Run it from the directory CMD expects, with nothing
# else running. The commands of round 16 are in README.md.
set -eu
[ $# -eq 4 ] || { echo "usage: interleave.sh OUT N FIRST CMD" >&2; exit 2; }
out=$1 n=$2 first=$3 cmd=$4
mkdir -p "$out/O" "$out/N"
for i in $(seq "$first" $((first + n - 1))); do
  if [ $((i % 2)) = 1 ]; then order="O N"; else order="N O"; fi
  for b in $order; do
    B=$b i=$i bash -c "$cmd" > "$out/$b/$i.txt" 2>&1
  done
done
