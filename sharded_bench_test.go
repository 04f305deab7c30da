package ftutils_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ftutils-go/ftutils"
)

// reqStats is per-request bookkeeping: the kind of hot shared struct Sharded
// is for.
type reqStats struct{ requests, bytes int64 }

type lockedStats struct {
	mu sync.Mutex
	s  reqStats
}

// BenchmarkSharded_Update: every goroutine records into one statistics
// struct; Sharded against a single mutex-guarded struct and, for the
// atomic case, Sharded.Local against one shared atomic.Int64.
func BenchmarkSharded_Update(b *testing.B) {
	b.Run("impl=Sharded", func(b *testing.B) {
		b.ReportAllocs()
		var s ftutils.Sharded[reqStats]
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				s.Update(func(v *reqStats) { v.requests++; v.bytes += 100 })
			}
		})
	})
	b.Run("impl=Mutex", func(b *testing.B) {
		b.ReportAllocs()
		var m lockedStats
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				m.mu.Lock()
				m.s.requests++
				m.s.bytes += 100
				m.mu.Unlock()
			}
		})
	})
	b.Run("impl=Sharded.Local", func(b *testing.B) {
		b.ReportAllocs()
		var s ftutils.Sharded[atomic.Int64]
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				s.Local().Add(1)
			}
		})
	})
	b.Run("impl=atomic.Int64", func(b *testing.B) {
		b.ReportAllocs()
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				n.Add(1)
			}
		})
	})
}

// BenchmarkSharded_Reduce: the cost of combining all slots on read.
func BenchmarkSharded_Reduce(b *testing.B) {
	b.ReportAllocs()
	var s ftutils.Sharded[reqStats]
	for b.Loop() {
		_ = s.Reduce(func(acc, v *reqStats) { acc.requests += v.requests; acc.bytes += v.bytes })
	}
}
