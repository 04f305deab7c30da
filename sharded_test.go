package ftutils_test

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/stress"
)

func TestSharded_Padding(t *testing.T) {
	check := func(name string, stride, size uintptr) {
		t.Helper()
		// Between the end of one slot's value and the start of the next
		// slot's hot fields there must be a full cacheLinePad.
		if gap := stride - size; gap < 128 {
			t.Errorf("%s: gap between neighbouring slot values = %d; want >= 128", name, gap)
		}
	}
	s, z := ftutils.ShardedStride[int64]()
	check("int64", s, z)
	s, z = ftutils.ShardedStride[[3]int64]()
	check("[3]int64", s, z)
	s, z = ftutils.ShardedStride[struct{}]()
	check("struct{}", s, z)
	if ftutils.CounterCellSize != 128 {
		t.Errorf("counter cell size = %d; want 128", ftutils.CounterCellSize)
	}
}

func TestRoundUpPow2(t *testing.T) {
	for _, tc := range []struct{ n, want int }{{-1, 1}, {0, 1}, {1, 1}, {2, 2}, {3, 4}, {4, 4}, {5, 8}, {64, 64}, {65, 128}} {
		if got := ftutils.RoundUpPow2(tc.n); got != tc.want {
			t.Errorf("roundUpPow2(%d) = %d; want %d", tc.n, got, tc.want)
		}
	}
}

// TestStackHash checks the per-goroutine hint: stable for one goroutine at
// one call site, different for goroutines that are alive together.
func TestStackHash(t *testing.T) {
	const n = 8
	hashes := make([]uint32, n)
	var ready, release sync.WaitGroup
	ready.Add(n)
	release.Add(1)
	var wg sync.WaitGroup
	for g := range n {
		wg.Go(func() {
			a := ftutils.StackHash()
			b := ftutils.StackHash()
			if a != b {
				t.Errorf("goroutine %d: StackHash() = %#x then %#x; want stable", g, a, b)
			}
			hashes[g] = a
			ready.Done()
			release.Wait() // keep every stack alive until all have hashed
		})
	}
	ready.Wait()
	release.Done()
	wg.Wait()
	seen := map[uint32]int{}
	for g, h := range hashes {
		if o, ok := seen[h]; ok {
			t.Errorf("goroutines %d and %d share StackHash %#x; want distinct", o, g, h)
		}
		seen[h] = g
	}
}

func TestSharded_Len(t *testing.T) {
	var s ftutils.Sharded[int]
	want := ftutils.RoundUpPow2(min(runtime.GOMAXPROCS(0), runtime.NumCPU()))
	if got := s.Len(); got != want {
		t.Errorf("Len() = %d; want %d", got, want)
	}
}

func TestNewSharded_NilPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("NewSharded(nil) did not panic")
		}
	}()
	ftutils.NewSharded[int](nil)
}

func TestSharded_ReduceMinMax(t *testing.T) {
	type minMax struct{ lo, hi int64 }
	s := ftutils.NewSharded(func(v *minMax) { *v = minMax{math.MaxInt64, math.MinInt64} })
	stress.Hammer(4, 100, func(g, i int) {
		x := int64(g*1000 + i - 50)
		s.Update(func(v *minMax) {
			v.lo = min(v.lo, x)
			v.hi = max(v.hi, x)
		})
	})
	got := s.Reduce(func(acc, v *minMax) {
		acc.lo = min(acc.lo, v.lo)
		acc.hi = max(acc.hi, v.hi)
	})
	if want := (minMax{-50, 3049}); got != want {
		t.Errorf("Reduce(min/max) = %+v; want %+v", got, want)
	}
}

// TestSharded_Stress checks that no Update is lost: the sum over all slots
// equals what the goroutines added.
func TestSharded_Stress(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		var s ftutils.Sharded[int64]
		var a ftutils.Sharded[atomic.Int64]
		goroutines, iters := 2*procs+1, stress.Scale(200000)
		stress.Hammer(goroutines, iters, func(g, i int) {
			s.Update(func(v *int64) { *v += int64(g + 1) })
			a.Local().Add(int64(g + 1))
		})
		want := int64(iters * goroutines * (goroutines + 1) / 2)
		if got := s.Reduce(func(acc, v *int64) { *acc += *v }); got != want {
			t.Errorf("Reduce(sum) = %d; want %d", got, want)
		}
		var got int64
		a.Range(func(v *atomic.Int64) bool { got += v.Load(); return true })
		if got != want {
			t.Errorf("Range(sum of Local) = %d; want %d", got, want)
		}
	})
}

func TestSharded_RangeStops(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	var s ftutils.Sharded[int]
	if s.Len() < 2 {
		t.Skip("needs at least 2 CPUs for 2 slots")
	}
	calls := 0
	s.Range(func(v *int) bool { calls++; return false })
	if calls != 1 {
		t.Errorf("Range with f returning false called f %d times; want 1", calls)
	}
}

// FuzzSharded compares a Sharded[int64] with a plain int64: ops are
// Update(add), Range(reset to 0 with a running sum) and Reduce(sum).
func FuzzSharded(f *testing.F) {
	f.Add([]byte{0, 5, 1, 0, 2, 0, 0, 7, 2, 0})
	f.Add([]byte{0, 255, 0, 1, 1, 0, 0, 3})
	f.Fuzz(func(t *testing.T, ops []byte) {
		var s ftutils.Sharded[int64]
		var ref int64
		for i := 0; i+1 < len(ops); i += 2 {
			x := int64(int8(ops[i+1]))
			switch ops[i] % 3 {
			case 0:
				s.Update(func(v *int64) { *v += x })
				ref += x
			case 1:
				var got int64
				s.Range(func(v *int64) bool { got += *v; *v = 0; return true })
				if got != ref {
					t.Fatalf("op %d: Range sum = %d; want %d", i/2, got, ref)
				}
				ref = 0
			case 2:
				if got := s.Reduce(func(acc, v *int64) { *acc += *v }); got != ref {
					t.Fatalf("op %d: Reduce(sum) = %d; want %d", i/2, got, ref)
				}
			}
		}
	})
}
