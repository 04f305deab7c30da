package ftutils

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
)

// ErrDuplicateKey is returned by [Gatherer.Insert] for a key that was
// already inserted.
var ErrDuplicateKey = errors.New("ftutils: duplicate key")

// Gatherer collects values that many producers deliver tagged with keys
// 0, 1, 2, … in any order, and lets a consumer read them back in key order,
// waiting for each key in turn. It is ft_utils'
// ConcurrentGatheringIterator: fan work out to goroutines, then gather the
// results in submission order.
//
// The zero value is an empty gatherer, ready to use. A Gatherer must not be
// copied after first use.
//
// Keys: every key is inserted at most once. A second [Gatherer.Insert] of a
// key (while its value is stored, or after a clearing iterator consumed it)
// returns an error wrapping [ErrDuplicateKey] and keeps the first value.
// ft_utils silently overwrote; an overwrite here would lose an item, and a
// late re-insert after consumption would never be read. Negative keys are a
// programming error (no iterator reads them) and panic.
//
// Failure: a producer that cannot deliver its value calls [Gatherer.Fail].
// An iterator then yields the values that are present, in order, and when
// it reaches a missing key it yields the error (wrapping [ErrClosed])
// instead of waiting for a value that will never come; Insert returns the
// same error.
//
// Memory model: an Insert synchronizes before the iterator step that yields
// its value.
//
// Progress: Insert and Fail are blocking only briefly (a mutex, never held
// while waiting). An iterator blocks, parked on a channel (no polling),
// until the key it needs is inserted, the gatherer fails or its context is
// done. Each step is linearizable.
//
// Cost (AMD EPYC, 2 vCPUs, Go 1.26; docs/benchmarks/contention.md): a
// mutex and a ring-slot store per Insert, a mutex and a slot read per value
// read, about a buffered channel's send and receive; a consumer that has to
// wait parks on a channel (allocated once per iterator). Memory: a ring of
// (size of T + 8) bytes per key between the oldest unconsumed key and the
// newest inserted one, plus a map entry per key inserted far ahead of the
// ring.
//
// Algorithm: ft_utils' concurrency.py (a dict, a condition variable and a
// failure flag). Where we deviate: ft_utils checks for the key outside the
// lock and waits on the condition in 10 ms slices to paper over missed
// notifications; here the check and the registration of a per-key wake-up
// channel happen under one lock, so no notification is missed and nothing
// polls. Iterators also take a context.
type Gatherer[T any] struct {
	_ noCopy
	// mu guards every field below.
	mu sync.Mutex
	// store holds inserted values not yet consumed by a clearing iterator.
	store gatherStore[T]
	// waiters are the iterators blocked on a missing key (usually none or
	// one). Insert of the key (or Fail) wakes and removes them.
	waiters []*gatherWaiter
	// err is the sticky failure set by Fail.
	err error
}

// gatherWaiter is one iterator's wake-up channel, reused for every key it
// waits for. ch has capacity 1, so a wake-up is never lost or blocking.
type gatherWaiter struct {
	key int           // the key waited for; guarded by the Gatherer's mu
	ch  chan struct{} // receives one token per wake-up
}

// Insert stores v under key and wakes an iterator waiting for it. It
// returns an error wrapping [ErrDuplicateKey] if key was inserted before,
// and the failure error (wrapping [ErrClosed]) after [Gatherer.Fail]. It
// panics if key is negative.
func (g *Gatherer[T]) Insert(key int, v T) error {
	if key < 0 {
		panic(fmt.Sprintf("ftutils: Gatherer.Insert: negative key %d", key))
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err != nil {
		return g.err
	}
	if !g.store.insert(key, v) {
		return fmt.Errorf("%w %d in Gatherer.Insert", ErrDuplicateKey, key)
	}
	if len(g.waiters) > 0 {
		g.wakeLocked(key)
	}
	return nil
}

// wakeLocked wakes and removes the waiters for key. The caller holds g.mu.
func (g *Gatherer[T]) wakeLocked(key int) {
	w := g.waiters[:0]
	for _, x := range g.waiters {
		if x.key == key {
			x.ch <- struct{}{} // cannot block: one token per registration
		} else {
			w = append(w, x)
		}
	}
	clear(g.waiters[len(w):])
	g.waiters = w
}

// Fail marks the gatherer failed with err (nil means just [ErrClosed]):
// iterators stop at the first missing key with an error wrapping
// ErrClosed and err, and later Inserts return that error. Values already
// inserted can still be read. Only the first Fail counts.
func (g *Gatherer[T]) Fail(err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err != nil {
		return
	}
	if err == nil {
		g.err = ErrClosed
	} else {
		g.err = fmt.Errorf("%w: Gatherer failed: %w", ErrClosed, err)
	}
	for _, x := range g.waiters {
		x.ch <- struct{}{}
	}
	g.waiters = nil
}

// Iter returns an iterator over the values of keys 0 to maxKey inclusive,
// in key order (ft_utils' iterator(max_key, clear)); it is empty if maxKey
// is negative. At a key that has not been inserted yet it blocks until the
// key is inserted, the gatherer fails or ctx is done; in the last two cases
// it yields the zero T and the error ([Gatherer.Fail]'s, or ctx.Err()) and
// stops. ctx is consulted only when the iterator has to wait.
//
// With clear, each value is removed as it is read, and its key can never be
// inserted again; only one clearing iterator may run at a time. Without
// clear, the values stay, and iterators can re-read them. Any iterator that
// reaches a key a clearing iterator already consumed yields an error rather
// than wait for a value that is gone.
func (g *Gatherer[T]) Iter(ctx context.Context, maxKey int, clear bool) iter.Seq2[T, error] {
	return g.IterFrom(ctx, 0, maxKey, clear)
}

// IterFrom is [Gatherer.Iter] over keys from to maxKey inclusive. It lets a
// consumer whose clearing iteration stopped (a done context, a break)
// resume where it left off. A clearing IterFrom that starts past the first
// unconsumed key consumes keys out of order; those keys are not remembered
// as consumed (a duplicate Insert of them is not detected). It panics if
// from is negative.
func (g *Gatherer[T]) IterFrom(ctx context.Context, from, maxKey int, clear bool) iter.Seq2[T, error] {
	if from < 0 {
		panic(fmt.Sprintf("ftutils: Gatherer.IterFrom: negative from %d", from))
	}
	return func(yield func(T, error) bool) {
		var w *gatherWaiter // made on the first wait, reused after
		for k := from; k <= maxKey; k++ {
			v, err := g.next(ctx, k, clear, &w)
			if err != nil {
				yield(v, err)
				return
			}
			if !yield(v, nil) {
				return
			}
		}
	}
}

// next returns the value of key k, waiting for it if needed. *w is the
// iterator's waiter, made here on first use.
func (g *Gatherer[T]) next(ctx context.Context, k int, clear bool, w **gatherWaiter) (T, error) {
	var zero T
	g.mu.Lock()
	for {
		v, st := g.store.take(k, clear)
		switch st {
		case gatherPresent:
			g.mu.Unlock()
			return v, nil
		case gatherConsumed:
			g.mu.Unlock()
			return zero, fmt.Errorf("ftutils: Gatherer: key %d was already consumed by a clearing iterator", k)
		}
		if g.err != nil {
			err := g.err
			g.mu.Unlock()
			return zero, err
		}
		if *w == nil {
			*w = &gatherWaiter{ch: make(chan struct{}, 1)}
		}
		(*w).key = k
		g.waiters = append(g.waiters, *w)
		g.mu.Unlock()
		select {
		case <-(*w).ch:
		case <-ctx.Done():
			g.mu.Lock()
			g.removeWaiterLocked(*w)
			g.mu.Unlock()
			return zero, ctx.Err()
		}
		g.mu.Lock()
	}
}

// removeWaiterLocked unregisters w after its wait was abandoned, and
// drops a token that a racing Insert may have sent. The caller holds g.mu.
func (g *Gatherer[T]) removeWaiterLocked(w *gatherWaiter) {
	for i, x := range g.waiters {
		if x == w {
			g.waiters = append(g.waiters[:i], g.waiters[i+1:]...)
			break
		}
	}
	select {
	case <-w.ch:
	default:
	}
}

// gatherStore maps keys to values for a Gatherer. Keys are mostly dense and
// arrive roughly in order, so it keeps a ring window of slots for the keys
// base..base+len(ring)-1 and a map only for keys too far ahead of the
// window to grow it for (more than max(4×len(ring), 4096) keys past base:
// a sparse key must not allocate a huge ring). Keys
// below base were consumed in order by clearing iterators.
//
// Why not just a map[int]T: a map store, lookup and delete cost about
// 60 ns together on the 2-core box, three times a buffered channel's send
// and receive; a ring slot costs a few ns.
//
// The zero value is empty. Every method's caller holds the Gatherer's mu.
type gatherStore[T any] struct {
	base int             // key of ring[head]; keys < base are consumed
	head int             // ring index of key base
	ring []gatherSlot[T] // len is 0 or a power of two
	far  map[int]T       // keys >= base that did not fit the ring when inserted
}

type gatherSlot[T any] struct {
	v  T
	ok bool // a value is present
}

// gatherState says what take found.
type gatherState uint8

const (
	gatherMissing  gatherState = iota // not inserted yet
	gatherPresent                     // found (and removed, if clearing)
	gatherConsumed                    // below base: consumed earlier
)

// slot returns the ring slot of key k, or nil if k is outside the window.
// Precondition: k >= s.base.
func (s *gatherStore[T]) slot(k int) *gatherSlot[T] {
	if i := k - s.base; i < len(s.ring) {
		return &s.ring[(s.head+i)&(len(s.ring)-1)]
	}
	return nil
}

// insert stores v under k and reports false if k is consumed or present.
func (s *gatherStore[T]) insert(k int, v T) bool {
	if k < s.base {
		return false
	}
	if _, ok := s.far[k]; ok {
		return false
	}
	sl := s.slot(k)
	if sl == nil {
		need := k - s.base + 1
		if need > max(4*len(s.ring), 4096) {
			if s.far == nil {
				s.far = make(map[int]T)
			}
			s.far[k] = v
			return true
		}
		s.grow(need)
		sl = s.slot(k)
	}
	if sl.ok {
		return false
	}
	sl.v, sl.ok = v, true
	return true
}

// grow resizes the ring to hold at least need keys from base on.
func (s *gatherStore[T]) grow(need int) {
	ring := make([]gatherSlot[T], roundUpPow2(need))
	for i := range s.ring {
		ring[i] = s.ring[(s.head+i)&(len(s.ring)-1)]
	}
	s.ring, s.head = ring, 0
}

// take looks k up and, with clear, removes it; taking key base moves the
// window on.
func (s *gatherStore[T]) take(k int, clear bool) (T, gatherState) {
	var zero T
	if k < s.base {
		return zero, gatherConsumed
	}
	var v T
	if sl := s.slot(k); sl != nil && sl.ok {
		v = sl.v
		if clear {
			*sl = gatherSlot[T]{}
		}
	} else if fv, ok := s.far[k]; ok {
		v = fv
		if clear {
			delete(s.far, k)
		}
	} else {
		return zero, gatherMissing
	}
	if clear && k == s.base {
		s.base++
		if len(s.ring) > 0 {
			s.head = (s.head + 1) & (len(s.ring) - 1)
		}
	}
	return v, gatherPresent
}
