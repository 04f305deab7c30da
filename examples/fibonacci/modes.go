package main

import (
	"context"
	"fmt"
	"math/big"
	"sync"

	"github.com/ftutils-go/ftutils"
)

// stats accumulates memo hits and misses over every run of one mode.
type stats struct{ cached, missed int64 }

// runThreads is the seed's "threads" mode ported the naive way: one
// goroutine per task, at most workers of them computing at once (a
// ThreadPoolExecutor(workers) runs at most that many tasks), a memo that is
// a map behind one mutex, and hit/miss counters that are single shared
// atomic words.
func runThreads(positions []int, workers int, st *stats) []*big.Int {
	memo := newMutexMemo()
	var hit, miss atomicTally
	results := make([]*big.Int, len(positions))
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, n := range positions {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = fib(n, memo, &hit, &miss).f
		})
	}
	wg.Wait()
	st.cached += hit.Load()
	st.missed += miss.Load()
	return results
}

// task is one queued Fibonacci position and where its answer goes.
type task struct{ idx, n int }

// runFastThreads is the seed's "fast_threads" mode: the positions are
// queued up front in an ftutils.Queue, a task counter (AtomicInt64) tells
// each of the workers long-lived goroutines whether one more Pop is
// guaranteed to find an item, the memo is an ftutils.Map, and the hit/miss
// counters are ftutils.Counters (striped, so the increments of different
// goroutines do not fight over one cache line).
func runFastThreads(positions []int, workers int, st *stats) ([]*big.Int, error) {
	var q ftutils.Queue[task]
	for i, n := range positions {
		if err := q.Push(task{i, n}); err != nil {
			return nil, err
		}
	}
	var tasks ftutils.AtomicInt64
	tasks.Store(int64(len(positions)))
	var memo ftutils.Map[int, pair]
	var hit, miss ftutils.Counter
	results := make([]*big.Int, len(positions))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for tasks.Decr() > -1 {
				t, err := q.Pop(context.Background())
				if err != nil {
					errs[w] = fmt.Errorf("fast_threads: Pop: %w", err)
					return
				}
				results[t.idx] = fib(t.n, &memo, &hit, &miss).f
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	st.cached += hit.Load()
	st.missed += miss.Load()
	return results, nil
}
