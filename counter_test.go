package ftutils_test

import (
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/stress"
)

func TestCounter_Ops(t *testing.T) {
	for _, spread := range []bool{false, true} {
		name := "base"
		if spread {
			name = "cells"
		}
		t.Run(name, func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
			var c ftutils.Counter
			if spread {
				ftutils.SpreadCounter(&c)
				if got := ftutils.CounterCells(&c); got < 2 {
					t.Fatalf("cells after spreading = %d; want >= 2", got)
				}
			}
			steps := []struct {
				op   string
				f    func() int64
				want int64
			}{
				{"Load()", c.Load, 0},
				{"Add(5)", func() int64 { c.Add(5); return c.Load() }, 5},
				{"Incr()", func() int64 { c.Incr(); return c.Load() }, 6},
				{"Decr()", func() int64 { c.Decr(); return c.Load() }, 5},
				{"Add(-10)", func() int64 { c.Add(-10); return c.Load() }, -5},
				{"Reset()", func() int64 { c.Reset(); return c.Load() }, 0},
				{"Add(7)", func() int64 { c.Add(7); return c.Load() }, 7},
				{"LoadAndReset()", c.LoadAndReset, 7},
				{"Load() after LoadAndReset", c.Load, 0},
			}
			for _, s := range steps {
				if got := s.f(); got != s.want {
					t.Errorf("%s: Load() = %d; want %d", s.op, got, s.want)
				}
			}
		})
	}
}

func TestCounter_NoSpreadOnOneProc(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var c ftutils.Counter
	ftutils.SpreadCounter(&c)
	if got := ftutils.CounterCells(&c); got != 0 {
		t.Errorf("cells with GOMAXPROCS=1 = %d; want 0 (nothing to spread over)", got)
	}
}

func TestCounter_ZeroAllocs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	var base, cells ftutils.Counter
	ftutils.SpreadCounter(&cells)
	for _, c := range []*ftutils.Counter{&base, &cells} {
		if n := testing.AllocsPerRun(100, func() { c.Add(1); _ = c.Load() }); n != 0 {
			t.Errorf("Add+Load allocates %v times per run; want 0", n)
		}
	}
}

// TestCounter_Stress checks conservation: every Add lands exactly once,
// including those racing with LoadAndReset, whose results are added up.
func TestCounter_Stress(t *testing.T) {
	t.Run("base", func(t *testing.T) { testCounterStress(t, false) })
	t.Run("cells", func(t *testing.T) { testCounterStress(t, true) })
}

func testCounterStress(t *testing.T, spread bool) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		var c ftutils.Counter
		if spread {
			ftutils.SpreadCounter(&c)
		}
		var drained atomic.Int64
		goroutines, iters := 2*procs+1, stress.Scale(400000)
		stress.Hammer(goroutines, iters, func(g, i int) {
			switch {
			case g == 0 && i%1000 == 999:
				drained.Add(c.LoadAndReset())
			case i%3 == 0:
				c.Decr()
			default:
				c.Add(int64(g + 1))
			}
		})
		var want int64
		for g := range goroutines {
			for i := range iters {
				switch {
				case g == 0 && i%1000 == 999:
				case i%3 == 0:
					want--
				default:
					want += int64(g + 1)
				}
			}
		}
		if got := c.Load() + drained.Load(); got != want {
			t.Errorf("Load()+drained = %d; want %d (cells: %d)", got, want, ftutils.CounterCells(&c))
		}
	})
}

// TestCounter_LoadMonotonic: with only increments, concurrent Loads never
// go backwards and never exceed the final total.
func TestCounter_LoadMonotonic(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	var c ftutils.Counter
	ftutils.SpreadCounter(&c)
	iters := stress.Scale(200000)
	const writers = 3
	stress.Run(writers+1, func(g int) {
		if g < writers {
			for range iters {
				c.Incr()
			}
			return
		}
		last := int64(0)
		for range iters {
			v := c.Load()
			if v < last || v > writers*int64(iters) {
				t.Errorf("Load() = %d after %d; want monotonic within [0, %d]", v, last, writers*iters)
				return
			}
			last = v
		}
	})
	if got := c.Load(); got != writers*int64(iters) {
		t.Errorf("final Load() = %d; want %d", got, writers*iters)
	}
}

// FuzzCounter compares Counter with a plain int64 after every operation,
// with and without cells.
func FuzzCounter(f *testing.F) {
	f.Add(false, []byte{0, 3, 1, 0, 2, 0, 3, 0, 4, 9, 5, 0})
	f.Add(true, []byte{0, 200, 3, 0, 0, 1, 4, 0, 5, 0})
	f.Fuzz(func(t *testing.T, spread bool, ops []byte) {
		var c ftutils.Counter
		if spread {
			ftutils.SpreadCounter(&c)
		}
		var ref int64
		for i := 0; i+1 < len(ops); i += 2 {
			x := int64(int8(ops[i+1]))
			var got int64
			switch ops[i] % 6 {
			case 0:
				c.Add(x)
				ref += x
				got = c.Load()
			case 1:
				c.Incr()
				ref++
				got = c.Load()
			case 2:
				c.Decr()
				ref--
				got = c.Load()
			case 3:
				c.Reset()
				ref = 0
				got = c.Load()
			case 4:
				got = c.Load()
			case 5:
				if got = c.LoadAndReset(); got != ref {
					t.Fatalf("op %d: LoadAndReset() = %d; want %d", i/2, got, ref)
				}
				ref = 0
				if l := c.Load(); l != 0 {
					t.Fatalf("op %d: Load() after LoadAndReset = %d; want 0", i/2, l)
				}
				continue
			}
			if got != ref {
				t.Fatalf("op %d (%d): Load() = %d; want %d", i/2, ops[i]%6, got, ref)
			}
		}
	})
}
