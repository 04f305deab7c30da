#!/bin/bash
# interleaved A/B of FT_SLACK values on the same binary
cd /work/wt/slack
for r in 1 2 3 4; do
  for v in 1 2 4; do
    FT_SLACK=$v /tmp/root.slack.test -test.run '^$' -test.bench 'Map_SyncMapWorkloads' -test.cpu 1,2 -test.benchtime 200ms -test.count 1 -test.benchmem > /work/ab/slack/s$v.$r.txt 2>&1
    (cd bench && FT_SLACK=$v /tmp/bench.slack.test -test.run '^$' -test.bench 'Map/type=.*/keys=1K/' -test.cpu 1,2 -test.benchtime 200ms -test.count 1 -test.benchmem > /work/ab/slack/ts$v.$r.txt 2>&1)
  done
done
echo done
