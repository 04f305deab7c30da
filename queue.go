package ftutils

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Queue is an unbounded multi-producer multi-consumer FIFO queue with
// blocking, cancellable removal and a shutdown that never drops an item
// silently. It is the Go counterpart of ft_utils' ConcurrentQueue: the
// queue that feeds work to goroutines.
//
// The zero value is an empty, open queue ready to use. A Queue must not be
// copied after first use.
//
// Memory model: a Push synchronizes before the Pop (or TryPop, PopTimeout,
// or Shutdown's returned slice) that receives its item. Shutdown
// synchronizes before every call that returns [ErrShutDown] because of it.
//
// Progress: blocking (two locks; waiters park). Push, Pop, TryPop,
// PopTimeout and Shutdown are linearizable; Len is exact at some instant
// during the call. Pops receive items in Push order. A waiting Pop costs no
// CPU: it is parked on its own channel, not polling, and is durably blocked
// for [testing/synctest].
//
// Cost (2-vCPU AMD EPYC Zen 4, Go 1.26): an uncontended Push+Pop pair
// costs about what a mutex around a ring does (10–18 ns on that noisy box;
// a buffered channel send+receive: 23–45 ns) and is allocation-free once
// chunks are recycled. Producers and consumers take different locks, so
// they do not contend with each other: 2 producers and 2 consumers move an
// item in 18–35 ns (a buffered channel: 35–60 ns); see
// docs/benchmarks/queues.md.
//
// Algorithm: the two-lock queue of Michael and Scott ("Simple, Fast, and
// Practical Non-Blocking and Blocking Concurrent Queue Algorithms", PODC
// 1996, §3, Figure 2), over a linked list of fixed-size chunks instead of
// one node per item, with a published-item counter in place of the
// per-node next pointer. The producers' lock is that counter's low bit
// (one CAS to lock, one atomic store to unlock and publish; contended
// producers queue on a mutex); the consumers' lock is a sync.Mutex.
// Consumers that find the queue empty park on a
// waiter list; a producer wakes one only when the list is non-empty, which
// it learns from an atomic count (a Dekker-style handshake: the parker
// increments the count, then re-checks the item counter; the producer
// publishes the item, then reads the count; sequentially consistent atomics
// guarantee that one of them sees the other). ft_utils' ticket algorithm
// is not used: its abandoned tickets leak placeholders and its lock-free
// mode polls every 50 ms (SPEC.md §1.7).
type Queue[T any] struct {
	_ noCopy

	// Consumer side, guarded by headMu.
	headMu sync.Mutex
	head   *qChunk[T] // chunk holding item number popped, once popped%qChunkSize != 0
	popped uint64     // items removed so far
	seen   uint64     // a recent count of published items, so a busy consumer need not re-read tailW
	_      [cacheLinePad - unsafe.Sizeof(sync.Mutex{}) - unsafe.Sizeof(uintptr(0)) - 16]byte

	// Producer side. tailW is the producers' lock and the publication of
	// their items in one word, so that a Push costs one CAS (lock) and one
	// atomic store (unlock and publish) instead of a mutex round trip plus
	// a separate atomic store of the count:
	//
	//	tailW: | 63 ........................ 1 | 0      |
	//	       | items published so far        | locked |
	//
	// tailMu only queues producers that found the word locked (see
	// lockTailSlow); it guards nothing else.
	tailW  atomic.Uint64
	tail   *qChunk[T] // chunk that receives the next item; owned by the tailW lock holder
	tailMu sync.Mutex
	_      [cacheLinePad - 8 - unsafe.Sizeof(uintptr(0)) - unsafe.Sizeof(sync.Mutex{})]byte

	// Read by producers on every Push, written rarely.
	shut    atomic.Bool               // set once, under the tailW lock, by Shutdown
	first   atomic.Pointer[qChunk[T]] // the first chunk, until the first pop takes it
	chunks  sync.Pool                 // consumed chunks kept for reuse (emptied by the GC)
	drained atomic.Uint64             // popped, as of the consumers' last chunk change
	waitMu  sync.Mutex                // guards waiters
	waiters waitList[T]               // parked poppers; waiters.n is read without waitMu
	pool    waiterPool[T]             // recycled waiters
}

// qYieldLen is the backlog beyond which every qYieldLen-th Push yields the
// processor once (runtime.Gosched), so that when goroutines outnumber
// processors the consumers run while the items are still in cache instead
// of after the producer's whole time slice (10 ms, hundreds of thousands of
// items, megabytes of cold memory). It costs one Gosched (about 100 ns) per
// 4096 pushes, only while the backlog lasts — about 0.3 % when prefilling
// a queue with no consumer running — and never blocks: a Push still always
// succeeds at once. Measured on BenchmarkQueue_PushPop2x2
// at -cpu 1: see docs/benchmarks/queues.md.
const qYieldLen = 4096

// qChunkSize is the number of items per chunk: one allocation (or reuse)
// per 128 items, small enough that an idle queue holds little.
const qChunkSize = 128

// qChunk is a block of item slots. Item number k lives in slot
// k%qChunkSize of the (k/qChunkSize)th chunk. A slot is written by the
// producer before it publishes the item (tailW.Store), and read and
// cleared by the consumer after it sees the publication.
type qChunk[T any] struct {
	slots [qChunkSize]T
	next  atomic.Pointer[qChunk[T]] // set by the producer before it publishes slot 0 of next
}

// Push appends v to the queue and wakes one parked Pop, if there is one. It
// never blocks (beyond the mutex) and returns [ErrShutDown] after
// [Queue.Shutdown], leaving v with the caller.
func (q *Queue[T]) Push(v T) error {
	k := q.lockTail()
	if q.shut.Load() {
		q.tailW.Store(k << 1) // unlock, publishing nothing
		return ErrShutDown
	}
	i := k % qChunkSize
	if i == 0 {
		q.newTail()
	}
	q.tail.slots[i] = v
	q.tailW.Store((k + 1) << 1) // unlock and publish; sequentially consistent, before the waiters.n load
	if q.waiters.n.Load() > 0 {
		q.wakeOne()
	}
	if k%qYieldLen == 0 && k-q.drained.Load() > qYieldLen {
		runtime.Gosched()
	}
	return nil
}

// lockTail takes the producers' lock and returns the number of items
// published so far.
func (q *Queue[T]) lockTail() uint64 {
	w := q.tailW.Load()
	if w&1 == 0 && q.tailW.CompareAndSwap(w, w|1) {
		return w >> 1
	}
	return q.lockTailSlow()
}

// lockTailSlow waits for the producers' lock. Producers that find it held
// queue on tailMu (parking there if need be, like any sync.Mutex waiter),
// so at most one of them at a time retries the word; the holder keeps it
// only to store one item (and, once per chunk, to link a new chunk), so the
// retry loop is short, and it yields the processor between attempts in
// case the holder was preempted.
//
// Why not a sync.Mutex for the producers, as in Michael and Scott's
// two-lock queue: its unlock is a locked instruction of its own, on top of
// the atomic store that publishes the item; measured on the 2-vCPU box that
// made an uncontended Push+Pop 1.2–1.4x a mutex+ring instead of par.
func (q *Queue[T]) lockTailSlow() uint64 {
	q.tailMu.Lock()
	defer q.tailMu.Unlock()
	for spins := 0; ; spins++ {
		w := q.tailW.Load()
		if w&1 == 0 && q.tailW.CompareAndSwap(w, w|1) {
			return w >> 1
		}
		if spins >= 4 {
			runtime.Gosched()
		}
	}
}

// newTail links a fresh or recycled chunk after the tail.
// Precondition: the caller holds the tailW lock.
func (q *Queue[T]) newTail() {
	c, _ := q.chunks.Get().(*qChunk[T])
	if c == nil {
		c = new(qChunk[T])
	}
	if q.tail != nil {
		q.tail.next.Store(c)
	} else {
		q.first.Store(c)
	}
	q.tail = c
}

// wakeOne wakes the longest-parked Pop, if any. The woken Pop retries; it
// is not handed the item, since another consumer may take it first.
func (q *Queue[T]) wakeOne() {
	q.waitMu.Lock()
	w := q.waiters.popFront()
	if w != nil {
		w.state = waitDone
	}
	q.waitMu.Unlock()
	if w != nil {
		w.ch <- struct{}{}
	}
}

// TryPop removes and returns the oldest item without waiting; ok is false
// when the queue is empty.
func (q *Queue[T]) TryPop() (v T, ok bool) {
	q.headMu.Lock()
	v, ok = q.popLocked()
	q.headMu.Unlock()
	return v, ok
}

// popLocked removes the oldest item. It is kept small enough to inline;
// the chunk change every qChunkSize items is out of line.
// Precondition: q.headMu is held.
func (q *Queue[T]) popLocked() (v T, ok bool) {
	p := q.popped
	if p == q.seen {
		q.seen = q.tailW.Load() >> 1
		if p == q.seen {
			return v, false
		}
	}
	i := p % qChunkSize
	if i == 0 {
		q.advanceHead(p)
	}
	var zero T
	c := q.head
	v, c.slots[i] = c.slots[i], zero
	q.popped = p + 1
	return v, true
}

// advanceHead moves head to the chunk that holds item p (p%qChunkSize ==
// 0) and recycles the chunk it leaves. The chunk exists: item p has been
// published, and its chunk was linked before. Precondition: q.headMu is
// held.
func (q *Queue[T]) advanceHead(p uint64) {
	old := q.head
	if p == 0 {
		q.head = q.first.Swap(nil)
	} else {
		q.head = old.next.Load()
		old.next.Store(nil)
		q.chunks.Put(old) // its slots were cleared as they were read
		q.drained.Store(p)
	}
}

// Pop removes and returns the oldest item, waiting for one if the queue is
// empty. It returns ctx.Err() if ctx is done before an item arrives (the
// queue is then unchanged; an already-done ctx fails at once), and
// [ErrShutDown] once the queue is shut down and has no items left.
func (q *Queue[T]) Pop(ctx context.Context) (T, error) {
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, err
	}
	q.headMu.Lock()
	v, ok := q.popLocked()
	q.headMu.Unlock()
	if ok {
		return v, nil
	}
	v, ok, err := q.popSlow(ctx.Done(), nil, time.Time{}, false)
	if !ok && err == nil {
		err = ctx.Err()
	}
	return v, err
}

// PopTimeout is [Queue.Pop] with a timeout instead of a context: it returns
// [ErrEmpty] if no item arrives within d (d <= 0 means do not wait). The
// timeout runs from the call and is not restarted by wake-ups.
func (q *Queue[T]) PopTimeout(d time.Duration) (T, error) {
	var v T
	var ok bool
	var err error
	if d <= 0 {
		v, ok, err = q.popSlow(nil, nil, time.Time{}, true)
	} else if v, ok = q.TryPop(); !ok { // an item at hand needs no timer
		t, tc := newTimer(d)
		defer t.Stop()
		v, ok, err = q.popSlow(nil, tc, time.Now().Add(d), false)
	}
	if !ok && err == nil {
		err = ErrEmpty
	}
	return v, err
}

// popSlow waits until it can remove an item, the queue is shut down and
// drained, done is closed or tc fires. ok reports an item; err is
// ErrShutDown after shutdown and nil when the wait was abandoned.
//
// A woken waiter is not handed an item: it loops and competes for one, so
// a wake-up that races with cancellation loses nothing (the item stays in
// the queue for the next consumer).
//
// A timed wait passes its deadline too. A waiter whose timer fires while a
// Push wakes it comes back from park as woken, with the timer's channel
// already drained; if another consumer then takes the item, parking on that
// channel again would block until the next Push. So after every wake-up the
// deadline is checked against the clock (the timer fires only once it has
// passed), and a waiter past it makes one last attempt and gives up. A pop
// that must not wait at all (PopTimeout with d <= 0) starts expired.
func (q *Queue[T]) popSlow(done <-chan struct{}, tc <-chan time.Time, deadline time.Time, expired bool) (v T, ok bool, err error) {
	for {
		shut := q.shut.Load() // before the pop: no item can arrive after shut
		if testHookPopGap != nil {
			testHookPopGap(q, expired)
		}
		if v, ok = q.TryPop(); ok {
			return v, true, nil
		}
		if shut {
			return v, false, ErrShutDown
		}
		if expired {
			// Giving up says "empty while open", true at the failed pop
			// only if the queue is still open now: a pop delayed between
			// its read of shut and its TryPop can see the queue only after
			// a Shutdown drained it, and "empty" would then describe a
			// queue that was never empty while open during the call
			// (found by TestLinQueue). If it is shut now, no item can
			// arrive, and the next pass returns one or ErrShutDown.
			if q.shut.Load() {
				continue
			}
			return v, false, nil
		}
		if !q.park(done, tc) { // it saw the queue empty and open before waiting
			return v, false, nil
		}
		expired = tc != nil && !time.Now().Before(deadline)
	}
}

// park waits until a Push or Shutdown wakes the caller, or done or tc
// fires; it reports false in the latter case. It returns at once (true) if
// an item or a shutdown slipped in before the caller was listed.
func (q *Queue[T]) park(done <-chan struct{}, tc <-chan time.Time) bool {
	if testHookPark != nil {
		testHookPark(q)
	}
	w := q.pool.get()
	q.waitMu.Lock()
	q.waiters.pushBack(w) // waiters.n.Add: the parker's half of the handshake
	if q.shut.Load() || q.tailW.Load()>>1 != q.poppedNow() {
		q.waiters.remove(w)
		q.waitMu.Unlock()
		q.pool.put(w)
		return true
	}
	q.waitMu.Unlock()
	woken := q.waiters.await(&q.waitMu, w, done, tc)
	q.pool.put(w)
	return woken
}

// poppedNow returns the number of items removed so far.
func (q *Queue[T]) poppedNow() uint64 {
	q.headMu.Lock()
	p := q.popped
	q.headMu.Unlock()
	return p
}

// Len returns the number of items in the queue (parked poppers are not
// counted).
func (q *Queue[T]) Len() int {
	q.headMu.Lock()
	n := q.tailW.Load()>>1 - q.popped
	q.headMu.Unlock()
	return int(n)
}

// Shutdown closes the queue to new items: every later Push returns
// [ErrShutDown], and every parked Pop wakes and, once the queue is empty,
// returns ErrShutDown.
//
// With immediate false, pops go on draining the items already queued and
// return ErrShutDown only once it is empty; left is nil. With immediate
// true, Shutdown removes every queued item and returns them in FIFO order,
// so every later Pop fails at once and nothing is lost silently: whatever a
// consumer did not receive is in left. Shutdown may be called more than
// once; an immediate call after a normal one drains what is left.
func (q *Queue[T]) Shutdown(immediate bool) (left []T) {
	k := q.lockTail()
	q.shut.Store(true)
	if immediate {
		q.headMu.Lock()
		for {
			v, ok := q.popLocked()
			if !ok {
				break
			}
			left = append(left, v)
		}
		q.headMu.Unlock()
	}
	q.tailW.Store(k << 1)
	q.waitMu.Lock()
	ws := q.waiters.takeAll(waitShutDown)
	q.waitMu.Unlock()
	wakeAll(ws)
	return left
}
