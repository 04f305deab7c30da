package ftutils_test

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/stress"
)

func TestAtomicInt64ZeroValue(t *testing.T) {
	var a ftutils.AtomicInt64
	if got := a.Load(); got != 0 {
		t.Fatalf("Load() = %d; want 0", got)
	}
}

func TestAtomicInt64Ops(t *testing.T) {
	// Each row starts from `start`, applies op, and checks the returned
	// value and the value left behind. The expectations are computed with
	// Go's own operators where that is the definition we promise.
	tests := []struct {
		name      string
		start     int64
		op        func(a *ftutils.AtomicInt64) int64
		ret, left int64
	}{
		{"Swap", 10, func(a *ftutils.AtomicInt64) int64 { return a.Swap(5) }, 10, 5},
		{"Add", 10, func(a *ftutils.AtomicInt64) int64 { return a.Add(5) }, 15, 15},
		{"Sub", 10, func(a *ftutils.AtomicInt64) int64 { return a.Sub(5) }, 5, 5},
		{"Incr", 10, func(a *ftutils.AtomicInt64) int64 { return a.Incr() }, 11, 11},
		{"Decr", 10, func(a *ftutils.AtomicInt64) int64 { return a.Decr() }, 9, 9},
		{"Mul", 10, func(a *ftutils.AtomicInt64) int64 { return a.Mul(5) }, 50, 50},
		{"Div", 10, func(a *ftutils.AtomicInt64) int64 { return a.Div(5) }, 2, 2},
		{"Div truncates", -7, func(a *ftutils.AtomicInt64) int64 { return a.Div(2) }, -3, -3},
		{"Div negative divisor", 7, func(a *ftutils.AtomicInt64) int64 { return a.Div(-2) }, -3, -3},
		{"And", 10, func(a *ftutils.AtomicInt64) int64 { return a.And(5) }, 10, 10 & 5},
		{"Or", 10, func(a *ftutils.AtomicInt64) int64 { return a.Or(5) }, 10, 10 | 5},
		{"Xor", 10, func(a *ftutils.AtomicInt64) int64 { return a.Xor(5) }, 10, 10 ^ 5},
		{"Not", 10, func(a *ftutils.AtomicInt64) int64 { return a.Not() }, 10, -11},
		{"StoreMax higher", 10, func(a *ftutils.AtomicInt64) int64 { return a.StoreMax(12) }, 10, 12},
		{"StoreMax lower", 10, func(a *ftutils.AtomicInt64) int64 { return a.StoreMax(3) }, 10, 10},
		{"StoreMin lower", 10, func(a *ftutils.AtomicInt64) int64 { return a.StoreMin(3) }, 10, 3},
		{"StoreMin higher", 10, func(a *ftutils.AtomicInt64) int64 { return a.StoreMin(12) }, 10, 10},
		{"Incr wraps", math.MaxInt64, func(a *ftutils.AtomicInt64) int64 { return a.Incr() }, math.MinInt64, math.MinInt64},
		{"Decr wraps", math.MinInt64, func(a *ftutils.AtomicInt64) int64 { return a.Decr() }, math.MaxInt64, math.MaxInt64},
		{"Mul wraps", math.MaxInt64, func(a *ftutils.AtomicInt64) int64 { return a.Mul(2) }, -2, -2},
		{"MinInt64 Div -1", math.MinInt64, func(a *ftutils.AtomicInt64) int64 { return a.Div(-1) }, math.MinInt64, math.MinInt64},
		{"Not MinInt64", math.MinInt64, func(a *ftutils.AtomicInt64) int64 { return a.Not() }, math.MinInt64, math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a ftutils.AtomicInt64
			a.Store(tt.start)
			if got := tt.op(&a); got != tt.ret {
				t.Errorf("%s from %d returned %d; want %d", tt.name, tt.start, got, tt.ret)
			}
			if got := a.Load(); got != tt.left {
				t.Errorf("%s from %d left %d; want %d", tt.name, tt.start, got, tt.left)
			}
		})
	}
}

func TestAtomicInt64CompareAndSwap(t *testing.T) {
	var a ftutils.AtomicInt64
	a.Store(3)
	if a.CompareAndSwap(4, 9) {
		t.Fatal("CompareAndSwap(4, 9) on 3 = true; want false")
	}
	if got := a.Load(); got != 3 {
		t.Fatalf("failed CompareAndSwap changed the value to %d", got)
	}
	if !a.CompareAndSwap(3, 9) {
		t.Fatal("CompareAndSwap(3, 9) on 3 = false; want true")
	}
	if got := a.Load(); got != 9 {
		t.Fatalf("Load() after CompareAndSwap(3, 9) = %d; want 9", got)
	}
}

func TestAtomicInt64Update(t *testing.T) {
	var a ftutils.AtomicInt64
	a.Store(6)
	old, n := a.Update(func(x int64) int64 { return x*x + 1 })
	if old != 6 || n != 37 || a.Load() != 37 {
		t.Fatalf("Update(x*x+1) on 6 = (%d, %d), left %d; want (6, 37), left 37", old, n, a.Load())
	}
}

func TestAtomicInt64DivByZeroPanics(t *testing.T) {
	var a ftutils.AtomicInt64
	a.Store(5)
	defer func() {
		r := recover()
		msg, _ := r.(string)
		if !strings.HasPrefix(msg, "ftutils: ") {
			t.Fatalf("Div(0) panicked with %v; want a message starting with %q", r, "ftutils: ")
		}
		if got := a.Load(); got != 5 {
			t.Fatalf("Div(0) changed the value to %d", got)
		}
	}()
	a.Div(0)
}

// TestAtomicInt64Stress checks, at every GOMAXPROCS of the sweep, that
// concurrent read-modify-writes lose nothing: ft_utils' test of 10 threads
// × 1000 incr, extended to every CAS-loop operation.
func TestAtomicInt64Stress(t *testing.T) {
	const goroutines = 10
	iters := stress.Scale(1000)
	stress.Sweep(t, func(t *testing.T, procs int) {
		var inc, sum, peak, low, xor, upd ftutils.AtomicInt64
		low.Store(math.MaxInt64)
		var prod ftutils.AtomicInt64
		prod.Store(1)
		stress.Hammer(goroutines, iters, func(g, i int) {
			inc.Incr()
			sum.Add(int64(i))
			v := int64(g*iters + i)
			peak.StoreMax(v)
			low.StoreMin(v)
			xor.Xor(v)
			upd.Update(func(x int64) int64 { return x + 2 })
			if i%100 == 0 {
				prod.Mul(3) // wraps; order does not matter for a product
			}
		})
		n := int64(goroutines * iters)
		if got := inc.Load(); got != n {
			t.Errorf("Incr total = %d; want %d", got, n)
		}
		if got, want := sum.Load(), int64(goroutines)*int64(iters)*int64(iters-1)/2; got != want {
			t.Errorf("Add total = %d; want %d", got, want)
		}
		if got := peak.Load(); got != n-1 {
			t.Errorf("StoreMax peak = %d; want %d", got, n-1)
		}
		if got := low.Load(); got != 0 {
			t.Errorf("StoreMin low = %d; want 0", got)
		}
		var wantXor int64
		for v := range n {
			wantXor ^= v
		}
		if got := xor.Load(); got != wantXor {
			t.Errorf("Xor fold = %d; want %d", got, wantXor)
		}
		if got := upd.Load(); got != 2*n {
			t.Errorf("Update total = %d; want %d", got, 2*n)
		}
		wantProd := int64(1)
		for range goroutines * ((iters + 99) / 100) {
			wantProd *= 3
		}
		if got := prod.Load(); got != wantProd {
			t.Errorf("Mul product = %d; want %d", got, wantProd)
		}
	})
}

// FuzzAtomicInt64 applies a byte-encoded sequence of operations to an
// AtomicInt64 and to a plain int64 and compares every result.
func FuzzAtomicInt64(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14})
	f.Add(binary.LittleEndian.AppendUint64([]byte{6}, uint64(math.MaxInt64)))
	f.Add(append(binary.LittleEndian.AppendUint64([]byte{0}, 1<<63), 7, 255, 255, 255, 255, 255, 255, 255, 255))
	f.Fuzz(func(t *testing.T, data []byte) {
		var a ftutils.AtomicInt64
		var ref int64
		for len(data) > 0 {
			op := data[0] % 15
			data = data[1:]
			var x int64
			if len(data) >= 8 {
				x = int64(binary.LittleEndian.Uint64(data))
				data = data[8:]
			} else if len(data) > 0 {
				x = int64(int8(data[0]))
				data = data[1:]
			}
			var got, want int64
			switch op {
			case 0:
				a.Store(x)
				ref = x
			case 1:
				got, want = a.Swap(x), ref
				ref = x
			case 2:
				ok := a.CompareAndSwap(ref, x)
				if !ok {
					t.Fatalf("CompareAndSwap(%d, %d) = false on %d", ref, x, ref)
				}
				ref = x
			case 3:
				ref += x
				got, want = a.Add(x), ref
			case 4:
				ref -= x
				got, want = a.Sub(x), ref
			case 5:
				ref++
				got, want = a.Incr(), ref
			case 6:
				ref *= x
				got, want = a.Mul(x), ref
			case 7:
				if x == 0 {
					continue
				}
				ref /= x // Go defines MinInt64 / -1 == MinInt64, as Div promises
				got, want = a.Div(x), ref
			case 8:
				got, want = a.And(x), ref
				ref &= x
			case 9:
				got, want = a.Or(x), ref
				ref |= x
			case 10:
				got, want = a.Xor(x), ref
				ref ^= x
			case 11:
				got, want = a.Not(), ref
				ref = ^ref
			case 12:
				got, want = a.StoreMax(x), ref
				ref = max(ref, x)
			case 13:
				got, want = a.StoreMin(x), ref
				ref = min(ref, x)
			case 14:
				ref--
				got, want = a.Decr(), ref
			}
			if got != want {
				t.Fatalf("op %d(%d) returned %d; want %d", op, x, got, want)
			}
			if a.Load() != ref {
				t.Fatalf("after op %d(%d) Load() = %d; want %d", op, x, a.Load(), ref)
			}
		}
	})
}
