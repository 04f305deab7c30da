package main

import (
	"math/big"
	"sync"
	"sync/atomic"
)

// pair holds F(n) and F(n+1). Once stored in a memo it is never modified,
// so any number of goroutines may read it without synchronisation beyond
// the memo's own.
type pair struct{ f, f1 *big.Int }

// memo is what fib needs from a memo table: the seed's `n in memo`,
// `memo[n]` and `memo[n] = result`. Both thread modes go through this
// interface, so they pay the same dispatch cost.
type memo interface {
	Load(n int) (pair, bool)
	Store(n int, p pair)
}

// tally counts memo hits or misses (the seed's global AtomicInt64s).
type tally interface{ Incr() }

// fib returns (F(n), F(n+1)) by fast doubling, memoising every level it
// computes. It is the seed's fib_worker: look up n, else recurse on n/2 and
// apply
//
//	F(2k)   = F(k)·(2·F(k+1) − F(k))
//	F(2k+1) = F(k)² + F(k+1)²
//
// Two goroutines that miss the same n at the same time both compute it and
// both store it (the values are equal), exactly as the seed does; no mode
// adds "compute once" semantics the others lack.
func fib(n int, m memo, hit, miss tally) pair {
	if p, ok := m.Load(n); ok {
		hit.Incr()
		return p
	}
	miss.Incr()
	var r pair
	switch n {
	case 0:
		r = pair{big.NewInt(0), big.NewInt(1)}
	case 1:
		r = pair{big.NewInt(1), big.NewInt(1)}
	case 2:
		r = pair{big.NewInt(1), big.NewInt(2)}
	default:
		a := fib(n/2, m, hit, miss)
		c := new(big.Int).Lsh(a.f1, 1)
		c.Sub(c, a.f)
		c.Mul(c, a.f)
		d := new(big.Int).Mul(a.f, a.f)
		d.Add(d, new(big.Int).Mul(a.f1, a.f1))
		if n%2 == 0 {
			r = pair{c, d}
		} else {
			r = pair{d, new(big.Int).Add(c, d)}
		}
	}
	m.Store(n, r)
	return r
}

// mutexMemo is the naive Go port of the seed's plain dict: a map guarded by
// one sync.Mutex, locked for each lookup and each store (never across the
// computation, just as a dict operation is atomic but `if n in memo` then
// `memo[n] = …` is not).
type mutexMemo struct {
	mu sync.Mutex
	m  map[int]pair // guarded by mu
}

func newMutexMemo() *mutexMemo { return &mutexMemo{m: make(map[int]pair)} }

func (m *mutexMemo) Load(n int) (pair, bool) {
	m.mu.Lock()
	p, ok := m.m[n]
	m.mu.Unlock()
	return p, ok
}

func (m *mutexMemo) Store(n int, p pair) {
	m.mu.Lock()
	m.m[n] = p
	m.mu.Unlock()
}

// plainMemo is a single goroutine's private memo (the reference computation
// and each worker process).
type plainMemo map[int]pair

func (m plainMemo) Load(n int) (pair, bool) { p, ok := m[n]; return p, ok }
func (m plainMemo) Store(n int, p pair)     { m[n] = p }

// atomicTally is the naive port of the seed's shared AtomicInt64 counters:
// one word that every goroutine increments.
type atomicTally struct{ atomic.Int64 }

func (t *atomicTally) Incr() { t.Add(1) }

// nopTally discards counts (reference computation, worker processes).
type nopTally struct{}

func (nopTally) Incr() {}

// reference computes F(n) for every position on one goroutine with a fresh
// private memo: the single-threaded answer every mode is checked against.
func reference(positions []int) []*big.Int {
	m := plainMemo{}
	out := make([]*big.Int, len(positions))
	for i, n := range positions {
		out[i] = fib(n, m, nopTally{}, nopTally{}).f
	}
	return out
}
