package ftutils_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/stress"
)

// gatherAll drains it, returning the values and the first error.
func gatherAll[T any](it func(func(T, error) bool)) ([]T, error) {
	var out []T
	for v, err := range it {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// TestGatherer_Order: 10 producers insert keys in random order; the
// consumer reads them back in key order, each once.
func TestGatherer_Order(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		const producers = 10
		n := stress.Scale(200000)
		keys := rand.Perm(n)
		var g ftutils.Gatherer[string]
		var wg sync.WaitGroup
		for p := range producers {
			wg.Go(func() {
				for i := p; i < n; i += producers {
					k := keys[i]
					if err := g.Insert(k, fmt.Sprint(k)); err != nil {
						t.Errorf("Insert(%d) = %v; want nil", k, err)
					}
				}
			})
		}
		want := 0
		for v, err := range g.Iter(context.Background(), n-1, true) {
			if err != nil || v != fmt.Sprint(want) {
				t.Fatalf("Iter yielded (%q, %v); want (%q, nil)", v, err, fmt.Sprint(want))
			}
			want++
		}
		wg.Wait()
		if want != n {
			t.Errorf("Iter yielded %d values; want %d", want, n)
		}
	})
}

func TestGatherer_Keys(t *testing.T) {
	ctx := context.Background()
	t.Run("maxKey<0 is empty", func(t *testing.T) {
		var g ftutils.Gatherer[int]
		if got, err := gatherAll(g.Iter(ctx, -1, true)); len(got) != 0 || err != nil {
			t.Errorf("Iter(-1) = (%v, %v); want (empty, nil)", got, err)
		}
	})
	t.Run("maxKey inclusive", func(t *testing.T) {
		var g ftutils.Gatherer[int]
		for k := 2; k >= 0; k-- {
			if err := g.Insert(k, k*10); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := gatherAll(g.Iter(ctx, 2, true)); fmt.Sprint(got) != "[0 10 20]" || err != nil {
			t.Errorf("Iter(2) = (%v, %v); want ([0 10 20], nil)", got, err)
		}
	})
	t.Run("negative key panics", func(t *testing.T) {
		var g ftutils.Gatherer[int]
		panicsWithPrefix(t, "Insert(-1)", func() { g.Insert(-1, 0) })
		panicsWithPrefix(t, "IterFrom(-1)", func() { g.IterFrom(ctx, -1, 0, true) })
	})
	t.Run("duplicate keeps first", func(t *testing.T) {
		var g ftutils.Gatherer[string]
		if err := g.Insert(0, "a"); err != nil {
			t.Fatal(err)
		}
		if err := g.Insert(0, "A"); !errors.Is(err, ftutils.ErrDuplicateKey) {
			t.Errorf("second Insert(0) = %v; want ErrDuplicateKey", err)
		}
		if got, err := gatherAll(g.Iter(ctx, 0, true)); fmt.Sprint(got) != "[a]" || err != nil {
			t.Errorf("Iter(0) = (%v, %v); want ([a], nil)", got, err)
		}
		// After a clearing iterator consumed it, the key stays taken.
		if err := g.Insert(0, "again"); !errors.Is(err, ftutils.ErrDuplicateKey) {
			t.Errorf("Insert(0) after consumption = %v; want ErrDuplicateKey", err)
		}
	})
	t.Run("clear=false keeps values", func(t *testing.T) {
		var g ftutils.Gatherer[int]
		for k := range 3 {
			g.Insert(k, k)
		}
		for pass := range 2 {
			if got, err := gatherAll(g.Iter(ctx, 2, false)); fmt.Sprint(got) != "[0 1 2]" || err != nil {
				t.Errorf("pass %d: Iter(2, clear=false) = (%v, %v); want ([0 1 2], nil)", pass, got, err)
			}
		}
		if got, err := gatherAll(g.Iter(ctx, 2, true)); fmt.Sprint(got) != "[0 1 2]" || err != nil {
			t.Errorf("Iter(2, clear=true) = (%v, %v); want ([0 1 2], nil)", got, err)
		}
		// A second clearing pass finds the keys consumed instead of hanging.
		if got, err := gatherAll(g.Iter(ctx, 2, true)); len(got) != 0 || err == nil {
			t.Errorf("second clearing Iter = (%v, %v); want (empty, consumed error)", got, err)
		}
	})
	t.Run("sparse keys", func(t *testing.T) {
		var g ftutils.Gatherer[int]
		far := []int{9000, 100000, 50000}
		for _, k := range far {
			if err := g.Insert(k, -k); err != nil {
				t.Fatalf("Insert(%d) = %v", k, err)
			}
		}
		// Dense keys grow the ring past 9000, which was stored far.
		for k := range 9000 {
			if err := g.Insert(k, -k); err != nil {
				t.Fatalf("Insert(%d) = %v", k, err)
			}
		}
		for _, k := range append(far, 0, 8999) {
			if err := g.Insert(k, 1); !errors.Is(err, ftutils.ErrDuplicateKey) {
				t.Errorf("second Insert(%d) = %v; want ErrDuplicateKey", k, err)
			}
		}
		want := 0
		for v, err := range g.Iter(ctx, 9000, true) {
			if err != nil || v != -want {
				t.Fatalf("Iter yielded (%d, %v); want (%d, nil)", v, err, -want)
			}
			want++
		}
		for _, k := range far[1:] {
			if got, err := gatherAll(g.IterFrom(ctx, k, k, false)); fmt.Sprint(got) != fmt.Sprint([]int{-k}) || err != nil {
				t.Errorf("IterFrom(%d, %d) = (%v, %v); want ([%d], nil)", k, k, got, err, -k)
			}
		}
	})
	t.Run("break stops early", func(t *testing.T) {
		var g ftutils.Gatherer[int]
		for k := range 3 {
			g.Insert(k, k)
		}
		for v := range g.Iter(ctx, 2, true) {
			if v == 1 {
				break
			}
		}
		// Key 2 is still there for a non-clearing reader.
		got, err := gatherAll(g.Iter(ctx, 2, false))
		if err == nil || len(got) != 0 {
			t.Errorf("after break, Iter(2, false) = (%v, %v); want keys 0,1 gone", got, err)
		}
	})
}

// TestGatherer_Blocks: the iterator waits (durably, without polling) for a
// missing key and resumes when it arrives.
func TestGatherer_Blocks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var g ftutils.Gatherer[int]
		g.Insert(0, 100)
		got := make(chan int, 3)
		done := make(chan error, 1)
		go func() {
			for v, err := range g.Iter(context.Background(), 2, true) {
				if err != nil {
					done <- err
					return
				}
				got <- v
			}
			done <- nil
		}()
		synctest.Wait() // the iterator is now blocked on key 1
		if len(got) != 1 {
			t.Fatalf("before key 1: %d values yielded; want 1", len(got))
		}
		g.Insert(2, 102)
		synctest.Wait()
		if len(got) != 1 {
			t.Fatalf("after key 2 only: %d values yielded; want 1 (key 1 missing)", len(got))
		}
		g.Insert(1, 101)
		if err := <-done; err != nil {
			t.Fatalf("Iter error %v", err)
		}
		if a, b, c := <-got, <-got, <-got; a != 100 || b != 101 || c != 102 {
			t.Errorf("yielded %d %d %d; want 100 101 102", a, b, c)
		}
	})
}

func TestGatherer_Context(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var g ftutils.Gatherer[int]
		g.Insert(0, 0)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		got, err := gatherAll(g.Iter(ctx, 1, true))
		if len(got) != 1 || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Iter with 1s timeout = (%v, %v); want ([0], DeadlineExceeded)", got, err)
		}
		if d := time.Since(start); d != time.Second {
			t.Errorf("Iter returned after %v; want 1s", d)
		}
		// State unchanged by the cancelled wait: key 1 is still wanted.
		if err := g.Insert(1, 1); err != nil {
			t.Errorf("Insert(1) after cancelled wait = %v; want nil", err)
		}
		// The consumer resumes where it stopped.
		if got, err := gatherAll(g.IterFrom(context.Background(), 1, 1, true)); fmt.Sprint(got) != "[1]" || err != nil {
			t.Errorf("IterFrom(1, 1) after cancelled wait = (%v, %v); want ([1], nil)", got, err)
		}
		// A cancelled ctx still yields present keys; it only stops a wait.
		var g2 ftutils.Gatherer[int]
		g2.Insert(0, 0)
		g2.Insert(1, 1)
		ctx2, cancel2 := context.WithCancel(context.Background())
		cancel2()
		if got, err := gatherAll(g2.Iter(ctx2, 2, false)); fmt.Sprint(got) != "[0 1]" || !errors.Is(err, context.Canceled) {
			t.Errorf("Iter(cancelled ctx) = (%v, %v); want ([0 1], Canceled)", got, err)
		}
	})
}

func TestGatherer_Fail(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var g ftutils.Gatherer[int]
		g.Insert(0, 0)
		g.Insert(2, 2)
		type result struct {
			vals []int
			err  error
		}
		res := make(chan result, 1)
		go func() {
			v, err := gatherAll(g.Iter(context.Background(), 3, false))
			res <- result{v, err}
		}()
		synctest.Wait() // blocked on key 1
		boom := errors.New("producer 1 died")
		g.Fail(boom)
		g.Fail(errors.New("second failure is ignored"))
		r := <-res
		if fmt.Sprint(r.vals) != "[0]" || !errors.Is(r.err, ftutils.ErrClosed) || !errors.Is(r.err, boom) {
			t.Errorf("Iter after Fail = (%v, %v); want ([0], ErrClosed+boom)", r.vals, r.err)
		}
		if err := g.Insert(1, 1); !errors.Is(err, boom) {
			t.Errorf("Insert after Fail = %v; want the failure", err)
		}
		// Present keys still come out before the failure is reported.
		var g2 ftutils.Gatherer[int]
		g2.Insert(0, 0)
		g2.Fail(nil)
		if got, err := gatherAll(g2.Iter(context.Background(), 1, true)); fmt.Sprint(got) != "[0]" || !errors.Is(err, ftutils.ErrClosed) {
			t.Errorf("Iter after Fail(nil) = (%v, %v); want ([0], ErrClosed)", got, err)
		}
	})
}

func TestGatherer_TwoClearingIterators(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var g ftutils.Gatherer[int]
		g.Insert(0, 0)
		first, err := gatherAll(g.Iter(context.Background(), 0, true))
		if err != nil || len(first) != 1 {
			t.Fatalf("first Iter = (%v, %v)", first, err)
		}
		_, err = gatherAll(g.Iter(context.Background(), 0, true))
		if err == nil || !strings.Contains(err.Error(), "consumed") {
			t.Errorf("second clearing Iter = %v; want a consumed-key error, not a hang", err)
		}
	})
}

// FuzzGatherer compares the gatherer with a map after every Insert, and
// reads the present prefix back with a cancelled context (which yields the
// present keys in order and stops at the first missing one).
func FuzzGatherer(f *testing.F) {
	f.Add([]byte{0, 2, 0, 0, 1, 0, 0, 1, 2, 0, 0, 3})
	f.Add([]byte{0, 0, 0, 0, 2, 0, 1, 5})
	f.Fuzz(func(t *testing.T, ops []byte) {
		var g ftutils.Gatherer[int]
		ref := map[int]int{}
		consumed := 0
		cancelled, cancel := context.WithCancel(context.Background())
		cancel()
		for i := 0; i+1 < len(ops); i += 2 {
			k := int(ops[i+1] % 16)
			if ops[i+1] >= 240 {
				k = int(ops[i+1]) * 40 // far past the ring window
			}
			switch ops[i] % 3 {
			case 0:
				err := g.Insert(k, i)
				_, dup := ref[k]
				dup = dup || k < consumed
				if dup != errors.Is(err, ftutils.ErrDuplicateKey) {
					t.Fatalf("op %d: Insert(%d) = %v; duplicate = %v", i/2, k, err, dup)
				}
				if !dup {
					ref[k] = i
				}
			case 1, 2:
				clear := ops[i]%3 == 2
				got, err := gatherAll(g.Iter(cancelled, k, clear))
				var want []int
				start := 0
				if consumed > 0 {
					if err == nil || len(got) != 0 {
						t.Fatalf("op %d: Iter after consumption = (%v, %v); want an error", i/2, got, err)
					}
					continue
				}
				for j := start; j <= k; j++ {
					v, ok := ref[j]
					if !ok {
						break
					}
					want = append(want, v)
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("op %d: Iter(%d, %v) = %v; want %v", i/2, k, clear, got, want)
				}
				if (len(want) < k+1-start) != (err != nil) {
					t.Fatalf("op %d: Iter(%d) error = %v with %d of %d keys", i/2, k, err, len(want), k+1-start)
				}
				if clear {
					for j := range len(want) {
						delete(ref, j)
					}
					consumed = len(want)
				}
			}
		}
	})
}
