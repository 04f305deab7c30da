package ftutils

import (
	"sync"
	"sync/atomic"
	"time"
)

// waitState says why a parked goroutine was woken. It is written by the
// waker while holding the owning queue's mutex, before the wake-up token is
// sent, and read by the waiter after it receives the token (the channel
// operation orders the two) or while holding the mutex.
type waitState uint8

const (
	waitParked   waitState = iota // still in the list
	waitDone                      // the operation completed (item handed over, task count zero)
	waitShutDown                  // the queue was shut down
)

// waiter is one parked goroutine. Each has its own channel, so a waker picks
// exactly whom to wake (no thundering herd, unlike sync.Cond.Broadcast) and
// the waiter can select on its channel, a context and a timer together —
// sync.Cond has no timed or cancellable wait. A receive on a channel is
// durably blocking for testing/synctest and costs no CPU while parked.
//
// The owning queue's mutex guards v, state, prev and next while the waiter
// is in a list; once it has been woken, only the waiter touches it.
type waiter[T any] struct {
	ch         chan struct{} // capacity 1: the waker sends exactly one token, after unlocking
	v          T             // the item handed to a getter, or offered by a putter
	state      waitState
	prev, next *waiter[T]
}

// waitList is an intrusive FIFO of parked goroutines with O(1) removal from
// the middle (for cancellations) and a pool of recycled waiters. The caller
// holds the owning queue's mutex for every method except await.
type waitList[T any] struct {
	head, tail *waiter[T]
	// n is the number of waiters in the list. It changes only under the
	// owning mutex, but is atomic so that a producer can see "nobody is
	// parked" without taking that mutex; the increment in pushBack is the
	// parker's half of [Queue]'s Dekker-style handshake.
	n atomic.Int32
}

// waiterPool recycles waiters (and their channels) so a goroutine that parks
// and is woken repeatedly allocates nothing after the first time.
type waiterPool[T any] struct{ p sync.Pool }

func (p *waiterPool[T]) get() *waiter[T] {
	if w, ok := p.p.Get().(*waiter[T]); ok {
		return w
	}
	return &waiter[T]{ch: make(chan struct{}, 1)}
}

// put recycles w. Precondition: w is in no list and its channel is empty
// (its token, if one was sent, has been received).
func (p *waiterPool[T]) put(w *waiter[T]) {
	var zero T
	w.v, w.state = zero, waitParked
	p.p.Put(w)
}

// pushBack appends w. Precondition: w is in no list.
func (l *waitList[T]) pushBack(w *waiter[T]) {
	w.prev, w.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = w
	} else {
		l.head = w
	}
	l.tail = w
	l.n.Add(1)
}

// popFront removes and returns the oldest waiter, or nil.
func (l *waitList[T]) popFront() *waiter[T] {
	w := l.head
	if w != nil {
		l.remove(w)
	}
	return w
}

// remove unlinks w. Precondition: w is in l.
func (l *waitList[T]) remove(w *waiter[T]) {
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		l.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		l.tail = w.prev
	}
	w.prev, w.next = nil, nil
	l.n.Add(-1)
}

// takeAll empties the list, marks every waiter with state, and returns them
// (chained through next) for wakeAll to wake after the caller unlocks.
func (l *waitList[T]) takeAll(state waitState) *waiter[T] {
	h := l.head
	for w := h; w != nil; w = w.next {
		w.state = state
	}
	l.head, l.tail = nil, nil
	l.n.Store(0)
	return h
}

// wakeAll wakes a chain returned by takeAll. Precondition: the caller does
// not hold the mutex. It reads next before waking each waiter, since a woken
// waiter may be recycled at once.
func wakeAll[T any](w *waiter[T]) {
	for w != nil {
		next := w.next
		w.next, w.prev = nil, nil
		w.ch <- struct{}{}
		w = next
	}
}

// testHookWake, when set by a test, is called every time a parked goroutine
// returns from its wait, so a test can count wake-ups and prove that an idle
// waiter is not polling. It is nil in production.
var testHookWake func()

// testHookPopGap, when set by a test, is called by Queue.PopTimeout and
// Queue's waiting pops between their read of the shutdown flag and their
// TryPop, the window in which a Shutdown that drains the queue makes an
// "empty" answer stale; final says that the pop will not wait after this
// attempt (a PopTimeout of d <= 0, or a timed pop past its deadline). q is
// the *Queue, so that a hook acts only for its own test's queue.
var testHookPopGap func(q any, final bool)

// testHookPark, when set by a test, is called by a Pop that found the
// queue empty just before it lists itself as a waiter: the window in which
// a Push that does not see the waiter must be caught by the re-check. q is
// the *Queue.
var testHookPark func(q any)

// await blocks until w is woken, done is closed or tc fires. It reports
// whether w was woken (then w.state says why, and w is out of the list);
// false means the wait was abandoned and w has been removed from l.
// Precondition: w is in l and the caller does not hold mu; mu guards l.
//
// A wake-up can race with cancellation: if the waker marked w before we
// took mu, the operation has completed and we report it as such (the item
// is not lost), after receiving the token the waker is about to send so
// that w can be recycled.
func (l *waitList[T]) await(mu *sync.Mutex, w *waiter[T], done <-chan struct{}, tc <-chan time.Time) bool {
	if done == nil && tc == nil {
		<-w.ch
		if testHookWake != nil {
			testHookWake()
		}
		return true
	}
	select {
	case <-w.ch:
		if testHookWake != nil {
			testHookWake()
		}
		return true
	case <-done:
	case <-tc:
	}
	if testHookWake != nil {
		testHookWake()
	}
	mu.Lock()
	if w.state != waitParked {
		mu.Unlock()
		<-w.ch
		return true
	}
	l.remove(w)
	mu.Unlock()
	return false
}

// newTimer returns a timer for a timed wait and its channel.
func newTimer(d time.Duration) (*time.Timer, <-chan time.Time) {
	t := time.NewTimer(d)
	return t, t.C
}
