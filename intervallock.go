package ftutils

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultLockInterval is the switch interval of a zero-value [IntervalLock]:
// 5 ms, ft_utils' default and CPython's sys.getswitchinterval().
const DefaultLockInterval = 5 * time.Millisecond

// IntervalLock is a mutual exclusion lock for long critical sections that
// must still share time, the user-space counterpart of the GIL's switch
// interval: a goroutine holds the lock across a long computation, calls
// [IntervalLock.Poll] now and then, and Poll hands the lock to the waiting
// goroutines once the interval has passed since the lock was acquired.
// It is a [sync.Locker] and a port of ft_utils' synchronization.IntervalLock.
//
// The zero value is an unlocked lock with a [DefaultLockInterval] (5 ms)
// switch interval; [NewIntervalLock] sets another interval. An IntervalLock
// must not be copied after first use.
//
// As with [sync.Mutex], a locked IntervalLock is not associated with a
// particular goroutine: Go has no goroutine identity, so one goroutine may
// lock it and another unlock it, and a goroutine that locks it twice
// deadlocks (ft_utils raises "Locking from owner would deadlock"; we cannot
// tell). [IntervalLock.Cede] and [IntervalLock.Poll] act on behalf of the
// holder and must be called by the goroutine whose critical section it is.
// Unlock, Cede and Poll of an unlocked lock panic with an "ftutils: "
// message.
//
// Memory model: the n'th call to Unlock (or the hand-off inside Cede or
// Poll) synchronizes before the m'th acquisition returns, for any n < m,
// exactly as for [sync.Mutex]; a successful TryLock or LockContext is an
// acquisition, a failed one is not.
//
// Fairness. Once a goroutine waits, the lock is never free: Unlock, Cede and
// Poll hand it directly to the goroutine that has waited longest (FIFO in
// the order the waiters queued), and Lock, TryLock and LockContext succeed
// at once only when the lock is unlocked and nobody waits. A newcomer
// therefore never overtakes a queued waiter, and a waiter is served after at
// most as many critical sections as there were goroutines queued ahead of
// it. Cede and a due Poll put the caller at the back of the queue, so every
// goroutine waiting at that moment runs before the caller gets the lock back
// (ft_utils promises only that one does). This is deliberately unlike
// [sync.Mutex], which lets newcomers barge for throughput: critical sections
// under an IntervalLock are long, so a hand-off's cost is small next to them
// and bounded waiting is worth more.
//
// Progress: blocking. Lock and Unlock are linearizable; [IntervalLock.Locked]
// is a snapshot that may be stale as soon as it returns.
//
// Cost (AMD EPYC VM, 2 vCPUs, Go 1.26; docs/benchmarks/locks.md):
// uncontended Lock+Unlock is one CAS each way, inlined, 1.07-1.09x
// sync.Mutex (about 5 ns there); a Poll that is not due costs about 1 ns
// (it reads the clock only every few microseconds of polling, see Poll); a
// hand-off to a waiter costs one goroutine wake-up (about 120 ns here) and a
// waiter allocates a small record and a channel. A lock that has ever been
// polled or ceded reads the clock (time.Now, 26-45 ns in this VM) on each
// acquisition to start its interval: about 55 ns per Lock+Unlock.
//
// Algorithm: a sync.Mutex-style atomic state word for the uncontended path
// (Go's sync.Mutex, CPython's PyMutex) and an explicit FIFO queue of
// per-waiter channels for the hand-off, in the style of a queue lock
// (Mellor-Crummey and Scott, "Algorithms for Scalable Synchronization on
// Shared-Memory Multiprocessors", ACM TOCS 9(1), 1991, §2, where ownership
// passes to the next queued waiter). ft_utils uses a mutex, a condition
// variable and a "last releaser" mark instead; its waiters are woken in the
// condition variable's order and newcomers can barge.
type IntervalLock struct {
	_ noCopy

	// state is the lock word:
	//
	//	bit 0      ilLocked
	//	bit 1      ilTimed: set by the first Poll or Cede, never cleared;
	//	           from then on each acquisition reads the clock to start
	//	           its interval. Keeping it in the word lets the fast paths
	//	           test it for free: an untimed lock never reads the clock,
	//	           which keeps plain Lock/Unlock at sync.Mutex cost.
	//	bits 2-62  number of queued waiters (ilWaiterUnit each)
	//
	// Invariant: a non-zero waiter count implies locked, because a waiter
	// queues only behind a holder and a release with waiters hands the lock
	// on instead of clearing the bit. The waiter count changes only under mu,
	// where it equals the queue's length.
	state atomic.Int64

	// interval is the switch interval; 0 means DefaultLockInterval. Set by
	// NewIntervalLock, read-only afterwards.
	interval time.Duration

	// mu guards the waiter queue and every change to the waiter count.
	mu   sync.Mutex
	head *ilWaiter // oldest waiter; under mu
	tail *ilWaiter // newest waiter; under mu

	// The fields below belong to the holder: only the goroutine holding the
	// lock reads or writes them, and the lock's own hand-off orders one
	// holder's accesses before the next holder's.

	// countdown is the number of Polls left before Poll reads the clock.
	countdown int32
	// stride is the number of Polls between clock reads; 0 means 1.
	stride int32
	// start is when the current interval started (acquisition or cede).
	start time.Time
	// lastCheck is when Poll last read the clock (or start).
	lastCheck time.Time
}

// ilLocked and ilWaiterUnit are the parts of IntervalLock.state.
const (
	ilLocked     = 1
	ilTimed      = 2
	ilWaiterUnit = 4
)

// Poll's clock-sampling bounds; see IntervalLock.Poll.
const (
	// pollMinGap is the least time Poll lets pass between clock reads when
	// polls are frequent, so time.Now (47 ns here) costs at most ~5 % of
	// the polling loop.
	pollMinGap = time.Microsecond
	// pollMaxStride caps the number of polls between clock reads.
	pollMaxStride = 1 << 16
)

// ilWaiter is one goroutine queued on an IntervalLock.
type ilWaiter struct {
	// ready is closed by the goroutine that hands the lock to this waiter.
	ready chan struct{}
	// prev, next and queued are under the lock's mu.
	prev, next *ilWaiter
	queued     bool
}

// NewIntervalLock returns an unlocked IntervalLock whose Poll cedes once
// interval has passed since acquisition. It panics if interval <= 0 (ft_utils
// accepts negative intervals, which make every poll cede; use Cede for that).
func NewIntervalLock(interval time.Duration) *IntervalLock {
	if interval <= 0 {
		panic("ftutils: NewIntervalLock: interval must be positive, got " + interval.String())
	}
	return &IntervalLock{interval: interval}
}

// Interval returns the lock's switch interval.
func (l *IntervalLock) Interval() time.Duration {
	if l.interval == 0 {
		return DefaultLockInterval
	}
	return l.interval
}

// Lock locks l, waiting in FIFO order behind any queued goroutines if it
// is held. It cannot be interrupted; use [IntervalLock.LockContext] for
// that.
func (l *IntervalLock) Lock() {
	if !l.state.CompareAndSwap(0, ilLocked) {
		_ = l.lockSlow(context.Background())
	}
}

// TryLock locks l if it is unlocked and nobody waits for it, and reports
// whether it did. It never blocks.
func (l *IntervalLock) TryLock() bool {
	return l.state.CompareAndSwap(0, ilLocked) || l.tryLockTimed()
}

// tryLockTimed is TryLock for a timed lock.
func (l *IntervalLock) tryLockTimed() bool {
	if l.state.CompareAndSwap(ilTimed, ilTimed|ilLocked) {
		l.restart()
		return true
	}
	return false
}

// LockContext locks l like [IntervalLock.Lock], or returns ctx.Err() if ctx
// is done first, leaving l as it was. A ctx that is already done returns its
// error even if l is free. If the lock is handed to the caller before the
// cancellation is seen, LockContext returns nil and the caller holds it.
func (l *IntervalLock) LockContext(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if l.TryLock() {
		return nil
	}
	return l.lockSlow(ctx)
}

// lockSlow queues the caller and waits for the hand-off, or for ctx.
func (l *IntervalLock) lockSlow(ctx context.Context) error {
	// Unlocked implies nobody queued: a timed lock, or one released since
	// the fast path failed. Take it.
	for s := l.state.Load(); s&ilLocked == 0; s = l.state.Load() {
		if l.state.CompareAndSwap(s, s|ilLocked) {
			l.acquired(s)
			return nil
		}
	}
	w := &ilWaiter{ready: make(chan struct{})}
	l.mu.Lock()
	for {
		s := l.state.Load()
		if s&ilLocked == 0 {
			if l.state.CompareAndSwap(s, s|ilLocked) {
				l.mu.Unlock()
				l.acquired(s)
				return nil
			}
			continue
		}
		// Held: register behind the holder.
		if l.state.CompareAndSwap(s, s+ilWaiterUnit) {
			break
		}
	}
	l.pushLocked(w)
	l.mu.Unlock()

	select {
	case <-w.ready:
		l.acquired(l.state.Load())
		return nil
	case <-ctx.Done(): // nil, never ready, for Background
		return l.abandon(w, ctx.Err())
	}
}

// abandon withdraws waiter w after its context ended and returns err. If
// the lock was handed to w first, the acquisition stands: abandon returns
// nil and the caller holds the lock.
func (l *IntervalLock) abandon(w *ilWaiter, err error) error {
	l.mu.Lock()
	if w.queued {
		l.removeLocked(w)
		l.state.Add(-ilWaiterUnit)
		l.mu.Unlock()
		return err
	}
	l.mu.Unlock()
	// The hand-off to w happened before the cancellation took effect (w
	// was dequeued under mu, which orders the previous holder's writes
	// before ours).
	l.acquired(l.state.Load())
	return nil
}

// Unlock unlocks l, handing it to the longest waiter if there is one. It
// panics if l is not locked. Like [sync.Mutex], it may be called from a
// goroutine other than the one that locked l.
func (l *IntervalLock) Unlock() {
	if l.state.CompareAndSwap(ilLocked, 0) {
		return
	}
	l.unlockSlow()
}

func (l *IntervalLock) unlockSlow() {
	// A timed lock with nobody waiting needs no queue.
	for {
		s := l.state.Load()
		if s&ilLocked == 0 {
			panic("ftutils: IntervalLock.Unlock of unlocked lock")
		}
		if s >= ilWaiterUnit {
			break
		}
		if l.state.CompareAndSwap(s, s&^ilLocked) {
			return
		}
	}
	l.mu.Lock()
	for {
		s := l.state.Load()
		if s&ilLocked == 0 {
			l.mu.Unlock()
			panic("ftutils: IntervalLock.Unlock of unlocked lock")
		}
		if s < ilWaiterUnit {
			// The waiters we saw gave up (LockContext) meanwhile.
			if l.state.CompareAndSwap(s, s&^ilLocked) {
				l.mu.Unlock()
				return
			}
			continue
		}
		w := l.popLocked() // non-nil: the count equals the queue length under mu
		l.state.Add(-ilWaiterUnit)
		l.mu.Unlock()
		close(w.ready)
		return
	}
}

// Locked reports whether l is locked. The answer may be stale by the time
// the caller looks at it.
func (l *IntervalLock) Locked() bool {
	return l.state.Load()&ilLocked != 0
}

// Cede lets every goroutine waiting for l run before the caller continues:
// if any wait, it hands the lock to the longest waiter, queues the caller
// last and returns when the lock comes back; if none wait, it returns at
// once. Either way it restarts the interval that [IntervalLock.Poll]
// measures. The caller must hold l; Cede panics if l is unlocked.
func (l *IntervalLock) Cede() {
	s := l.state.Load()
	if s&ilLocked == 0 {
		panic("ftutils: IntervalLock.Cede of unlocked lock")
	}
	if s&ilTimed == 0 {
		l.state.Or(ilTimed)
	}
	if s >= ilWaiterUnit {
		l.handOff()
	}
	l.restart()
}

// handOff passes the lock to the longest waiter and queues the caller last,
// returning when the lock is handed back. The caller holds l.
func (l *IntervalLock) handOff() {
	me := &ilWaiter{ready: make(chan struct{})}
	l.mu.Lock()
	w := l.popLocked()
	if w == nil {
		l.mu.Unlock() // every waiter gave up meanwhile
		return
	}
	// One waiter out, one in: the count in state is unchanged, and the lock
	// stays locked throughout, so no newcomer can take it in between.
	l.pushLocked(me)
	l.mu.Unlock()
	close(w.ready)
	<-me.ready
}

// Poll cedes the lock (see [IntervalLock.Cede]) if the interval has passed
// since the lock was acquired or last ceded, and otherwise returns at once.
// The caller must hold l; Poll panics if l is unlocked.
//
// Poll is meant to be called often, so it does not read the clock every
// time: time.Now costs about 47 ns in this VM, ten times an uncontended
// Lock+Unlock. It reads it every stride polls and adapts the stride so that
// clock reads are at least 1 µs apart (the stride doubles, up to 65536,
// while they are closer) and at most interval/16 apart (the stride drops
// to 1 when they are further). With a steady polling rate, Poll therefore
// cedes at most about max(2 µs, one poll's spacing) after the interval
// ends; if the work between polls suddenly grows, the first cede after the
// change can be late by up to stride times the new spacing, stride being
// about as many polls as took 1-2 µs at the old rate. A lock's first Poll ever starts its clock (a lock that was never
// polled does not read the clock on Lock); from then on each acquisition
// and each cede starts the interval.
func (l *IntervalLock) Poll() {
	if l.state.Load()&ilLocked != 0 && l.countdown > 0 {
		l.countdown--
		return
	}
	l.pollSlow()
}

func (l *IntervalLock) pollSlow() {
	if l.state.Load()&ilLocked == 0 {
		panic("ftutils: IntervalLock.Poll of unlocked lock")
	}
	if l.state.Load()&ilTimed == 0 {
		l.state.Or(ilTimed)
		l.restart()
		return
	}
	now := time.Now()
	interval := l.Interval()
	// Adapt the stride to the time since the last clock read: back to 1
	// if reads are too far apart, doubled if they are too close. (Why not
	// shrink in proportion: polling is often bursty, and one long gap
	// says little about the next stride polls.)
	stride := max(l.stride, 1)
	gap := now.Sub(l.lastCheck)
	l.lastCheck = now
	switch {
	case gap > interval/16:
		stride = 1
	case gap < pollMinGap && stride < pollMaxStride:
		stride *= 2
	}
	l.stride = stride
	l.countdown = stride - 1
	if elapsed := now.Sub(l.start); elapsed >= interval || elapsed < 0 {
		l.Cede()
	}
}

// acquired starts the interval of a timed lock just acquired; s is a state
// seen after the acquisition. The caller holds l.
func (l *IntervalLock) acquired(s int64) {
	if s&ilTimed != 0 {
		l.restart()
	}
}

// restart starts a new interval now. The caller holds l.
func (l *IntervalLock) restart() {
	now := time.Now()
	l.start, l.lastCheck = now, now
	l.countdown = max(l.stride, 1) - 1
}

// pushLocked appends w to the queue. The caller holds l.mu.
func (l *IntervalLock) pushLocked(w *ilWaiter) {
	w.queued = true
	w.prev, w.next = l.tail, nil
	if l.tail == nil {
		l.head = w
	} else {
		l.tail.next = w
	}
	l.tail = w
}

// popLocked removes and returns the oldest waiter, or nil if none. The
// caller holds l.mu.
func (l *IntervalLock) popLocked() *ilWaiter {
	w := l.head
	if w != nil {
		l.removeLocked(w)
	}
	return w
}

// removeLocked unlinks queued waiter w. The caller holds l.mu.
func (l *IntervalLock) removeLocked(w *ilWaiter) {
	if w.prev == nil {
		l.head = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		l.tail = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.prev, w.next, w.queued = nil, nil, false
}
