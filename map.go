package ftutils

import (
	"iter"
	"math/bits"
	"reflect"
	"runtime"
	"sync/atomic"
	"unsafe"
)

// Map is a concurrent hash map from K to V: a typed drop-in for [sync.Map]
// (same method names and semantics) that adds what ft_utils' ConcurrentDict
// and Java's ConcurrentHashMap offer: an O(1) [Map.Len], atomic per-key
// read-modify-write ([Map.Compute], [Map.LoadOrCompute]), iterators
// ([Map.All], [Map.Keys], [Map.Values]), [Map.Snapshot], [Map.Update] and
// [Map.Equal].
//
// The zero value is an empty map ready to use; [NewMap] takes a size hint
// and a lock stripe count. A Map must not be copied after first use.
//
// Memory model: a write operation (Store, Swap, a successful LoadOrStore,
// CompareAndSwap or CompareAndDelete, LoadAndDelete or Delete of a present
// key, a Compute that stores or deletes) synchronizes before every operation
// that observes its effect, like [sync.Map].
//
// Progress: Load, and the read-only outcomes of LoadOrStore, LoadAndDelete,
// Delete, CompareAndSwap and CompareAndDelete, take no lock: a few atomic
// loads, repeated only if a write to the same group of 8 slots overlapped
// them. A write locks one group (a lock stripe; there are at least 8, and
// as many as the table has groups of 8 slots). The map grows and shrinks
// by moving its table to a new one group by group while it stays in use,
// with no pause for anyone: the write that starts a resize moves groups
// until none is left (so that one call costs time proportional to the
// map, like a rebuild), every other write that meets the resize moves 16
// groups first and then goes on, and reads follow moved groups to the new
// table without waiting. On Linux, the write that starts a resize asks the
// kernel to map a new table of 1 MiB or more in a few system calls,
// madvise(MADV_POPULATE_WRITE) 2 MiB at a time, instead of a page fault
// per page as the moves write it (docs/benchmarks/map.md, rounds 14 and
// 16); it changes no memory and is ignored where the kernel lacks it.
// Build with -tags ftutils_nopopulate to leave it out.
//
// Consistency: every single-key operation is linearizable. Len, Range, All,
// Keys, Values, Snapshot and Equal are weakly consistent, as in [sync.Map]
// and Java's ConcurrentHashMap: they never report a key twice or a key that
// was never present, and may or may not reflect writes made during the
// call: each value Range reports for a key is one the key held at some
// moment during the call. They are not snapshots, not even of one group
// (writes to other keys of a group may land while Range copies it). Len
// is exact when no writes run concurrently. Clear is atomic: it replaces
// the whole table at once.
//
// Cost (2-vCPU AMD EPYC Zen 4 under KVM, Go 1.26; docs/benchmarks/map.md has
// the tables): a Load of an int key in a 1K-entry map takes about 7 ns
// serially, as long as a plain Go map's. Load, Len and Delete never
// allocate, nor does Range (but for chains of more than 32 entries, see
// Range); writes allocate nothing per call except when an insert (or, in
// an append-only table, a replaced value) chains an overflow group (a
// group of 8 slots; rare while the table is below its growth threshold)
// and when the map grows or shrinks (one new table, and the overflow
// groups its entries need). Clear allocates one table (one allocation,
// three with [WithMapShards] above 8). Keys and values live inline in
// 8-slot groups with a sequence count, a lock, a chain pointer and a
// 4-byte hash tag per slot. For 8-byte integer, string and interface keys with 8-byte integer,
// float or interface values (Map[int, int], Map[string, int64], Map[any,
// any]), a delete frees its slot for the next insert and a replaced value
// is written in place; for other types slots are append-only, so a
// replaced value takes a new slot, and the table is compacted once a
// quarter of its slots are dead. The table doubles when an insert needs an
// overflow group while 7/8 of its slots are full, and halves when less
// than 1/16 is. A Map[int, int] group is 192 bytes, 24 per slot: 27 to 55
// bytes per entry as the table fills from 7/16 to 7/8, plus overflow
// groups (measured: 36 bytes per entry at 100K entries, 43 on average over
// sizes from 50K to 2M; a plain Go map about 24, sync.Map about 126); an
// overflow group that deletes empty is dropped once the rest of its chain
// has half a group free. Deleted or replaced entries of append-only
// tables keep their slot (and whatever their K and V reference) until the
// next compaction, move or reuse. The Map value itself is 120 bytes on
// 64-bit platforms: padding keeps the table pointer that every operation
// reads alone in its cache line.
//
// Algorithm: one hash table of Swiss-table groups (8 slots with 8 control
// bytes searched by SWAR: Abseil's "SwissTables", CppCon 2017, and Go
// 1.24's runtime maps), chained rather than probed, with per-group locks
// and sequence counts (a seqlock per lock stripe; readers validate what
// they read, as in Linux's seqcount and in CLHT: David, Guerraoui,
// Trigonakis, "Asynchronized Concurrency", ASPLOS 2015), and resizes by
// cooperative migration as in Java's ConcurrentHashMap (Doug Lea, JDK 8
// transfer). map_table.go documents the protocol. The hash is seeded per
// map, so keys chosen by an attacker cannot force collisions: a seeded
// multiply-mix (wyhash's step, random 64-bit seeds per map) for integer
// keys and for strings of up to 16 bytes on amd64 and arm64, and
// [hash/maphash] for longer strings and other keys.
type Map[K comparable, V any] struct {
	_ noCopy
	// The padding keeps t, which every operation reads, alone in its
	// cache line wherever the Map sits (heap object or struct field):
	// measured on 16 cores, a 32-byte Map header sharing a line with other
	// objects made read-only workloads up to 4 times slower.
	_ [cacheLinePad/2 - 8]byte
	t atomic.Pointer[mapTable[K, V]]
	_ [cacheLinePad/2 - 8]byte
}

// MapOption configures [NewMap].
type MapOption func(*mapConfig)

type mapConfig struct {
	capacity, stripes int
}

// WithMapCapacity pre-sizes the map for n entries (ConcurrentDict's
// initial_capacity): its table starts with room for n entries at about
// half load, so n inserts do not resize it. It panics if n is negative,
// and NewMap panics if no address space could hold a table for n entries
// (a message, not an out-of-memory crash).
func WithMapCapacity(n int) MapOption {
	if n < 0 {
		panic("ftutils: WithMapCapacity: negative capacity")
	}
	return func(c *mapConfig) { c.capacity = n }
}

// WithMapShards sets the least number of lock stripes, rounded up to a
// power of two (at most 65536): the table never has fewer groups of 8
// slots, each locked on its own, than n, even when it shrinks. The
// default is 8. More stripes mean less write contention on maps with few
// keys, and more memory for small maps (about 200 bytes each for
// Map[int, int]). It panics if n is not positive.
func WithMapShards(n int) MapOption {
	if n <= 0 {
		panic("ftutils: WithMapShards: shard count must be positive")
	}
	return func(c *mapConfig) { c.stripes = n }
}

// mapMaxFloor caps WithMapShards.
const mapMaxFloor = 1 << 16

// NewMap returns an empty map configured by opts.
func NewMap[K comparable, V any](opts ...MapOption) *Map[K, V] {
	var c mapConfig
	for _, o := range opts {
		o(&c)
	}
	floor := mapMinGroups
	for floor < min(c.stripes, mapMaxFloor) {
		floor *= 2
	}
	// Groups for the capacity, doubling without overflow; a table whose
	// size in bytes no address space can hold is misuse, not an
	// out-of-memory crash later.
	g, limit := floor, uintptr(1)<<min(48, bits.UintSize-1)/unsafe.Sizeof(mapGroup[K, V]{})
	need := c.capacity / mapPresize
	if c.capacity%mapPresize != 0 {
		need++
	}
	for g < need && uintptr(g) <= limit {
		g *= 2
	}
	if uintptr(g) > limit {
		panic("ftutils: WithMapCapacity: capacity too large")
	}
	m := &Map[K, V]{}
	m.t.Store(newMapTable[K, V](g, newMapParams[K, V](floor)))
	return m
}

// mapPresize is the number of entries per group that WithMapCapacity
// sizes for: half of the 8 slots, so that few home groups overflow.
const mapPresize = 4

// table returns the map's table, creating it on first use.
func (m *Map[K, V]) table() *mapTable[K, V] {
	if t := m.t.Load(); t != nil {
		return t
	}
	t := newMapTable[K, V](mapMinGroups, newMapParams[K, V](mapMinGroups))
	if m.t.CompareAndSwap(nil, t) {
		return t
	}
	return m.t.Load()
}

// ComputeOp tells [Map.Compute] what to do with the value its callback
// returns.
type ComputeOp uint8

const (
	// ComputeCancel leaves the entry as it was.
	ComputeCancel ComputeOp = iota
	// ComputeStore stores the returned value.
	ComputeStore
	// ComputeDelete deletes the entry (nothing happens if it was absent).
	ComputeDelete
)

// Load returns the value stored for k, and whether it was present.
//
// It takes no lock (see the type's documentation). The hash and the key
// loads are written out here rather than called: the compiler does not
// inline mapHash or loadKey into generic code, and as calls they cost a
// Load of a small map about 12 %.
func (m *Map[K, V]) Load(k K) (v V, ok bool) {
	t := m.t.Load()
	if t == nil {
		return v, false
	}
	if t.intWord {
		// Map[int, int] and the like: the probe with the fewest live
		// values, so that the compiler keeps them all in registers
		// (the general loop below spills, about 1 ns per Load).
		x := *(*uint64)(unsafe.Pointer(&k))
		h := mapMix(x, t.hs.s0, t.hs.s1)
		tag := mapLSBs * (mapMetaFull | h&0x7f)
		for {
			home := t.home(h)
			seq := home.seq.Load()
			if seq&(mapMoved|1) != 0 {
				if seq&mapMoved != 0 {
					t = t.next.Load()
				} else {
					runtime.Gosched()
				}
				continue
			}
			for g := home; g != nil; g = g.next.Load() {
				if mapWindow && g != home {
					runtime.Gosched()
				}
				for w := mapMatchZero(g.ctrl.Load()^tag) & mapUsed; w != 0; w &= w - 1 {
					s := g.slot(bits.TrailingZeros64(w) >> 3)
					if (*atomic.Uint64)(unsafe.Pointer(&s.key)).Load() == x {
						if mapWindow {
							runtime.Gosched()
						}
						y := (*atomic.Uint64)(unsafe.Pointer(&s.val)).Load()
						if home.seq.Load() != seq {
							goto retryInt
						}
						return *(*V)(unsafe.Pointer(&y)), true
					}
				}
			}
			return v, false
		retryInt:
		}
	}
	if t.anyKey {
		if d, isInt := any(k).(int); isInt {
			return t.loadAnyInt(d)
		}
	}
	if t.strWord {
		// Map[string, int] and the like, for the same reason. A key's
		// two words are compared only after the check of seq.
		ks := *(*string)(unsafe.Pointer(&k))
		kp, kn := unsafe.Pointer(unsafe.StringData(ks)), len(ks)
		// Keys up to 16 bytes: mapHashShort inline (as a call it is two
		// calls deep), its words kept to compare slot keys with.
		short := mapShortStrLoads && kn <= mapShortStr
		var h, a, b uint64
		if short {
			a, b = mapShortWords(kp, kn)
			h = mapHashWords(a, b, kn, t.hs.s0, t.hs.s1)
		} else {
			h = mapHashString(&t.hs, ks)
		}
		tag := mapLSBs * (mapMetaFull | h&0x7f)
		for {
			home := t.home(h)
			seq := home.seq.Load()
			if seq&(mapMoved|1) != 0 {
				if seq&mapMoved != 0 {
					t = t.next.Load()
				} else {
					runtime.Gosched()
				}
				continue
			}
			for g := home; g != nil; g = g.next.Load() {
				if mapWindow && g != home {
					runtime.Gosched()
				}
				for w := mapMatchZero(g.ctrl.Load()^tag) & mapUsed; w != 0; w &= w - 1 {
					s := g.slot(bits.TrailingZeros64(w) >> 3)
					kw := (*mapWord2)(unsafe.Pointer(&s.key))
					p, n := atomic.LoadPointer(&kw.p), atomic.LoadUintptr(&kw.n)
					if mapWindow {
						runtime.Gosched()
					}
					y := (*atomic.Uint64)(unsafe.Pointer(&s.val)).Load()
					if home.seq.Load() != seq {
						goto retryStr
					}
					// Compared without a call to memequal: the same
					// string (pointer) first, then a short key's words.
					if n != uintptr(kn) {
						continue
					}
					if p == kp {
						return *(*V)(unsafe.Pointer(&y)), true
					}
					if short {
						if x0, x1 := mapShortWords(p, kn); x0 == a && x1 == b {
							return *(*V)(unsafe.Pointer(&y)), true
						}
					} else if *(*string)(unsafe.Pointer(&mapWord2{p, n})) == ks {
						return *(*V)(unsafe.Pointer(&y)), true
					}
				}
			}
			return v, false
		retryStr:
		}
	}
	one, vw := t.hs.word == mapKey64, t.vmode == mapValWord
	var h uint64
	if one {
		h = mapMix(*(*uint64)(unsafe.Pointer(&k)), t.hs.s0, t.hs.s1)
	} else {
		h = mapHash(&t.hs, k)
	}
	tag := mapLSBs * (mapMetaFull | h&0x7f)
	for {
		home := t.home(h)
		seq := home.seq.Load()
		if seq&(mapMoved|1) != 0 {
			if seq&mapMoved != 0 {
				t = t.next.Load()
			} else {
				runtime.Gosched() // a two-word value is being written
			}
			continue
		}
		for g := home; g != nil; g = g.next.Load() {
			if mapWindow && g != home {
				runtime.Gosched()
			}
			for w := mapMatchZero(g.ctrl.Load()^tag) & mapUsed; w != 0; w &= w - 1 {
				s := g.slot(bits.TrailingZeros64(w) >> 3)
				var key K
				if one {
					// An atomic load in a reuse table; plainly in an
					// append-only one, whose slots are never rewritten
					// (and, on 32-bit platforms, not 8-aligned).
					var x uint64
					if t.reuse {
						x = (*atomic.Uint64)(unsafe.Pointer(&s.key)).Load()
					} else {
						x = *(*uint64)(unsafe.Pointer(&s.key))
					}
					if key = *(*K)(unsafe.Pointer(&x)); key != k {
						continue // a one-word key is never torn
					}
				} else {
					key = t.loadKey(s)
				}
				if mapWindow {
					runtime.Gosched()
				}
				var val V
				if vw {
					x := (*atomic.Uint64)(unsafe.Pointer(&s.val)).Load()
					val = *(*V)(unsafe.Pointer(&x))
				} else {
					val = mapLoadVal(t.vmode, &s.val)
				}
				if home.seq.Load() != seq {
					goto retry // the slot may have been freed and refilled
				}
				if one || key == k {
					return val, true
				}
			}
		}
		return v, false
	retry:
	}
}

// loadAnyInt is Load's fast path for Map[any, V] used like sync.Map, with
// an int key d: hashed as mapHash would, without the call, and slot keys
// compared by their type word and, after the check of seq (a reused slot
// may hold a key of another type meanwhile), the int they point to,
// instead of by interface equality (a call through the type's equal
// function). A method of its own: inline in Load, its code made the other
// key kinds' loops slower (about 1 ns of 7 for Map[int, int]).
func (t *mapTable[K, V]) loadAnyInt(d int) (V, bool) {
	var zero V
	h := mapMix(uint64(d), t.hs.s0, t.hs.s1)
	tag := mapLSBs * (mapMetaFull | h&0x7f)
	for {
		home := t.home(h)
		seq := home.seq.Load()
		if seq&(mapMoved|1) != 0 {
			if seq&mapMoved != 0 {
				t = t.next.Load()
			} else {
				runtime.Gosched()
			}
			continue
		}
		for g := home; g != nil; g = g.next.Load() {
			if mapWindow && g != home {
				runtime.Gosched()
			}
			for w := mapMatchZero(g.ctrl.Load()^tag) & mapUsed; w != 0; w &= w - 1 {
				s := g.slot(bits.TrailingZeros64(w) >> 3)
				if atomic.LoadPointer(mapTypeWord(&s.key)) != mapIntType {
					continue
				}
				p := atomic.LoadPointer(mapDataWord(&s.key))
				if mapWindow {
					runtime.Gosched()
				}
				val := mapLoadVal(t.vmode, &s.val)
				if home.seq.Load() != seq {
					goto retryAny
				}
				if *(*int)(p) == d {
					return val, true
				}
			}
		}
		return zero, false
	retryAny:
	}
}

// Store sets the value for k.
func (m *Map[K, V]) Store(k K, v V) { m.Swap(k, v) }

// Swap stores v for k and returns the previous value if any (loaded reports
// whether k was present).
func (m *Map[K, V]) Swap(k K, v V) (prev V, loaded bool) {
	t, home, h := m.lock(k)
	s, g, i := t.locate(home, k, h)
	if s != nil {
		prev = mapLoadVal(t.vmode, &s.val)
		chained := t.setVal(home, g, i, k, v, h)
		home.mu.Unlock()
		m.written(t, h, chained, !t.reuse)
		return prev, true
	}
	chained := t.insert(home, g, i, k, v, h)
	home.mu.Unlock()
	m.written(t, h, chained, false)
	return prev, false
}

// LoadOrStore returns the existing value for k if present (loaded true).
// Otherwise it stores and returns v (loaded false).
func (m *Map[K, V]) LoadOrStore(k K, v V) (actual V, loaded bool) {
	if old, ok := m.Load(k); ok {
		return old, true
	}
	t, home, h := m.lock(k)
	s, fg, fi := t.locate(home, k, h)
	if s != nil {
		old := mapLoadVal(t.vmode, &s.val)
		home.mu.Unlock()
		return old, true
	}
	chained := t.insert(home, fg, fi, k, v, h)
	home.mu.Unlock()
	m.written(t, h, chained, false)
	return v, false
}

// LoadAndDelete deletes the value for k, returning the previous value if
// any (loaded reports whether k was present).
func (m *Map[K, V]) LoadAndDelete(k K) (v V, loaded bool) {
	if _, ok := m.Load(k); !ok {
		return v, false
	}
	t, home, h := m.lock(k)
	s, g, i := t.locate(home, k, h)
	if s == nil {
		home.mu.Unlock()
		return v, false
	}
	v = mapLoadVal(t.vmode, &s.val)
	t.remove(home, g, i, h)
	home.mu.Unlock()
	m.written(t, h, false, true)
	return v, true
}

// Delete deletes the value for k.
func (m *Map[K, V]) Delete(k K) { m.LoadAndDelete(k) }

// CompareAndSwap stores new for k if the stored value equals old, and
// reports whether it did. Values are compared as any(x) == any(y), as
// [sync.Map] does: it panics if V is not comparable, or if old is an
// interface value whose dynamic type is not comparable.
func (m *Map[K, V]) CompareAndSwap(k K, old, new V) (swapped bool) {
	if t := m.t.Load(); !t.cmpChecked(old) {
		mapCheckComparable(t, old, "CompareAndSwap")
	}
	// After a Load that found k, m has a table (it never goes back to
	// nil).
	if cur, ok := m.Load(k); !ok || !mapValEqual(m.t.Load().vmode, cur, old) {
		return false
	}
	t, home, h := m.lock(k)
	s, g, i := t.locate(home, k, h)
	if s == nil || !mapValEqual(t.vmode, mapLoadVal(t.vmode, &s.val), old) {
		home.mu.Unlock()
		return false
	}
	chained := t.setVal(home, g, i, k, new, h)
	home.mu.Unlock()
	m.written(t, h, chained, !t.reuse)
	return true
}

// CompareAndDelete deletes k if its value equals old, and reports whether
// it did. Values are compared as in [Map.CompareAndSwap], which documents
// when it panics.
func (m *Map[K, V]) CompareAndDelete(k K, old V) (deleted bool) {
	if t := m.t.Load(); !t.cmpChecked(old) {
		mapCheckComparable(t, old, "CompareAndDelete")
	}
	// After a Load that found k, m has a table (it never goes back to
	// nil).
	if cur, ok := m.Load(k); !ok || !mapValEqual(m.t.Load().vmode, cur, old) {
		return false
	}
	t, home, h := m.lock(k)
	s, g, i := t.locate(home, k, h)
	if s == nil || !mapValEqual(t.vmode, mapLoadVal(t.vmode, &s.val), old) {
		home.mu.Unlock()
		return false
	}
	t.remove(home, g, i, h)
	home.mu.Unlock()
	m.written(t, h, false, true)
	return true
}

// Compute atomically reads, modifies and writes the entry for k: f receives
// the current value (the zero value if absent) and whether k is present, and
// its ComputeOp says whether to keep the entry as it was, store the returned
// value or delete the entry. Compute returns the value stored for k
// afterwards and whether k is then present.
//
// f runs while Compute holds the lock of k's group (one lock stripe):
// concurrent writes to keys of that group wait (reads do not), so f should
// be short, and it must not call any method of the same map except Load
// (the others may need the same lock and deadlock). If f panics, the map is
// left unchanged and usable (the lock is released by a deferred unlock) and
// the panic propagates.
func (m *Map[K, V]) Compute(k K, f func(old V, loaded bool) (V, ComputeOp)) (actual V, ok bool) {
	t, home, h := m.lock(k)
	locked := true
	defer func() {
		if locked {
			home.mu.Unlock()
		}
	}()
	s, g, i := t.locate(home, k, h)
	var old V
	if s != nil {
		old = mapLoadVal(t.vmode, &s.val)
	}
	nv, op := f(old, s != nil)
	switch op {
	case ComputeStore:
		var chained, replaced bool
		if s != nil {
			chained, replaced = t.setVal(home, g, i, k, nv, h), !t.reuse
		} else {
			chained = t.insert(home, g, i, k, nv, h)
		}
		locked = false
		home.mu.Unlock()
		m.written(t, h, chained, replaced)
		return nv, true
	case ComputeDelete:
		if s != nil {
			t.remove(home, g, i, h)
			locked = false
			home.mu.Unlock()
			m.written(t, h, false, true)
		}
		var zero V
		return zero, false
	case ComputeCancel:
		return old, s != nil
	}
	panic("ftutils: Map.Compute: invalid ComputeOp")
}

// Len returns the number of entries: the sum of at most 64 counters (32 per
// table, two tables during a resize), independent of the number of
// entries. It is exact when no write runs concurrently and weakly
// consistent otherwise: it counts entries inserted or deleted meanwhile
// or not, but never one entry twice, nor a present one not at all, for a
// resize that runs meanwhile. (A move counts the entries of a group into
// the new table's counters, then takes them off the old one's; Len sums
// both tables while no move is under way, as the resize's chunk counters
// tell, and after a few tries sums them anyway.)
func (m *Map[K, V]) Len() int {
	t := m.t.Load()
	if t == nil {
		return 0
	}
	nt := t.next.Load()
	if nt == nil {
		return int(t.len())
	}
	units := t.units()
	for try := 0; ; try++ {
		done := t.moved.Load()
		begun := t.claimed(units)
		n := t.len() + nt.len()
		if begun == done && t.claimed(units) == begun || try == mapLenTries {
			return int(max(n, 0))
		}
		runtime.Gosched()
	}
}

// mapLenTries is the number of times Len sums the counters of a table
// being moved before it gives up waiting for a moment between moves.
const mapLenTries = 8

// Clear deletes every entry, atomically: it publishes an empty table of
// the smallest size (one allocation, unless [WithMapShards] asked for
// more than 8 stripes) in place of the current one, which the garbage
// collector frees once no operation that started before Clear uses it. A
// write that overlaps Clear takes effect before it or after it. Clear of
// an empty map that was never written since its last Clear does nothing.
func (m *Map[K, V]) Clear() {
	t := m.t.Load()
	if t == nil || !t.dirty.Load() && t.next.Load() == nil {
		return
	}
	m.t.Store(newMapTable[K, V](t.floor, t.mapParams))
}

// Range calls f on each key and value in the map until f returns false. It
// visits no key twice and no key that was never present, and may or may
// not reflect writes made during the call (by f included); each value it
// reports is one its key held at some moment during the call. f may call
// any method of the map. Range reads the map one home group's chain at a
// time, copying its entries into a buffer on its stack without the lock
// (a copy that a delete or a change of dynamic type overlapped is made
// again, and after 4 tries under the lock), and calls f outside every
// lock. A group that a resize moved meanwhile is read in the new table,
// keeping to the keys of the hash class Range was at, so no key is
// reported twice however the map resizes.
//
// Range does not allocate, unless one chain holds more than 32 entries,
// which the per-map hash seed makes vanishingly rare (chains average 4 to
// 7 entries at most): the entries beyond 32 are copied under the lock into
// a slice.
func (m *Map[K, V]) Range(f func(key K, value V) bool) {
	t := m.t.Load()
	if t == nil {
		return
	}
	var buf [mapRangeBuf]mapEntry[K, V]
	kw := t.hs.word
	if !t.reuse {
		kw = mapKeyAny // keys are read plainly
	}
	for i := range t.groups {
		// The usual case inline (rangeClass has them all): a chain
		// whose seq is even and not moved, copied and validated once.
		// It is copyChain written out for the group's own class: the
		// call per group, and one to mapCallRange, cost Range 10 to 40 %
		// on Map[any, any] (1024 entries).
		home := &t.groups[i]
		seq := home.seq.Load()
		n := 0
		if seq&(mapMoved|1) != 0 {
			goto slow
		}
		for g := home; g != nil; g = g.next.Load() {
			for w := g.ctrl.Load() & mapUsed; w != 0; w &= w - 1 {
				if n == len(buf) {
					goto slow
				}
				s := g.slot(bits.TrailingZeros64(w) >> 3)
				e := &buf[n]
				switch kw {
				case mapKey64:
					e.k = mapLoadVal(mapValWord, &s.key)
				case mapKeyString:
					e.k = mapLoadString(&s.key)
				case mapKeyIface:
					e.k = mapLoadVal(mapValTyped, &s.key)
				default:
					e.k = s.key
				}
				e.v = mapLoadVal(t.vmode, &s.val)
				n++
			}
		}
		if home.seq.Load() != seq {
			goto slow
		}
		for j := range n {
			if !f(buf[j].k, buf[j].v) {
				return
			}
		}
		continue
	slow:
		if !t.rangeClass(uint32(i), uint32(t.mask), f, &buf) {
			return
		}
	}
}

// LoadOrCompute returns the value stored for k if present (loaded true).
// Otherwise it calls f, stores its result and returns it (loaded false). f
// runs at most once per call, under the lock of k's group, with the same
// restrictions as in [Map.Compute]; if it panics the map is unchanged.
func (m *Map[K, V]) LoadOrCompute(k K, f func() V) (actual V, loaded bool) {
	if actual, loaded = m.Load(k); loaded {
		return actual, true
	}
	actual, _ = m.Compute(k, func(old V, present bool) (V, ComputeOp) {
		if present {
			loaded = true
			return old, ComputeCancel
		}
		return f(), ComputeStore
	})
	return actual, loaded
}

// All returns an iterator over the map's entries with the consistency of
// [Map.Range].
func (m *Map[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) { m.Range(yield) }
}

// Keys returns an iterator over the map's keys with the consistency of
// [Map.Range].
func (m *Map[K, V]) Keys() iter.Seq[K] {
	return func(yield func(K) bool) {
		m.Range(func(k K, _ V) bool { return yield(k) })
	}
}

// Values returns an iterator over the map's values with the consistency of
// [Map.Range].
func (m *Map[K, V]) Values() iter.Seq[V] {
	return func(yield func(V) bool) {
		m.Range(func(_ K, v V) bool { return yield(v) })
	}
}

// Snapshot returns the map's entries in a new plain map, with the
// consistency of [Map.Range].
func (m *Map[K, V]) Snapshot() map[K]V {
	out := make(map[K]V, m.Len())
	m.Range(func(k K, v V) bool {
		out[k] = v
		return true
	})
	return out
}

// Update stores every pair of seq (for a plain map, pass [maps.All]). It is
// not atomic as a whole: each pair is one Store.
func (m *Map[K, V]) Update(seq iter.Seq2[K, V]) {
	for k, v := range seq {
		m.Store(k, v)
	}
}

// Equal reports whether m and o hold the same keys with values that eq
// reports equal. It compares a [Map.Snapshot] of m with a [Map.Range] over
// o, so it is weakly consistent under concurrent writes.
func (m *Map[K, V]) Equal(o *Map[K, V], eq func(a, b V) bool) bool {
	if m == o {
		return true
	}
	a := m.Snapshot()
	n, same := 0, true
	o.Range(func(k K, v V) bool {
		av, ok := a[k]
		if !ok || !eq(av, v) {
			same = false
			return false
		}
		n++
		return true
	})
	return same && n == len(a)
}

// mapValCmp caches what reflect says about comparing values of type V.
type mapValCmp uint8

const (
	mapValComparable mapValCmp = iota // a comparable non-interface type
	mapValIface                       // an interface: depends on the dynamic type
	mapValNotComparable
)

func mapValCmpOf[V any]() mapValCmp {
	switch typ := reflect.TypeFor[V](); {
	case typ.Kind() == reflect.Interface:
		return mapValIface
	case typ.Comparable():
		return mapValComparable
	}
	return mapValNotComparable
}

// mapValEqual is any(a) == any(b), the comparison of CompareAndSwap and
// CompareAndDelete, with the common case of Map[K, any] holding ints
// written out: for an interface V (mode mapValTyped), equal type (or itab)
// words, and for ints the ints their data words point to, instead of
// runtime.efaceeq's call and the int type's equal function's behind it.
// An itab never equals int's type word, so values of a non-empty
// interface type, or of other types, compare as before (with its panic
// for a non-comparable dynamic type).
func mapValEqual[V any](mode mapValMode, a, b V) bool {
	if mode == mapValTyped {
		ta := *mapTypeWord(&a)
		if ta != *mapTypeWord(&b) {
			return false
		}
		if ta == mapIntType {
			return *(*int)(*mapDataWord(&a)) == *(*int)(*mapDataWord(&b))
		}
	}
	return any(a) == any(b)
}

// cmpChecked reports whether mapCheckComparable would find old comparable
// without a reflect call: V is comparable, or an interface whose value's
// dynamic type is the one checked last: inline, where mapCheckComparable
// is a call (CompareAndSwap's rows of Go's workloads 3–9 % faster,
// docs/benchmarks/map.md round 14). t may be nil.
func (t *mapTable[K, V]) cmpChecked(old V) bool {
	return t != nil && (t.vcmp == mapValComparable || t.vcmp == mapValIface && t.cmpType.Load() == (*byte)(*mapTypeWord(&old)))
}

// mapCheckComparable panics unless values like old can be compared with ==:
// V must be comparable, and if V is an interface type, so must old's
// dynamic type (like sync.Map, a struct holding an uncomparable interface
// value still panics later, in the runtime's ==). t may be nil.
func mapCheckComparable[K comparable, V any](t *mapTable[K, V], old V, op string) {
	var c mapValCmp
	var zero V
	switch {
	case t != nil:
		c = t.vcmp
	case any(zero) == nil:
		// Only an interface type's zero value converts to a nil any; this
		// spares a never-written map the reflect call on every attempt.
		c = mapValIface
	default:
		c = mapValCmpOf[V]()
	}
	switch c {
	case mapValComparable:
		return
	case mapValNotComparable:
		panic("ftutils: Map." + op + ": value type " + reflect.TypeFor[V]().String() + " is not comparable")
	}
	tw := (*byte)(*mapTypeWord(&old))
	if tw == nil || t != nil && t.cmpType.Load() == tw {
		return // nil, or the dynamic type checked last time (a reflect call)
	}
	if typ := reflect.TypeOf(any(old)); typ != nil && !typ.Comparable() {
		panic("ftutils: Map." + op + ": value type " + typ.String() + " is not comparable")
	}
	if t != nil {
		t.cmpType.Store(tw)
	}
}
