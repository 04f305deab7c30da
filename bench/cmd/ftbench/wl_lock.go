package main

import (
	"math/rand/v2"
	"sync"

	"github.com/ftutils-go/ftutils"
	"github.com/puzpuzpuz/xsync/v4"
)

// Locks: ft_utils' lock_bench.py (N empty `with` blocks: threading.Lock
// against an RWLock write context) and random_bench.py (randint(1, 100)
// direct, through a BatchExecutor, and with a Lock, an RWLock or an
// IntervalLock held for the whole loop).

// rwLock is the method set the lock workloads use; RLock's token is
// xsync.RBMutex's and nil for everyone else.
type rwLock interface {
	Lock()
	Unlock()
	RLock() *xsync.RToken
	RUnlock(*xsync.RToken)
}

type stdRW struct{ mu sync.RWMutex }

func (l *stdRW) Lock()                 { l.mu.Lock() }
func (l *stdRW) Unlock()               { l.mu.Unlock() }
func (l *stdRW) RLock() *xsync.RToken  { l.mu.RLock(); return nil }
func (l *stdRW) RUnlock(*xsync.RToken) { l.mu.RUnlock() }

// stdMutexRW takes the exclusive lock for reads too.
type stdMutexRW struct{ mu sync.Mutex }

func (l *stdMutexRW) Lock()                 { l.mu.Lock() }
func (l *stdMutexRW) Unlock()               { l.mu.Unlock() }
func (l *stdMutexRW) RLock() *xsync.RToken  { l.mu.Lock(); return nil }
func (l *stdMutexRW) RUnlock(*xsync.RToken) { l.mu.Unlock() }

// ftRWLock adapts ftutils.RWLock (its RLock returns nothing).
type ftRWLock struct{ ftutils.RWLock }

func (l *ftRWLock) RLock() *xsync.RToken  { l.RWLock.RLock(); return nil }
func (l *ftRWLock) RUnlock(*xsync.RToken) { l.RWLock.RUnlock() }

// ftIntervalLock adapts ftutils.IntervalLock; it has no shared mode, so it
// sits out the read workloads.
type ftIntervalLock struct{ ftutils.IntervalLock }

func (l *ftIntervalLock) RLock() *xsync.RToken  { l.Lock(); return nil }
func (l *ftIntervalLock) RUnlock(*xsync.RToken) { l.Unlock() }

// lockImpls are the contenders of the lock/* benchmarks. readers says the
// lock has a shared mode (plain mutexes sit out lock/read). Add a lock
// here.
var lockImpls = []struct {
	name      string
	origin    origin
	mutexBase bool // the baseline of lock/mutex
	rwBase    bool // the baseline of lock/read and lock/read-mostly
	readers   bool
	new       func() rwLock
}{
	{"sync.Mutex", originStdlib, true, false, false, func() rwLock { return new(stdMutexRW) }},
	{"sync.RWMutex", originStdlib, false, true, true, func() rwLock { return new(stdRW) }},
	{"xsync.RBMutex", originPeer, false, false, true, func() rwLock { return xsync.NewRBMutex() }},
	{"ftutils.RWLock", originFTUtils, false, false, true, func() rwLock { return new(ftRWLock) }},
	{"ftutils.IntervalLock", originFTUtils, false, false, false, func() rwLock { return new(ftIntervalLock) }},
}

// lockShared is the data the read-mostly workload guards: reads sum it,
// writes bump one word.
type lockShared struct {
	data [8]int
}

func init() {
	type lockWorkload struct {
		name, port, desc string
		readersOnly      bool
		exclusive        bool // the baseline is sync.Mutex, not sync.RWMutex
		op               func(l rwLock, d *lockShared, r rngs, s sinks, g, n int)
	}
	for _, w := range []lockWorkload{
		{"mutex", "lock_bench.py benchmark_simple_locked / benchmark_rw_locked",
			"empty critical section in exclusive mode (Lock; Unlock)", false, true,
			func(l rwLock, d *lockShared, r rngs, s sinks, g, n int) {
				for range n {
					l.Lock()
					//lint:ignore SA2001 the empty critical section is what lock_bench.py times
					l.Unlock()
				}
			}},
		{"read", "", "empty critical section in shared mode (RLock; RUnlock)", true, false,
			func(l rwLock, d *lockShared, r rngs, s sinks, g, n int) {
				for range n {
					l.RUnlock(l.RLock())
				}
			}},
		{"read-mostly", "", "99 reads (sum 8 words under RLock) : 1 write (bump a word under Lock)", false, false,
			func(l rwLock, d *lockShared, r rngs, s sinks, g, n int) {
				var sum int
				for range n {
					x := r.next(g)
					if x%100 == 0 {
						l.Lock()
						d.data[x%8]++
						l.Unlock()
						continue
					}
					t := l.RLock()
					for _, v := range d.data {
						sum += v
					}
					l.RUnlock(t)
				}
				s.keep(g, uint64(sum))
			}},
	} {
		b := &benchmark{name: "lock/" + w.name, port: w.port, desc: w.desc, chunk: 128}
		for _, li := range lockImpls {
			if w.readersOnly && !li.readers {
				continue
			}
			isBase := li.rwBase
			if w.exclusive {
				isBase = li.mutexBase
			}
			b.impls = append(b.impls, impl{name: li.name, origin: li.origin, baseline: isBase,
				setup: func(goroutines int) instance {
					l, d := li.new(), new(lockShared)
					r, s := newRNGs(goroutines), newSinks(goroutines)
					return body(func(g, n int) { w.op(l, d, r, s, g, n) })
				}})
		}
		register(b)
	}
}

// randSource is the contended source of random_bench.py: one generator
// that is not safe for concurrent use, behind a mutex.
type randSource struct {
	mu sync.Mutex
	r  *rand.Rand
}

func newRandSource() *randSource { return &randSource{r: rand.New(rand.NewPCG(1, 2))} }

// randint is random.randint(1, 100).
func (s *randSource) randint() int {
	s.mu.Lock()
	v := s.r.IntN(100) + 1
	s.mu.Unlock()
	return v
}

// randImpls are the contenders of random/randint. Add a way to draw
// numbers here.
var randImpls = []impl{
	base("Mutex+rand.Rand", func(goroutines int) instance {
		src, s := newRandSource(), newSinks(goroutines)
		return body(func(g, n int) {
			var sum int
			for range n {
				sum += src.randint()
			}
			s.keep(g, uint64(sum))
		})
	}),
	std("math/rand/v2 global", func(goroutines int) instance {
		s := newSinks(goroutines)
		return body(func(g, n int) {
			var sum int
			for range n {
				sum += rand.IntN(100) + 1
			}
			s.keep(g, uint64(sum))
		})
	}),
	std("Mutex held for the loop", func(goroutines int) instance {
		var mu sync.Mutex
		r, s := rand.New(rand.NewPCG(1, 2)), newSinks(goroutines)
		return body(func(g, n int) {
			var sum int
			mu.Lock()
			for range n {
				sum += r.IntN(100) + 1
			}
			mu.Unlock()
			s.keep(g, uint64(sum))
		})
	}),
	std("chan from a producer", func(goroutines int) instance {
		c, done, exited := make(chan int, 10000), make(chan struct{}), make(chan struct{})
		go func() {
			defer close(exited)
			r := rand.New(rand.NewPCG(1, 2))
			for {
				select {
				case c <- r.IntN(100) + 1:
				case <-done:
					return
				}
			}
		}()
		s := newSinks(goroutines)
		return instance{
			run: func(g, n int) {
				var sum int
				for range n {
					sum += <-c
				}
				s.keep(g, uint64(sum))
			},
			close: func() { close(done); <-exited },
		}
	}),
}

func init() {
	randImpls = append(randImpls,
		ft("ftutils.BatchExecutor(10000)", func(goroutines int) instance {
			src, s := newRandSource(), newSinks(goroutines)
			be := ftutils.NewBatchExecutor(src.randint, 10000)
			return body(func(g, n int) {
				var sum int
				for range n {
					v, err := be.Load()
					if err != nil {
						panic(err)
					}
					sum += v
				}
				s.keep(g, uint64(sum))
			})
		}),
		ft("ftutils.BatchLocal(64) of 10000", func(goroutines int) instance {
			src, s := newRandSource(), newSinks(goroutines)
			be := ftutils.NewBatchExecutor(src.randint, 10000)
			locals := make([]*ftutils.BatchLocal[int], goroutines)
			for g := range locals {
				locals[g] = be.Local(64)
			}
			return body(func(g, n int) {
				var sum int
				l := locals[g]
				for range n {
					v, err := l.Load()
					if err != nil {
						panic(err)
					}
					sum += v
				}
				s.keep(g, uint64(sum))
			})
		}),
	)
}

// randLocked returns a contender that holds a lock for a whole run call
// and draws from a generator that lock protects; poll, when not nil, runs
// after every draw (IntervalLock.Poll cedes the lock once its interval is
// up).
func randLocked(lock, unlock, poll func()) func(int) instance {
	return func(goroutines int) instance {
		r, s := rand.New(rand.NewPCG(1, 2)), newSinks(goroutines)
		return body(func(g, n int) {
			var sum int
			lock()
			for range n {
				sum += r.IntN(100) + 1
				if poll != nil {
					poll()
				}
			}
			unlock()
			s.keep(g, uint64(sum))
		})
	}
}

func init() {
	randImpls = append(randImpls,
		ft("ftutils.RWLock held for the loop", func(goroutines int) instance {
			l := new(ftutils.RWLock)
			return randLocked(l.Lock, l.Unlock, nil)(goroutines)
		}),
		ft("ftutils.IntervalLock held, Poll", func(goroutines int) instance {
			l := new(ftutils.IntervalLock)
			return randLocked(l.Lock, l.Unlock, l.Poll)(goroutines)
		}),
	)
}

func init() {
	register(&benchmark{
		name: "random/randint", port: "random_bench.py",
		desc:  "randint(1, 100) from one shared, non-thread-safe generator (or per-P for math/rand/v2)",
		chunk: 256, impls: randImpls,
	})
}
