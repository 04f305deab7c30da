//lint:file-ignore SA2001 the benchmarks measure the lock itself; empty sections are the point.

package ftutils_test

import (
	"sync"
	"testing"
	"time"

	"github.com/ftutils-go/ftutils"
)

// BenchmarkIntervalLock_LockUnlock is the uncontended Lock+Unlock pair, the
// cost every critical section pays; sync.Mutex is the baseline.
func BenchmarkIntervalLock_LockUnlock(b *testing.B) {
	b.Run("impl=IntervalLock", func(b *testing.B) {
		b.ReportAllocs()
		var l ftutils.IntervalLock
		for b.Loop() {
			l.Lock()
			l.Unlock()
		}
	})
	b.Run("impl=IntervalLock-timed", func(b *testing.B) {
		// A lock that has been polled reads the clock on each acquisition.
		b.ReportAllocs()
		var l ftutils.IntervalLock
		l.Lock()
		l.Poll()
		l.Unlock()
		for b.Loop() {
			l.Lock()
			l.Unlock()
		}
	})
	b.Run("impl=sync.Mutex", func(b *testing.B) {
		b.ReportAllocs()
		var l sync.Mutex
		for b.Loop() {
			l.Lock()
			l.Unlock()
		}
	})
}

// BenchmarkIntervalLock_Poll is a Poll that is not due, in the tight loop of
// a long computation; time.Now is the cost Poll avoids paying every time.
func BenchmarkIntervalLock_Poll(b *testing.B) {
	b.Run("impl=IntervalLock", func(b *testing.B) {
		b.ReportAllocs()
		l := ftutils.NewIntervalLock(time.Hour)
		l.Lock()
		for b.Loop() {
			l.Poll()
		}
		l.Unlock()
	})
	b.Run("impl=time.Now", func(b *testing.B) {
		b.ReportAllocs()
		start := time.Now()
		var due int
		for b.Loop() {
			if time.Since(start) > time.Hour {
				due++
			}
		}
		_ = due
	})
}

// BenchmarkIntervalLock_Contended is every goroutine locking and unlocking
// one lock with an empty critical section: the worst case for a FIFO
// hand-off lock (every release with waiters is a wake-up), against
// sync.Mutex, which lets the releaser barge back in.
func BenchmarkIntervalLock_Contended(b *testing.B) {
	b.Run("impl=IntervalLock", func(b *testing.B) {
		b.ReportAllocs()
		var l ftutils.IntervalLock
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				l.Lock()
				l.Unlock()
			}
		})
	})
	b.Run("impl=sync.Mutex", func(b *testing.B) {
		b.ReportAllocs()
		var l sync.Mutex
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				l.Lock()
				l.Unlock()
			}
		})
	})
}
