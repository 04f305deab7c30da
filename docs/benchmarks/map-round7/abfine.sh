#!/bin/bash
# usage: abfine.sh OUTDIR ROUNDS BENCHTIME CPU 'ROWREGEX1 ROWREGEX2 ...' v1=cmd1 v2=cmd2 ...
# each cmd is a test binary invocation prefix (run from its dir), e.g. "env FT_SLACK=2 /tmp/root.slack.test"
out=$1; rounds=$2; bt=$3; cpu=$4; rows=$5; shift 5
mkdir -p $out
for r in $(seq 1 $rounds); do
  for row in $rows; do
    for vc in "$@"; do
      v=${vc%%=*}; c=${vc#*=}
      eval "$c -test.run '^\$' -test.bench '$row' -test.cpu $cpu -test.benchtime $bt -test.count 1 -test.benchmem" >> $out/$v.$r.txt 2>&1
    done
  done
done
echo done
