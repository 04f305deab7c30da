package ftutils_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ftutils-go/ftutils"
)

func TestWorkQueue_FIFOAndBound(t *testing.T) {
	tests := []struct {
		maxsize, puts, wantLen, wantCap int
	}{
		{0, 50, 50, 0},   // unbounded
		{-3, 50, 50, 0},  // negative means unbounded
		{1, 5, 1, 1},     // one slot
		{4, 10, 4, 4},    // fills then refuses
		{64, 10, 10, 64}, // never fills
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("maxsize=%d", tt.maxsize), func(t *testing.T) {
			q := ftutils.NewWorkQueue[int](tt.maxsize)
			if c := q.Cap(); c != tt.wantCap {
				t.Fatalf("Cap() = %d; want %d", c, tt.wantCap)
			}
			var accepted []int
			for i := range tt.puts {
				switch err := q.TryPut(i); {
				case err == nil:
					accepted = append(accepted, i)
				case err != ftutils.ErrFull || len(accepted) != tt.wantLen:
					t.Fatalf("TryPut(%d) with %d queued = %v", i, len(accepted), err)
				}
			}
			if n := q.Len(); n != tt.wantLen {
				t.Fatalf("Len() = %d; want %d", n, tt.wantLen)
			}
			var got []int
			for {
				v, err := q.TryGet()
				if err == ftutils.ErrEmpty {
					break
				}
				if err != nil {
					t.Fatalf("TryGet() = %v", err)
				}
				got = append(got, v)
			}
			if !slices.Equal(got, accepted) {
				t.Fatalf("TryGet sequence = %v; want %v", got, accepted)
			}
		})
	}
}

func TestWorkQueue_ZeroValueIsUnbounded(t *testing.T) {
	var q ftutils.WorkQueue[int]
	for i := range 1000 {
		if err := q.TryPut(i); err != nil {
			t.Fatalf("TryPut(%d) on zero value = %v; want nil", i, err)
		}
	}
	if q.Cap() != 0 || q.Len() != 1000 || q.Unfinished() != 1000 {
		t.Fatalf("Cap, Len, Unfinished = %d, %d, %d; want 0, 1000, 1000", q.Cap(), q.Len(), q.Unfinished())
	}
}

// TestWorkQueue_BlockingPut checks on the fake clock that Put waits for
// room, that a Get moves the parked item in (FIFO preserved), and that
// timeouts and contexts give up exactly on time, leaving v out.
func TestWorkQueue_BlockingPut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := ftutils.NewWorkQueue[int](2)
		_ = q.TryPut(1)
		_ = q.TryPut(2)
		start := time.Now()
		if err := q.PutTimeout(3, 50*time.Millisecond); err != ftutils.ErrFull {
			t.Fatalf("PutTimeout on full = %v; want ErrFull", err)
		}
		if d := time.Since(start); d != 50*time.Millisecond {
			t.Fatalf("PutTimeout waited %v; want 50ms", d)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := q.Put(ctx, 3); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Put(ctx) on full = %v; want DeadlineExceeded", err)
		}
		if err := q.PutTimeout(3, 0); err != ftutils.ErrFull {
			t.Fatalf("PutTimeout(0) on full = %v; want ErrFull", err)
		}
		done := make(chan error)
		go func() { done <- q.Put(context.Background(), 3) }()
		synctest.Wait()
		go func() {
			time.Sleep(10 * time.Millisecond)
			_, _ = q.Get(context.Background()) // takes 1, moves 3 in
		}()
		if err := <-done; err != nil {
			t.Fatalf("parked Put = %v; want nil", err)
		}
		if d := time.Since(start); d != 1050*time.Millisecond+10*time.Millisecond {
			t.Fatalf("parked Put returned at %v; want 1.06s", d)
		}
		for _, want := range []int{2, 3} {
			if v, err := q.GetTimeout(time.Hour); v != want || err != nil {
				t.Fatalf("GetTimeout() = %d, %v; want %d, nil", v, err, want)
			}
		}
		if n := q.Unfinished(); n != 3 {
			t.Fatalf("Unfinished() = %d; want 3 (three Puts succeeded)", n)
		}
	})
}

func TestWorkQueue_BlockingGet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var q ftutils.WorkQueue[string]
		start := time.Now()
		if _, err := q.GetTimeout(time.Second); err != ftutils.ErrEmpty {
			t.Fatalf("GetTimeout on empty = %v; want ErrEmpty", err)
		}
		if d := time.Since(start); d != time.Second {
			t.Fatalf("GetTimeout waited %v; want 1s", d)
		}
		if _, err := q.GetTimeout(-1); err != ftutils.ErrEmpty {
			t.Fatalf("GetTimeout(-1) on empty = %v; want ErrEmpty", err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			time.Sleep(time.Minute)
			cancel()
		}()
		if _, err := q.Get(ctx); err != context.Canceled {
			t.Fatalf("Get(ctx) = %v; want Canceled", err)
		}
		if _, err := q.Get(ctx); err != context.Canceled {
			t.Fatalf("Get(done ctx) = %v; want Canceled", err)
		}
		if err := q.Put(ctx, "x"); err != context.Canceled {
			t.Fatalf("Put(done ctx) = %v; want Canceled", err)
		}
		go func() {
			time.Sleep(time.Millisecond)
			_ = q.Put(context.Background(), "y")
		}()
		if v, err := q.Get(context.Background()); v != "y" || err != nil {
			t.Fatalf("Get() = %q, %v; want y, nil", v, err)
		}
		if n := q.Len(); n != 0 {
			t.Fatalf("Len() = %d; want 0", n)
		}
	})
}

func TestWorkQueue_TaskDoneJoin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var q ftutils.WorkQueue[int]
		if err := q.Join(context.Background()); err != nil {
			t.Fatalf("Join() with no tasks = %v; want nil", err)
		}
		for i := range 3 {
			_ = q.TryPut(i)
		}
		var joined atomic.Int32
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				if err := q.Join(context.Background()); err != nil {
					t.Errorf("Join() = %v", err)
				}
				joined.Add(1)
			})
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := q.Join(ctx); err != context.DeadlineExceeded {
			t.Fatalf("Join(1s) with 3 unfinished = %v; want DeadlineExceeded", err)
		}
		for i := range 3 {
			_, _ = q.TryGet()
			synctest.Wait()
			if n := joined.Load(); n != 0 {
				t.Fatalf("%d Joins returned with %d tasks unfinished", n, 3-i)
			}
			q.TaskDone()
		}
		wg.Wait()
		if n := joined.Load(); n != 2 {
			t.Fatalf("%d Joins returned; want 2", n)
		}
	})
}

func TestWorkQueue_TaskDoneTooManyPanics(t *testing.T) {
	var q ftutils.WorkQueue[int]
	_ = q.TryPut(1)
	q.TaskDone()
	defer func() {
		r := recover()
		msg, _ := r.(string)
		if !strings.HasPrefix(msg, "ftutils: ") || !strings.Contains(msg, "TaskDone") {
			t.Fatalf("extra TaskDone panicked with %v; want an ftutils: TaskDone message", r)
		}
		if n := q.Unfinished(); n != 0 {
			t.Fatalf("Unfinished() after bad TaskDone = %d; want 0", n)
		}
	}()
	q.TaskDone()
}

func TestWorkQueue_ShutdownNormal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := ftutils.NewWorkQueue[int](1)
		_ = q.TryPut(1)
		putErr := make(chan error)
		go func() { putErr <- q.Put(context.Background(), 2) }()
		synctest.Wait()
		if left := q.Shutdown(false); left != nil {
			t.Fatalf("Shutdown(false) = %v; want nil", left)
		}
		if err := <-putErr; err != ftutils.ErrShutDown {
			t.Fatalf("parked Put after Shutdown = %v; want ErrShutDown", err)
		}
		if err := q.TryPut(3); err != ftutils.ErrShutDown {
			t.Fatalf("TryPut after Shutdown = %v; want ErrShutDown", err)
		}
		if err := q.PutTimeout(3, time.Second); err != ftutils.ErrShutDown {
			t.Fatalf("PutTimeout after Shutdown = %v; want ErrShutDown", err)
		}
		if v, err := q.Get(context.Background()); v != 1 || err != nil {
			t.Fatalf("Get() = %d, %v; want 1, nil (drain)", v, err)
		}
		for _, get := range []func() (int, error){
			func() (int, error) { return q.Get(context.Background()) },
			q.TryGet,
			func() (int, error) { return q.GetTimeout(time.Hour) },
		} {
			if _, err := get(); err != ftutils.ErrShutDown {
				t.Fatalf("get on drained queue = %v; want ErrShutDown", err)
			}
		}
		q.TaskDone()
		if err := q.Join(context.Background()); err != nil {
			t.Fatalf("Join() = %v; want nil", err)
		}
	})
}

// TestWorkQueue_ShutdownImmediate follows Python 3.13: the queue is
// drained (the items come back to the caller), parked getters fail, and
// Join returns once the tasks already handed out are done.
func TestWorkQueue_ShutdownImmediate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var q ftutils.WorkQueue[int]
		for i := range 5 {
			_ = q.TryPut(i)
		}
		_, _ = q.TryGet() // task 0 handed out, not yet done
		joinErr := make(chan error)
		go func() { joinErr <- q.Join(context.Background()) }()
		synctest.Wait()
		left := q.Shutdown(true)
		if want := []int{1, 2, 3, 4}; !slices.Equal(left, want) {
			t.Fatalf("Shutdown(true) = %v; want %v", left, want)
		}
		if n := q.Unfinished(); n != 1 {
			t.Fatalf("Unfinished() = %d; want 1", n)
		}
		if _, err := q.Get(context.Background()); err != ftutils.ErrShutDown {
			t.Fatalf("Get() after Shutdown(true) = %v; want ErrShutDown", err)
		}
		select {
		case err := <-joinErr:
			t.Fatalf("Join returned %v with a task still unfinished", err)
		default:
		}
		q.TaskDone()
		if err := <-joinErr; err != nil {
			t.Fatalf("Join() = %v; want nil", err)
		}

		// Parked getters wake too.
		var r ftutils.WorkQueue[int]
		getErr := make(chan error)
		go func() { _, err := r.Get(context.Background()); getErr <- err }()
		synctest.Wait()
		r.Shutdown(true)
		if err := <-getErr; err != ftutils.ErrShutDown {
			t.Fatalf("parked Get after Shutdown(true) = %v; want ErrShutDown", err)
		}
	})
}

// FuzzWorkQueue applies decoded non-blocking operations to a bounded
// WorkQueue and to a slice model with a task counter.
func FuzzWorkQueue(f *testing.F) {
	f.Add(uint8(2), []byte{0, 0, 0, 1, 2, 3, 1, 3, 3})
	f.Add(uint8(0), []byte{0, 0, 4, 1, 1, 1, 3, 3})
	f.Add(uint8(3), []byte{0, 0, 0, 5, 3, 1})
	f.Fuzz(func(t *testing.T, maxsize uint8, ops []byte) {
		m := int(maxsize % 8)
		q := ftutils.NewWorkQueue[int](m)
		var model []int
		unfinished, shut := 0, false
		for i, op := range ops {
			switch op % 6 {
			case 0: // TryPut
				err := q.TryPut(i)
				switch {
				case shut:
					if err != ftutils.ErrShutDown {
						t.Fatalf("step %d: TryPut after shutdown = %v", i, err)
					}
				case m > 0 && len(model) >= m:
					if err != ftutils.ErrFull {
						t.Fatalf("step %d: TryPut on full = %v", i, err)
					}
				default:
					if err != nil {
						t.Fatalf("step %d: TryPut = %v", i, err)
					}
					model = append(model, i)
					unfinished++
				}
			case 1: // TryGet
				v, err := q.TryGet()
				switch {
				case len(model) > 0:
					if err != nil || v != model[0] {
						t.Fatalf("step %d: TryGet() = %d, %v; want %d", i, v, err, model[0])
					}
					model = model[1:]
				case shut && err != ftutils.ErrShutDown, !shut && err != ftutils.ErrEmpty:
					t.Fatalf("step %d: TryGet() on empty (shut=%v) = %v", i, shut, err)
				}
			case 2: // TaskDone
				if unfinished > 0 {
					q.TaskDone()
					unfinished--
				}
			case 3: // Len, Unfinished, Cap
				if q.Len() != len(model) || q.Unfinished() != unfinished || q.Cap() != m {
					t.Fatalf("step %d: Len, Unfinished, Cap = %d, %d, %d; want %d, %d, %d",
						i, q.Len(), q.Unfinished(), q.Cap(), len(model), unfinished, m)
				}
			case 4: // Shutdown(false)
				if left := q.Shutdown(false); left != nil {
					t.Fatalf("step %d: Shutdown(false) = %v", i, left)
				}
				shut = true
			case 5: // Shutdown(true)
				left := q.Shutdown(true)
				if !slices.Equal(left, model) && len(left)+len(model) > 0 {
					t.Fatalf("step %d: Shutdown(true) = %v; want %v", i, left, model)
				}
				unfinished -= min(len(model), unfinished)
				model, shut = nil, true
			}
		}
		if q.Len() != len(model) || q.Unfinished() != unfinished {
			t.Fatalf("final Len, Unfinished = %d, %d; want %d, %d", q.Len(), q.Unfinished(), len(model), unfinished)
		}
	})
}
