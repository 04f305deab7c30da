package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// BenchmarkModes times one run of each thread mode on the README's
// workload (--nth_element 10000 --run_size 100, 16 workers) the way the
// program does (garbage collector off during the run, after a
// collection), next to the single-threaded computation (mode=serial: one
// goroutine, private memo, nothing shared). serial divided by GOMAXPROCS
// bounds what any mode can reach, since every mode does at least the
// serial work; fast_threads' distance from that bound is what sharing
// still costs, threads' distance is what the naive port costs.
func BenchmarkModes(b *testing.B) {
	c := config{nth: 10000, size: 100, workers: 16, seed: 1}
	modes := []struct {
		name string
		run  func(pos []int)
	}{
		{"serial", func(pos []int) { reference(pos) }},
		{"threads", func(pos []int) {
			var st stats
			runThreads(pos, c.workers, &st)
		}},
		{"fast_threads", func(pos []int) {
			var st stats
			if _, err := runFastThreads(pos, c.workers, &st); err != nil {
				b.Fatal(err)
			}
		}},
	}
	for _, m := range modes {
		b.Run("mode="+m.name, func(b *testing.B) {
			gcPercent := debug.SetGCPercent(100)
			defer debug.SetGCPercent(gcPercent)
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				pos := positions(c, i%64)
				runtime.GC()
				debug.SetGCPercent(-1)
				b.StartTimer()
				m.run(pos)
				b.StopTimer()
				debug.SetGCPercent(100)
				b.StartTimer()
			}
		})
	}
}
