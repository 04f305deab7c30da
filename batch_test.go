package ftutils_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/stress"
)

// countingSource returns 0, 1, 2, … and counts its calls. It is not safe for
// concurrent use on purpose: the executor must never call it concurrently
// (the race detector would report it).
type countingSource struct {
	next  int
	calls atomic.Int64
}

func (s *countingSource) get() int {
	s.calls.Add(1)
	v := s.next
	s.next++
	return v
}

func panicsWithPrefix(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Errorf("%s did not panic", what)
			return
		}
		if msg := fmt.Sprint(r); !strings.HasPrefix(msg, "ftutils: ") {
			t.Errorf("%s panicked with %q; want a message starting with \"ftutils: \"", what, msg)
		}
	}()
	f()
}

func TestNewBatchExecutor_Panics(t *testing.T) {
	src := func() int { return 0 }
	panicsWithPrefix(t, "NewBatchExecutor(src, 0)", func() { ftutils.NewBatchExecutor(src, 0) })
	panicsWithPrefix(t, "NewBatchExecutor(src, -1)", func() { ftutils.NewBatchExecutor(src, -1) })
	panicsWithPrefix(t, "NewBatchExecutor(nil, 1)", func() { ftutils.NewBatchExecutor[int](nil, 1) })
	panicsWithPrefix(t, "NewBatchExecutorErr(nil, 1)", func() { ftutils.NewBatchExecutorErr[int](nil, 1) })
	panicsWithPrefix(t, "Local(0)", func() { ftutils.NewBatchExecutor(src, 1).Local(0) })
}

// TestBatchExecutor_Order: one goroutine sees the source's sequence in
// order, and the source is called in whole batches (the first Load fills
// the first batch).
func TestBatchExecutor_Order(t *testing.T) {
	for _, size := range []int{1, 4, 10} {
		t.Run(fmt.Sprintf("size=%d", size), func(t *testing.T) {
			var s countingSource
			e := ftutils.NewBatchExecutor(s.get, size)
			if c := s.calls.Load(); c != 0 {
				t.Fatalf("source calls before any Load = %d; want 0", c)
			}
			for i := range 25 {
				v, err := e.Load()
				if v != i || err != nil {
					t.Fatalf("Load() #%d = (%d, %v); want (%d, nil)", i, v, err, i)
				}
				if want := int64((i/size + 1) * size); s.calls.Load() != want {
					t.Fatalf("source calls after %d Loads = %d; want %d", i+1, s.calls.Load(), want)
				}
			}
		})
	}
}

// TestBatchExecutor_ExactlyOnce: many consumers together receive exactly
// the source's values, each once (the stale-slot race of ft_utils would
// show up as a duplicate and a missing value). Small batches make refills
// frequent, which is where that race lived.
func TestBatchExecutor_ExactlyOnce(t *testing.T) {
	for _, mode := range []string{"Load", "LoadN", "Local"} {
		for _, size := range []int{1, 3, 64} {
			t.Run(fmt.Sprintf("%s/size=%d", mode, size), func(t *testing.T) {
				stress.Sweep(t, func(t *testing.T, procs int) {
					testExactlyOnce(t, mode, size, 2*procs+1)
				})
			})
		}
	}
}

func testExactlyOnce(t *testing.T, mode string, size, goroutines int) {
	var s countingSource
	e := ftutils.NewBatchExecutor(s.get, size)
	perG := stress.Scale(40000)
	got := make([][]int, goroutines)
	stress.Run(goroutines, func(g int) {
		out := make([]int, 0, perG)
		switch mode {
		case "Load":
			for range perG {
				v, err := e.Load()
				if err != nil {
					t.Errorf("Load() error %v", err)
					return
				}
				out = append(out, v)
			}
		case "LoadN":
			buf := make([]int, 5)
			for len(out) < perG {
				n, err := e.LoadN(buf[:min(5, perG-len(out))])
				if err != nil {
					t.Errorf("LoadN() error %v", err)
					return
				}
				out = append(out, buf[:n]...)
			}
		case "Local":
			l := e.Local(4)
			for range perG {
				v, err := l.Load()
				if err != nil {
					t.Errorf("BatchLocal.Load() error %v", err)
					return
				}
				out = append(out, v)
			}
		}
		got[g] = out
	})
	total := goroutines * perG
	seen := make([]bool, s.calls.Load())
	n := 0
	for g, vals := range got {
		last := -1
		for _, v := range vals {
			if v < 0 || v >= len(seen) {
				t.Fatalf("goroutine %d got %d; the source made only 0..%d", g, v, len(seen)-1)
			}
			if seen[v] {
				t.Fatalf("value %d handed out twice", v)
			}
			if mode == "Load" && v <= last {
				t.Fatalf("goroutine %d got %d after %d; one goroutine's values must increase", g, v, last)
			}
			last = v
			seen[v] = true
			n++
		}
	}
	if n != total {
		t.Fatalf("received %d values; want %d", n, total)
	}
	// Only the Local handles may hold values back (at most a chunk each,
	// plus the tail of the last batch); every other value came out.
	slack := size
	if mode == "Local" {
		slack += 4 * goroutines
	}
	if made := int(s.calls.Load()); made < total || made > total+slack {
		t.Errorf("source called %d times for %d values; want %d..%d", made, total, total, total+slack)
	}
}

func TestBatchExecutor_SourceError(t *testing.T) {
	boom := errors.New("boom")
	var calls int
	e := ftutils.NewBatchExecutorErr(func() (int, error) {
		calls++
		if calls == 7 {
			return 0, boom
		}
		return calls, nil
	}, 4)
	for i := 1; i <= 4; i++ {
		if v, err := e.Load(); v != i || err != nil {
			t.Fatalf("Load() = (%d, %v); want (%d, nil)", v, err, i)
		}
	}
	for range 3 {
		_, err := e.Load()
		if !errors.Is(err, ftutils.ErrClosed) || !errors.Is(err, boom) {
			t.Fatalf("Load() after source error = %v; want an error wrapping ErrClosed and boom", err)
		}
	}
	if calls != 7 {
		t.Errorf("source calls = %d; want 7 (no calls after the error)", calls)
	}
	if err := e.Err(); !errors.Is(err, boom) {
		t.Errorf("Err() = %v; want boom", err)
	}
	if n, err := e.LoadN(make([]int, 3)); n != 0 || !errors.Is(err, boom) {
		t.Errorf("LoadN after close = (%d, %v); want (0, boom)", n, err)
	}
}

func TestBatchExecutor_SourcePanic(t *testing.T) {
	var calls int
	e := ftutils.NewBatchExecutor(func() int {
		calls++
		if calls == 3 {
			panic("source exploded")
		}
		return calls
	}, 2)
	for i := 1; i <= 2; i++ {
		if v, err := e.Load(); v != i || err != nil {
			t.Fatalf("Load() = (%d, %v); want (%d, nil)", v, err, i)
		}
	}
	func() {
		defer func() {
			if r := recover(); r != "source exploded" {
				t.Errorf("Load() panicked with %v; want the source's panic value", r)
			}
		}()
		e.Load()
		t.Error("Load() returned; want the source's panic")
	}()
	_, err := e.Load()
	if !errors.Is(err, ftutils.ErrClosed) || !strings.Contains(fmt.Sprint(err), "source exploded") {
		t.Errorf("Load() after panic = %v; want ErrClosed naming the panic value", err)
	}
	if calls != 3 {
		t.Errorf("source calls = %d; want 3", calls)
	}
}

func TestBatchExecutor_Close(t *testing.T) {
	var s countingSource
	e := ftutils.NewBatchExecutor(s.get, 8)
	l := e.Local(3)
	if v, err := l.Load(); v != 0 || err != nil {
		t.Fatalf("Local.Load() = (%d, %v); want (0, nil)", v, err)
	}
	if err := e.Err(); err != nil {
		t.Fatalf("Err() before Close = %v; want nil", err)
	}
	e.Close()
	e.Close() // idempotent
	if _, err := e.Load(); !errors.Is(err, ftutils.ErrClosed) {
		t.Errorf("Load() after Close = %v; want ErrClosed", err)
	}
	// The handle still hands out what it took, then reports the close.
	for want := 1; want <= 2; want++ {
		if v, err := l.Load(); v != want || err != nil {
			t.Errorf("Local.Load() = (%d, %v); want (%d, nil)", v, err, want)
		}
	}
	if _, err := l.Load(); !errors.Is(err, ftutils.ErrClosed) {
		t.Errorf("Local.Load() after its chunk = %v; want ErrClosed", err)
	}
}

// TestBatchExecutor_LoadNPartial: LoadN returns the values it got before
// the source failed, and the error.
func TestBatchExecutor_LoadNPartial(t *testing.T) {
	boom := errors.New("boom")
	var calls int
	e := ftutils.NewBatchExecutorErr(func() (int, error) {
		calls++
		if calls > 4 {
			return 0, boom
		}
		return calls, nil
	}, 2)
	dst := make([]int, 6)
	n, err := e.LoadN(dst)
	if n != 4 || !errors.Is(err, boom) {
		t.Fatalf("LoadN(6) = (%d, %v); want (4, boom)", n, err)
	}
	if want := []int{1, 2, 3, 4}; fmt.Sprint(dst[:n]) != fmt.Sprint(want) {
		t.Errorf("LoadN values = %v; want %v", dst[:n], want)
	}
}

// FuzzBatchExecutor compares the executor with the plain sequence it
// should hand out, for one goroutine mixing Load, LoadN and a Local handle
// (the handle's values come from chunks it claimed, which the model tracks).
func FuzzBatchExecutor(f *testing.F) {
	f.Add(uint8(3), []byte{0, 1, 5, 2, 2, 0, 1, 3})
	f.Add(uint8(1), []byte{1, 7, 2, 2, 2, 0})
	f.Fuzz(func(t *testing.T, size uint8, ops []byte) {
		var s countingSource
		e := ftutils.NewBatchExecutor(s.get, int(size%16)+1)
		const chunk = 3
		l := e.Local(chunk)
		next := 0      // the next value the executor itself must hand out
		var held []int // the values the handle holds, in order
		for i := 0; i+1 < len(ops); i += 2 {
			switch ops[i] % 3 {
			case 0:
				if v, err := e.Load(); v != next || err != nil {
					t.Fatalf("op %d: Load() = (%d, %v); want (%d, nil)", i/2, v, err, next)
				}
				next++
			case 1:
				k := int(ops[i+1] % 8)
				dst := make([]int, k)
				if n, err := e.LoadN(dst); n != k || err != nil {
					t.Fatalf("op %d: LoadN(%d) = (%d, %v); want (%d, nil)", i/2, k, n, err, k)
				}
				for j, v := range dst {
					if v != next+j {
						t.Fatalf("op %d: LoadN(%d)[%d] = %d; want %d", i/2, k, j, v, next+j)
					}
				}
				next += k
			case 2:
				if len(held) == 0 {
					// The handle claims a whole chunk (LoadN refills
					// as often as it needs to).
					n := chunk
					for j := range n {
						held = append(held, next+j)
					}
					next += n
				}
				v, err := l.Load()
				if v != held[0] || err != nil {
					t.Fatalf("op %d: Local.Load() = (%d, %v); want (%d, nil)", i/2, v, err, held[0])
				}
				held = held[1:]
			}
		}
	})
}

func TestBatchExecutor_SourceNotConcurrent(t *testing.T) {
	// The source has no lock; the race detector and the in-flight check
	// catch a concurrent call.
	var inFlight atomic.Int32
	var n int
	e := ftutils.NewBatchExecutor(func() int {
		if inFlight.Add(1) != 1 {
			t.Error("source called concurrently")
		}
		n++
		inFlight.Add(-1)
		return n
	}, 2)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range stress.Scale(5000) {
				if _, err := e.Load(); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestBatchExecutor_SourceGoexit: a source that calls runtime.Goexit ends
// the calling goroutine (as it would anywhere) and closes the executor.
func TestBatchExecutor_SourceGoexit(t *testing.T) {
	e := ftutils.NewBatchExecutor(func() int { runtime.Goexit(); return 0 }, 2)
	var wg sync.WaitGroup
	returned := false
	wg.Go(func() {
		e.Load()
		returned = true
	})
	wg.Wait()
	if returned {
		t.Error("Load returned; want runtime.Goexit to end the goroutine")
	}
	if _, err := e.Load(); !errors.Is(err, ftutils.ErrClosed) || !strings.Contains(err.Error(), "Goexit") {
		t.Errorf("Load() after Goexit = %v; want ErrClosed naming Goexit", err)
	}
}
