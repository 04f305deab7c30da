package flattoy

import (
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// anyKey is key n as an int or, for every third n, a string.
func anyKey(n int) any {
	if n%3 == 0 {
		return "s" + strconv.Itoa(n)
	}
	return n
}

// TestAnyModel checks AnyMap against a plain map through random operations
// of the whole method set while it grows, with values whose dynamic type
// changes (int, string, float64).
func TestAnyModel(t *testing.T) {
	m := NewAny()
	want := map[any]any{}
	r := rng(5)
	val := func(x uint64) any {
		switch x >> 60 % 3 {
		case 0:
			return int(x >> 40 % 7)
		case 1:
			return strconv.Itoa(int(x >> 40 % 7))
		}
		return float64(x >> 40 % 7)
	}
	for i := range 300000 {
		x := r.next()
		k := anyKey(int(x >> 20 % 5000))
		v := val(x)
		w, ok := want[k]
		switch x % 9 {
		case 0, 1:
			m.Store(k, v)
			want[k] = v
		case 2:
			m.Delete(k)
			delete(want, k)
		case 3:
			if got, loaded := m.LoadOrStore(k, v); loaded != ok || ok && got != w || !ok && got != v {
				t.Fatalf("step %d: LoadOrStore(%v) = %v, %v; want %v, %v", i, k, got, loaded, w, ok)
			}
			if !ok {
				want[k] = v
			}
		case 4:
			if got, loaded := m.LoadAndDelete(k); loaded != ok || got != w {
				t.Fatalf("step %d: LoadAndDelete(%v) = %v, %v; want %v, %v", i, k, got, loaded, w, ok)
			}
			delete(want, k)
		case 5:
			if got, loaded := m.Swap(k, v); loaded != ok || got != w {
				t.Fatalf("step %d: Swap(%v) = %v, %v; want %v, %v", i, k, got, loaded, w, ok)
			}
			want[k] = v
		case 6:
			old := val(x * 3)
			if m.CompareAndSwap(k, old, v) != (ok && w == old) {
				t.Fatalf("step %d: CompareAndSwap(%v, %v) wrong", i, k, old)
			}
			if ok && w == old {
				want[k] = v
			}
		case 7:
			old := val(x * 5)
			if m.CompareAndDelete(k, old) != (ok && w == old) {
				t.Fatalf("step %d: CompareAndDelete(%v, %v) wrong", i, k, old)
			}
			if ok && w == old {
				delete(want, k)
			}
		case 8:
			if i%5000 == 8 {
				m.Clear()
				clear(want)
			}
		}
		w, ok = want[k]
		if got, has := m.Load(k); has != ok || got != w {
			t.Fatalf("step %d: Load(%v) = %v, %v; want %v, %v", i, k, got, has, w, ok)
		}
		if i%50000 == 0 {
			seen := map[any]any{}
			m.Range(func(k, v any) bool {
				if _, dup := seen[k]; dup {
					t.Fatalf("Range saw %v twice", k)
				}
				seen[k] = v
				return true
			})
			if len(seen) != len(want) || m.Len() != len(want) {
				t.Fatalf("step %d: Range saw %d, Len %d; want %d", i, len(seen), m.Len(), len(want))
			}
			for k, v := range want {
				if seen[k] != v {
					t.Fatalf("step %d: Range saw %v: %v; want %v", i, k, seen[k], v)
				}
			}
		}
	}
}

// TestAnyStress: writers grow the map with disjoint keys and flip the
// dynamic type of shared keys' values (int n, string of n) while Ranges
// run: a Range never reports a key twice or a value that is neither form
// of a number, Loads of published keys always hit, and at the end every
// key is present with Len counting it.
func TestAnyStress(t *testing.T) {
	for round := range 10 {
		m := NewAny()
		const shared = 16
		for k := range shared {
			m.Store(-1-k, 0)
		}
		writers := runtime.GOMAXPROCS(0) + 1
		per := 10000
		var wg sync.WaitGroup
		var bad, done atomic.Int64
		valid := func(v any) bool {
			switch v := v.(type) {
			case int:
				return v >= 0
			case string:
				_, err := strconv.Atoi(v)
				return err == nil
			}
			return false
		}
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer done.Add(1)
				for i := range per {
					k := anyKey(i*writers + w)
					m.Store(k, i)
					if v, ok := m.Load(k); !ok || v != i {
						bad.Add(1)
					}
					var v any = i
					if i%2 == 0 {
						v = strconv.Itoa(i)
					}
					m.Swap(-1-i%shared, v)
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for done.Load() < int64(writers) {
				seen := map[any]bool{}
				m.Range(func(k, v any) bool {
					if seen[k] || !valid(v) {
						bad.Add(1)
					}
					seen[k] = true
					return true
				})
				for k := range shared {
					if v, ok := m.Load(-1 - k); !ok || !valid(v) {
						bad.Add(1)
					}
				}
			}
		}()
		wg.Wait()
		if bad.Load() != 0 || m.Len() != writers*per+shared {
			t.Fatalf("round %d: %d bad; Len %d, want %d", round, bad.Load(), m.Len(), writers*per+shared)
		}
		for w := range writers {
			for i := range per {
				if v, ok := m.Load(anyKey(i*writers + w)); !ok || v != i {
					t.Fatalf("round %d: key %v = %v, %v; want %d", round, anyKey(i*writers+w), v, ok, i)
				}
			}
		}
	}
}

type flipA struct{ tag int }
type flipB struct{ tag int }

// TestAnyStressTypeFlip: a writer flips one key's value between a *flipA
// and a *flipB (same layout, different tags) while a reader Loads and
// Ranges: a value whose type word and data word came from two writes
// would show the other type's tag. It fails without the odd count around
// a two-word value write.
func TestAnyStressTypeFlip(t *testing.T) {
	m := NewAny()
	a, b := &flipA{0xA}, &flipB{0xB}
	m.Store(1, a)
	var done atomic.Bool
	var bad atomic.Int64
	check := func(v any) {
		switch v := v.(type) {
		case *flipA:
			if v.tag != 0xA {
				bad.Add(1)
			}
		case *flipB:
			if v.tag != 0xB {
				bad.Add(1)
			}
		default:
			bad.Add(1)
		}
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer done.Store(true)
		for range 500000 {
			m.Store(1, b)
			m.Store(1, a)
		}
	}()
	go func() {
		defer wg.Done()
		for !done.Load() {
			v, _ := m.Load(1)
			check(v)
			m.Range(func(_, v any) bool { check(v); return true })
		}
	}()
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d torn values", bad.Load())
	}
}
