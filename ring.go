package ftutils

// ring is a growable circular buffer, the storage behind [Queue],
// [WorkQueue] and [Deque]. It is not safe for concurrent use: every method's
// precondition is that the caller holds the owning structure's mutex.
//
// The capacity is zero or a power of two, so an index wraps with a mask.
// The buffer doubles when full and halves when less than an eighth full
// (never below ringShrinkMin), so pushes and pops are amortised O(1) and a queue that once
// held a burst gives the memory back. Vacated slots are zeroed so the
// garbage collector can reclaim what they pointed to.
//
// Why not a slice with append and s = s[1:]: popping from the front of a
// slice leaks the prefix until the next reallocation and never shrinks, and
// pushing to the front is O(n).
type ring[T any] struct {
	buf  []T // len(buf) is 0 or a power of two
	head int // index of the first element
	n    int // number of elements
}

// ringMinCap is the smallest non-zero capacity: big enough that a queue
// trickling a few items never reallocates, small enough to be free.
const ringMinCap = 16

// ringShrinkMin is the capacity below which a ring never shrinks. Why not
// shrink all the way down: a deque or queue that oscillates between empty
// and a few hundred items (the common case) would reallocate on every
// cycle; measured on BenchmarkDeque_Ops/batch=100 that cost 3x. 1024 slots
// of a word-sized element is 8 KiB kept per structure at most.
const ringShrinkMin = 1024

// slot returns the index in buf of logical position i (0 <= i < cap).
func (r *ring[T]) slot(i int) int { return (r.head + i) & (len(r.buf) - 1) }

// pushBack appends v after the last element.
func (r *ring[T]) pushBack(v T) {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = v
	r.n++
}

// pushFront inserts v before the first element.
func (r *ring[T]) pushFront(v T) {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.head = (r.head - 1) & (len(r.buf) - 1)
	r.buf[r.head] = v
	r.n++
}

// popFront removes and returns the first element. Precondition: r.n > 0.
func (r *ring[T]) popFront() T {
	var zero T
	v := r.buf[r.head]
	r.buf[r.head] = zero
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	if r.n < len(r.buf)>>3 && len(r.buf) > ringShrinkMin {
		r.shrink()
	}
	return v
}

// popBack removes and returns the last element. Precondition: r.n > 0.
func (r *ring[T]) popBack() T {
	var zero T
	r.n--
	i := (r.head + r.n) & (len(r.buf) - 1)
	v := r.buf[i]
	r.buf[i] = zero
	if r.n < len(r.buf)>>3 && len(r.buf) > ringShrinkMin {
		r.shrink()
	}
	return v
}

// at returns the element at logical position i. Precondition: 0 <= i < r.n.
func (r *ring[T]) at(i int) T { return r.buf[r.slot(i)] }

// removeAt deletes the element at logical position i, shifting the shorter
// side over the gap. Precondition: 0 <= i < r.n.
func (r *ring[T]) removeAt(i int) {
	var zero T
	if i < r.n/2 {
		for j := i; j > 0; j-- {
			r.buf[r.slot(j)] = r.buf[r.slot(j-1)]
		}
		r.buf[r.head] = zero
		r.head = (r.head + 1) & (len(r.buf) - 1)
	} else {
		for j := i; j < r.n-1; j++ {
			r.buf[r.slot(j)] = r.buf[r.slot(j+1)]
		}
		r.buf[r.slot(r.n-1)] = zero
	}
	r.n--
	if r.n < len(r.buf)>>3 && len(r.buf) > ringShrinkMin {
		r.shrink()
	}
}

// rotate moves the last k elements to the front, 0 <= k < r.n, in
// min(k, n-k) element moves and without allocating.
func (r *ring[T]) rotate(k int) {
	var zero T
	mask := len(r.buf) - 1
	if k <= r.n-k {
		for range k { // last to first
			i := r.slot(r.n - 1)
			v := r.buf[i]
			r.buf[i] = zero
			r.head = (r.head - 1) & mask
			r.buf[r.head] = v
		}
		return
	}
	for range r.n - k { // first to last
		v := r.buf[r.head]
		r.buf[r.head] = zero
		r.head = (r.head + 1) & mask
		r.buf[r.slot(r.n-1)] = v
	}
}

// appendTo appends the elements in order to dst and returns it.
func (r *ring[T]) appendTo(dst []T) []T {
	if r.n == 0 {
		return dst
	}
	end := r.head + r.n
	if end <= len(r.buf) {
		return append(dst, r.buf[r.head:end]...)
	}
	dst = append(dst, r.buf[r.head:]...)
	return append(dst, r.buf[:end-len(r.buf)]...)
}

// clear removes every element and releases the buffer.
func (r *ring[T]) clear() { *r = ring[T]{} }

// drain removes every element and returns them in order (nil when empty).
func (r *ring[T]) drain() []T {
	if r.n == 0 {
		return nil
	}
	out := r.appendTo(make([]T, 0, r.n))
	r.clear()
	return out
}

// grow doubles the capacity (from 0 to ringMinCap). It is out of line so
// that the push fast paths inline.
func (r *ring[T]) grow() { r.resize(max(ringMinCap, 2*len(r.buf))) }

// shrink halves the capacity, leaving the elements at most a quarter of
// it: called when they fill less than an eighth, the hysteresis keeps a
// ring that hovers around one size from resizing back and forth.
func (r *ring[T]) shrink() { r.resize(len(r.buf) / 2) }

// resize moves the elements into a new buffer of capacity c (a power of
// two, c >= r.n).
func (r *ring[T]) resize(c int) {
	buf := make([]T, c)
	r.appendTo(buf[:0])
	r.buf, r.head = buf, 0
}
