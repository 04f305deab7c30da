package bench

import (
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/ftutils-go/ftutils"
	"github.com/puzpuzpuz/xsync/v4"
)

// Counter comparisons: ftutils.Counter (LongAdder scheme: base word, cells
// after contention), a single atomic.Int64, and xsync.Counter (always
// striped, sync.Pool token per op).

// BenchmarkCounter_Add: one goroutine, uncontended.
func BenchmarkCounter_Add(b *testing.B) {
	b.Run("impl=Counter", func(b *testing.B) {
		b.ReportAllocs()
		var c ftutils.Counter
		for b.Loop() {
			c.Add(1)
		}
	})
	b.Run("impl=atomic.Int64", func(b *testing.B) {
		b.ReportAllocs()
		var c atomic.Int64
		for b.Loop() {
			c.Add(1)
		}
	})
	b.Run("impl=xsync.Counter", func(b *testing.B) {
		b.ReportAllocs()
		c := xsync.NewCounter()
		for b.Loop() {
			c.Add(1)
		}
	})
}

// BenchmarkCounter_AddParallel: every goroutine adds to one counter;
// readEvery=100 also reads the total every 100th op. Each implementation
// has its own loop (no interface) so that calls can inline as in real use.
func BenchmarkCounter_AddParallel(b *testing.B) {
	for _, readEvery := range []int{0, 100} {
		name := "readEvery=" + strconv.Itoa(readEvery) + "/impl="
		b.Run(name+"Counter", func(b *testing.B) {
			b.ReportAllocs()
			var c ftutils.Counter
			b.RunParallel(func(pb *testing.PB) {
				for i := 1; pb.Next(); i++ {
					if readEvery > 0 && i%readEvery == 0 {
						_ = c.Load()
						continue
					}
					c.Add(1)
				}
			})
		})
		b.Run(name+"atomic.Int64", func(b *testing.B) {
			b.ReportAllocs()
			var c atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for i := 1; pb.Next(); i++ {
					if readEvery > 0 && i%readEvery == 0 {
						_ = c.Load()
						continue
					}
					c.Add(1)
				}
			})
		})
		b.Run(name+"xsync.Counter", func(b *testing.B) {
			b.ReportAllocs()
			c := xsync.NewCounter()
			b.RunParallel(func(pb *testing.PB) {
				for i := 1; pb.Next(); i++ {
					if readEvery > 0 && i%readEvery == 0 {
						_ = c.Value()
						continue
					}
					c.Add(1)
				}
			})
		})
	}
}
