package ftutils

import (
	"sync"
	"sync/atomic"
	"time"
)

// RWLock is a reader/writer mutual exclusion lock with writer preference and
// introspection, a drop-in replacement for [sync.RWMutex] and a port of
// ft_utils' synchronization.RWLock. Any number of readers or one writer hold
// it at a time.
//
// The zero value is an unlocked RWLock. An RWLock must not be copied after
// first use.
//
// Preference and fairness. A writer that holds the writer slot and waits
// for the readers to leave blocks new readers, so a steady stream of
// readers cannot starve a writer. When a writer unlocks, every reader that
// queued during its turn is admitted before the next writer (who then
// waits for those readers only), so a stream of writers cannot starve
// readers either. These are [sync.RWMutex]'s rules. (ft_utils blocks new
// readers while any writer waits, so writers can starve readers there.)
// Among themselves, writers are not served in FIFO order: they contend for
// the writer slot as for a [sync.Mutex]. A running writer takes a free
// slot even while others are parked (barging), and each Unlock wakes at
// most one parked writer, which competes with the running ones; so the
// lock is not left idle while a woken writer is scheduled, and there is no
// lock convoy. No writer waits unboundedly: a parked writer that has
// waited more than 1 ms switches the lock to starvation mode, in which the
// next Unlock hands the writer slot to it directly (after admitting the
// readers that queued) and arriving writers park behind it. Writers
// waiting for the slot do not block new readers while the slot is free,
// which lasts only until the woken writer runs (as sync.RWMutex's writers
// waiting on its inner mutex do not). As with sync.RWMutex, the lock is
// not reentrant: a reader that calls RLock again while a writer waits
// deadlocks, and there is no upgrade or downgrade.
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
// (0.96-1.01x) and the uncontended read+write mix takes 0.67-0.93x its
// time, since sync.RWMutex also takes an inner mutex to write. Contended,
// at 2 cores: Go's RWMutex benchmark shapes are at parity or better
// (geomean 0.94x, 10 % writes 0.90-1.00x), and exclusive Lock+Unlock by
// 8 goroutines runs at 0.8-1.05x sync.Mutex's throughput and faster than
// sync.RWMutex's (a FIFO hand-off among writers ran at 0.02-0.10x there).
// The read side bounces one cache line between cores, so like sync.RWMutex
// it does not scale with readers (golang/go#17973; use xsync.RBMutex for
// read-mostly data on many cores). Blocked goroutines spin briefly, then
// park on a sync.Cond; nothing allocates. A parked writer reads the clock
// (time.Now) each time it parks, for the starvation check.
//
// Algorithm: the writer-preferring scheme of Go's sync.RWMutex (a writer
// announces itself so that arriving readers wait, and waits only for the
// readers already inside; Courtois, Heymans and Parnas, "Concurrent Control
// with Readers and Writers", CACM 14(10), 1971, second problem, for the
// preference rule), reworked so that all counts live in one 64-bit word:
// the writers' inner mutex becomes the writer-slot bits plus flags for
// parked, woken and starving writers, which makes uncontended Lock/Unlock
// one CAS each, and a reader that must wait moves itself from the active
// count to a waiting count in one step, so the active count is exact and
// can be reported. The writers' contention follows sync.Mutex's design
// (barging with one woken waiter at a time, and a starvation mode after
// 1 ms, golang/go#13086), with the direct hand-off going to the one
// starving writer. The runtime's semaphores are not available outside the
// standard library, so parked goroutines wait on sync.Cond (the runtime's
// notify lists; woken goroutines re-take the internal mutex once each).
type RWLock struct {
	_ noCopy

	// state is the lock word:
	//
	//	bit 0       rwHeld     a writer holds the lock
	//	bit 1       rwPending  a writer waits for the active readers to leave
	//	bit 2       rwQueued   writers are parked on writerCond
	//	bit 3       rwParked   the pending writer parked on writeCond (else
	//	            it spins and needs no wake-up)
	//	bit 4       rwWoken    an Unlock has woken a parked writer that has
	//	            not run yet: later Unlocks wake nobody
	//	bit 5       rwStarving a writer has waited longer than rwStarveAfter
	//	            and waits on starveCond for the writer slot to be
	//	            handed to it
	//	bits 6-32   readers waiting for the current writer (rwWaitUnit each)
	//	bits 33-62  active readers (rwReadUnit each), plus readers that have
	//	            just added themselves and are about to see a writer bit
	//	bit 63      rwUnderflow, set only by an RUnlock without RLock
	//
	// rwHeld and rwPending (the writer slot) are exclusive. A non-zero
	// waiting count and rwStarving imply one of them; rwParked implies
	// rwPending; rwWoken implies rwQueued. The active count is at the top
	// so that an RUnlock without RLock borrows from bit 63 alone (which it
	// sets) instead of from the other fields, and the fix-up Add carries
	// back out of the word.
	state atomic.Uint64

	// queued is the number of writers that wait for the writer slot
	// (parked, woken, or starving), for WritersWaiting.
	queued atomic.Int32

	// mu guards the fields below, the waiting count, rwQueued, rwWoken,
	// rwStarving and rwParked. The writer bits also change without it: a
	// writer takes a free slot (-> rwHeld or rwPending) and becomes the
	// holder (rwPending -> rwHeld, by itself or by the last reader) with a
	// CAS alone, and releases it that way when nobody needs a wake-up.
	mu sync.Mutex
	// readGen counts the writers' releases of waiting readers: a reader
	// that queued in generation g holds the lock once readGen != g.
	// Written under mu; readers poll it before parking on readCond.
	readGen atomic.Uint64
	// parked is the number of writers parked on writerCond (rwQueued).
	parked int
	// handed is set by the Unlock that hands the writer slot to the
	// starving writer, which clears it.
	handed bool
	// readCond parks readers waiting for readGen to change; writeCond
	// parks the pending writer (rwParked) until it is given rwHeld;
	// writerCond parks writers waiting for the writer slot; starveCond
	// parks the starving writer until handed. All use mu (their L is set
	// on first use, under mu, so that the zero RWLock works). sync.Cond
	// rather than channels: no allocation per park, and testing/synctest
	// treats it as durable blocking.
	readCond, writeCond, writerCond, starveCond sync.Cond
}

// Parts of RWLock.state.
const (
	rwHeld      = 1 << 0
	rwPending   = 1 << 1
	rwQueued    = 1 << 2
	rwParked    = 1 << 3
	rwWoken     = 1 << 4
	rwStarving  = 1 << 5
	rwWriter    = rwHeld | rwPending
	rwWaitShift = 6
	rwWaitUnit  = 1 << rwWaitShift
	rwWaitMask  = (1<<27 - 1) << rwWaitShift
	rwReadShift = 33
	rwReadUnit  = 1 << rwReadShift
	rwReadMask  = (1<<30 - 1) << rwReadShift
	rwReadDec   = ^uint64(rwReadUnit - 1) // adding it subtracts rwReadUnit
	rwUnderflow = 1 << 63
	// rwSpins bounds the spinning (state loads) of a blocked goroutine
	// before it parks: about as long as a park/unpark round trip. On the
	// oversubscribed 2-vCPU box we measured on, no setting beat parking
	// at once by a margin above the noise (docs/benchmarks/locks.md);
	// it suits idle cores with short critical sections.
	rwSpins = 100
	// rwStarveAfter is how long a parked writer may lose the writer slot
	// to barging writers before it asks for a direct hand-off, as in
	// sync.Mutex's starvation mode (golang/go#13086).
	rwStarveAfter = time.Millisecond
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
	// Take the writer slot whenever it is free, even ahead of parked
	// writers (barging, as sync.Mutex does): the lock never sits idle
	// while a parked writer is being scheduled. Spin a while if another
	// writer has the slot; park at once if a starving writer waits for it.
	for i := 0; ; i++ {
		s := rw.state.Load()
		if s&rwWriter == 0 {
			if ok, pending := rw.takeSlot(s); ok {
				if pending {
					rw.awaitReaders()
				}
				return
			}
			continue
		}
		if i >= rwSpins || s&rwStarving != 0 {
			break
		}
	}
	rw.parkWriter()
}

// takeSlot tries to take the free writer slot from state s (in which
// s&rwWriter == 0): it becomes the holder if no reader is active, else the
// pending writer. It reports whether the CAS succeeded and whether the
// caller must now wait for readers.
func (rw *RWLock) takeSlot(s uint64) (ok, pending bool) {
	if s&rwReadMask == 0 {
		return rw.state.CompareAndSwap(s, s|rwHeld), false
	}
	return rw.state.CompareAndSwap(s, s|rwPending), true
}

// parkWriter waits, as a writer that found the writer slot taken, until it
// has the slot, and then until it holds the lock. Each Unlock wakes at most
// one parked writer, which competes for the slot with running writers; a
// writer that has waited longer than rwStarveAfter sets rwStarving and the
// next Unlock hands the slot to it directly.
func (rw *RWLock) parkWriter() {
	var since time.Time
	rw.mu.Lock()
	rw.queued.Add(1)
	for {
		s := rw.state.Load()
		if s&rwWriter == 0 {
			ok, pending := rw.takeSlot(s)
			if !ok {
				continue
			}
			rw.queued.Add(-1)
			rw.mu.Unlock()
			if pending {
				rw.awaitReaders()
			}
			return
		}
		if since.IsZero() {
			since = time.Now()
		} else if s&rwStarving == 0 && time.Since(since) > rwStarveAfter {
			if !rw.state.CompareAndSwap(s, s|rwStarving) {
				continue
			}
			if rw.starveCond.L == nil {
				rw.starveCond.L = &rw.mu // once: Wait reads L without mu
			}
			for !rw.handed {
				rw.starveCond.Wait()
			}
			rw.handed = false // Unlock gave us rwHeld or rwPending|rwParked
			rw.parkPendingLocked()
			return
		}
		if !rw.state.CompareAndSwap(s, s|rwQueued) {
			continue
		}
		if rw.writerCond.L == nil {
			rw.writerCond.L = &rw.mu
		}
		rw.parked++
		rw.writerCond.Wait() // until an Unlock sets rwWoken for us
		rw.parked--
		for {
			s := rw.state.Load()
			ns := s &^ rwWoken
			if rw.parked == 0 {
				ns &^= rwQueued
			}
			if rw.state.CompareAndSwap(s, ns) {
				break
			}
		}
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

// Unlock unlocks rw for writing, admitting the readers that waited and then
// a writer. It panics if no writer holds rw. Like [sync.RWMutex], it may be
// called from a goroutine other than the one that locked rw.
func (rw *RWLock) Unlock() {
	if !rw.state.CompareAndSwap(rwHeld, 0) {
		rw.unlockSlow()
	}
}

func (rw *RWLock) unlockSlow() {
	// Readers arriving (counted, not yet queued) and writers already woken
	// do not need mu: clear rwHeld and they see it. Queued readers, a
	// parked writer to wake, or a starving writer do.
	for {
		s := rw.state.Load()
		if s&rwHeld == 0 {
			panic("ftutils: RWLock.Unlock of unlocked RWLock")
		}
		if s&(rwWaitMask|rwStarving) != 0 || s&(rwQueued|rwWoken) == rwQueued {
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
		// Readers that waited become active. A starving writer gets the
		// slot (pending, or the holder if no reader is active); otherwise
		// the slot is freed and one parked writer woken to compete for it.
		active := (s&rwReadMask)>>rwReadShift + (s&rwWaitMask)>>rwWaitShift
		ns := active<<rwReadShift | s&(rwQueued|rwWoken)
		handoff := s&rwStarving != 0
		wake := false
		if handoff {
			if active == 0 {
				ns |= rwHeld
			} else {
				ns |= rwPending | rwParked
			}
		} else if s&(rwQueued|rwWoken) == rwQueued {
			ns |= rwWoken
			wake = true
		}
		if !rw.state.CompareAndSwap(s, ns) {
			continue
		}
		if s&rwWaitMask != 0 {
			rw.readGen.Add(1)
			rw.readCond.Broadcast()
		}
		if handoff {
			rw.handed = true
			rw.queued.Add(-1)
			rw.starveCond.Signal()
		}
		if wake {
			rw.writerCond.Signal()
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
// leave, if any, plus the writers that found the writer slot taken and have
// stopped spinning (parked, woken, or starving). Writers still spinning for
// the slot are not counted.
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
