package ftutils

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// BatchExecutor hands out the results of a source function to many
// goroutines, calling the source in batches: one goroutine refills a whole
// batch (size calls, in order) when it runs dry, and every other call takes
// the next prefetched value with one atomic add. It is ft_utils'
// local.BatchExecutor: it turns N contended calls to a source that has its
// own lock (an ID allocator, a pseudo-random generator, a pool) into N/size
// locked calls.
//
// Create one with [NewBatchExecutor] or [NewBatchExecutorErr]; the zero
// value is not usable. A BatchExecutor must not be copied after first use.
//
// Guarantees: every value the source returns is handed out at most once
// (exactly once unless the executor closes or a [BatchLocal] holding it is
// dropped); values come out of one batch in the order the source made them,
// and batches are handed out in order, but concurrent Loads may receive
// them in any order. The source is never called concurrently with itself.
//
// Errors and panics: if the source (of [NewBatchExecutorErr]) returns an
// error, the executor closes for good: that Load and every later one
// returns a sticky error that wraps both [ErrClosed] and the source's
// error. If the source panics, the executor closes the same way, with an
// error that wraps ErrClosed and names the panic value, and the panic goes
// on in the goroutine that called the source (the Load that triggered the
// refill): the panic is not swallowed. Values the source made earlier in the
// failed batch are dropped.
//
// Memory model: the source call that made a value synchronizes before the
// return of the Load that hands it out.
//
// Progress: Load is lock-free while the current batch lasts (one atomic
// add); a Load that finds the batch exhausted blocks on a mutex while one
// goroutine refills it.
//
// Cost (AMD EPYC, 2 vCPUs, Go 1.26; docs/benchmarks/contention.md): one
// atomic add and two loads per value, plus the refill (size source calls
// and one allocation of a size-element slice) once per size values.
//
// Algorithm: ft_utils' BatchExecutor (local.c) with one defect fixed. There
// a single buffer and cursor are reused by every refill, so a goroutine
// that claims a slot and stalls before reading it can read the next
// batch's value (handing that value out twice and losing the old one).
// Here each batch is a fresh immutable buffer with its own cursor, and a
// refill publishes a new batch pointer instead of resetting the cursor: a
// slow claimer still reads the batch it claimed from.
type BatchExecutor[T any] struct {
	_ noCopy
	// cur is the batch values are taken from; nil before the first
	// refill. Replaced only by a refill or close, under mu.
	cur atomic.Pointer[batchBuf[T]]
	// mu serialises refills, so the source never runs concurrently, and
	// guards err.
	mu sync.Mutex
	// err is the sticky error once closed; guarded by mu.
	err error
	// src (or src0, for a source that cannot fail; exactly one is set)
	// and size are set by the constructor and read-only after.
	src  func() (T, error)
	src0 func() T
	size int
}

// batchBuf is one batch: an immutable slice of values and the cursor over
// it. A claim is next.Add(k); the claimer owns the indices it got that are
// below len(vals). Claims past the end fail and are never reset.
type batchBuf[T any] struct {
	next atomic.Int64
	vals []T
}

// closedBatch is what cur holds once the executor is closed: empty, so
// every claim fails and goes to loadSlow, which returns err.
func closedBatch[T any]() *batchBuf[T] { return &batchBuf[T]{} }

// NewBatchExecutor returns an executor that calls source in batches of size
// calls. It panics if source is nil or size < 1.
func NewBatchExecutor[T any](source func() T, size int) *BatchExecutor[T] {
	if source == nil {
		panic("ftutils: NewBatchExecutor: nil source")
	}
	e := newBatchExecutor[T](nil, size)
	e.src0 = source
	return e
}

// NewBatchExecutorErr is [NewBatchExecutor] for a source that can fail: its
// first error closes the executor (see [BatchExecutor]). It panics if
// source is nil or size < 1.
func NewBatchExecutorErr[T any](source func() (T, error), size int) *BatchExecutor[T] {
	if source == nil {
		panic("ftutils: NewBatchExecutorErr: nil source")
	}
	return newBatchExecutor(source, size)
}

func newBatchExecutor[T any](source func() (T, error), size int) *BatchExecutor[T] {
	if size < 1 {
		panic(fmt.Sprintf("ftutils: NewBatchExecutor: size %d < 1", size))
	}
	return &BatchExecutor[T]{src: source, size: size}
}

// Load returns the next value. It calls the source (size times) only when
// the current batch is exhausted. After the executor has closed it returns
// the zero T and the sticky error, which wraps [ErrClosed].
func (e *BatchExecutor[T]) Load() (T, error) {
	if b := e.cur.Load(); b != nil {
		if i := b.next.Add(1) - 1; i < int64(len(b.vals)) {
			return b.vals[i], nil
		}
	}
	return e.loadSlow()
}

// LoadN fills dst with the next len(dst) values, claiming as many as it can
// from the current batch with one atomic add, and returns how many it
// stored: len(dst), or fewer with the executor's sticky error if it closed
// on the way. The values stored before the error are valid.
func (e *BatchExecutor[T]) LoadN(dst []T) (int, error) {
	n := 0
	for n < len(dst) {
		if b := e.cur.Load(); b != nil {
			k := int64(len(dst) - n)
			end := b.next.Add(k)
			if start := end - k; start < int64(len(b.vals)) {
				n += copy(dst[n:], b.vals[start:min(end, int64(len(b.vals)))])
				continue
			}
		}
		v, err := e.loadSlow()
		if err != nil {
			return n, err
		}
		dst[n] = v
		n++
	}
	return n, nil
}

// Close closes the executor: later Loads return an error wrapping
// [ErrClosed]. Values already prefetched and not yet handed out are dropped.
// Close after an earlier failure keeps the first error. A Load that
// claimed a value before Close still returns it.
func (e *BatchExecutor[T]) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.closeLocked(ErrClosed)
}

// Err returns the sticky error, or nil while the executor is open.
func (e *BatchExecutor[T]) Err() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.err
}

// closeLocked records err unless an error is already recorded, and makes
// every later claim fail. The caller holds e.mu.
func (e *BatchExecutor[T]) closeLocked(err error) {
	if e.err == nil {
		e.err = err
	}
	e.cur.Store(closedBatch[T]())
}

// loadSlow takes e.mu, and either takes a value from a batch that another
// goroutine refilled while we waited, or refills the batch itself.
func (e *BatchExecutor[T]) loadSlow() (T, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err != nil {
		var zero T
		return zero, e.err
	}
	if b := e.cur.Load(); b != nil {
		if i := b.next.Add(1) - 1; i < int64(len(b.vals)) {
			return b.vals[i], nil
		}
	}
	vals, err := e.fillLocked()
	if err != nil {
		e.closeLocked(fmt.Errorf("%w: BatchExecutor source failed: %w", ErrClosed, err))
		var zero T
		return zero, e.err
	}
	b := &batchBuf[T]{vals: vals}
	b.next.Store(1) // vals[0] is ours
	e.cur.Store(b)
	return vals[0], nil
}

// fillLocked calls the source size times and returns the values in call
// order, or the source's first error. If the source panics, it closes the
// executor and lets the panic continue (re-panicking with the same value,
// from a deferred call that runs on top of the panicking frames, so the
// stack trace still shows the source). The caller holds e.mu.
func (e *BatchExecutor[T]) fillLocked() (vals []T, err error) {
	vals = make([]T, e.size)
	finished := false
	defer func() {
		if finished {
			return
		}
		r := recover()
		if r == nil { // runtime.Goexit in the source: no panic value
			e.closeLocked(fmt.Errorf("%w: BatchExecutor source called runtime.Goexit", ErrClosed))
			return
		}
		e.closeLocked(fmt.Errorf("%w: BatchExecutor source panicked: %v", ErrClosed, r))
		panic(r)
	}()
	if e.src0 != nil {
		for i := range vals {
			vals[i] = e.src0()
		}
	} else {
		for i := range vals {
			if vals[i], err = e.src(); err != nil {
				finished = true
				return nil, err
			}
		}
	}
	finished = true
	return vals, nil
}
