package main

import (
	"sync"
	"sync/atomic"

	"github.com/ftutils-go/ftutils"
	"github.com/puzpuzpuz/xsync/v4"
)

// Atomic words and counters: ft_utils' atomic_bench.py (AtomicReference
// set/get/exchange/compare_exchange/mixed against a lock-guarded reference)
// and the counter hot spot that ft_utils' LocalWrapper exists for.

// refs are the values the reference benchmarks store: ft_utils stores the
// ints i%10 or i%99, here pointers to 99 preallocated ints so a store
// allocates nothing.
var refs = func() (p [99]*int) {
	for i := range p {
		p[i] = new(int)
		*p[i] = i
	}
	return p
}()

// lockedRef is ft_utils' LockedReference: a mutex-guarded pointer with an
// identity compare-and-swap.
type lockedRef struct {
	mu sync.Mutex
	p  *int
}

func (r *lockedRef) Load() *int   { r.mu.Lock(); p := r.p; r.mu.Unlock(); return p }
func (r *lockedRef) Store(p *int) { r.mu.Lock(); r.p = p; r.mu.Unlock() }
func (r *lockedRef) Swap(p *int) *int {
	r.mu.Lock()
	old := r.p
	r.p = p
	r.mu.Unlock()
	return old
}
func (r *lockedRef) CompareAndSwap(old, new *int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.p != old {
		return false
	}
	r.p = new
	return true
}

// ref is the method set the reference workloads use; atomic.Pointer,
// lockedRef and ftutils.AtomicRef all have it.
type ref interface {
	Load() *int
	Store(*int)
	Swap(*int) *int
	CompareAndSwap(old, new *int) bool
}

// refOps are ft_utils' five reference benchmarks, each as a function of the
// reference and the goroutine's operation index i.
var refOps = []struct {
	name, port, desc string
	op               func(r ref, i int) uintptr
}{
	{"get", "benchmark_atomic_get", "Load of one shared pointer",
		func(r ref, i int) uintptr { return uintptr(*r.Load()) }},
	{"set", "benchmark_atomic_set", "Store of one of 10 pointers into one shared reference",
		func(r ref, i int) uintptr { r.Store(refs[i%10]); return 0 }},
	{"exchange", "benchmark_atomic_exchange", "Swap with one of 10 pointers",
		func(r ref, i int) uintptr { return uintptr(*r.Swap(refs[i%10])) }},
	{"cas", "benchmark_atomic_compare_exchange", "CompareAndSwap(p[i%2], p[i%2]) by identity",
		func(r ref, i int) uintptr {
			if r.CompareAndSwap(refs[i%2], refs[i%2]) {
				return 1
			}
			return 0
		}},
	{"mixed", "benchmark_atomic_mixed", "odd i: Store(p[i%99]); even i: Load",
		func(r ref, i int) uintptr {
			if i&1 == 1 {
				r.Store(refs[i%99])
				return 0
			}
			return uintptr(*r.Load())
		}},
}

// refImpl builds the setup for one reference implementation: newRef
// returns a fresh reference holding refs[1].
func refImpl(newRef func() ref, op func(ref, int) uintptr) func(int) instance {
	return func(goroutines int) instance {
		r := newRef()
		r.Store(refs[1])
		iters := newSinks(goroutines)
		sink := newSinks(goroutines)
		return body(func(g, n int) {
			i := int(iters[g].v)
			var s uintptr
			for k := range n {
				s += op(r, i+k)
			}
			iters[g].v += uint64(n)
			sink.keep(g, uint64(s))
		})
	}
}

// atomicPtr adapts atomic.Pointer to ref (its Swap is named the same).
type atomicPtr struct{ atomic.Pointer[int] }

// refImpls lists the contenders of every atomic/ref-* benchmark. Add a
// reference type here.
var refImpls = []struct {
	name     string
	origin   origin
	baseline bool
	newRef   func() ref
}{
	{"atomic.Pointer", originStdlib, true, func() ref { return new(atomicPtr) }},
	{"Mutex+pointer", originStdlib, false, func() ref { return new(lockedRef) }},
	{"ftutils.AtomicRef", originFTUtils, false, func() ref { return new(ftutils.AtomicRef[int]) }},
}

// counterImpls are the contenders of counter/* and (unless counterOnly:
// their increment returns nothing) atomic/int64-add: an increment and a
// read of one shared count.
var counterImpls = []struct {
	name        string
	origin      origin
	baseline    bool
	counterOnly bool
	new         func() (inc func(), load func() int64)
}{
	{"atomic.Int64", originStdlib, true, false, func() (func(), func() int64) {
		c := new(atomic.Int64)
		return func() { c.Add(1) }, c.Load
	}},
	{"Mutex+int64", originStdlib, false, false, func() (func(), func() int64) {
		var mu sync.Mutex
		var c int64
		return func() { mu.Lock(); c++; mu.Unlock() },
			func() int64 { mu.Lock(); defer mu.Unlock(); return c }
	}},
	{"xsync.Counter", originPeer, false, true, func() (func(), func() int64) {
		c := xsync.NewCounter()
		return c.Inc, c.Value
	}},
	{"ftutils.Counter", originFTUtils, false, true, func() (func(), func() int64) {
		c := new(ftutils.Counter)
		return c.Incr, c.Load
	}},
	{"ftutils.Sharded[int64]", originFTUtils, false, true, func() (func(), func() int64) {
		s := new(ftutils.Sharded[int64])
		return func() { s.Update(incr64) }, func() int64 { return s.Reduce(add64) }
	}},
	{"ftutils.AtomicInt64", originFTUtils, false, false, func() (func(), func() int64) {
		c := new(ftutils.AtomicInt64)
		return func() { c.Add(1) }, c.Load
	}},
}

// counterSetup returns the setup for a counter workload doing one load
// every loadEvery increments (0: never).
func counterSetup(newC func() (func(), func() int64), loadEvery int) func(int) instance {
	return func(goroutines int) instance {
		inc, load := newC()
		iters := newSinks(goroutines)
		sink := newSinks(goroutines)
		return body(func(g, n int) {
			i := int(iters[g].v)
			var s int64
			for k := range n {
				if loadEvery > 0 && (i+k)%loadEvery == 0 {
					s += load()
				} else {
					inc()
				}
			}
			iters[g].v += uint64(n)
			sink.keep(g, uint64(s))
		})
	}
}

// incr64 and add64 are Sharded[int64]'s update and merge functions.
func incr64(v *int64)     { *v++ }
func add64(acc, v *int64) { *acc += *v }

// flagToggle is the stdlib idiom for toggling a flag: a CAS loop on an
// atomic.Bool.
func flagToggle(b *atomic.Bool) bool {
	for {
		old := b.Load()
		if b.CompareAndSwap(old, !old) {
			return old
		}
	}
}

// storeMaxCAS is the stdlib idiom for an atomic maximum: a CAS loop that
// gives up as soon as the stored value is not smaller.
func storeMaxCAS(a *atomic.Int64, v int64) int64 {
	for {
		old := a.Load()
		if old >= v || a.CompareAndSwap(old, v) {
			return old
		}
	}
}

func init() {
	for _, op := range refOps {
		b := &benchmark{
			name: "atomic/ref-" + op.name, port: "atomic_bench.py " + op.port,
			desc: op.desc, chunk: 256,
		}
		for _, ri := range refImpls {
			b.impls = append(b.impls, impl{name: ri.name, origin: ri.origin, baseline: ri.baseline,
				setup: refImpl(ri.newRef, op.op)})
		}
		register(b)
	}
	add := &benchmark{name: "atomic/int64-add", desc: "Add(1) on one shared int64 (the result is used)", chunk: 256}
	for _, ci := range counterImpls {
		if ci.counterOnly {
			continue
		}
		add.impls = append(add.impls, impl{name: ci.name, origin: ci.origin, baseline: ci.baseline,
			setup: counterSetup(ci.new, 0)})
	}
	register(add)
	register(&benchmark{
		name: "atomic/int64-storemax", desc: "StoreMax of an increasing per-goroutine sequence into one shared int64", chunk: 256,
		impls: []impl{
			base("atomic.Int64 CAS loop", func(goroutines int) instance {
				a := new(atomic.Int64)
				iters := newSinks(goroutines)
				return body(func(g, n int) {
					i := int64(iters[g].v)
					for k := range int64(n) {
						storeMaxCAS(a, i+k)
					}
					iters[g].v += uint64(n)
				})
			}),
			ft("ftutils.AtomicInt64", func(goroutines int) instance {
				a := new(ftutils.AtomicInt64)
				iters := newSinks(goroutines)
				return body(func(g, n int) {
					i := int64(iters[g].v)
					for k := range int64(n) {
						a.StoreMax(i + k)
					}
					iters[g].v += uint64(n)
				})
			}),
		},
	})
	register(&benchmark{
		name: "atomic/flag-toggle", desc: "Toggle of one shared flag", chunk: 256,
		impls: []impl{
			base("atomic.Bool CAS loop", func(goroutines int) instance {
				b := new(atomic.Bool)
				return body(func(g, n int) {
					for range n {
						flagToggle(b)
					}
				})
			}),
			ft("ftutils.AtomicFlag", func(goroutines int) instance {
				f := new(ftutils.AtomicFlag)
				return body(func(g, n int) {
					for range n {
						f.Toggle()
					}
				})
			}),
		},
	})
	for _, w := range []struct {
		name, desc string
		loadEvery  int
	}{
		{"counter/incr", "increment of one shared counter", 0},
		{"counter/incr-load", "99 increments : 1 read of one shared counter", 100},
	} {
		b := &benchmark{name: w.name, desc: w.desc, chunk: 256}
		for _, ci := range counterImpls {
			b.impls = append(b.impls, impl{name: ci.name, origin: ci.origin, baseline: ci.baseline,
				setup: counterSetup(ci.new, w.loadEvery)})
		}
		register(b)
	}
}
