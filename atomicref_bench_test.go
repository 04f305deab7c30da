package ftutils_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ftutils-go/ftutils"
)

// lockedRef is ft_utils' benchmark baseline: a mutex-guarded reference
// with identity compare-and-swap.
type lockedRef[T any] struct {
	mu sync.Mutex
	p  *T
}

func (r *lockedRef[T]) Load() *T { r.mu.Lock(); defer r.mu.Unlock(); return r.p }
func (r *lockedRef[T]) Store(p *T) {
	r.mu.Lock()
	r.p = p
	r.mu.Unlock()
}

// BenchmarkAtomicRef_Mixed models ft_utils' atomic_bench "mixed": odd
// iterations store, even ones load, on one shared reference.
func BenchmarkAtomicRef_Mixed(b *testing.B) {
	vals := []*int{new(1), new(2)}
	b.Run("impl=ftutils", func(b *testing.B) {
		var r ftutils.AtomicRef[int]
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if i++; i%2 == 1 {
					r.Store(vals[i&1])
				} else if r.Load() == nil {
					i++
				}
			}
		})
	})
	b.Run("impl=atomic.Pointer", func(b *testing.B) {
		var r atomic.Pointer[int]
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if i++; i%2 == 1 {
					r.Store(vals[i&1])
				} else if r.Load() == nil {
					i++
				}
			}
		})
	})
	b.Run("impl=mutex", func(b *testing.B) {
		var r lockedRef[int]
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if i++; i%2 == 1 {
					r.Store(vals[i&1])
				} else if r.Load() == nil {
					i++
				}
			}
		})
	})
}
