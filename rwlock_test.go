//lint:file-ignore SA2001 the tests check the lock itself; empty sections are the point.

package ftutils_test

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/stress"
)

var _ sync.Locker = (*ftutils.RWLock)(nil)

// rwSnapshot is the introspection triple, for comparisons.
type rwSnapshot struct {
	readers, writersWaiting int
	writerLocked            bool
}

func rwSnap(rw *ftutils.RWLock) rwSnapshot {
	return rwSnapshot{rw.Readers(), rw.WritersWaiting(), rw.WriterLocked()}
}

func TestRWLock_Basic(t *testing.T) {
	var rw ftutils.RWLock
	steps := []struct {
		name string
		op   func() bool
		want bool
		snap rwSnapshot
	}{
		{"TryRLock()", rw.TryRLock, true, rwSnapshot{1, 0, false}},
		{"RLock(); true", func() bool { rw.RLock(); return true }, true, rwSnapshot{2, 0, false}},
		{"RLocker().Lock(); true", func() bool { rw.RLocker().Lock(); return true }, true, rwSnapshot{3, 0, false}},
		{"TryLock()", rw.TryLock, false, rwSnapshot{3, 0, false}},
		{"RUnlock()x3; TryLock()", func() bool {
			rw.RUnlock()
			rw.RLocker().Unlock()
			rw.RUnlock()
			return rw.TryLock()
		}, true, rwSnapshot{0, 0, true}},
		{"TryRLock()", rw.TryRLock, false, rwSnapshot{0, 0, true}},
		{"TryLock()", rw.TryLock, false, rwSnapshot{0, 0, true}},
		{"Unlock(); Lock(); true", func() bool { rw.Unlock(); rw.Lock(); return true }, true, rwSnapshot{0, 0, true}},
		{"Unlock(); TryRLock()", func() bool { rw.Unlock(); return rw.TryRLock() }, true, rwSnapshot{1, 0, false}},
		{"RUnlock(); true", func() bool { rw.RUnlock(); return true }, true, rwSnapshot{0, 0, false}},
	}
	for i, st := range steps {
		if got := st.op(); got != st.want {
			t.Errorf("step %d: %s = %v; want %v", i, st.name, got, st.want)
		}
		if got := rwSnap(&rw); got != st.snap {
			t.Errorf("step %d: after %s: (Readers, WritersWaiting, WriterLocked) = %v; want %v",
				i, st.name, got, st.snap)
		}
	}
}

// TestRWLock_Misuse checks that unbalanced unlocks panic and leave the
// counts as they were.
func TestRWLock_Misuse(t *testing.T) {
	var rw ftutils.RWLock
	lockMustPanic(t, "RUnlock of unlocked", "RUnlock of unlocked", rw.RUnlock)
	lockMustPanic(t, "Unlock of unlocked", "Unlock of unlocked", rw.Unlock)
	if got := rwSnap(&rw); got != (rwSnapshot{}) {
		t.Errorf("after misuse on an unlocked lock: %v; want zero", got)
	}
	rw.RLock()
	lockMustPanic(t, "Unlock while read-locked", "Unlock of unlocked", rw.Unlock)
	rw.RUnlock()
	lockMustPanic(t, "RUnlock after the last RUnlock", "RUnlock of unlocked", rw.RUnlock)
	rw.Lock()
	lockMustPanic(t, "RUnlock while write-locked", "RUnlock of unlocked", rw.RUnlock)
	if got := rwSnap(&rw); got != (rwSnapshot{0, 0, true}) {
		t.Errorf("after RUnlock misuse while write-locked: %v; want {0 0 true}", got)
	}
	rw.Unlock()
	lockMustPanic(t, "double Unlock", "Unlock of unlocked", rw.Unlock)
	// The lock still works.
	if !rw.TryLock() {
		t.Fatal("TryLock() after recovered misuse = false; want true")
	}
	rw.Unlock()
	if got := rwSnap(&rw); got != (rwSnapshot{}) {
		t.Errorf("at the end: %v; want zero", got)
	}
}

// lockOrderLog records events from goroutines in a synctest bubble.
type lockOrderLog struct {
	mu sync.Mutex
	ev []string
}

func (o *lockOrderLog) add(s string) { o.mu.Lock(); o.ev = append(o.ev, s); o.mu.Unlock() }
func (o *lockOrderLog) get() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.ev)
}

// TestRWLock_WriterPreference proves, deterministically, that a writer
// waiting for readers blocks new readers, and that it gets the lock as soon
// as the readers it waited for leave.
func TestRWLock_WriterPreference(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var rw ftutils.RWLock
		var log lockOrderLog
		for range 5 {
			rw.RLock()
		}
		go func() { rw.Lock(); log.add("writer"); rw.Unlock() }()
		synctest.Wait()
		if got := rwSnap(&rw); got != (rwSnapshot{5, 1, false}) {
			t.Fatalf("5 readers and a waiting writer: %v; want {5 1 false}", got)
		}
		go func() { rw.RLock(); log.add("late reader"); rw.RUnlock() }()
		synctest.Wait()
		if got := log.get(); len(got) != 0 {
			t.Fatalf("a reader got in past the waiting writer: %v", got)
		}
		if rw.TryRLock() {
			t.Fatal("TryRLock() with a writer waiting = true; want false")
		}
		if got := rwSnap(&rw); got != (rwSnapshot{5, 1, false}) {
			t.Fatalf("after a late reader queued: %v; want {5 1 false}", got)
		}
		for range 5 {
			rw.RUnlock()
		}
		synctest.Wait()
		if got, want := log.get(), []string{"writer", "late reader"}; !slices.Equal(got, want) {
			t.Errorf("order = %v; want %v", got, want)
		}
		if got := rwSnap(&rw); got != (rwSnapshot{}) {
			t.Errorf("at the end: %v; want zero", got)
		}
	})
}

// TestRWLock_NoReaderStarvation proves that readers who queued during a
// write go before the next writer, and that every queued writer gets in.
func TestRWLock_NoReaderStarvation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var rw ftutils.RWLock
		var log lockOrderLog
		rw.Lock()
		start := func(name string, write bool) {
			go func() {
				if write {
					rw.Lock()
					log.add(name)
					rw.Unlock()
				} else {
					rw.RLock()
					log.add(name)
					rw.RUnlock()
				}
			}()
			synctest.Wait()
		}
		start("r1", false)
		start("w1", true)
		start("r2", false)
		start("w2", true)
		start("w3", true)
		if got := rwSnap(&rw); got != (rwSnapshot{0, 3, true}) {
			t.Fatalf("writer holding, 3 writers and 2 readers waiting: %v; want {0 3 true}", got)
		}
		rw.Unlock()
		synctest.Wait()
		got := log.get()
		if len(got) != 5 || !slices.Contains(got[:2], "r1") || !slices.Contains(got[:2], "r2") ||
			!slices.Contains(got[2:], "w1") || !slices.Contains(got[2:], "w2") || !slices.Contains(got[2:], "w3") {
			t.Errorf("order = %v; want r1 and r2 (either order), then w1 w2 w3 (any order)", got)
		}
		if got := rwSnap(&rw); got != (rwSnapshot{}) {
			t.Errorf("at the end: %v; want zero", got)
		}
	})
}

// TestRWLock_WriterStarvation proves that a parked writer cannot be starved
// by a writer that barges in at every Unlock: once it has waited more than
// a millisecond, the next Unlock hands it the lock. The main goroutine
// holds the lock for 100 µs (bubble time), unlocks and at once locks again,
// which without the hand-off wins every time at GOMAXPROCS=1 (the woken
// writer has not run yet).
func TestRWLock_WriterStarvation(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	synctest.Test(t, func(t *testing.T) {
		var rw ftutils.RWLock
		var got atomic.Bool
		rw.Lock()
		go func() { rw.Lock(); got.Store(true); rw.Unlock() }()
		synctest.Wait()
		if n := rw.WritersWaiting(); n != 1 {
			t.Fatalf("WritersWaiting() with one writer parked = %d; want 1", n)
		}
		start := time.Now()
		for !got.Load() {
			if waited := time.Since(start); waited > 3*time.Millisecond {
				t.Fatalf("a parked writer still waits after %v of Unlock+Lock by another writer", waited)
			}
			time.Sleep(100 * time.Microsecond)
			rw.Unlock()
			rw.Lock()
		}
		if waited := time.Since(start); waited < time.Millisecond {
			t.Logf("the parked writer got in after %v, before starvation mode (GOMAXPROCS > 1?)", waited)
		}
		rw.Unlock()
		if got := rwSnap(&rw); got != (rwSnapshot{}) {
			t.Errorf("at the end: %v; want zero", got)
		}
	})
}

// TestRWLock_StarvingWriterAfterReaders proves that the hand-off to a
// starving writer still admits the readers that queued during the write
// first, and that new readers wait behind the starving writer.
func TestRWLock_StarvingWriterAfterReaders(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	synctest.Test(t, func(t *testing.T) {
		var rw ftutils.RWLock
		var log lockOrderLog
		rw.Lock()
		go func() { rw.Lock(); log.add("w"); rw.Unlock() }()
		synctest.Wait()
		// Cycle the lock with the writer parked until it has waited
		// past the starvation threshold; each cycle wakes it and it
		// finds the lock taken again.
		time.Sleep(2 * time.Millisecond)
		rw.Unlock()
		rw.Lock()
		synctest.Wait()
		if len(log.get()) != 0 {
			// The woken writer won the race for the slot instead
			// (GOMAXPROCS > 1): nothing left to test here.
			rw.Unlock()
			t.Skip("the parked writer won the slot before starving")
		}
		go func() { rw.RLock(); log.add("r"); rw.RUnlock() }()
		synctest.Wait()
		if rw.TryRLock() {
			t.Fatal("TryRLock() while write-locked = true; want false")
		}
		if got := rwSnap(&rw); got != (rwSnapshot{0, 1, true}) {
			t.Fatalf("holder, starving writer, queued reader: %v; want {0 1 true}", got)
		}
		rw.Unlock()
		go func() { rw.Lock(); log.add("barger"); rw.Unlock() }()
		synctest.Wait()
		got := log.get()
		if want := []string{"r", "w", "barger"}; !slices.Equal(got, want) {
			t.Errorf("order = %v; want %v", got, want)
		}
		if got := rwSnap(&rw); got != (rwSnapshot{}) {
			t.Errorf("at the end: %v; want zero", got)
		}
	})
}

// TestRWLock_Hammer runs readers and writers over GOMAXPROCS {1, 4, 10} and
// {1, 3, 10} readers: writers keep two fields equal, readers check them and
// the introspection invariants, and the final count must match.
func TestRWLock_Hammer(t *testing.T) {
	for _, procs := range []int{1, 4, 10} {
		for _, readers := range []int{1, 3, 10} {
			t.Run(fmt.Sprintf("procs=%d/readers=%d", procs, readers), func(t *testing.T) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				hammerRWLock(t, readers, 2, stress.Scale(3000))
			})
		}
	}
	// Many writers: barging, wake-ups and starvation hand-offs.
	for _, procs := range []int{1, 4} {
		t.Run(fmt.Sprintf("procs=%d/readers=2/writers=8", procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			hammerRWLock(t, 2, 8, stress.Scale(2000))
		})
	}
}

func hammerRWLock(t *testing.T, readers, writers, iters int) {
	var rw ftutils.RWLock
	var a, b int            // guarded by rw; writers keep a == b
	var inside atomic.Int64 // +1 per reader, +1<<32 per writer
	const writerUnit = 1 << 32
	stress.Hammer(readers+writers, iters, func(g, i int) {
		if g < writers {
			if i%3 == 0 {
				for !rw.TryLock() {
					runtime.Gosched()
				}
			} else {
				rw.Lock()
			}
			if n := inside.Add(writerUnit); n != writerUnit {
				t.Errorf("writer entered with %d readers and %d writers inside", n%writerUnit, n/writerUnit)
			}
			if !rw.WriterLocked() || rw.Readers() != 0 {
				t.Errorf("inside a write: WriterLocked() = %v, Readers() = %d; want true, 0",
					rw.WriterLocked(), rw.Readers())
			}
			a++
			b++
			inside.Add(-writerUnit)
			rw.Unlock()
			return
		}
		locker := sync.Locker(rw.RLocker())
		switch i % 3 {
		case 0:
			rw.RLock()
		case 1:
			for !rw.TryRLock() {
				runtime.Gosched()
			}
		case 2:
			locker.Lock()
		}
		if n := inside.Add(1); n >= writerUnit {
			t.Errorf("reader entered with a writer inside")
		}
		if a != b {
			t.Errorf("reader saw a = %d, b = %d", a, b)
		}
		if rw.WriterLocked() || rw.Readers() < 1 {
			t.Errorf("inside a read: WriterLocked() = %v, Readers() = %d; want false, >= 1",
				rw.WriterLocked(), rw.Readers())
		}
		inside.Add(-1)
		if i%3 == 2 {
			locker.Unlock()
		} else {
			rw.RUnlock()
		}
	})
	if want := writers * iters; a != want || b != want {
		t.Errorf("a, b = %d, %d; want %d", a, b, want)
	}
	if got := rwSnap(&rw); got != (rwSnapshot{}) {
		t.Errorf("after the hammer: %v; want zero", got)
	}
}

func TestRWLock_Allocs(t *testing.T) {
	var rw ftutils.RWLock
	n := testing.AllocsPerRun(100, func() {
		rw.RLock()
		rw.RUnlock()
		rw.Lock()
		rw.Unlock()
		rw.RLocker().Lock()
		rw.RLocker().Unlock()
	})
	if n != 0 {
		t.Errorf("uncontended operations allocate %v times; want 0", n)
	}
}

// FuzzRWLock applies single-goroutine operations (the ones that cannot
// block) to an RWLock and to a model, comparing every result and the
// introspection after each step.
func FuzzRWLock(f *testing.F) {
	f.Add([]byte{0, 0, 1, 2, 3, 3, 3, 4, 2, 5, 5, 6})
	f.Add([]byte{2, 2, 4, 4, 0, 3, 6, 6, 1})
	f.Fuzz(func(t *testing.T, ops []byte) {
		var rw ftutils.RWLock
		var mu sync.Mutex // guards the model
		readers, writer := 0, false
		for i, op := range ops {
			mu.Lock()
			switch op % 7 {
			case 0: // RLock when it cannot block
				if !writer {
					rw.RLock()
					readers++
				}
			case 1: // TryRLock
				if got := rw.TryRLock(); got != !writer {
					t.Fatalf("op %d: TryRLock() = %v; want %v", i, got, !writer)
				}
				if !writer {
					readers++
				}
			case 2: // TryLock
				want := !writer && readers == 0
				if got := rw.TryLock(); got != want {
					t.Fatalf("op %d: TryLock() = %v; want %v", i, got, want)
				}
				writer = writer || want
			case 3: // RUnlock
				if readers > 0 {
					rw.RUnlock()
					readers--
				} else {
					lockMustPanic(t, "RUnlock", "RUnlock of unlocked", rw.RUnlock)
				}
			case 4: // Unlock
				if writer {
					rw.Unlock()
					writer = false
				} else {
					lockMustPanic(t, "Unlock", "Unlock of unlocked", rw.Unlock)
				}
			case 5: // Lock when it cannot block
				if !writer && readers == 0 {
					rw.Lock()
					writer = true
				}
			case 6: // RLocker
				if readers > 0 {
					rw.RLocker().Unlock()
					readers--
				} else if !writer {
					rw.RLocker().Lock()
					readers++
				}
			}
			if got, want := rwSnap(&rw), (rwSnapshot{readers, 0, writer}); got != want {
				t.Fatalf("op %d: (Readers, WritersWaiting, WriterLocked) = %v; want %v", i, got, want)
			}
			mu.Unlock()
		}
	})
}

func TestRWLock_Inlining(t *testing.T) {
	lockCheckInlined(t, "(*RWLock).RLock", "(*RWLock).RUnlock", "(*RWLock).Lock",
		"(*RWLock).Unlock", "(*RWLock).TryLock")
}
