package ftutils_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/stress"
)

func TestQueue_FIFO(t *testing.T) {
	tests := []struct {
		name string
		push []int
	}{
		{"empty", nil},
		{"one", []int{7}},
		{"several", []int{3, 1, 4, 1, 5, 9, 2, 6}},
		{"grows past the first buffer", qSeq(0, 100)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q ftutils.Queue[int]
			for _, v := range tt.push {
				if err := q.Push(v); err != nil {
					t.Fatalf("Push(%d) = %v; want nil", v, err)
				}
			}
			if got := q.Len(); got != len(tt.push) {
				t.Fatalf("Len() = %d; want %d", got, len(tt.push))
			}
			var got []int
			for {
				v, ok := q.TryPop()
				if !ok {
					break
				}
				got = append(got, v)
			}
			if !slices.Equal(got, tt.push) {
				t.Fatalf("TryPop sequence = %v; want %v", got, tt.push)
			}
		})
	}
}

func TestQueue_PopReturnsQueuedItem(t *testing.T) {
	var q ftutils.Queue[string]
	_ = q.Push("a")
	_ = q.Push("b")
	for _, want := range []string{"a", "b"} {
		if v, err := q.Pop(context.Background()); v != want || err != nil {
			t.Fatalf("Pop() = %q, %v; want %q, nil", v, err, want)
		}
	}
	if v, err := q.PopTimeout(0); err != ftutils.ErrEmpty {
		t.Fatalf("PopTimeout(0) on empty = %q, %v; want ErrEmpty", v, err)
	}
}

func TestQueue_CancelledContext(t *testing.T) {
	var q ftutils.Queue[int]
	_ = q.Push(1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := q.Pop(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Pop(cancelled) = %v; want context.Canceled", err)
	}
	if got := q.Len(); got != 1 {
		t.Fatalf("Len() after cancelled Pop = %d; want 1 (unchanged)", got)
	}
}

// TestQueue_PopWaitsForContext checks, on the fake clock, that Pop waits
// exactly until its deadline, returns ctx.Err, and leaves no stale waiter
// behind: the next Push goes into the queue, not to the abandoned Pop.
func TestQueue_PopWaitsForContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var q ftutils.Queue[int]
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		_, err := q.Pop(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Pop() = %v; want DeadlineExceeded", err)
		}
		if d := time.Since(start); d != time.Second {
			t.Fatalf("Pop waited %v; want 1s", d)
		}
		_ = q.Push(5)
		if v, ok := q.TryPop(); !ok || v != 5 {
			t.Fatalf("TryPop() after abandoned Pop = %d, %v; want 5, true", v, ok)
		}
	})
}

func TestQueue_PopTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var q ftutils.Queue[int]
		start := time.Now()
		if _, err := q.PopTimeout(100 * time.Millisecond); err != ftutils.ErrEmpty {
			t.Fatalf("PopTimeout(100ms) on empty = %v; want ErrEmpty", err)
		}
		if d := time.Since(start); d != 100*time.Millisecond {
			t.Fatalf("PopTimeout waited %v; want 100ms", d)
		}

		// An item that arrives in time is returned when it arrives.
		go func() {
			time.Sleep(30 * time.Millisecond)
			_ = q.Push(9)
		}()
		start = time.Now()
		if v, err := q.PopTimeout(100 * time.Millisecond); v != 9 || err != nil {
			t.Fatalf("PopTimeout(100ms) = %d, %v; want 9, nil", v, err)
		}
		if d := time.Since(start); d != 30*time.Millisecond {
			t.Fatalf("PopTimeout returned after %v; want 30ms", d)
		}

		// Items that go to earlier poppers do not restart the timeout (the
		// ft_utils defect): the last popper still gives up at 100ms.
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				if _, err := q.Pop(context.Background()); err != nil {
					t.Errorf("Pop() = %v; want nil", err)
				}
			})
		}
		synctest.Wait()
		go func() {
			for range 3 {
				time.Sleep(40 * time.Millisecond)
				_ = q.Push(1)
			}
		}()
		start = time.Now()
		if _, err := q.PopTimeout(100 * time.Millisecond); err != ftutils.ErrEmpty {
			t.Fatalf("PopTimeout behind 3 poppers = %v; want ErrEmpty", err)
		}
		if d := time.Since(start); d != 100*time.Millisecond {
			t.Fatalf("PopTimeout behind 3 poppers waited %v; want 100ms", d)
		}
		wg.Wait()
	})
}

func TestQueue_ShutdownNormalDrains(t *testing.T) {
	var q ftutils.Queue[int]
	_ = q.Push(10)
	if left := q.Shutdown(false); left != nil {
		t.Fatalf("Shutdown(false) = %v; want nil", left)
	}
	if err := q.Push(11); err != ftutils.ErrShutDown {
		t.Fatalf("Push after Shutdown = %v; want ErrShutDown", err)
	}
	if v, err := q.Pop(context.Background()); v != 10 || err != nil {
		t.Fatalf("Pop() = %d, %v; want 10, nil (drain)", v, err)
	}
	if _, err := q.Pop(context.Background()); err != ftutils.ErrShutDown {
		t.Fatalf("Pop() on drained = %v; want ErrShutDown", err)
	}
	if _, err := q.PopTimeout(time.Hour); err != ftutils.ErrShutDown {
		t.Fatalf("PopTimeout(1h) on drained = %v; want ErrShutDown", err)
	}
	if _, err := q.PopTimeout(0); err != ftutils.ErrShutDown {
		t.Fatalf("PopTimeout(0) on drained = %v; want ErrShutDown", err)
	}
}

func TestQueue_ShutdownImmediateReturnsItems(t *testing.T) {
	var q ftutils.Queue[int]
	for i := range 20 {
		_ = q.Push(i)
	}
	_, _ = q.TryPop()
	left := q.Shutdown(true)
	if want := qSeq(1, 20); !slices.Equal(left, want) {
		t.Fatalf("Shutdown(true) = %v; want %v", left, want)
	}
	if n := q.Len(); n != 0 {
		t.Fatalf("Len() after Shutdown(true) = %d; want 0", n)
	}
	if _, err := q.Pop(context.Background()); err != ftutils.ErrShutDown {
		t.Fatalf("Pop() after Shutdown(true) = %v; want ErrShutDown", err)
	}
	if left := q.Shutdown(true); left != nil {
		t.Fatalf("second Shutdown(true) = %v; want nil", left)
	}
}

func TestQueue_ShutdownWakesPoppers(t *testing.T) {
	for _, immediate := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			var q ftutils.Queue[int]
			var failed atomic.Int32
			var wg sync.WaitGroup
			for i := range 4 {
				wg.Go(func() {
					var err error
					if i%2 == 0 {
						_, err = q.Pop(context.Background())
					} else {
						_, err = q.PopTimeout(time.Hour)
					}
					if err == ftutils.ErrShutDown {
						failed.Add(1)
					} else {
						t.Errorf("parked pop after Shutdown(%v) = %v; want ErrShutDown", immediate, err)
					}
				})
			}
			synctest.Wait()
			q.Shutdown(immediate)
			wg.Wait()
			if n := failed.Load(); n != 4 {
				t.Fatalf("%d pops woke with ErrShutDown; want 4", n)
			}
		})
	}
}

// TestQueue_IdlePopDoesNotWake shows that a parked Pop is not polling: on
// the fake clock an hour passes with the popper durably blocked and woken
// zero times, and one Push wakes it exactly once.
func TestQueue_IdlePopDoesNotWake(t *testing.T) {
	var wakes atomic.Int64
	defer ftutils.SetTestHookWake(func() { wakes.Add(1) })()
	synctest.Test(t, func(t *testing.T) {
		var q ftutils.Queue[int]
		var got atomic.Int64
		done := make(chan struct{})
		go func() {
			defer close(done)
			v, _ := q.Pop(context.Background())
			got.Store(int64(v))
		}()
		synctest.Wait() // parked first, so served first
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
			defer cancel()
			_, _ = q.Pop(ctx) // parked with a context and a timer
		}()
		synctest.Wait() // returns only if both pops are durably blocked
		time.Sleep(time.Hour)
		synctest.Wait()
		if n := wakes.Load(); n != 0 {
			t.Fatalf("idle pops woke %d times in an hour; want 0", n)
		}
		_ = q.Push(42)
		<-done
		if n := wakes.Load(); n != 1 {
			t.Fatalf("one Push caused %d wake-ups; want 1", n)
		}
		if v := got.Load(); v != 42 {
			t.Fatalf("Pop() = %d; want 42", v)
		}
		time.Sleep(time.Hour) // the second pop times out
		synctest.Wait()
	})
}

func TestQueue_ZeroAllocs(t *testing.T) {
	var q ftutils.Queue[int]
	ctx := context.Background()
	for i := range 64 {
		_ = q.Push(i)
	}
	for range 64 {
		_, _ = q.Pop(ctx)
	}
	if n := testing.AllocsPerRun(1000, func() {
		_ = q.Push(1)
		_, _ = q.Pop(ctx)
	}); n != 0 {
		t.Fatalf("Push+Pop allocates %v times; want 0", n)
	}
}

// TestQueue_ExactlyOnce pushes distinct items from several producers and
// pops them with several consumers until a normal Shutdown has drained the
// queue; every item must come out exactly once.
func TestQueue_ExactlyOnce(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		const producers, consumers = 4, 4
		per := stress.Scale(20000)
		var q ftutils.Queue[int]
		seen := make([]atomic.Int32, producers*per)
		var popped atomic.Int64
		var cwg sync.WaitGroup
		for range consumers {
			cwg.Go(func() {
				for {
					v, err := q.Pop(context.Background())
					if err == ftutils.ErrShutDown {
						return
					}
					if err != nil {
						t.Errorf("Pop() = %v", err)
						return
					}
					seen[v].Add(1)
					popped.Add(1)
				}
			})
		}
		stress.Run(producers, func(g int) {
			for i := range per {
				if err := q.Push(g*per + i); err != nil {
					t.Errorf("Push() = %v; want nil", err)
				}
			}
		})
		q.Shutdown(false)
		cwg.Wait()
		qCheckOnce(t, seen)
	})
}

// FuzzQueue applies a decoded sequence of non-blocking operations to a
// Queue and to a slice model, comparing every result.
func FuzzQueue(f *testing.F) {
	f.Add([]byte{0, 1, 0, 2, 1, 3, 1, 1, 4, 0, 5})
	f.Add([]byte{0, 1, 0, 2, 0, 3, 5, 0, 1, 1})
	f.Add([]byte{0, 9, 4, 1, 2, 0, 3})
	f.Fuzz(func(t *testing.T, ops []byte) {
		var q ftutils.Queue[int]
		var model []int
		shut := false
		for i, op := range ops {
			switch op % 6 {
			case 0: // Push
				err := q.Push(i)
				if shut {
					if err != ftutils.ErrShutDown {
						t.Fatalf("step %d: Push after shutdown = %v; want ErrShutDown", i, err)
					}
				} else {
					if err != nil {
						t.Fatalf("step %d: Push = %v; want nil", i, err)
					}
					model = append(model, i)
				}
			case 1: // TryPop
				v, ok := q.TryPop()
				if ok != (len(model) > 0) || ok && v != model[0] {
					t.Fatalf("step %d: TryPop() = %d, %v; model %v", i, v, ok, model)
				}
				if ok {
					model = model[1:]
				}
			case 2: // PopTimeout(0)
				v, err := q.PopTimeout(0)
				switch {
				case len(model) > 0:
					if err != nil || v != model[0] {
						t.Fatalf("step %d: PopTimeout(0) = %d, %v; want %d, nil", i, v, err, model[0])
					}
					model = model[1:]
				case shut && err != ftutils.ErrShutDown, !shut && err != ftutils.ErrEmpty:
					t.Fatalf("step %d: PopTimeout(0) on empty (shut=%v) = %v", i, shut, err)
				}
			case 3: // Len
				if n := q.Len(); n != len(model) {
					t.Fatalf("step %d: Len() = %d; want %d", i, n, len(model))
				}
			case 4: // Shutdown(false)
				if left := q.Shutdown(false); left != nil {
					t.Fatalf("step %d: Shutdown(false) = %v; want nil", i, left)
				}
				shut = true
			case 5: // Shutdown(true)
				left := q.Shutdown(true)
				if !slices.Equal(left, model) && len(left)+len(model) > 0 {
					t.Fatalf("step %d: Shutdown(true) = %v; want %v", i, left, model)
				}
				model, shut = nil, true
			}
		}
		if n := q.Len(); n != len(model) {
			t.Fatalf("final Len() = %d; want %d", n, len(model))
		}
	})
}

// seq returns [lo, hi).
func qSeq(lo, hi int) []int {
	s := make([]int, 0, hi-lo)
	for i := lo; i < hi; i++ {
		s = append(s, i)
	}
	return s
}

// qCheckOnce fails unless every counter is exactly 1.
func qCheckOnce(t *testing.T, seen []atomic.Int32) {
	t.Helper()
	for v := range seen {
		if n := seen[v].Load(); n != 1 {
			t.Fatalf("item %d delivered %d times; want 1", v, n)
		}
	}
}

// TestQueue_PingPong bounces a token between goroutines through two
// queues, so nearly every Pop parks and every Push must wake it: a lost
// wake-up hangs the test. The token's final value counts the hops.
func TestQueue_PingPong(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		hops := stress.Scale(20000)
		var ping, pong ftutils.Queue[int]
		var wg sync.WaitGroup
		for range 2 { // two echoers compete for each ping
			wg.Go(func() {
				for {
					v, err := ping.Pop(context.Background())
					if err != nil {
						return
					}
					_ = pong.Push(v + 1)
				}
			})
		}
		v := 0
		for range hops {
			_ = ping.Push(v)
			var err error
			if v%2 == 0 {
				v, err = pong.Pop(context.Background())
			} else {
				v, err = pong.PopTimeout(time.Hour)
			}
			if err != nil {
				t.Fatalf("Pop() = %v", err)
			}
		}
		ping.Shutdown(false)
		wg.Wait()
		if v != hops {
			t.Fatalf("token = %d after %d hops; want %d", v, hops, hops)
		}
	})
}

// TestQueue_PushWhileParking pushes in the window between a Pop finding the
// queue empty and listing itself as a waiter; the Push sees no waiter and
// wakes no one, so the Pop must notice the item by itself (the re-check of
// the parking handshake) instead of sleeping forever.
func TestQueue_PushWhileParking(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var q ftutils.Queue[int]
		var once sync.Once
		defer ftutils.SetTestHookPark(&q, func() { once.Do(func() { _ = q.Push(7) }) })()
		got := make(chan int, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
			defer cancel()
			v, _ := q.Pop(ctx)
			got <- v
		}()
		synctest.Wait()
		select {
		case v := <-got:
			if v != 7 {
				t.Fatalf("Pop() = %d; want 7", v)
			}
		default:
			t.Fatal("Pop() parked with an item in the queue (lost wake-up)")
		}
	})
}

// TestQueue_Layout checks that the consumer fields, the producer fields and
// the shared fields sit at least a padding unit (128 bytes) apart, so that
// producers and consumers do not false-share a cache line.
func TestQueue_Layout(t *testing.T) {
	head, tail, shared := ftutils.QueueLayout()
	if tail-head < 128 || shared-tail < 128 {
		t.Fatalf("Queue field offsets head=%d tail=%d shared=%d; want groups >= 128 bytes apart", head, tail, shared)
	}
}
