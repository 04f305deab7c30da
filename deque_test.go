package ftutils_test

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/stress"
)

// dequeOf returns an unbounded deque holding vs front to back.
func dequeOf(vs ...int) *ftutils.Deque[int] {
	d := new(ftutils.Deque[int])
	d.ExtendBack(vs...)
	return d
}

func TestDeque_PushPopEnds(t *testing.T) {
	tests := []struct {
		name  string
		ops   string // B/F = push back/front of the next value; b/f = pop back/front
		want  []int  // popped values, in order
		final []int
	}{
		{"FIFO back to front", "BBBfff", []int{0, 1, 2}, []int{}},
		{"LIFO at the back", "BBBbbb", []int{2, 1, 0}, []int{}},
		{"LIFO at the front", "FFFfff", []int{2, 1, 0}, []int{}},
		{"FIFO front to back", "FFFbbb", []int{0, 1, 2}, []int{}},
		{"mixed", "BFBFbf", []int{2, 3}, []int{1, 0}},
		{"pop empty", "fb", nil, []int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d ftutils.Deque[int]
			var got []int
			next := 0
			for _, op := range tt.ops {
				switch op {
				case 'B':
					d.PushBack(next)
					next++
				case 'F':
					d.PushFront(next)
					next++
				case 'b', 'f':
					pop := d.PopFront
					if op == 'b' {
						pop = d.PopBack
					}
					if v, ok := pop(); ok {
						got = append(got, v)
					}
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("popped %v; want %v", got, tt.want)
			}
			if s := d.Snapshot(); !slices.Equal(s, tt.final) {
				t.Fatalf("Snapshot() = %v; want %v", s, tt.final)
			}
		})
	}
}

func TestDeque_Extend(t *testing.T) {
	d := dequeOf(1, 2)
	d.ExtendFront(3, 4, 5)
	if s, want := d.Snapshot(), []int{5, 4, 3, 1, 2}; !slices.Equal(s, want) {
		t.Fatalf("ExtendFront(3,4,5) on [1 2] = %v; want %v (reversed, as in Python)", s, want)
	}
	d.ExtendBack(6, 7)
	if s, want := d.Snapshot(), []int{5, 4, 3, 1, 2, 6, 7}; !slices.Equal(s, want) {
		t.Fatalf("ExtendBack(6,7) = %v; want %v", s, want)
	}
	d.ExtendBack(slices.Collect(d.All())...)
	if n := d.Len(); n != 14 {
		t.Fatalf("Len() after extending with itself = %d; want 14", n)
	}
}

func TestDeque_At(t *testing.T) {
	d := dequeOf(10, 11, 12, 13)
	d.PushFront(9) // makes the ring wrap
	tests := []struct {
		i    int
		want int
		ok   bool
	}{{0, 9, true}, {4, 13, true}, {-1, 13, true}, {-5, 9, true}, {5, 0, false}, {-6, 0, false}}
	for _, tt := range tests {
		if v, ok := d.At(tt.i); v != tt.want || ok != tt.ok {
			t.Errorf("At(%d) = %d, %v; want %d, %v", tt.i, v, ok, tt.want, tt.ok)
		}
	}
}

func TestDeque_Remove(t *testing.T) {
	tests := []struct {
		in     []int
		v      int
		found  bool
		result []int
	}{
		{[]int{1, 2, 3, 2}, 2, true, []int{1, 3, 2}},
		{[]int{1, 2, 3}, 3, true, []int{1, 2}},
		{[]int{1, 2, 3}, 1, true, []int{2, 3}},
		{[]int{1, 2, 3}, 4, false, []int{1, 2, 3}},
		{nil, 1, false, []int{}},
		{qSeq(0, 40), 30, true, append(qSeq(0, 30), qSeq(31, 40)...)},
		{qSeq(0, 40), 5, true, append(qSeq(0, 5), qSeq(6, 40)...)},
	}
	for _, tt := range tests {
		d := dequeOf(tt.in...)
		if found := ftutils.DequeRemove(d, tt.v); found != tt.found {
			t.Errorf("DequeRemove(%v, %d) = %v; want %v", tt.in, tt.v, found, tt.found)
		}
		if s := d.Snapshot(); !slices.Equal(s, tt.result) {
			t.Errorf("after DequeRemove(%v, %d): %v; want %v", tt.in, tt.v, s, tt.result)
		}
	}
	d := dequeOf(1, 2, 3, 4)
	if !d.RemoveFunc(func(x int) bool { return x%2 == 0 }) {
		t.Fatal("RemoveFunc(even) = false; want true")
	}
	if s, want := d.Snapshot(), []int{1, 3, 4}; !slices.Equal(s, want) {
		t.Fatalf("after RemoveFunc(even): %v; want %v", s, want)
	}
}

func TestDeque_Rotate(t *testing.T) {
	tests := []struct {
		n    int
		want []int
	}{
		{0, []int{0, 1, 2, 3, 4}},
		{1, []int{4, 0, 1, 2, 3}},
		{2, []int{3, 4, 0, 1, 2}},
		{4, []int{1, 2, 3, 4, 0}},
		{-1, []int{1, 2, 3, 4, 0}},
		{7, []int{3, 4, 0, 1, 2}}, // 7 mod 5
		{-7, []int{2, 3, 4, 0, 1}},
		{5, []int{0, 1, 2, 3, 4}},
	}
	for _, tt := range tests {
		for _, full := range []bool{false, true} {
			// 16 elements fill the first ring exactly; rotating a full ring
			// takes the other path.
			pad := 11
			if !full {
				pad = 0
			}
			d := dequeOf(qSeq(0, 5)...)
			d.Rotate(tt.n)
			d.ExtendBack(qSeq(100, 100+pad)...)
			s := d.Snapshot()[:5]
			if !slices.Equal(s, tt.want) {
				t.Errorf("Rotate(%d) = %v; want %v", tt.n, s, tt.want)
			}
			if full {
				d := dequeOf(qSeq(0, 16)...)
				d.Rotate(tt.n)
				want := slices.Clone(qSeq(0, 16))
				k := ((tt.n % 16) + 16) % 16
				want = append(want[16-k:], want[:16-k]...)
				if s := d.Snapshot(); !slices.Equal(s, want) {
					t.Errorf("full Rotate(%d) = %v; want %v", tt.n, s, want)
				}
			}
		}
	}
	var empty ftutils.Deque[int]
	empty.Rotate(3) // no-op, not an error
	if n := empty.Len(); n != 0 {
		t.Fatalf("Len() after rotating empty = %d; want 0", n)
	}
}

func TestDeque_MaxLen(t *testing.T) {
	d := ftutils.NewDeque[int](3)
	if m := d.MaxLen(); m != 3 {
		t.Fatalf("MaxLen() = %d; want 3", m)
	}
	d.ExtendBack(1, 2, 3, 4) // 1 falls off the front
	if s, want := d.Snapshot(), []int{2, 3, 4}; !slices.Equal(s, want) {
		t.Fatalf("ExtendBack(1,2,3,4) with maxlen 3 = %v; want %v", s, want)
	}
	d.PushFront(0) // 4 falls off the back
	if s, want := d.Snapshot(), []int{0, 2, 3}; !slices.Equal(s, want) {
		t.Fatalf("PushFront(0) = %v; want %v", s, want)
	}
	if m := ftutils.NewDeque[int](-1).MaxLen(); m != 0 {
		t.Fatalf("NewDeque(-1).MaxLen() = %d; want 0", m)
	}
}

func TestDeque_ClearAndAll(t *testing.T) {
	d := dequeOf(qSeq(0, 100)...)
	var got []int
	for v := range d.All() {
		d.PushBack(-1) // the loop body may use the deque; the snapshot is fixed
		got = append(got, v)
		if v == 49 {
			break
		}
	}
	if want := qSeq(0, 50); !slices.Equal(got, want) {
		t.Fatalf("All() with break = %v; want %v", got, want)
	}
	d.Clear()
	if n := d.Len(); n != 0 {
		t.Fatalf("Len() after Clear = %d; want 0", n)
	}
	if _, ok := d.PopFront(); ok {
		t.Fatal("PopFront() after Clear = ok; want !ok")
	}
}

func TestDeque_ZeroAllocs(t *testing.T) {
	var d ftutils.Deque[int]
	d.ExtendBack(qSeq(0, 32)...)
	if n := testing.AllocsPerRun(1000, func() {
		d.PushBack(1)
		d.PushFront(2)
		d.PopBack()
		d.PopFront()
		d.Rotate(3)
	}); n != 0 {
		t.Fatalf("push/pop/rotate allocates %v times; want 0", n)
	}
}

// TestDeque_Concurrent has goroutines push distinct values at both ends
// and pop from both ends, rotating meanwhile; every value must come out
// exactly once, counting what is left at the end.
func TestDeque_Concurrent(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		const workers = 4
		per := stress.Scale(20000)
		var d ftutils.Deque[int]
		seen := make([]atomic.Int32, workers*per)
		stress.Hammer(workers, per, func(g, i int) {
			v := g*per + i
			if g%2 == 0 {
				d.PushBack(v)
			} else {
				d.PushFront(v)
			}
			switch i % 4 {
			case 0:
				if x, ok := d.PopFront(); ok {
					seen[x].Add(1)
				}
			case 1:
				if x, ok := d.PopBack(); ok {
					seen[x].Add(1)
				}
			case 2:
				d.Rotate(g + 1)
			}
		})
		for v := range d.All() {
			seen[v].Add(1)
		}
		qCheckOnce(t, seen)
	})
}

// TestDeque_RotateIsAtomic rotates by one while readers snapshot: a
// snapshot of a rotated 0..n-1 must always be some rotation of it.
func TestDeque_RotateIsAtomic(t *testing.T) {
	const n = 10
	d := dequeOf(qSeq(0, n)...)
	iters := stress.Scale(5000)
	var wg sync.WaitGroup
	wg.Go(func() {
		for range iters {
			d.Rotate(1)
		}
	})
	for range iters {
		s := d.Snapshot()
		for i := range s {
			if s[i] != (s[0]+i)%n {
				t.Fatalf("Snapshot() during Rotate = %v; not a rotation", s)
			}
		}
	}
	wg.Wait()
}

// FuzzDeque applies decoded operations to a bounded or unbounded Deque and
// to a slice model, comparing every result.
func FuzzDeque(f *testing.F) {
	f.Add(uint8(0), []byte{0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	f.Add(uint8(3), []byte{0, 0, 0, 0, 1, 6, 9, 2, 3})
	f.Add(uint8(0), []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 8, 8, 8, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3})
	f.Fuzz(func(t *testing.T, maxLen uint8, ops []byte) {
		m := int(maxLen % 6)
		d := ftutils.NewDeque[int](m)
		var model []int
		trim := func(front bool) {
			if m > 0 && len(model) > m {
				if front {
					model = model[1:]
				} else {
					model = model[:len(model)-1]
				}
			}
		}
		for i := 0; i < len(ops); i++ {
			op, arg := ops[i]%12, 0
			if i+1 < len(ops) {
				arg = int(int8(ops[i+1]))
			}
			switch op {
			case 0:
				d.PushBack(i)
				model = append(model, i)
				trim(true)
			case 1:
				d.PushFront(i)
				model = append([]int{i}, model...)
				trim(false)
			case 2, 3:
				pop, want, ok := d.PopFront, 0, len(model) > 0
				if op == 3 {
					pop = d.PopBack
				}
				if ok {
					if op == 2 {
						want, model = model[0], model[1:]
					} else {
						want, model = model[len(model)-1], model[:len(model)-1]
					}
				}
				if v, got := pop(); got != ok || v != want {
					t.Fatalf("step %d: pop(%d) = %d, %v; want %d, %v", i, op, v, got, want, ok)
				}
			case 4:
				d.ExtendBack(i, i+1000)
				for _, v := range []int{i, i + 1000} {
					model = append(model, v)
					trim(true)
				}
			case 5:
				d.ExtendFront(i, i+1000)
				for _, v := range []int{i, i + 1000} {
					model = append([]int{v}, model...)
					trim(false)
				}
			case 6:
				want, ok := 0, false
				if j := arg; j >= -len(model) && j < len(model) {
					if j < 0 {
						j += len(model)
					}
					want, ok = model[j], true
				}
				if v, got := d.At(arg); got != ok || v != want {
					t.Fatalf("step %d: At(%d) = %d, %v; want %d, %v", i, arg, v, got, want, ok)
				}
			case 7:
				var target int
				if len(model) > 0 {
					target = model[(arg%len(model)+len(model))%len(model)]
				}
				j := slices.Index(model, target)
				if got := ftutils.DequeRemove(d, target); got != (j >= 0) {
					t.Fatalf("step %d: DequeRemove(%d) = %v; want %v", i, target, got, j >= 0)
				}
				if j >= 0 {
					model = slices.Delete(model, j, j+1)
				}
			case 8:
				d.Rotate(arg)
				if l := len(model); l > 0 {
					k := ((arg % l) + l) % l
					model = append(model[l-k:], model[:l-k]...)
				}
			case 9:
				if n := d.Len(); n != len(model) {
					t.Fatalf("step %d: Len() = %d; want %d", i, n, len(model))
				}
			case 10:
				if arg%7 == 0 {
					d.Clear()
					model = nil
				}
			case 11:
				if s := slices.Collect(d.All()); !slices.Equal(s, model) && len(s)+len(model) > 0 {
					t.Fatalf("step %d: All() = %v; want %v", i, s, model)
				}
			}
		}
		if s := d.Snapshot(); !slices.Equal(s, model) && len(s)+len(model) > 0 {
			t.Fatalf("final contents = %v; want %v", s, model)
		}
	})
}

func TestDeque_Strings(t *testing.T) {
	// A non-comparable-friendly element type through RemoveFunc.
	d := new(ftutils.Deque[[]string])
	d.PushBack([]string{"a"})
	d.PushBack([]string{"b", "c"})
	if !d.RemoveFunc(func(s []string) bool { return len(s) == 2 }) {
		t.Fatal("RemoveFunc(len 2) = false; want true")
	}
	if got := fmt.Sprint(d.Snapshot()); got != "[[a]]" {
		t.Fatalf("Snapshot() = %s; want [[a]]", got)
	}
}

// TestDeque_GrowShrink grows the ring far past its first buffers and drains
// it from both ends, so it shrinks several times while wrapped; the order
// must survive every copy.
func TestDeque_GrowShrink(t *testing.T) {
	var d ftutils.Deque[int]
	const n = 10000
	for i := range n / 2 {
		d.PushBack(n/2 + i)
		d.PushFront(n/2 - 1 - i)
	}
	lo, hi := 0, n-1
	for d.Len() > 2 {
		if v, ok := d.PopFront(); !ok || v != lo {
			t.Fatalf("PopFront() = %d, %v; want %d, true", v, ok, lo)
		}
		if v, ok := d.PopBack(); !ok || v != hi {
			t.Fatalf("PopBack() = %d, %v; want %d, true", v, ok, hi)
		}
		lo, hi = lo+1, hi-1
	}
	if s, want := d.Snapshot(), []int{lo, hi}; !slices.Equal(s, want) {
		t.Fatalf("Snapshot() = %v; want %v", s, want)
	}
}
