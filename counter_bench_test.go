package ftutils_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ftutils-go/ftutils"
)

// paddedInt64 is a mutex-guarded counter, the obvious baseline.
type lockedCounter struct {
	mu sync.Mutex
	n  int64
}

func (m *lockedCounter) Add(d int64) { m.mu.Lock(); m.n += d; m.mu.Unlock() }

// BenchmarkCounter_Add is the uncontended case: one goroutine adding. It
// models a counter in code that is usually not run in parallel.
func BenchmarkCounter_Add(b *testing.B) {
	b.Run("impl=Counter", func(b *testing.B) {
		b.ReportAllocs()
		var c ftutils.Counter
		for b.Loop() {
			c.Add(1)
		}
		if c.Load() != int64(b.N) {
			b.Fatalf("Load() = %d; want %d", c.Load(), b.N)
		}
	})
	b.Run("impl=atomic.Int64", func(b *testing.B) {
		b.ReportAllocs()
		var c atomic.Int64
		for b.Loop() {
			c.Add(1)
		}
	})
	b.Run("impl=Mutex", func(b *testing.B) {
		b.ReportAllocs()
		var c lockedCounter
		for b.Loop() {
			c.Add(1)
		}
	})
}

// BenchmarkCounter_AddParallel is the contended case: every goroutine adds
// to one counter (fibonacci's hit/miss counts, request statistics).
// readEvery=0 never reads; readEvery=100 reads the total every 100th op.
func BenchmarkCounter_AddParallel(b *testing.B) {
	for _, readEvery := range []int{0, 100} {
		b.Run(paramName("readEvery", readEvery, "impl=Counter"), func(b *testing.B) {
			b.ReportAllocs()
			var c ftutils.Counter
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					i++
					if readEvery > 0 && i%readEvery == 0 {
						_ = c.Load()
						continue
					}
					c.Add(1)
				}
			})
		})
		b.Run(paramName("readEvery", readEvery, "impl=atomic.Int64"), func(b *testing.B) {
			b.ReportAllocs()
			var c atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					i++
					if readEvery > 0 && i%readEvery == 0 {
						_ = c.Load()
						continue
					}
					c.Add(1)
				}
			})
		})
		b.Run(paramName("readEvery", readEvery, "impl=Mutex"), func(b *testing.B) {
			b.ReportAllocs()
			var c lockedCounter
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					i++
					if readEvery > 0 && i%readEvery == 0 {
						c.mu.Lock()
						_ = c.n
						c.mu.Unlock()
						continue
					}
					c.Add(1)
				}
			})
		})
	}
}
