package ftutils_test

// Shutdown under load: producers and consumers run flat out while the
// queue is shut down in the middle. Shutdown(false) must lose nothing (the
// consumers drain every accepted item); Shutdown(true) must account for
// every item the consumers did not get, in the slice it returns. Every
// accepted item is delivered exactly once, no rejected item is delivered,
// each consumer sees each producer's items in order (FIFO), and for
// WorkQueue the unfinished-task count returns to zero so Join returns.

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/leakcheck"
	"github.com/ftutils-go/ftutils/internal/stress"
)

// loadQueue adapts Queue and WorkQueue to one producer/consumer interface.
type loadQueue interface {
	put(v uint64) error                         // blocking put; ErrShutDown after Shutdown
	putTimeout(v uint64, d time.Duration) error // put with a timeout; ErrFull when it expires
	get() (uint64, error)                       // blocking get; ErrShutDown once shut down and drained
	getTimeout(d time.Duration) (uint64, error) // get with a timeout; ErrEmpty when it expires
	done()                                      // WorkQueue.TaskDone after a get; no-op for Queue
	shutdown(imm bool) []uint64                 // Shutdown
	settle(t *testing.T)                        // checks after the run (Join, Unfinished, Len)
}

type loadQ struct{ q ftutils.Queue[uint64] }

func (l *loadQ) put(v uint64) error                         { return l.q.Push(v) }
func (l *loadQ) putTimeout(v uint64, _ time.Duration) error { return l.q.Push(v) } // Push never waits
func (l *loadQ) get() (uint64, error)                       { return l.q.Pop(context.Background()) }
func (l *loadQ) getTimeout(d time.Duration) (uint64, error) { return l.q.PopTimeout(d) }
func (l *loadQ) done()                                      {}
func (l *loadQ) shutdown(imm bool) []uint64                 { return l.q.Shutdown(imm) }
func (l *loadQ) settle(t *testing.T) {
	if n := l.q.Len(); n != 0 {
		t.Errorf("Len() after the run = %d; want 0", n)
	}
	if err := l.q.Push(1); !errors.Is(err, ftutils.ErrShutDown) {
		t.Errorf("Push after Shutdown = %v; want ErrShutDown", err)
	}
}

type loadWQ struct{ q *ftutils.WorkQueue[uint64] }

func (l *loadWQ) put(v uint64) error                         { return l.q.Put(context.Background(), v) }
func (l *loadWQ) putTimeout(v uint64, d time.Duration) error { return l.q.PutTimeout(v, d) }
func (l *loadWQ) get() (uint64, error)                       { return l.q.Get(context.Background()) }
func (l *loadWQ) getTimeout(d time.Duration) (uint64, error) { return l.q.GetTimeout(d) }
func (l *loadWQ) done()                                      { l.q.TaskDone() }
func (l *loadWQ) shutdown(imm bool) []uint64                 { return l.q.Shutdown(imm) }
func (l *loadWQ) settle(t *testing.T) {
	if n := l.q.Len(); n != 0 {
		t.Errorf("Len() after the run = %d; want 0", n)
	}
	if n := l.q.Unfinished(); n != 0 {
		t.Errorf("Unfinished() after every item was done or returned by Shutdown = %d; want 0", n)
	}
	// Join must return at once; the deadline only turns a hang into a
	// failure.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.q.Join(ctx); err != nil {
		t.Errorf("Join after the run = %v; want nil", err)
	}
}

func TestShutdownUnderLoad(t *testing.T) {
	kinds := []struct {
		name string
		mk   func() loadQueue
	}{
		{"Queue", func() loadQueue { return new(loadQ) }},
		{"WorkQueue/unbounded", func() loadQueue { return &loadWQ{ftutils.NewWorkQueue[uint64](0)} }},
		{"WorkQueue/cap=8", func() loadQueue { return &loadWQ{ftutils.NewWorkQueue[uint64](8)} }},
	}
	for _, k := range kinds {
		for _, imm := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/immediate=%v", k.name, imm), func(t *testing.T) {
				stress.Sweep(t, func(t *testing.T, procs int) {
					for range 3 {
						shutdownRun(t, k.mk(), imm, 4, 4, stress.Scale(20000))
						if t.Failed() {
							return
						}
					}
				})
			})
		}
	}
}

// shutdownRun runs producers and consumers on q, shuts q down once producer
// 0 has put a quarter of its items, and checks exactly-once delivery.
// Every third put of each producer and every get of consumer 0 use a 1 µs
// timeout and retry on ErrFull/ErrEmpty, so timeouts race the hand-overs
// and the shutdown too.
func shutdownRun(t *testing.T, q loadQueue, imm bool, producers, consumers, perProducer int) {
	t.Helper()
	half := make(chan struct{})
	accepted := make([][]uint64, producers) // per producer, in put order
	rejected := make([]int, producers)
	received := make([][]uint64, consumers) // per consumer, in get order
	var left []uint64
	var wg sync.WaitGroup
	var start sync.WaitGroup
	start.Add(1)
	for p := range producers {
		wg.Go(func() {
			start.Wait()
			for i := range perProducer {
				if p == 0 && i == perProducer/4 {
					close(half)
				}
				if i%64 == 63 {
					runtime.Gosched() // interleave even at GOMAXPROCS=1
				}
				v := uint64(p)<<32 | uint64(i)
				var err error
				if i%3 == 0 {
					err = q.putTimeout(v, time.Microsecond)
					for errors.Is(err, ftutils.ErrFull) {
						err = q.putTimeout(v, time.Microsecond)
					}
				} else {
					err = q.put(v)
				}
				switch {
				case err == nil && rejected[p] > 0:
					t.Errorf("put(%#x) accepted after an earlier put was rejected with ErrShutDown", v)
					return
				case err == nil:
					accepted[p] = append(accepted[p], v)
				case errors.Is(err, ftutils.ErrShutDown):
					rejected[p]++
				default:
					t.Errorf("put(%#x) = %v; want nil or ErrShutDown", v, err)
					return
				}
				if err != nil && p == 0 && i < perProducer/4 {
					t.Errorf("producer 0 rejected before the shutdown")
					return
				}
			}
		})
	}
	for c := range consumers {
		wg.Go(func() {
			start.Wait()
			for {
				var v uint64
				var err error
				if c == 0 {
					v, err = q.getTimeout(time.Microsecond)
					if errors.Is(err, ftutils.ErrEmpty) {
						continue
					}
				} else {
					v, err = q.get()
				}
				if errors.Is(err, ftutils.ErrShutDown) {
					return
				}
				if err != nil {
					t.Errorf("get() = %v; want an item or ErrShutDown", err)
					return
				}
				received[c] = append(received[c], v)
				q.done()
				if len(received[c])%64 == 63 {
					runtime.Gosched()
				}
			}
		})
	}
	start.Done()
	<-half
	left = q.shutdown(imm)
	wg.Wait()

	if !imm && left != nil {
		t.Errorf("Shutdown(false) returned %d items; want nil", len(left))
	}
	// Exactly once: every accepted item is in received or left, once.
	where := map[uint64]string{}
	for c, r := range received {
		last := map[uint32]uint32{}
		for _, v := range r {
			if w, dup := where[v]; dup {
				t.Errorf("item %#x delivered twice (%s and consumer %d)", v, w, c)
			}
			where[v] = fmt.Sprintf("consumer %d", c)
			p, i := uint32(v>>32), uint32(v)
			if l, ok := last[p]; ok && i <= l {
				t.Errorf("consumer %d got producer %d's item %d after its item %d (not FIFO)", c, p, i, l)
			}
			last[p] = i
		}
	}
	for j, v := range left {
		if w, dup := where[v]; dup {
			t.Errorf("item %#x both delivered (%s) and returned by Shutdown(true)", v, w)
		}
		where[v] = "left"
		if j > 0 && uint32(left[j-1]>>32) == uint32(v>>32) && uint32(left[j-1]) >= uint32(v) {
			t.Errorf("Shutdown(true) returned producer %d's items out of order", v>>32)
		}
	}
	total := 0
	for p, a := range accepted {
		total += len(a)
		for _, v := range a {
			if _, ok := where[v]; !ok {
				t.Errorf("item %#x accepted from producer %d but neither delivered nor returned by Shutdown: lost", v, p)
			} else {
				delete(where, v)
			}
		}
	}
	for v, w := range where {
		t.Errorf("item %#x (%s) was never accepted", v, w)
	}
	q.settle(t)
	if testing.Verbose() {
		t.Logf("accepted %d, delivered %d, returned by Shutdown %d, rejected %v", total, total-len(left), len(left), rejected)
	}
}

// TestLeakCheckCatchesBlockedPop shows that the root package's leak check
// (main_test.go, internal/leakcheck) would fail a test that leaves a Pop
// blocked, and that Shutdown releases such a Pop.
func TestLeakCheckCatchesBlockedPop(t *testing.T) {
	// Let goroutines of earlier tests finish exiting, so the baseline is
	// not inflated by stragglers that would mask the poppers below.
	if err := leakcheck.Check(settledGoroutines(), time.Second); err != nil {
		t.Fatal(err)
	}
	base := runtime.NumGoroutine()
	const poppers = 3
	var q ftutils.Queue[int]
	popped := make(chan error, poppers)
	for range poppers {
		go func() {
			_, err := q.Pop(context.Background())
			popped <- err
		}()
	}
	// The poppers exist from the go statements on, blocked or not.
	if err := leakcheck.Check(base, 50*time.Millisecond); err == nil {
		t.Fatalf("leakcheck.Check = nil with %d goroutines in Pop; want a leak report", poppers)
	}
	q.Shutdown(false)
	for range poppers {
		if err := <-popped; !errors.Is(err, ftutils.ErrShutDown) {
			t.Errorf("Pop after Shutdown = %v; want ErrShutDown", err)
		}
	}
	if err := leakcheck.Check(base, 5*time.Second); err != nil {
		t.Errorf("leakcheck.Check after Shutdown: %v", err)
	}
}

// settledGoroutines returns the lowest goroutine count seen while yielding
// for up to about 100ms.
func settledGoroutines() int {
	n := runtime.NumGoroutine()
	for range 100 {
		runtime.Gosched()
		time.Sleep(time.Millisecond)
		n = min(n, runtime.NumGoroutine())
	}
	return n
}

// TestQueuePopTimeoutLostWakeup: PopTimeout's timer fires, and before the
// popper acts on it a Push wakes it and another consumer takes the item. The
// popper must still return ErrEmpty at once. (The linearizability run hung
// on a version whose popSlow loops back and parks again on the timer
// channel it has already drained, so PopTimeout blocked until the next Push
// or Shutdown.) The wake hook runs in the popper right after its wait ends,
// which makes the interleaving deterministic.
func TestQueuePopTimeoutLostWakeup(t *testing.T) {
	var q ftutils.Queue[int]
	var once sync.Once
	restore := ftutils.SetTestHookWake(func() {
		once.Do(func() {
			_ = q.Push(1)     // wakes this popper, still listed as a waiter
			_, _ = q.TryPop() // another consumer takes the item
		})
	})
	defer restore()
	res := make(chan error, 1)
	go func() {
		_, err := q.PopTimeout(time.Millisecond)
		res <- err
	}()
	select {
	case err := <-res:
		if !errors.Is(err, ftutils.ErrEmpty) {
			t.Errorf("PopTimeout(1ms) = %v; want ErrEmpty", err)
		}
	case <-time.After(5 * time.Second):
		q.Shutdown(true)
		<-res
		t.Fatal("PopTimeout(1ms) still blocked 5s later (released by Shutdown)")
	}
}

// TestQueuePopShutdownInGap: a pop reads the shutdown flag (open), and
// before its TryPop a Shutdown(false) comes and another consumer drains the
// queue. An "empty" answer would then be false: the queue was never empty
// while open during the call (it held an item until the shutdown), so the
// pop must return ErrShutDown. TestLinQueue found the history; the gap hook
// runs in the popper between the flag's read and the TryPop, which makes
// the interleaving deterministic. Two paths: PopTimeout(0), which never
// waits, and a timed pop whose last attempt comes after its deadline.
func TestQueuePopShutdownInGap(t *testing.T) {
	t.Run("no wait", func(t *testing.T) {
		var q ftutils.Queue[int]
		_ = q.Push(1)
		var once sync.Once
		defer ftutils.SetTestHookPopGap(&q, func(final bool) {
			if final {
				once.Do(func() {
					q.Shutdown(false)
					_, _ = q.TryPop() // another consumer drains the queue
				})
			}
		})()
		if _, err := q.PopTimeout(0); !errors.Is(err, ftutils.ErrShutDown) {
			t.Errorf("PopTimeout(0) = %v; want ErrShutDown", err)
		}
	})
	t.Run("deadline passed", func(t *testing.T) {
		var q ftutils.Queue[int]
		const d = time.Millisecond
		var parked, gapped sync.Once
		// Before its first wait the popper sees an item slip in (so it
		// does not park) and its deadline pass; its next attempt is its
		// last, and the gap hook shuts the queue down and drains it then.
		defer ftutils.SetTestHookPark(&q, func() {
			parked.Do(func() {
				// The popper set its deadline (call time + d) before it
				// got here, so d from now is past it.
				past := time.Now().Add(d)
				_ = q.Push(1)
				for !time.Now().After(past) { // a deadline to pass, not a goroutine to wait for
					runtime.Gosched()
				}
			})
		})()
		defer ftutils.SetTestHookPopGap(&q, func(final bool) {
			if final {
				gapped.Do(func() {
					q.Shutdown(false)
					_, _ = q.TryPop()
				})
			}
		})()
		if _, err := q.PopTimeout(d); !errors.Is(err, ftutils.ErrShutDown) {
			t.Errorf("PopTimeout(%v) = %v; want ErrShutDown", d, err)
		}
	})
}
