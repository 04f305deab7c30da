package ftutils_test

import (
	"testing"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/stress"
)

func TestAtomicRefBasics(t *testing.T) {
	var r ftutils.AtomicRef[string]
	if got := r.Load(); got != nil {
		t.Fatalf("zero Load() = %v; want nil", got)
	}
	a, b := new("x"), new("x") // equal values, distinct pointers
	r.Store(a)
	if got := r.Load(); got != a {
		t.Fatalf("Load() = %p; want %p", got, a)
	}
	if r.CompareAndSwap(b, nil) {
		t.Fatal("CompareAndSwap(equal-but-distinct, nil) = true; want false (identity compare)")
	}
	if got := r.Load(); got != a {
		t.Fatalf("failed CompareAndSwap changed the pointer to %p", got)
	}
	if !r.CompareAndSwap(a, b) {
		t.Fatal("CompareAndSwap(a, b) = false; want true")
	}
	if old := r.Swap(nil); old != b {
		t.Fatalf("Swap(nil) = %p; want %p", old, b)
	}
	if !r.CompareAndSwap(nil, a) {
		t.Fatal("CompareAndSwap(nil, a) on nil = false; want true")
	}
}

func TestAtomicRefUpdate(t *testing.T) {
	var r ftutils.AtomicRef[int]
	old, n := r.Update(func(p *int) *int {
		if p != nil {
			t.Errorf("Update saw %v; want nil", p)
		}
		return new(1)
	})
	if old != nil || n == nil || *n != 1 || r.Load() != n {
		t.Fatalf("Update from nil = (%v, %v); want (nil, ->1) stored", old, n)
	}
}

// TestAtomicRefStress builds a linked list by concurrent Update: if any
// update were lost, the list would be shorter than the number of updates.
func TestAtomicRefStress(t *testing.T) {
	type node struct {
		next *node
		n    int
	}
	const goroutines = 8
	iters := stress.Scale(2000)
	stress.Sweep(t, func(t *testing.T, procs int) {
		var head ftutils.AtomicRef[node]
		stress.Hammer(goroutines, iters, func(g, i int) {
			head.Update(func(p *node) *node {
				n := 1
				if p != nil {
					n = p.n + 1
				}
				return &node{next: p, n: n}
			})
		})
		count := 0
		for p := head.Load(); p != nil; p = p.next {
			count++
		}
		if want := goroutines * iters; count != want || head.Load().n != want {
			t.Errorf("list length = %d (head.n %d); want %d", count, head.Load().n, want)
		}
	})
}

// FuzzAtomicRef applies a byte-encoded sequence of operations to an
// AtomicRef over a small pool of distinct pointers (two of which point to
// equal values) and to a plain pointer, comparing every result.
func FuzzAtomicRef(f *testing.F) {
	f.Add([]byte{0, 9, 18, 27, 36, 45})
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8})
	f.Fuzz(func(t *testing.T, data []byte) {
		pool := []*int{nil, new(1), new(1), new(2)} // [1] and [2] are equal, not identical
		var r ftutils.AtomicRef[int]
		var ref *int
		for _, b := range data {
			p, q := pool[b>>4&3], pool[b>>2&3]
			switch b & 3 {
			case 0:
				r.Store(p)
				ref = p
			case 1:
				if got := r.Swap(p); got != ref {
					t.Fatalf("Swap = %p; want %p", got, ref)
				}
				ref = p
			case 2:
				want := q == ref
				if got := r.CompareAndSwap(q, p); got != want {
					t.Fatalf("CompareAndSwap(%p, %p) on %p = %v; want %v", q, p, ref, got, want)
				}
				if want {
					ref = p
				}
			case 3:
				old, n := r.Update(func(x *int) *int {
					if x != ref {
						t.Fatalf("Update saw %p; want %p", x, ref)
					}
					return p
				})
				if old != ref || n != p {
					t.Fatalf("Update = (%p, %p); want (%p, %p)", old, n, ref, p)
				}
				ref = p
			}
			if got := r.Load(); got != ref {
				t.Fatalf("Load() = %p; want %p", got, ref)
			}
		}
	})
}
