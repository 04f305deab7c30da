// Package stress holds the helpers every ftutils stress test uses: a start
// barrier, a GOMAXPROCS sweep and loop sizes scaled down under -short and
// -race. The conserved-quantity check stays in the test: Hammer returns only
// after every goroutine has finished, so the caller checks its sums then.
package stress

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
)

// Scale returns n reduced for the current mode: divided by 10 under -short
// and by another 10 under -race (which costs about 15x on 2 cores). It never
// returns less than min(n, 10), so a scaled loop still does some work.
func Scale(n int) int {
	floor := min(n, 10)
	if testing.Short() {
		n /= 10
	}
	if RaceEnabled {
		n /= 10
	}
	return max(n, floor)
}

// Procs returns the GOMAXPROCS values a stress test sweeps: 1, 2, 4 and
// 2×NumCPU, sorted and without duplicates.
func Procs() []int {
	p := []int{1, 2, 4, 2 * runtime.NumCPU()}
	slices.Sort(p)
	return slices.Compact(p)
}

// Sweep runs body as a subtest once per value of [Procs], with GOMAXPROCS
// set to that value for the subtest's duration. Subtests must not call
// t.Parallel: GOMAXPROCS is process-wide.
func Sweep(t *testing.T, body func(t *testing.T, procs int)) {
	t.Helper()
	for _, p := range Procs() {
		t.Run(fmt.Sprintf("procs=%d", p), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(p))
			body(t, p)
		})
	}
}

// Hammer starts goroutines workers, holds them at a start barrier until all
// exist, then runs fn(g, i) for i in [0, iters) on worker g. It returns when
// every worker has returned, so the caller can check its conserved quantity.
// fn must report failures with t.Error (not t.Fatal) since it runs off the
// test goroutine.
func Hammer(goroutines, iters int, fn func(g, i int)) {
	Run(goroutines, func(g int) {
		for i := range iters {
			fn(g, i)
		}
	})
}

// Run starts goroutines workers behind a start barrier, calls fn(g) on
// worker g, and returns when all have returned.
func Run(goroutines int, fn func(g int)) {
	var start, done sync.WaitGroup
	start.Add(1)
	for g := range goroutines {
		done.Go(func() {
			start.Wait()
			fn(g)
		})
	}
	start.Done()
	done.Wait()
}
