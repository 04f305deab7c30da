package ftutils_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/stress"
)

func TestAtomicFlagBasics(t *testing.T) {
	var f ftutils.AtomicFlag
	if f.Load() {
		t.Fatal("zero Load() = true; want false")
	}
	f.Store(true)
	if !f.Load() {
		t.Fatal("Load() after Store(true) = false")
	}
	if old := f.Swap(false); !old || f.Load() {
		t.Fatalf("Swap(false) = %v, left %v; want true, left false", old, f.Load())
	}
	if f.CompareAndSwap(true, false) {
		t.Fatal("CompareAndSwap(true, false) on false = true")
	}
	if !f.CompareAndSwap(false, true) || !f.Load() {
		t.Fatal("CompareAndSwap(false, true) on false failed")
	}
	if old := f.Toggle(); !old || f.Load() {
		t.Fatalf("Toggle() on true = %v, left %v; want true, left false", old, f.Load())
	}
}

// TestAtomicFlagWait checks that Wait parks until a write makes the flag
// true, for each kind of write, and returns at once when it already is.
func TestAtomicFlagWait(t *testing.T) {
	writes := map[string]func(f *ftutils.AtomicFlag){
		"Store":          func(f *ftutils.AtomicFlag) { f.Store(true) },
		"Swap":           func(f *ftutils.AtomicFlag) { f.Swap(true) },
		"CompareAndSwap": func(f *ftutils.AtomicFlag) { f.CompareAndSwap(false, true) },
		"Toggle":         func(f *ftutils.AtomicFlag) { f.Toggle() },
	}
	for name, write := range writes {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var f ftutils.AtomicFlag
				var returned ftutils.AtomicFlag
				var wg sync.WaitGroup
				for range 3 {
					wg.Go(func() {
						if err := f.Wait(context.Background()); err != nil {
							t.Errorf("Wait() = %v; want nil", err)
						}
						returned.Store(true)
					})
				}
				synctest.Wait() // all three are durably blocked
				if returned.Load() {
					t.Fatal("Wait returned before the flag was set")
				}
				write(&f)
				wg.Wait()
				if err := f.Wait(context.Background()); err != nil {
					t.Fatalf("Wait() on a true flag = %v", err)
				}
			})
		})
	}
}

func TestAtomicFlagWaitContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var f ftutils.AtomicFlag
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		err := f.Wait(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Wait(ctx with 1s timeout) = %v; want DeadlineExceeded", err)
		}
		if d := time.Since(start); d != time.Second {
			t.Fatalf("Wait returned after %v; want exactly 1s of fake time", d)
		}
		// The flag still works for later waiters after an abandoned wait.
		go f.Store(true)
		if err := f.Wait(context.Background()); err != nil {
			t.Fatalf("Wait() after Store(true) = %v", err)
		}
	})
}

// TestAtomicFlagStress races writers that set and clear the flag against
// waiters: every waiter must return (none may miss the final Store), and the
// number of Toggles decides the final value.
func TestAtomicFlagStress(t *testing.T) {
	iters := stress.Scale(2000)
	stress.Sweep(t, func(t *testing.T, procs int) {
		var f, toggled ftutils.AtomicFlag
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				if err := f.Wait(context.Background()); err != nil {
					t.Error(err)
				}
			})
		}
		stress.Hammer(4, iters, func(g, i int) {
			switch g {
			case 0:
				toggled.Toggle()
			default:
				f.Store(i%2 == 0)
			}
		})
		f.Store(true)
		wg.Wait()
		if got, want := toggled.Load(), iters%2 == 1; got != want {
			t.Errorf("after %d Toggles Load() = %v; want %v", iters, got, want)
		}
	})
}

// FuzzAtomicFlag applies a byte-encoded sequence of operations to an
// AtomicFlag and to a plain bool and compares every result.
func FuzzAtomicFlag(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7})
	f.Add([]byte{3, 3, 3, 1, 6, 2, 7})
	f.Fuzz(func(t *testing.T, data []byte) {
		var fl ftutils.AtomicFlag
		ref := false
		for _, b := range data {
			v := b&0x80 != 0
			switch b % 8 {
			case 0, 1:
				fl.Store(v)
				ref = v
			case 2:
				if got := fl.Swap(v); got != ref {
					t.Fatalf("Swap(%v) = %v; want %v", v, got, ref)
				}
				ref = v
			case 3:
				if got := fl.Toggle(); got != ref {
					t.Fatalf("Toggle() = %v; want %v", got, ref)
				}
				ref = !ref
			case 4, 5:
				old := b&0x40 != 0
				want := old == ref
				if got := fl.CompareAndSwap(old, v); got != want {
					t.Fatalf("CompareAndSwap(%v, %v) on %v = %v; want %v", old, v, ref, got, want)
				}
				if want {
					ref = v
				}
			case 6:
				if ref {
					// A true flag never blocks a Wait.
					if err := fl.Wait(context.Background()); err != nil {
						t.Fatalf("Wait() on a true flag = %v", err)
					}
				}
			}
			if got := fl.Load(); got != ref {
				t.Fatalf("Load() = %v; want %v", got, ref)
			}
		}
	})
}
