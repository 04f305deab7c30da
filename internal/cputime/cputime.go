// Package cputime reads the process's CPU time, for the benchmarks of both
// modules that report CPU time per operation next to wall-clock time (on
// a shared machine the wall clock swings with other jobs, CPU time much
// less). It lives in internal/ so that both modules' tests can import it.
package cputime

import (
	"testing"
	"time"
)

// Clock measures the process CPU time spent between Start and Stop.
type Clock struct {
	start time.Duration
	ok    bool
}

// Start starts a Clock.
func Start() Clock {
	d, ok := Process()
	return Clock{d, ok}
}

// Stop reports the CPU time since Start per operation of b as the metric
// cpu-ns/op (all threads, GC included), where the platform can tell.
func (c Clock) Stop(b *testing.B) {
	d, ok := Process()
	if c.ok && ok && b.N > 0 {
		b.ReportMetric(float64(d-c.start)/float64(b.N), "cpu-ns/op")
	}
}
