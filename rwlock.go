package ftutils

import (
	"sync"
	"sync/atomic"
)

// RWLock is a reader/writer mutual exclusion lock with writer preference and
// introspection, a drop-in replacement for [sync.RWMutex] and a port of
// ft_utils' synchronization.RWLock. Any number of readers or one writer hold
// it at a time.
//
// The zero value is an unlocked RWLock. An RWLock must not be copied after
// first use.
//
// Preference. A writer that is waiting for the readers to leave blocks new
// readers, so a steady stream of readers cannot starve a writer. When a
// writer unlocks, every reader that queued during its turn is admitted
// before the next writer (who then waits for those readers only), so a
// stream of writers cannot starve readers either; writers are served in
// FIFO order among themselves. These are [sync.RWMutex]'s rules. (ft_utils
// blocks new readers while any writer waits, so writers can starve readers
// there.) As with sync.RWMutex, the lock is not reentrant: a reader that
// calls RLock again while a writer waits deadlocks, and there is no upgrade
// or downgrade.
//
// Introspection: [RWLock.Readers], [RWLock.WritersWaiting] and
// [RWLock.WriterLocked] are ft_utils' readers(), writers_waiting() and
// writer_locked(); they are lock-free snapshots, exact when the lock is
// quiescent and possibly stale as soon as they return.
//
// Misuse panics with an "ftutils: " message instead of corrupting the
// counts (ft_utils lets the reader count go negative): RUnlock without a
// matching RLock when no reader holds the lock, and Unlock when no writer
// holds it. Both are recoverable panics, and the lock's state is restored
// before them (sync.RWMutex throws an unrecoverable fatal error instead);
// only operations racing with the faulty RUnlock in the same instant can
// see the transient count. As with sync.RWMutex, a lock is not tied to a
// goroutine, and an RUnlock that steals another reader's hold cannot be
// detected.
//
// Memory model, as for [sync.RWMutex]: the n'th Unlock synchronizes before
// the m'th Lock returns for n < m; for any RLock, there is an n such that
// the n'th Unlock synchronizes before that RLock returns and the matching
// RUnlock synchronizes before the (n+1)'th Lock returns. Successful
// TryLock and TryRLock count as Lock and RLock.
//
// Progress: blocking. The lock operations are linearizable.
//
// Cost (AMD EPYC VM, 2 vCPUs, Go 1.26; docs/benchmarks/locks.md): RLock
// and RUnlock are one atomic add each and Lock and Unlock one CAS each when
// uncontended, all inlined: read-only use is at parity with sync.RWMutex
// (0.96-1.00x) and the uncontended read+write mix takes 0.62-0.75x its
// time, since sync.RWMutex also takes an inner mutex to write. Contended
// write-heavy loads are slower than sync.RWMutex on that oversubscribed
// box (1.2-1.5x at 2 cores with 10 % writes), where parking through our
// internal mutex and a sync.Cond costs more than the runtime's semaphores.
// The read side bounces one cache line between cores, so like sync.RWMutex
// it does not scale with readers (golang/go#17973; use xsync.RBMutex for
// read-mostly data on many cores). Blocked goroutines spin briefly, then
// park on a sync.Cond; only a writer queued behind another writer
// allocates (one channel).
//
// Algorithm: the writer-preferring scheme of Go's sync.RWMutex (a writer
// announces itself so that arriving readers wait, and waits only for the
// readers already inside; Courtois, Heymans and Parnas, "Concurrent Control
// with Readers and Writers", CACM 14(10), 1971, second problem, for the
// preference rule), reworked so that all counts live in one 64-bit word:
// the writers' inner mutex becomes two bits plus a FIFO queue, which makes
// uncontended Lock/Unlock one CAS each, and a reader that must wait moves
// itself from the active count to a waiting count in one step, so the
// active count is exact and can be reported. The runtime's semaphores are
// not available outside the standard library, so parked goroutines wait on
// sync.Cond (the runtime's notify lists; woken readers re-take the internal
// mutex once each) and queued writers on per-writer channels.
type RWLock struct {
	_ noCopy

	// state is the lock word:
	//
	//	bit 0       rwHeld    a writer holds the lock
	//	bit 1       rwPending a writer waits for the active readers to leave
	//	bit 2       rwQueued  writers wait in the queue
	//	bit 3       rwParked  the pending writer parked on rw.writeCond (else
	//	            it spins and needs no wake-up)
	//	bits 4-32   readers waiting for the current writer (rwWaitUnit each)
	//	bits 33-62  active readers (rwReadUnit each), plus readers that have
	//	            just added themselves and are about to see a writer bit
	//	bit 63      rwUnderflow, set only by an RUnlock without RLock
	//
	// rwHeld and rwPending are exclusive. rwQueued and a non-zero waiting
	// count imply one of them; rwParked implies rwPending. The active count is at the top so that an
	// RUnlock without RLock borrows from bit 63 alone (which it sets)
	// instead of from the other fields, and the fix-up Add carries back
	// out of the word.
	state atomic.Uint64

	// queued is the length of the writer queue, for WritersWaiting; written
	// under mu.
	queued atomic.Int32

	// mu guards the fields below, the waiting count, rwQueued and
	// rwParked. The writer bits also change without it: a writer announces
	// itself (0 readers-only -> rwPending) and takes the lock (rwPending ->
	// rwHeld, by itself or by the last reader) with a CAS alone, and
	// releases it that way when nobody waits.
	mu sync.Mutex
	// readGen counts the writers' releases of waiting readers: a reader
	// that queued in generation g holds the lock once readGen != g.
	// Written under mu; readers poll it before parking on readCond.
	readGen atomic.Uint64
	// readCond parks readers waiting for readGen to change; writeCond
	// parks the pending writer (rwParked) until it is given rwHeld. Both
	// use mu (their L is set on first use, under mu, so that the zero
	// RWLock works). sync.Cond rather than channels: no allocation per
	// park, and testing/synctest treats both as durable blocking.
	readCond, writeCond sync.Cond
	// queue holds the token channels of the writers queued behind a
	// writer, oldest first. Under mu.
	//
	// Why not recycle the channels (sync.Pool) or keep one per lock: a
	// channel belongs to the testing/synctest bubble that made it, so a
	// recycled one could carry a bubble into unrelated code and panic.
	queue []chan struct{}
}

// Parts of RWLock.state.
const (
	rwHeld      = 1 << 0
	rwPending   = 1 << 1
	rwQueued    = 1 << 2
	rwParked    = 1 << 3
	rwWriter    = rwHeld | rwPending
	rwWaitShift = 4
	rwWaitUnit  = 1 << rwWaitShift
	rwWaitMask  = (1<<29 - 1) << rwWaitShift
	rwReadShift = 33
	rwReadUnit  = 1 << rwReadShift
	rwReadMask  = (1<<30 - 1) << rwReadShift
	rwReadDec   = ^uint64(rwReadUnit - 1) // adding it subtracts rwReadUnit
	rwUnderflow = 1 << 63
	// rwSpins bounds the spinning (state loads) of a blocked goroutine
	// before it parks: about as long as a park/unpark round trip.
	// rwChanSpins bounds the polls of a queued writer's channel, which
	// cost more each. On the oversubscribed 2-vCPU box we measured on, no
	// setting
	// beat parking at once by a margin above the noise
	// (docs/benchmarks/locks.md); these suit idle cores with short
	// critical sections.
	rwSpins     = 100
	rwChanSpins = 16
)

// RLock locks rw for reading. It waits while a writer holds rw or waits
// for it.
func (rw *RWLock) RLock() {
	if rw.state.Add(rwReadUnit)&rwWriter != 0 {
		rw.rlockSlow()
	}
}

// rlockSlow finishes an RLock that found a writer. The caller has already
// added itself to the active count.
func (rw *RWLock) rlockSlow() {
	// While a writer merely holds the lock our count costs it nothing but
	// a slower Unlock, so keep it and watch for the release; a pending
	// writer waits on the active count, so stop at once for that.
	for range rwSpins {
		s := rw.state.Load()
		if s&rwWriter == 0 {
			return
		}
		if s&rwPending != 0 {
			break
		}
	}
	rw.mu.Lock()
	for {
		s := rw.state.Load()
		if s&rwWriter == 0 {
			rw.mu.Unlock() // the writer left; our count makes us a reader
			return
		}
		ns := s - rwReadUnit + rwWaitUnit
		if !rw.state.CompareAndSwap(s, ns) {
			continue
		}
		if ns&rwPending != 0 && ns&rwReadMask == 0 {
			rw.promote(true) // our count was the last the writer waited for
		}
		// Wait for the releasing writer to move us back to the active
		// count: poll a while, then park.
		gen := rw.readGen.Load()
		rw.mu.Unlock()
		for range rwSpins {
			if rw.readGen.Load() != gen {
				return
			}
		}
		rw.mu.Lock()
		if rw.readCond.L == nil {
			rw.readCond.L = &rw.mu // once: Wait reads L without mu
		}
		for rw.readGen.Load() == gen {
			rw.readCond.Wait()
		}
		rw.mu.Unlock()
		return
	}
}

// TryRLock locks rw for reading if no writer holds it or waits for it, and
// reports whether it did. It never blocks.
func (rw *RWLock) TryRLock() bool {
	for {
		s := rw.state.Load()
		if s&rwWriter != 0 {
			return false
		}
		if rw.state.CompareAndSwap(s, s+rwReadUnit) {
			return true
		}
	}
}

// RUnlock undoes one RLock. It panics if no reader holds rw.
func (rw *RWLock) RUnlock() {
	if s := rw.state.Add(rwReadDec); s&(rwUnderflow|rwPending) != 0 {
		rw.runlockSlow(s)
	}
}

// runlockSlow handles an RUnlock that left state s: misuse, or a pending
// writer that may be waiting for this reader.
func (rw *RWLock) runlockSlow(s uint64) {
	if s&rwUnderflow != 0 {
		// Nobody was reading: put the count back (the carry leaves the
		// word), finishing any promotion that state was due, then panic.
		s = rw.state.Add(rwReadUnit)
		if s&rwPending != 0 && s&rwReadMask == 0 {
			rw.promote(false)
		}
		panic("ftutils: RWLock.RUnlock of unlocked RWLock")
	}
	if s&rwReadMask == 0 {
		rw.promote(false)
	}
}

// promote gives the lock to the pending writer if the active count is
// zero. Whoever brings the count to zero while rwPending is set calls it;
// the CAS makes exactly one of them (or the spinning writer itself)
// succeed. Only a parked writer needs a wake-up, and only then is mu
// needed; haveMu says whether the caller already holds it.
func (rw *RWLock) promote(haveMu bool) {
	for {
		s := rw.state.Load()
		if s&rwPending == 0 || s&rwReadMask != 0 {
			return
		}
		if !rw.state.CompareAndSwap(s, s&^(rwPending|rwParked)|rwHeld) {
			continue
		}
		if s&rwParked != 0 {
			if !haveMu {
				rw.mu.Lock()
			}
			rw.writeCond.Signal() // the one pending writer
			if !haveMu {
				rw.mu.Unlock()
			}
		}
		return
	}
}

// Lock locks rw for writing. It waits until no reader or writer holds rw;
// while it waits for readers, new readers wait behind it.
func (rw *RWLock) Lock() {
	if !rw.state.CompareAndSwap(0, rwHeld) {
		rw.lockSlow()
	}
}

// TryLock locks rw for writing if nobody holds it or waits for it, and
// reports whether it did. It never blocks.
func (rw *RWLock) TryLock() bool {
	return rw.state.CompareAndSwap(0, rwHeld)
}

func (rw *RWLock) lockSlow() {
	// If only readers are in, announce ourselves at once so that new
	// readers stop coming; spin a while if another writer is ahead.
	for i := 0; ; i++ {
		s := rw.state.Load()
		if s&rwWriter == 0 {
			if s == 0 {
				if rw.state.CompareAndSwap(0, rwHeld) {
					return
				}
			} else if rw.state.CompareAndSwap(s, s|rwPending) {
				rw.awaitReaders()
				return
			}
			continue
		}
		if i >= rwSpins {
			break
		}
	}
	rw.mu.Lock()
	for {
		s := rw.state.Load()
		if s&rwWriter == 0 {
			// The writer ahead left meanwhile: start over.
			rw.mu.Unlock()
			rw.lockSlow()
			return
		}
		if rw.state.CompareAndSwap(s, s|rwQueued) {
			break
		}
	}
	token := make(chan struct{}, 1)
	rw.queue = append(rw.queue, token)
	rw.queued.Add(1)
	rw.mu.Unlock()
	// Unlock sends the token with rwHeld, or with rwPending and rwParked
	// set for us, and then the last reader promotes us.
	rwWait(token)
	if rw.state.Load()&rwPending != 0 {
		rw.mu.Lock()
		rw.parkPendingLocked()
	}
}

// parkPendingLocked parks the pending writer, which has set rwParked,
// until it is given rwHeld, and unlocks mu. The caller holds rw.mu.
func (rw *RWLock) parkPendingLocked() {
	if rw.writeCond.L == nil {
		rw.writeCond.L = &rw.mu // once: Wait reads L without mu
	}
	for rw.state.Load()&rwPending != 0 {
		rw.writeCond.Wait()
	}
	rw.mu.Unlock()
}

// awaitReaders waits, as the pending writer, for the active readers to
// leave, and returns holding the lock.
func (rw *RWLock) awaitReaders() {
	// The readers we wait for are usually about to leave: watch the
	// count and take the lock ourselves when it drains, unless a reader
	// that drained it promoted us first.
	for range rwSpins {
		s := rw.state.Load()
		if s&rwPending == 0 {
			return // promoted by a reader
		}
		if s&rwReadMask == 0 && rw.state.CompareAndSwap(s, s&^rwPending|rwHeld) {
			return
		}
	}
	// Park: set rwParked under mu, so that the promoter (who must then
	// take mu) signals us.
	rw.mu.Lock()
	for {
		s := rw.state.Load()
		if s&rwPending == 0 {
			rw.mu.Unlock()
			return // promoted while we took mu
		}
		if rw.state.CompareAndSwap(s, s|rwParked) {
			break
		}
	}
	rw.parkPendingLocked()
}

// rwWait returns when ch yields a token, polling it for a
// while before it parks: a lock's critical sections are usually shorter
// than a park and wake-up (about 250 ns for the pair here).
func rwWait(ch <-chan struct{}) {
	for range rwChanSpins {
		select {
		case <-ch:
			return
		default:
		}
	}
	<-ch
}

// Unlock unlocks rw for writing, admitting the readers that waited and then
// the next writer. It panics if no writer holds rw. Like [sync.RWMutex],
// it may be called from a goroutine other than the one that locked rw.
func (rw *RWLock) Unlock() {
	if !rw.state.CompareAndSwap(rwHeld, 0) {
		rw.unlockSlow()
	}
}

func (rw *RWLock) unlockSlow() {
	// Readers arriving (counted, not yet queued) do not need mu: clear
	// rwHeld and they see it. Queued readers or writers do.
	for {
		s := rw.state.Load()
		if s&rwHeld == 0 {
			panic("ftutils: RWLock.Unlock of unlocked RWLock")
		}
		if s&(rwWaitMask|rwQueued) != 0 {
			break
		}
		if rw.state.CompareAndSwap(s, s&^rwHeld) {
			return
		}
	}
	rw.mu.Lock()
	for {
		s := rw.state.Load()
		if s&rwHeld == 0 {
			rw.mu.Unlock()
			panic("ftutils: RWLock.Unlock of unlocked RWLock")
		}
		// Readers that waited become active; the next writer, if any,
		// becomes pending (or the holder if no reader is active).
		active := (s&rwReadMask)>>rwReadShift + (s&rwWaitMask)>>rwWaitShift
		ns := active << rwReadShift
		var next chan struct{}
		if len(rw.queue) > 0 {
			next = rw.queue[0]
			if len(rw.queue) > 1 {
				ns |= rwQueued
			}
			if active == 0 {
				ns |= rwHeld
			} else {
				ns |= rwPending | rwParked
			}
		}
		if !rw.state.CompareAndSwap(s, ns) {
			continue
		}
		if s&rwWaitMask != 0 {
			rw.readGen.Add(1)
			rw.readCond.Broadcast()
		}
		if next != nil {
			rw.queue[0] = nil
			rw.queue = rw.queue[1:]
			rw.queued.Add(-1)
			next <- struct{}{} // capacity 1, empty: never blocks
		}
		rw.mu.Unlock()
		return
	}
}

// RLocker returns a [sync.Locker] whose Lock and Unlock call rw.RLock and
// rw.RUnlock.
func (rw *RWLock) RLocker() sync.Locker {
	return (*rwReadLocker)(rw)
}

type rwReadLocker RWLock

func (r *rwReadLocker) Lock()   { (*RWLock)(r).RLock() }
func (r *rwReadLocker) Unlock() { (*RWLock)(r).RUnlock() }

// Readers returns the number of goroutines holding rw for reading (ft_utils'
// readers()). While a writer waits for them, readers that have just arrived
// may be counted for an instant before they queue.
func (rw *RWLock) Readers() int {
	s := rw.state.Load()
	if s&rwHeld != 0 {
		return 0 // any count is arrivals about to queue
	}
	return int((s & rwReadMask) >> rwReadShift)
}

// WritersWaiting returns the number of goroutines waiting to lock rw for
// writing (ft_utils' writers_waiting()): the writer waiting for readers to
// leave, if any, plus the writers queued behind a writer.
func (rw *RWLock) WritersWaiting() int {
	n := int(rw.queued.Load())
	if rw.state.Load()&rwPending != 0 {
		n++
	}
	return n
}

// WriterLocked reports whether a writer holds rw (ft_utils'
// writer_locked()).
func (rw *RWLock) WriterLocked() bool {
	return rw.state.Load()&rwHeld != 0
}
