package ftutils

import (
	"math/bits"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Sharded holds one value of type T per slot, with as many slots as the
// machine runs goroutines in parallel, so that goroutines updating "their"
// slot do not fight over one cache line. Reads combine all slots. It is the
// Go counterpart of ft_utils' LocalWrapper: LocalWrapper keeps reference
// count traffic private to one thread; Sharded keeps any hot per-operation
// bookkeeping (statistics, counters, free lists) private to one slot.
//
// The zero value is ready to use: its slots hold T's zero value. Use
// [NewSharded] to give every slot another starting value (for example
// math.MaxInt64 for a minimum). A Sharded must not be copied after first
// use.
//
// Two ways to touch a slot:
//
//   - [Sharded.Update] runs a function with exclusive access to the calling
//     goroutine's slot, for a plain T (an int64, a struct of statistics). It
//     takes the slot's own mutex, which nobody else holds in the common case:
//     a goroutine that finds its slot busy moves to another random slot, as
//     Java's LongAdder rehashes a thread after a failed CAS.
//   - [Sharded.Local] returns a pointer to the calling goroutine's slot for a
//     T that synchronizes itself (an [sync/atomic.Int64], a [Counter]).
//     Other goroutines may get the same slot at the same time. It takes no
//     lock at all.
//
// Do not mix the two on one plain T: Local bypasses the slot mutex.
//
// Memory model: the unlock at the end of an Update synchronizes before the
// locking of the same slot by a later Update, [Sharded.Range] or
// [Sharded.Reduce], so a reader sees every Update that finished before it
// began. Reads are weakly consistent: Range and Reduce lock one slot at a
// time, so they see an Update that runs concurrently either fully or not at
// all per slot, but they are not a snapshot across slots.
//
// Progress: Local is wait-free. Update is blocking only when every attempt
// to find a free slot fails (it then waits for a slot's mutex); Range and
// Reduce block on each slot's mutex in turn.
//
// Cost (AMD EPYC, 2 vCPUs, Go 1.26; see docs/benchmarks/contention.md):
// Update is an uncontended [sync.Mutex] TryLock/Unlock plus a hash, two
// loads and an indirect call of f, on a cache line that stays with the
// calling core: about twice an uncontended mutex-guarded update, which it
// beats only when the mutex is contended. Local is a hash and two loads.
// Memory is allocated on first use: one slot per P, rounded up to a power
// of two (min(GOMAXPROCS, NumCPU) at that time), plus an unused guard slot, of unsafe.Sizeof(T)+136 bytes or
// more each (a mutex, T, and a 128-byte pad so that neighbouring slots
// never share a cache line), plus, for the whole package, a 1.25 KiB table
// of per-goroutine hints.
//
// How a goroutine finds "its" slot: Go has no goroutine-local storage and no
// exported way to learn the current P. Sharded hashes the address of a
// variable on the calling goroutine's stack: goroutines whose stacks are
// live at the same time have different addresses, and one goroutine gets
// the same address call after call from the same call site, so the choice
// is sticky, as a per-thread probe is in Java's LongAdder
// (java.util.concurrent.atomic.Striped64, Doug Lea). When a goroutine finds
// its slot busy it re-randomizes its hint with math/rand/v2.
//
// Why not the obvious ways: a [sync.Pool] of slot tokens (as
// puzpuzpuz/xsync's Counter does) is per-P but costs a Get and a Put, about
// 12 ns, more than the contention it avoids on small machines. A random slot
// per call is cheap but not sticky: with two cores, half the calls then
// touch a line last written by the other core, which costs as much as
// sharing one line. Per-P pinning needs go:linkname, which this module does
// not use.
type Sharded[T any] struct {
	_ noCopy
	// slots is set once, by the first use (CAS from nil); it never changes
	// after that. Read with Load.
	slots atomic.Pointer[[]shardSlot[T]]
	// init, when not nil, initialises each slot. Set by NewSharded before
	// the Sharded is shared; read-only after.
	init func(*T)
}

// shardSlot is one slot. The trailing pad keeps the hot mu and v of
// neighbouring slots at least cacheLinePad bytes apart; the pad cannot be
// computed with unsafe.Sizeof because T is a type parameter.
type shardSlot[T any] struct {
	mu sync.Mutex // guards v for Update, Range and Reduce
	v  T
	_  [cacheLinePad]byte
}

// NewSharded returns a Sharded whose slots are each set up by init, which
// must not be nil. Use it when T's zero value is not the neutral element of
// the combination (for example a minimum).
func NewSharded[T any](init func(v *T)) *Sharded[T] {
	if init == nil {
		panic("ftutils: NewSharded: nil init")
	}
	return &Sharded[T]{init: init}
}

// load returns the slots, allocating them on first use.
func (s *Sharded[T]) load() []shardSlot[T] {
	if p := s.slots.Load(); p != nil {
		return *p
	}
	return s.loadSlow()
}

func (s *Sharded[T]) loadSlow() []shardSlot[T] {
	n := shardCount()
	// One slot more than needed: slots[0] is never used, so its pad keeps
	// the first used slot off whatever object precedes the array.
	slots := make([]shardSlot[T], n+1)[1:]
	if s.init != nil {
		for i := range slots {
			s.init(&slots[i].v)
		}
	}
	if s.slots.CompareAndSwap(nil, &slots) {
		return slots
	}
	return *s.slots.Load()
}

// Len returns the number of slots. It allocates the slots if they do not
// exist yet; the number never changes after that.
func (s *Sharded[T]) Len() int { return len(s.load()) }

// Local returns the calling goroutine's slot. T must be safe for concurrent
// use (an atomic type, or a type with its own lock): another goroutine may
// get the same slot at the same time. Local never blocks and takes no lock.
func (s *Sharded[T]) Local() *T {
	slots := s.load()
	h := stackHash()
	return &slots[probe(h)&uint32(len(slots)-1)].v
}

// Update calls f with exclusive access to a slot, normally the calling
// goroutine's own. f must not call Update, Range or Reduce on the same
// Sharded, and must not keep v after it returns.
func (s *Sharded[T]) Update(f func(v *T)) {
	slots := s.load()
	h := stackHash()
	mask := uint32(len(slots) - 1)
	sl := &slots[probe(h)&mask]
	if !sl.mu.TryLock() {
		// Busy: another goroutine shares our slot. Move this goroutine to
		// a new random slot for next time, and wait there this time.
		reprobe(h)
		sl = &slots[probe(h)&mask]
		sl.mu.Lock()
	}
	defer sl.mu.Unlock()
	f(&sl.v)
}

// Range calls f for each slot in turn, holding that slot's mutex, until f
// returns false. It is weakly consistent: slots are visited one at a time.
// f may change v (for example to reset it) but must not call Update, Range
// or Reduce on the same Sharded.
func (s *Sharded[T]) Range(f func(v *T) bool) {
	slots := s.load()
	for i := range slots {
		sl := &slots[i]
		sl.mu.Lock()
		ok := f(&sl.v)
		sl.mu.Unlock()
		if !ok {
			return
		}
	}
}

// Reduce combines all slots into one value: it copies the first slot, then
// calls merge(&acc, v) for each other slot, and returns acc. Sum, minimum
// and maximum are one-line merges (see the examples). It is weakly
// consistent, like Range. T must be a plain value type: Reduce copies slots,
// which would race with a concurrent [Sharded.Local] user's atomic writes.
func (s *Sharded[T]) Reduce(merge func(acc, v *T)) T {
	slots := s.load()
	var acc T
	for i := range slots {
		sl := &slots[i]
		sl.mu.Lock()
		if i == 0 {
			acc = sl.v
		} else {
			merge(&acc, &sl.v)
		}
		sl.mu.Unlock()
	}
	return acc
}

// maxShards bounds shardCount: roundUpPow2(NumCPU), fixed for the process.
var maxShards = roundUpPow2(runtime.NumCPU())

// shardCount returns roundUpPow2(min(GOMAXPROCS, NumCPU)), at least 1.
func shardCount() int {
	return roundUpPow2(min(runtime.GOMAXPROCS(0), runtime.NumCPU()))
}

// roundUpPow2 returns the smallest power of two >= n, and 1 for n <= 1.
func roundUpPow2(n int) int {
	if n <= 1 {
		return 1
	}
	return 1 << bits.Len(uint(n-1))
}

// probes.tab holds per-goroutine hints, indexed by the high 8 bits of
// stackHash (slots are picked with the low bits, so two goroutines that
// share an entry can still land on different slots). An entry is zero until a goroutine hashed to it finds its slot
// or cell busy; it then stores a random value there (reprobe). Entries are
// written only on such collisions, so the table stays read-shared in every
// core's cache. One table serves every Sharded and Counter, as Java's
// per-thread probe serves every LongAdder.
//
// The table is padded on both sides so that no other package's hot global
// can share a cache line with it.
var probes struct {
	_   [cacheLinePad]byte
	tab [256]atomic.Uint32
	_   [cacheLinePad]byte
}

// stackHash returns a hash of the address of a variable on the calling
// goroutine's stack. Goroutines whose stacks are live at the same time get
// different addresses, and one goroutine calling from the same call site
// gets the same address until its stack moves (grows), so the hash is a
// sticky per-goroutine hint.
//
// Unsafe use: the pointer is converted to a uintptr and only hashed; it is
// never converted back, so no Go pointer rule is involved and the variable
// does not escape (a test checks both the stickiness and that this path does
// not allocate). Shifting out the low 11 bits maps nearby frames of one
// goroutine to the same value; live goroutine stacks are at least 2 KiB and
// aligned to their size, so different goroutines still differ.
func stackHash() uint32 {
	var marker byte
	a := uint64(uintptr(unsafe.Pointer(&marker))) >> 11
	return uint32((a * 0x9e3779b97f4a7c15) >> 32) // Fibonacci hashing
}

// probe returns the slot hint for the goroutine whose stackHash is h.
func probe(h uint32) uint32 {
	return h ^ probes.tab[h>>24].Load()
}

// reprobe gives the goroutine whose stackHash is h a new random hint.
func reprobe(h uint32) {
	probes.tab[h>>24].Store(rand.Uint32())
}
