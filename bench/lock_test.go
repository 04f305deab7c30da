package bench

import (
	"sync"
	"testing"

	"github.com/ftutils-go/ftutils"
	"github.com/puzpuzpuz/xsync/v4"
)

// Reader/writer locks against xsync.RBMutex (BRAVO: per-reader slots, so
// reads scale, at the cost of a slow path after every write) and the
// standard library, on a critical section that reads 8 shared words.
// Each workload is a write ratio: every writeEvery'th operation writes.
var lockWorkloads = []struct {
	name       string
	writeEvery int
}{
	{"reads=100%", 0},              // a read-only table
	{"writes=1per100000", 100_000}, // configuration read on every request
	{"writes=1per1000", 1000},      // a cache with rare refreshes
	{"writes=1per10", 10},          // write-heavy: preference and hand-off matter
}

type rwGuarded struct {
	data [8]int64
}

func (g *rwGuarded) read() (s int64) {
	for _, v := range g.data {
		s += v
	}
	return s
}

func (g *rwGuarded) write() {
	for i := range g.data {
		g.data[i]++
	}
}

func BenchmarkLock_RW(b *testing.B) {
	for _, w := range lockWorkloads {
		isWrite := func(n int) bool { return w.writeEvery > 0 && n%w.writeEvery == 0 }
		b.Run(w.name+"/impl=ftutils.RWLock", func(b *testing.B) {
			b.ReportAllocs()
			var mu ftutils.RWLock
			var g rwGuarded
			b.RunParallel(func(pb *testing.PB) {
				var sink int64
				for n := 1; pb.Next(); n++ {
					if isWrite(n) {
						mu.Lock()
						g.write()
						mu.Unlock()
					} else {
						mu.RLock()
						sink += g.read()
						mu.RUnlock()
					}
				}
				_ = sink
			})
		})
		b.Run(w.name+"/impl=sync.RWMutex", func(b *testing.B) {
			b.ReportAllocs()
			var mu sync.RWMutex
			var g rwGuarded
			b.RunParallel(func(pb *testing.PB) {
				var sink int64
				for n := 1; pb.Next(); n++ {
					if isWrite(n) {
						mu.Lock()
						g.write()
						mu.Unlock()
					} else {
						mu.RLock()
						sink += g.read()
						mu.RUnlock()
					}
				}
				_ = sink
			})
		})
		b.Run(w.name+"/impl=xsync.RBMutex", func(b *testing.B) {
			b.ReportAllocs()
			mu := xsync.NewRBMutex()
			var g rwGuarded
			b.RunParallel(func(pb *testing.PB) {
				var sink int64
				for n := 1; pb.Next(); n++ {
					if isWrite(n) {
						mu.Lock()
						g.write()
						mu.Unlock()
					} else {
						t := mu.RLock()
						sink += g.read()
						mu.RUnlock(t)
					}
				}
				_ = sink
			})
		})
	}
}
