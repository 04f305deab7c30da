//lint:file-ignore SA2001 the benchmarks measure the lock itself; empty sections are the point.

package ftutils_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/ftutils-go/ftutils"
)

// The shapes of Go's own sync.RWMutex benchmarks
// ($GOROOT/src/sync/rwmutex_test.go), each run against RWLock and
// sync.RWMutex. The code is written separately per type (no interface) so
// that both get their fast paths inlined.

// paddedRWLock and paddedRWMutex keep per-goroutine locks off each other's
// cache lines in the Uncontended shape.
type paddedRWLock struct {
	ftutils.RWLock
	_ [128]byte
}

type paddedRWMutex struct {
	sync.RWMutex
	_ [128]byte
}

// BenchmarkRWLock_Uncontended: each goroutine uses its own lock, taking two
// nested read locks and then the write lock (the fast paths only).
func BenchmarkRWLock_Uncontended(b *testing.B) {
	b.Run("impl=RWLock", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			var rw paddedRWLock
			for pb.Next() {
				rw.RLock()
				rw.RLock()
				rw.RUnlock()
				rw.RUnlock()
				rw.Lock()
				rw.Unlock()
			}
		})
	})
	b.Run("impl=sync.RWMutex", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			var rw paddedRWMutex
			for pb.Next() {
				rw.RLock()
				rw.RLock()
				rw.RUnlock()
				rw.RUnlock()
				rw.Lock()
				rw.Unlock()
			}
		})
	})
}

// rwShapes are sync's contended shapes: every writeRatio'th operation takes
// the write lock, the others a read lock around localWork units of work.
var rwShapes = []struct {
	name                  string
	localWork, writeRatio int
}{
	{"Write100", 0, 100},       // read-mostly, empty sections
	{"Write10", 0, 10},         // write-heavy, empty sections
	{"WorkWrite100", 100, 100}, // read-mostly, readers do some work
	{"WorkWrite10", 100, 10},   // write-heavy, readers do some work
}

func BenchmarkRWLock_Shapes(b *testing.B) {
	for _, sh := range rwShapes {
		b.Run("shape="+sh.name+"/impl=RWLock", func(b *testing.B) {
			b.ReportAllocs()
			var rw ftutils.RWLock
			b.RunParallel(func(pb *testing.PB) {
				foo := 0
				for pb.Next() {
					foo++
					if foo%sh.writeRatio == 0 {
						rw.Lock()
						rw.Unlock()
					} else {
						rw.RLock()
						for i := 0; i != sh.localWork; i++ {
							foo *= 2
							foo /= 2
						}
						rw.RUnlock()
					}
				}
				_ = foo
			})
		})
		b.Run("shape="+sh.name+"/impl=sync.RWMutex", func(b *testing.B) {
			b.ReportAllocs()
			var rw sync.RWMutex
			b.RunParallel(func(pb *testing.PB) {
				foo := 0
				for pb.Next() {
					foo++
					if foo%sh.writeRatio == 0 {
						rw.Lock()
						rw.Unlock()
					} else {
						rw.RLock()
						for i := 0; i != sh.localWork; i++ {
							foo *= 2
							foo /= 2
						}
						rw.RUnlock()
					}
				}
				_ = foo
			})
		})
	}
}

// BenchmarkRWLock_ReadOnly is RLock+RUnlock with no writer: serial (one
// goroutine, the pure fast-path cost) and parallel (all goroutines on one
// lock: the shared reader count bounces between cores).
func BenchmarkRWLock_ReadOnly(b *testing.B) {
	b.Run("mode=serial/impl=RWLock", func(b *testing.B) {
		b.ReportAllocs()
		var rw ftutils.RWLock
		for b.Loop() {
			rw.RLock()
			rw.RUnlock()
		}
	})
	b.Run("mode=serial/impl=sync.RWMutex", func(b *testing.B) {
		b.ReportAllocs()
		var rw sync.RWMutex
		for b.Loop() {
			rw.RLock()
			rw.RUnlock()
		}
	})
	b.Run("mode=parallel/impl=RWLock", func(b *testing.B) {
		b.ReportAllocs()
		var rw ftutils.RWLock
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				rw.RLock()
				rw.RUnlock()
			}
		})
	})
	b.Run("mode=parallel/impl=sync.RWMutex", func(b *testing.B) {
		b.ReportAllocs()
		var rw sync.RWMutex
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				rw.RLock()
				rw.RUnlock()
			}
		})
	})
}

// BenchmarkRWLock_Exclusive is Lock+Unlock with empty sections by
// goroutines=G×GOMAXPROCS goroutines on one lock (ftbench's lock/mutex):
// with more goroutines than cores, a lock that hands off to parked writers
// in FIFO order forms a convoy, one wake-up per Unlock.
func BenchmarkRWLock_Exclusive(b *testing.B) {
	for _, g := range []int{1, 4} {
		b.Run(fmt.Sprintf("goroutines=%dxP/impl=RWLock", g), func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism(g)
			var rw ftutils.RWLock
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					rw.Lock()
					rw.Unlock()
				}
			})
		})
		b.Run(fmt.Sprintf("goroutines=%dxP/impl=sync.RWMutex", g), func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism(g)
			var rw sync.RWMutex
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					rw.Lock()
					rw.Unlock()
				}
			})
		})
		b.Run(fmt.Sprintf("goroutines=%dxP/impl=sync.Mutex", g), func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism(g)
			var mu sync.Mutex
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					mu.Lock()
					mu.Unlock()
				}
			})
		})
	}
}
