//lint:file-ignore SA2001 the tests check the lock itself; empty sections are the point.

package ftutils_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/stress"
)

// lockMustPanic runs f and fails the test unless it panics with a message
// starting "ftutils: " that contains want.
func lockMustPanic(t *testing.T, name, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		msg, _ := r.(string)
		if r == nil || !strings.HasPrefix(msg, "ftutils: ") || !strings.Contains(msg, want) {
			t.Errorf("%s: recovered %v; want a panic \"ftutils: ...%s...\"", name, r, want)
		}
	}()
	f()
}

var _ sync.Locker = (*ftutils.IntervalLock)(nil)

func TestIntervalLock_Basic(t *testing.T) {
	var l ftutils.IntervalLock
	if got := l.Interval(); got != 5*time.Millisecond {
		t.Errorf("zero value Interval() = %v; want 5ms", got)
	}
	if got := ftutils.NewIntervalLock(time.Second).Interval(); got != time.Second {
		t.Errorf("NewIntervalLock(1s).Interval() = %v; want 1s", got)
	}
	steps := []struct {
		name string
		op   func() bool
		want bool
	}{
		{"Locked()", l.Locked, false},
		{"TryLock()", l.TryLock, true},
		{"Locked()", l.Locked, true},
		{"TryLock()", l.TryLock, false},
		{"Unlock(); Locked()", func() bool { l.Unlock(); return l.Locked() }, false},
		{"Lock(); Locked()", func() bool { l.Lock(); return l.Locked() }, true},
		{"Poll(); Locked()", func() bool { l.Poll(); return l.Locked() }, true},
		{"Cede(); Locked()", func() bool { l.Cede(); return l.Locked() }, true},
		{"TryLock()", l.TryLock, false}, // timed lock: another path
		{"Unlock(); TryLock()", func() bool { l.Unlock(); return l.TryLock() }, true},
		{"LockContext() != nil", func() bool {
			l.Unlock()
			return l.LockContext(context.Background()) != nil
		}, false},
		{"Locked()", l.Locked, true},
		{"Unlock(); Locked()", func() bool { l.Unlock(); return l.Locked() }, false},
	}
	for i, st := range steps {
		if got := st.op(); got != st.want {
			t.Errorf("step %d: %s = %v; want %v", i, st.name, got, st.want)
		}
	}
}

func TestIntervalLock_Misuse(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Millisecond} {
		lockMustPanic(t, fmt.Sprintf("NewIntervalLock(%v)", d), "interval", func() {
			ftutils.NewIntervalLock(d)
		})
	}
	var l ftutils.IntervalLock
	lockMustPanic(t, "Unlock of unlocked", "Unlock of unlocked", l.Unlock)
	lockMustPanic(t, "Poll of unlocked", "Poll of unlocked", l.Poll)
	lockMustPanic(t, "Cede of unlocked", "Cede of unlocked", l.Cede)
	l.Lock()
	l.Unlock()
	lockMustPanic(t, "double Unlock", "Unlock of unlocked", l.Unlock)
	l.Lock()
	l.Poll() // now timed: the panics take other paths
	l.Unlock()
	lockMustPanic(t, "Unlock of unlocked timed lock", "Unlock of unlocked", l.Unlock)
	lockMustPanic(t, "Poll of unlocked timed lock", "Poll of unlocked", l.Poll)
	// The panics left the lock usable.
	if !l.TryLock() {
		t.Fatal("TryLock() after recovered misuse = false; want true")
	}
	l.Unlock()
}

// TestIntervalLock_UnlockFromOtherGoroutine checks the documented
// sync.Mutex-like rule: any goroutine may unlock.
func TestIntervalLock_UnlockFromOtherGoroutine(t *testing.T) {
	var l ftutils.IntervalLock
	l.Lock()
	done := make(chan struct{})
	go func() { l.Unlock(); close(done) }()
	<-done
	if l.Locked() {
		t.Error("Locked() after Unlock in another goroutine = true; want false")
	}
}

// ilQueueWaiters starts one goroutine per name, in order, each queued before
// the next starts; each logs its name when it gets the lock and unlocks.
// It must run in a synctest bubble with l held.
func ilQueueWaiters(t *testing.T, l *ftutils.IntervalLock, log *[]string, names ...string) {
	t.Helper()
	for i, name := range names {
		go func() {
			l.Lock()
			*log = append(*log, name) // guarded by l
			l.Unlock()
		}()
		synctest.Wait()
		if got := ftutils.IntervalLockWaiters(l); got != i+1 {
			t.Fatalf("after queueing %s: waiters = %d; want %d", name, got, i+1)
		}
	}
}

// TestIntervalLock_FIFO checks the documented fairness: waiters get the lock
// in the order they queued, and nobody can take it while they wait, not
// even in the instant after Unlock.
func TestIntervalLock_FIFO(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var l ftutils.IntervalLock
		var log []string
		l.Lock()
		ilQueueWaiters(t, &l, &log, "w0", "w1", "w2", "w3")
		l.Unlock()
		// Ownership passed to w0 inside Unlock: no barging.
		if !l.Locked() || l.TryLock() {
			t.Errorf("right after Unlock with waiters: Locked() = %v, TryLock() succeeded = %v; want true, false",
				l.Locked(), !l.Locked())
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := l.LockContext(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("LockContext(cancelled) = %v; want context.Canceled", err)
		}
		synctest.Wait()
		if want := []string{"w0", "w1", "w2", "w3"}; !slices.Equal(log, want) {
			t.Errorf("acquisition order = %v; want %v", log, want)
		}
		if l.Locked() {
			t.Error("Locked() after all waiters ran = true; want false")
		}
	})
}

// TestIntervalLock_CedeHandsOff checks that Cede lets every waiter run before
// the ceder continues, and returns at once when nobody waits.
func TestIntervalLock_CedeHandsOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var l ftutils.IntervalLock
		var log []string
		l.Lock()
		l.Cede() // nobody waits: immediate
		log = append(log, "main")
		ilQueueWaiters(t, &l, &log, "w0", "w1", "w2")
		l.Cede()
		log = append(log, "main")
		if want := []string{"main", "w0", "w1", "w2", "main"}; !slices.Equal(log, want) {
			t.Errorf("order = %v; want %v", log, want)
		}
		if !l.Locked() {
			t.Error("Locked() after Cede = false; want true")
		}
		// A waiter that queues while the ceder is away goes behind it.
		ilQueueWaiters(t, &l, &log, "w3")
		l.Cede()
		log = append(log, "main")
		l.Unlock()
		synctest.Wait()
		if want := []string{"w3", "main"}; !slices.Equal(log[5:], want) {
			t.Errorf("order = %v; want ... %v", log, want)
		}
	})
}

// TestIntervalLock_Poll checks that Poll cedes exactly when the interval has
// passed since acquisition, and that a cede restarts the interval.
func TestIntervalLock_Poll(t *testing.T) {
	for _, interval := range []time.Duration{0, time.Millisecond, time.Second} {
		t.Run(fmt.Sprintf("interval=%v", interval), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				l := new(ftutils.IntervalLock)
				if interval != 0 {
					l = ftutils.NewIntervalLock(interval)
				}
				iv := l.Interval()
				var log []string
				l.Lock()
				l.Poll() // the first Poll ever starts the clock
				l.Unlock()
				l.Lock() // acquisition starts the interval
				ilQueueWaiters(t, l, &log, "w0")
				time.Sleep(iv - time.Nanosecond)
				l.Poll()
				if len(log) != 0 {
					t.Fatalf("Poll at interval-1ns ceded: log = %v", log)
				}
				time.Sleep(time.Nanosecond)
				l.Poll()
				if !slices.Equal(log, []string{"w0"}) {
					t.Fatalf("Poll at interval: log = %v; want [w0]", log)
				}
				// The cede restarted the interval.
				ilQueueWaiters(t, l, &log, "w1")
				time.Sleep(iv - time.Nanosecond)
				l.Poll()
				if len(log) != 1 {
					t.Fatalf("Poll at interval-1ns after a cede ceded: log = %v", log)
				}
				// Cede restarts it too.
				l.Cede()
				time.Sleep(iv - time.Nanosecond)
				ilQueueWaiters(t, l, &log, "w2")
				l.Poll()
				if len(log) != 2 {
					t.Fatalf("Poll at interval-1ns after Cede ceded: log = %v", log)
				}
				l.Unlock()
				synctest.Wait()
			})
		})
	}
}

// TestIntervalLock_PollStride checks the documented sampling bounds: after a
// burst of polls in no time the stride reaches its cap, a due Poll is late
// by at most that many polls, and one long gap brings the stride back to 1.
func TestIntervalLock_PollStride(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var l ftutils.IntervalLock
		var ran atomic.Int64
		stop := make(chan struct{})
		go func() { // a waiter that queues again after each turn
			for {
				l.Lock()
				ran.Add(1)
				l.Unlock()
				select {
				case <-stop:
					return
				default:
				}
			}
		}()
		l.Lock()
		synctest.Wait()
		l.Poll()
		for range 1 << 20 {
			l.Poll() // fake time stands still: the stride doubles
		}
		const maxStride = 1 << 16
		if got := ftutils.IntervalLockStride(&l); got != maxStride {
			t.Fatalf("stride after 2^20 polls in no time = %d; want %d", got, maxStride)
		}
		if ran.Load() != 0 {
			t.Fatalf("waiter ran %d times before the interval passed", ran.Load())
		}
		time.Sleep(l.Interval())
		polls := 0
		for ran.Load() == 0 {
			if polls++; polls > maxStride {
				t.Fatalf("Poll did not cede within %d polls after the interval", maxStride)
			}
			l.Poll()
		}
		// That check saw a gap far above interval/16: the stride shrinks
		// to 1, so the next due Poll cedes at once.
		if got := ftutils.IntervalLockStride(&l); got != 1 {
			t.Errorf("stride after a long gap = %d; want 1", got)
		}
		time.Sleep(l.Interval())
		before := ran.Load()
		l.Poll()
		if ran.Load() == before {
			t.Error("first Poll after the interval with stride 1 did not cede")
		}
		close(stop)
		l.Unlock()
		synctest.Wait()
	})
}

// TestIntervalLock_LockContext checks that a cancelled or expired wait
// returns ctx.Err() and leaves no trace, and that a wait that succeeds
// holds the lock.
func TestIntervalLock_LockContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var l ftutils.IntervalLock
		l.Lock()
		errs := make(chan error, 2)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
			defer cancel()
			errs <- l.LockContext(ctx)
		}()
		synctest.Wait()
		if got := ftutils.IntervalLockWaiters(&l); got != 1 {
			t.Fatalf("waiters = %d; want 1", got)
		}
		time.Sleep(2 * time.Millisecond)
		if err := <-errs; !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("LockContext past its deadline = %v; want DeadlineExceeded", err)
		}
		if got := ftutils.IntervalLockWaiters(&l); got != 0 || !l.Locked() {
			t.Errorf("after the timeout: waiters = %d, Locked() = %v; want 0, true", got, l.Locked())
		}
		l.Unlock()
		if l.Locked() {
			t.Error("Locked() after Unlock = true; want false (a ghost waiter got it)")
		}

		// A successful wait.
		l.Lock()
		go func() { errs <- l.LockContext(context.Background()) }()
		synctest.Wait()
		l.Unlock()
		if err := <-errs; err != nil {
			t.Errorf("LockContext = %v; want nil", err)
		}
		if !l.Locked() {
			t.Error("Locked() after LockContext succeeded = false; want true")
		}
		l.Unlock()
	})
}

// TestIntervalLock_Hammer locks from many goroutines with a mix of Lock,
// TryLock, LockContext, Poll and Cede, checking mutual exclusion, that no
// increment is lost, and (without timeouts, where every queued waiter will
// take its turn) that a Cede with waiters lets one of them run.
func TestIntervalLock_Hammer(t *testing.T) {
	for _, timeouts := range []bool{false, true} {
		t.Run(fmt.Sprintf("timeouts=%v", timeouts), func(t *testing.T) {
			stress.Sweep(t, func(t *testing.T, procs int) {
				hammerIntervalLock(t, timeouts)
			})
		})
	}
}

func hammerIntervalLock(t *testing.T, timeouts bool) {
	l := ftutils.NewIntervalLock(20 * time.Microsecond)
	var inside atomic.Int32
	total := 0    // increments; guarded by l
	sections := 0 // critical sections, including resumptions; guarded by l
	const goroutines = 8
	iters := stress.Scale(2000)
	var gaveUp atomic.Int64
	enter := func() {
		if n := inside.Add(1); n != 1 {
			t.Errorf("%d goroutines inside the lock", n)
		}
		sections++
	}
	stress.Hammer(goroutines, iters, func(g, i int) {
		switch {
		case i%4 == 1:
			for !l.TryLock() {
				if l.LockContext(context.Background()) == nil {
					break
				}
			}
		case i%4 == 2 && timeouts:
			d := time.Duration(rand.IntN(50)) * time.Microsecond
			ctx, cancel := context.WithTimeout(context.Background(), d)
			err := l.LockContext(ctx)
			cancel()
			if err != nil {
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("LockContext = %v; want nil or DeadlineExceeded", err)
				}
				gaveUp.Add(1)
				return
			}
		default:
			l.Lock()
		}
		enter()
		total++
		for range 3 {
			inside.Add(-1) // Poll and Cede may give the lock away
			if i%8 == 3 {
				before := sections
				waiting := ftutils.IntervalLockWaiters(l)
				l.Cede()
				if !timeouts && waiting > 0 && sections == before {
					t.Errorf("Cede with %d waiters returned before any ran", waiting)
				}
			} else {
				l.Poll()
			}
			enter()
		}
		inside.Add(-1)
		l.Unlock()
	})
	if want := goroutines*iters - int(gaveUp.Load()); total != want {
		t.Errorf("total = %d; want %d", total, want)
	}
	if l.Locked() || ftutils.IntervalLockWaiters(l) != 0 {
		t.Errorf("after the hammer: Locked() = %v, waiters = %d; want false, 0",
			l.Locked(), ftutils.IntervalLockWaiters(l))
	}
}

func TestIntervalLock_Allocs(t *testing.T) {
	var l ftutils.IntervalLock
	if n := testing.AllocsPerRun(100, func() { l.Lock(); l.Unlock() }); n != 0 {
		t.Errorf("Lock+Unlock allocs = %v; want 0", n)
	}
	l.Lock()
	if n := testing.AllocsPerRun(100, func() { l.Poll(); l.Cede() }); n != 0 {
		t.Errorf("Poll+Cede without waiters allocs = %v; want 0", n)
	}
	l.Unlock()
}

// FuzzIntervalLock applies single-goroutine operations (the ones that cannot
// block) to an IntervalLock and to a model, comparing every result.
func FuzzIntervalLock(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 1, 1, 0, 0})
	f.Add([]byte{1, 3, 3, 4, 4, 1, 2, 5, 2})
	f.Fuzz(func(t *testing.T, ops []byte) {
		var l ftutils.IntervalLock
		var mu sync.Mutex // guards the model, as the spec asks
		locked := false
		for i, op := range ops {
			mu.Lock()
			switch op % 6 {
			case 0: // TryLock
				if got := l.TryLock(); got == locked {
					t.Fatalf("op %d: TryLock() = %v with model locked = %v", i, got, locked)
				}
				locked = true
			case 1: // Unlock
				if locked {
					l.Unlock()
					locked = false
				} else {
					lockMustPanic(t, "Unlock", "Unlock of unlocked", l.Unlock)
				}
			case 2: // Poll
				if locked {
					l.Poll()
				} else {
					lockMustPanic(t, "Poll", "Poll of unlocked", l.Poll)
				}
			case 3: // Cede
				if locked {
					l.Cede()
				} else {
					lockMustPanic(t, "Cede", "Cede of unlocked", l.Cede)
				}
			case 4: // Lock if free (it would deadlock otherwise)
				if !locked {
					l.Lock()
					locked = true
				}
			case 5: // LockContext with a done context: never acquires
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				if err := l.LockContext(ctx); err == nil {
					t.Fatalf("op %d: LockContext(cancelled) = nil", i)
				}
			}
			if got := l.Locked(); got != locked {
				t.Fatalf("op %d: Locked() = %v; want %v", i, got, locked)
			}
			mu.Unlock()
		}
	})
}

// lockInlineReport caches `go build -gcflags=-m` output for the package.
var lockInlineReport = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "build", "-gcflags=-m", ".").CombinedOutput()
	return string(out), err
})

// lockCheckInlined fails the test unless the compiler can inline each of the
// named functions (as the compiler prints them, e.g. "(*RWLock).RLock").
func lockCheckInlined(t *testing.T, funcs ...string) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command:", err)
	}
	if stress.RaceEnabled {
		t.Skip("the race detector's build inlines differently")
	}
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("64-bit atomics are calls, not intrinsics, on", runtime.GOARCH)
	}
	out, err := lockInlineReport()
	if err != nil {
		t.Fatalf("go build -gcflags=-m: %v\n%s", err, out)
	}
	for _, f := range funcs {
		if !strings.Contains(out, "can inline "+f+" ") && !strings.Contains(out, "can inline "+f+"\n") {
			t.Errorf("%s does not inline; its fast path must stay within the inlining budget", f)
		}
	}
}

func TestIntervalLock_Inlining(t *testing.T) {
	lockCheckInlined(t, "(*IntervalLock).Lock", "(*IntervalLock).Unlock",
		"(*IntervalLock).TryLock", "(*IntervalLock).Poll", "(*IntervalLock).Locked")
}
