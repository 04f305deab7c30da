package ftutils

import (
	"math"
	"sync/atomic"
)

// AtomicInt64 is an int64 that many goroutines can read and modify at once:
// ft_utils' AtomicInt64, with the sync/atomic vocabulary plus the
// read-modify-write operations that [atomic.Int64] lacks (Mul, Div, Xor,
// Not, StoreMax, StoreMin, Update).
//
// The zero value is 0 and ready to use. An AtomicInt64 must not be copied
// after first use (go vet's copylocks check reports copies).
//
// Memory model: every operation is a single atomic step on one word, so all
// operations on one AtomicInt64 are sequentially consistent, as in
// [sync/atomic]: a Store (or any modifying operation) synchronizes before
// every operation that observes its result.
//
// Progress: Load, Store, Swap, CompareAndSwap, Add, Sub, Incr, Decr, And and
// Or are single instructions on amd64 and arm64 (wait-free). Mul, Div, Xor,
// Not, StoreMax, StoreMin and Update are compare-and-swap loops (lock-free:
// a retry means another goroutine's update succeeded). Every operation is
// linearizable.
//
// Arithmetic wraps on overflow, as Go's integer arithmetic does: Incr of
// [math.MaxInt64] gives [math.MinInt64], and Mul keeps the low 64 bits.
// Div truncates toward zero like Go's / (and ft_utils' C code: -7 / 2 is
// -3, not Python's floor -4); Div(0) panics like Go's integer division by
// zero; and Div(-1) on [math.MinInt64] gives [math.MinInt64] (Go's
// definition of that overflow) where ft_utils' C code kills the process.
//
// Cost (2-vCPU AMD EPYC Zen 4, Go 1.26, docs/BENCHMARKS.md): Add as fast as
// atomic.Int64.Add (about 2 ns uncontended); CAS-loop operations about 2.5
// ns uncontended and several times that when two cores fight over the word.
// For a counter that many goroutines increment, use [Counter] instead.
type AtomicInt64 struct {
	_ noCopy
	v atomic.Int64
}

// Load returns the current value.
func (a *AtomicInt64) Load() int64 { return a.v.Load() }

// Store sets the value to v.
func (a *AtomicInt64) Store(v int64) { a.v.Store(v) }

// Swap sets the value to v and returns the previous value.
func (a *AtomicInt64) Swap(v int64) (old int64) { return a.v.Swap(v) }

// CompareAndSwap sets the value to new if it is old, and reports whether it
// did.
func (a *AtomicInt64) CompareAndSwap(old, new int64) bool {
	return a.v.CompareAndSwap(old, new)
}

// Add adds d (wrapping on overflow) and returns the new value.
func (a *AtomicInt64) Add(d int64) (new int64) { return a.v.Add(d) }

// Sub subtracts d (wrapping on overflow) and returns the new value.
func (a *AtomicInt64) Sub(d int64) (new int64) { return a.v.Add(-d) }

// Incr adds one and returns the new value, as ft_utils' incr() does.
func (a *AtomicInt64) Incr() (new int64) { return a.v.Add(1) }

// Decr subtracts one and returns the new value, as ft_utils' decr() does.
func (a *AtomicInt64) Decr() (new int64) { return a.v.Add(-1) }

// Mul multiplies by x (keeping the low 64 bits) and returns the new value.
func (a *AtomicInt64) Mul(x int64) (new int64) {
	for {
		old := a.v.Load()
		if a.v.CompareAndSwap(old, old*x) {
			return old * x
		}
	}
}

// Div divides by x, truncating toward zero, and returns the new value. It
// panics if x is 0, like Go's integer division; MinInt64 / -1 is MinInt64.
func (a *AtomicInt64) Div(x int64) (new int64) {
	if x == 0 {
		panic("ftutils: AtomicInt64.Div by zero")
	}
	for {
		old := a.v.Load()
		n := old / x
		if x == -1 && old == math.MinInt64 {
			n = math.MinInt64 // spelled out: the overflow Go defines
		}
		if a.v.CompareAndSwap(old, n) {
			return n
		}
	}
}

// And sets the value to value & m and returns the old value, like
// [atomic.Int64.And].
func (a *AtomicInt64) And(m int64) (old int64) { return a.v.And(m) }

// Or sets the value to value | m and returns the old value, like
// [atomic.Int64.Or].
func (a *AtomicInt64) Or(m int64) (old int64) { return a.v.Or(m) }

// Xor sets the value to value ^ m and returns the old value.
func (a *AtomicInt64) Xor(m int64) (old int64) {
	for {
		old := a.v.Load()
		if a.v.CompareAndSwap(old, old^m) {
			return old
		}
	}
}

// Not sets the value to its bitwise complement and returns the old value.
func (a *AtomicInt64) Not() (old int64) { return a.Xor(-1) }

// StoreMax sets the value to v if v is greater, and returns the old value;
// the new value is max(old, v). It is the race-free peak tracker: a Load,
// compare and Store would lose a peak that another goroutine wrote between
// them. When v is not greater it returns after one Load, without writing.
func (a *AtomicInt64) StoreMax(v int64) (old int64) {
	for {
		old := a.v.Load()
		if old >= v || a.v.CompareAndSwap(old, v) {
			return old
		}
	}
}

// StoreMin sets the value to v if v is smaller, and returns the old value;
// the new value is min(old, v). Like [AtomicInt64.StoreMax], it does not
// write when v is not smaller.
func (a *AtomicInt64) StoreMin(v int64) (old int64) {
	for {
		old := a.v.Load()
		if old <= v || a.v.CompareAndSwap(old, v) {
			return old
		}
	}
}

// Update replaces the value x with f(x) in one linearizable step and
// returns both. f may be called more than once when other goroutines modify
// the value concurrently, so it must be a pure function of its argument and
// cheap; the returned new value is the one that was stored.
func (a *AtomicInt64) Update(f func(int64) int64) (old, new int64) {
	for {
		old := a.v.Load()
		n := f(old)
		if a.v.CompareAndSwap(old, n) {
			return old, n
		}
	}
}
