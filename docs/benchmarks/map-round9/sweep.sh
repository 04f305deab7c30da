#!/bin/bash
# usage: sweep.sh ROOT_TEST_BINARY OUT REPS
# Runs the growth rows of Go's sync.Map workloads (LoadOrStoreBalanced,
# LoadOrStoreUnique) at fixed iteration counts b.N (-test.benchtime Nx) from
# 300K to 3.2M, log-spaced, at -cpu 1 and 2, REPS times; one line per run:
# N cpu row impl ns/op B/op (sweepab.sh with one binary). Build the binary
# from the root module:
#   go test -c -o /tmp/root.test .
dir=$(mktemp -d)
"$(dirname "$0")/sweepab.sh" "$dir" "${3:-2}" v="$1" && mv "$dir/v.txt" "$2" && rmdir "$dir"
