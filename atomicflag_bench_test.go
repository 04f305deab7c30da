package ftutils_test

import (
	"sync/atomic"
	"testing"

	"github.com/ftutils-go/ftutils"
)

var sinkBool bool

// BenchmarkAtomicFlag_Load models the hot-path "should I stop?" check.
func BenchmarkAtomicFlag_Load(b *testing.B) {
	b.Run("impl=ftutils", func(b *testing.B) {
		var f ftutils.AtomicFlag
		b.ReportAllocs()
		for b.Loop() {
			sinkBool = f.Load()
		}
	})
	b.Run("impl=atomic.Bool", func(b *testing.B) {
		var f atomic.Bool
		b.ReportAllocs()
		for b.Loop() {
			sinkBool = f.Load()
		}
	})
}

// BenchmarkAtomicFlag_Store measures a write with no waiter: the extra
// load of the waiter pointer is the price of Wait.
func BenchmarkAtomicFlag_Store(b *testing.B) {
	b.Run("impl=ftutils", func(b *testing.B) {
		var f ftutils.AtomicFlag
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			f.Store(i&1 == 0)
		}
	})
	b.Run("impl=atomic.Bool", func(b *testing.B) {
		var f atomic.Bool
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			f.Store(i&1 == 0)
		}
	})
}
