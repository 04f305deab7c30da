package ftutils_test

import (
	"sync/atomic"
	"testing"

	"github.com/ftutils-go/ftutils"
)

// The serial benchmarks model an uncontended counter or accumulator; the
// Parallel ones model every goroutine fighting over one word (the worst
// case: use Counter for that). atomic.Int64 is the stdlib baseline.

var sinkInt64 int64

func BenchmarkAtomicInt64_Add(b *testing.B) {
	b.Run("impl=ftutils", func(b *testing.B) {
		var a ftutils.AtomicInt64
		b.ReportAllocs()
		for b.Loop() {
			a.Add(1)
		}
		sinkInt64 = a.Load()
	})
	b.Run("impl=atomic.Int64", func(b *testing.B) {
		var a atomic.Int64
		b.ReportAllocs()
		for b.Loop() {
			a.Add(1)
		}
		sinkInt64 = a.Load()
	})
}

func BenchmarkAtomicInt64_Contended(b *testing.B) {
	ops := []struct {
		name string
		f    func(a *ftutils.AtomicInt64, i int64)
	}{
		{"Add", func(a *ftutils.AtomicInt64, i int64) { a.Add(1) }},
		{"Mul", func(a *ftutils.AtomicInt64, i int64) { a.Mul(3) }},
		{"StoreMax", func(a *ftutils.AtomicInt64, i int64) { a.StoreMax(i) }},
		{"Xor", func(a *ftutils.AtomicInt64, i int64) { a.Xor(i) }},
		{"Update", func(a *ftutils.AtomicInt64, i int64) { a.Update(func(x int64) int64 { return x + 1 }) }},
	}
	for _, op := range ops {
		b.Run("op="+op.name+"/impl=ftutils", func(b *testing.B) {
			var a ftutils.AtomicInt64
			var seq atomic.Int64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				// Each goroutine draws increasing values so StoreMax keeps
				// writing (a StoreMax that never wins costs one Load).
				i := seq.Add(1 << 40)
				for pb.Next() {
					i++
					op.f(&a, i)
				}
			})
		})
	}
	b.Run("op=Add/impl=atomic.Int64", func(b *testing.B) {
		var a atomic.Int64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				a.Add(1)
			}
		})
	})
}
