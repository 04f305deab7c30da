package main

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// timed measures one point: goroutines copies of inst.run hammer one shared
// instance for about d, and timed returns the aggregate throughput in
// operations per second.
//
// Method (fixed duration per point): every goroutine is started and parked
// on a start barrier before the clock starts; the barrier opens, each
// goroutine calls run(g, chunk) until a stop flag is raised after d, and the
// clock stops when the last goroutine has finished its last chunk. So the
// elapsed time covers every counted operation and overshoots d by at most
// one chunk per goroutine; every goroutine runs at least one chunk. Throughput is completed operations divided by
// that elapsed time.
func timed(b *benchmark, im impl, goroutines int, d time.Duration) float64 {
	inst := im.setup(goroutines)
	if inst.close != nil {
		defer inst.close()
	}
	counts := make([]pad128, goroutines)
	var stop atomic.Bool
	chunk := b.chunk
	release, wait := parked(goroutines, func(g int) {
		var n uint64
		// At least one chunk each, even if the scheduler starts this
		// goroutine after the stop: every point has work.
		for {
			inst.run(g, chunk)
			n += uint64(chunk)
			if stop.Load() {
				break
			}
		}
		counts[g].v = n
	})
	t0 := time.Now()
	release()
	// A timer, not synchronisation: the goroutines only poll the flag.
	time.Sleep(d)
	stop.Store(true)
	wait()
	elapsed := time.Since(t0)
	var total uint64
	for i := range counts {
		total += counts[i].v
	}
	return float64(total) / elapsed.Seconds()
}

// ftSamples is ft_utils' benchmark_utils.execute_benchmarks method for one
// benchmark: goroutines workers wait on one barrier, then each times calls
// consecutive run(g, ops) calls; it returns every call's duration in
// seconds (goroutines*calls samples), to be pooled into Max/Mean/Min.
func ftSamples(im impl, goroutines, ops, calls int) []float64 {
	inst := im.setup(goroutines)
	if inst.close != nil {
		defer inst.close()
	}
	samples := make([]float64, goroutines*calls)
	release, wait := parked(goroutines, func(g int) {
		for k := range calls {
			t := time.Now()
			inst.run(g, ops)
			samples[g*calls+k] = time.Since(t).Seconds()
		}
	})
	release()
	wait()
	return samples
}

// maxMeanMin pools samples the way ft_utils prints them.
func maxMeanMin(s []float64) (hi, mean, lo float64) {
	var sum float64
	for _, v := range s {
		sum += v
	}
	return slices.Max(s), sum / float64(len(s)), slices.Min(s)
}

// median returns the median of v (the mean of the middle two for an even
// count); v is sorted in place.
func median(v []float64) float64 {
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// parked starts goroutines workers that run body(g) once a start barrier
// opens, and returns when every worker is running and waiting at it:
// release opens the barrier, wait waits until every body has returned.
func parked(goroutines int, body func(g int)) (release, wait func()) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for g := range goroutines {
		ready.Add(1)
		done.Go(func() {
			ready.Done()
			<-start
			body(g)
		})
	}
	ready.Wait()
	return func() { close(start) }, done.Wait
}
