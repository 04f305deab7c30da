#!/bin/bash
# abrun.sh DIR N BENCH CPU BENCHTIME : N processes of /tmp/ab.test, alternating the impl order
mkdir -p $1
for i in $(seq 1 $2); do
  if [ $((i%2)) = 0 ]; then export ABSWAP=1; else unset ABSWAP; fi
  /tmp/ab.test -test.run '^$' -test.bench "$3" -test.cpu $4 -test.benchtime $5 > $1/$i.txt
done
