package ftutils

import (
	"hash/maphash"
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
// and a shard count. A Map must not be copied after first use.
//
// Memory model: a write operation (Store, Swap, a successful LoadOrStore,
// CompareAndSwap or CompareAndDelete, LoadAndDelete or Delete of a present
// key, a Compute that stores or deletes) synchronizes before every operation
// that observes its effect, like [sync.Map].
//
// Progress and consistency: Load, and the read-only outcomes of LoadOrStore,
// LoadAndDelete, Delete, CompareAndSwap and CompareAndDelete, are lock-free
// (a few atomic loads, never a lock). Writes take the lock of one shard
// (blocking). Every single-key operation is linearizable. Len, Range, All,
// Keys, Values, Snapshot, Equal and Clear are weakly consistent: they work
// shard by shard, so they never report a key twice or a key that was never
// present, and they reflect each shard as it was at some point during the
// call. Len is exact when no writes run concurrently.
//
// Cost (2-vCPU AMD EPYC Zen 4 under KVM, Go 1.26; docs/benchmarks/map.md has
// the tables): a Load of an int key in a 1K-entry map costs about 7 to 11 ns
// serially (the box drifts between processes) and never allocates; Range, Len
// and Clear never allocate, nor does Delete except when it shrinks a shard (a
// rebuild, below). Writes allocate nothing per call: keys and values live
// inline in the table, and a shard's table is rebuilt (2 allocations: header
// and groups, a third for the sequence counts of a table with slot reuse,
// below, and a small record for the helpers of a table of 8192 slots or more
// in maps created with 4 or more Ps (GOMAXPROCS, capped at the CPU count);
// the live entries are copied) once its fresh slots run out, after about 1 to
// 4/3 times as many slot-consuming writes as it holds entries (see
// newMapTable). Inserting a key consumes a slot; so does replacing a value,
// except when V is a pointer-free 8-byte integer or float type (Map[K, int],
// Map[K, float64] and the like), whose values are overwritten in place by one
// atomic store and read by an atomic load, and when V is an interface type
// and the new value has the dynamic type of the old one (a Map[K, any] of
// ints, a Map[K, error]), where only the interface's data word is
// overwritten, by one atomic pointer store, and when the entry already holds
// the value stored (the same bits, as when a Map[K, struct{}] used as a set
// re-adds a member). Nor does inserting a key that its shard's last delete
// removed, with the value it had then (equal integers or strings, else the
// same bits: a set's member removed and added back, a token deleted by one
// goroutine and stored back by it): the deleted slot is marked live again.
// Nor, in a shard that churns (keys deleted, other keys inserted), does
// inserting a key whose probe path passes a deleted slot, when K is an 8-byte
// integer, string or interface type and V a word or interface type as above
// (Map[int, int], Map[string, int], Map[any, any]) in a map created with 4 or
// more Ps: from the first rebuild of a shard whose table had a fifth or more
// of its used slots deleted, inserts overwrite deleted slots (measured: a
// FIFO of 200 random keys churned 10,000 times rebuilds its shard 11 to 12
// times instead of 50), and look-ups in that shard check a sequence count per
// group (see Algorithm). Amortized a slot-consuming write costs about 35 to
// 45 bytes for Map[int, int], a few percent of an allocation. Memory per
// entry is one control byte plus one {K, V} slot per slot, at 37.5 % (just
// after a rebuild) to 75 or 87.5 % slot occupancy: 19 to 45 bytes per entry
// for Map[int, int]. A table with slot reuse adds 8 bytes per group (1 per
// slot). Deleted or replaced entries keep their slot (and whatever their K
// and V reference) until the shard's next rebuild or the slot's reuse. Len
// costs one atomic load per shard. The Map value itself is 120 bytes on
// 64-bit platforms: padding keeps the root pointer that every operation reads
// alone in its cache line.
//
// Algorithm: per-shard open-addressing tables with 8-slot groups and SWAR
// control bytes (the Swiss table of Abseil, "SwissTables" CppCon 2017, and Go
// 1.24's runtime maps), searched lock-free as in CLHT (David, Guerraoui,
// Trigonakis, "Asynchronized Concurrency", ASPLOS 2015) and xsync.Map. We
// deviate from both: slots are append-only (a replaced value goes to a fresh
// slot and the old one becomes a tombstone, unless one word of it can be
// updated in place atomically: a word value, or the data word of an interface
// value whose dynamic type stays the same; and a deleted slot whose key and
// value are exactly the ones being inserted again is marked live again, since
// no reader can tell it from a new slot; and, in churned shards of maps created
// with 4 or more Ps whose keys and values are made of words that can be read
// and written atomically one by one, an insert overwrites a deleted slot on its
// path word by word inside a per-group sequence lock, and readers discard what
// they read from a group whose sequence count was odd or changed), so readers
// read keys and values inline without pointer hops or per-write allocation, and
// growth, shrink and tombstone removal are one rebuild per shard under that
// shard's lock (readers never wait; a writer waits at most one shard's copy,
// and a writer that arrives during a large shard's copy helps with it in a map
// created with 4 or more Ps). Iterators freeze the table of the shard they
// visit, so the next write to that shard copies it first. The hash is seeded
// per map: [hash/maphash] for strings and other keys, a seeded multiply-mix for
// integer keys, so keys chosen by an attacker cannot force collisions.
type Map[K comparable, V any] struct {
	_ noCopy
	// The padding keeps root, which every operation reads, alone in its
	// cache line wherever the Map sits (heap object or struct field):
	// measured on 16 cores, a 32-byte Map header sharing a line with other
	// objects made read-only workloads up to 4 times slower.
	_    [cacheLinePad/2 - 8]byte
	root atomic.Pointer[mapRoot[K, V]]
	_    [cacheLinePad/2 - 8]byte
}

// MapOption configures [NewMap].
type MapOption func(*mapConfig)

// WithMapCapacity pre-sizes the map for n entries (ConcurrentDict's
// initial_capacity) and, for large n, raises the shard count so that one
// shard holds about 4096 of them. It panics if n is negative.
func WithMapCapacity(n int) MapOption {
	if n < 0 {
		panic("ftutils: WithMapCapacity: negative capacity")
	}
	return func(c *mapConfig) { c.capacity = n }
}

// WithMapShards sets the number of independently locked shards, rounded up
// to a power of two (at most 65536). More shards mean less write contention
// and shorter rebuild pauses, fewer mean less memory for small maps. The
// default is the largest of 16, 4×GOMAXPROCS and capacity/4096. It panics if
// n is not positive.
func WithMapShards(n int) MapOption {
	if n <= 0 {
		panic("ftutils: WithMapShards: shard count must be positive")
	}
	return func(c *mapConfig) { c.shards = n }
}

// NewMap returns an empty map configured by opts.
func NewMap[K comparable, V any](opts ...MapOption) *Map[K, V] {
	var c mapConfig
	for _, o := range opts {
		o(&c)
	}
	m := &Map[K, V]{}
	m.root.Store(newMapRoot[K, V](c))
	return m
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

// rootForWrite returns the map's root, creating it on first use.
func (m *Map[K, V]) rootForWrite() *mapRoot[K, V] {
	if r := m.root.Load(); r != nil {
		return r
	}
	return m.initRoot()
}

func (m *Map[K, V]) initRoot() *mapRoot[K, V] {
	r := newMapRoot[K, V](mapConfig{})
	if m.root.CompareAndSwap(nil, r) {
		return r
	}
	return m.root.Load()
}

// Load returns the value stored for k, and whether it was present.
func (m *Map[K, V]) Load(k K) (v V, ok bool) {
	_, _, v, ok = m.find(k)
	return v, ok
}

// find is the lock-free look-up behind Load and the pre-checks of the
// writes: it returns the value stored for k and whether it was present,
// and also the root and hash it used (r is nil when the map was never
// written), so that a slow path need not hash k again.
func (m *Map[K, V]) find(k K) (r *mapRoot[K, V], h uint64, v V, ok bool) {
	r = m.root.Load()
	if r == nil {
		return nil, 0, v, false
	}
	// r.hash(k) and the probe, by hand: the compiler does not inline
	// them into generic code, and as calls they cost about 15 % of a
	// LoadOrStore or CompareAndSwap that finds its answer without the
	// lock.
	// ik says k is an int in an interface (di): then slot keys are
	// compared by a type assertion, inline, instead of by interface
	// equality, a call (runtime.efaceeq) that calls the type's equal
	// function.
	var ik bool
	var di int
	if r.word == mapKey64 {
		// Safe: mapKeyWordOf checked that K is an 8-byte integer kind.
		h = mapMix(*(*uint64)(unsafe.Pointer(&k)), r.s0, r.s1) & r.hmask
	} else if r.word == mapKeyString {
		// Safe: mapKeyWordOf checked that K's kind is string.
		h = maphash.String(r.seed, *(*string)(unsafe.Pointer(&k))) & r.hmask
	} else if d, isInt := any(k).(int); isInt && r.word == mapKeyIface {
		// An int in an interface key (Map[any, V] used like sync.Map):
		// hashSlow's case, without the call.
		h = mapMix(uint64(d), r.s0, r.s1) & r.hmask
		ik, di = true, d
	} else {
		h = r.hashSlow(k)
	}
	t := r.tables[h>>40&r.smask].Load()
	if t == nil {
		return r, h, v, false
	}
	if t.vers != nil {
		return m.findReused(r, t, h, k, ik, di)
	}
	tag := mapLSBs * (mapMetaFull | h&0x7f)
	i := t.home(h)
	for {
		g := t.group(i)
		meta := g.ctrl.Load()
		for w := mapMatchZero(meta ^ tag); w != 0; w &= w - 1 {
			// &7 spares a bounds check: w != 0, so the index is < 8.
			s := &g.slots[bits.TrailingZeros64(w)>>3&(mapGroupSlots-1)]
			if mapKeyIs(s.key, k, ik, di) {
				return r, h, mapLoadVal(r.vmode, &s.val), true
			}
		}
		if mapMatchZero(meta) != 0 {
			return r, h, v, false
		}
		i = t.next(i)
	}
}

// mapKeyIs reports whether the slot key key is k. ik says k is an int in
// an interface, di: then key is compared by a type assertion, inline,
// instead of by interface equality (see find).
func mapKeyIs[K comparable](key, k K, ik bool, di int) bool {
	if ik {
		x, isInt := any(key).(int)
		return isInt && x == di
	}
	return key == k
}

// findReused is find's probe for a table whose deleted slots may be
// overwritten while we read them (t.vers; see mapTable.reuseSlot), kept
// out of find so that tables without reuse pay one nil check for it. It
// reads slots by atomic word loads between two loads of the group's
// sequence count and uses what it read only if the count was even and
// unchanged; otherwise it reads the group again. A one-word key is
// compared before that check (a word is never torn, and a key that matched
// while the slot was overwritten is caught by the check before its value
// is returned); a two-word key (string, interface) only after it, as its
// words may come from two different keys.
func (m *Map[K, V]) findReused(r *mapRoot[K, V], t *mapTable[K, V], h uint64, k K, ik bool, di int) (*mapRoot[K, V], uint64, V, bool) {
	var zero V
	tag := mapLSBs * (mapMetaFull | h&0x7f)
	i := t.home(h)
probe:
	for {
		g := t.group(i)
		ver := t.ver(i).Load()
		if ver&1 != 0 {
			// A writer is overwriting a slot of this group (a few stores,
			// unless it was preempted meanwhile: so yield).
			runtime.Gosched()
			continue
		}
		meta := g.ctrl.Load()
		for w := mapMatchZero(meta ^ tag); w != 0; w &= w - 1 {
			s := &g.slots[bits.TrailingZeros64(w)>>3&(mapGroupSlots-1)]
			if r.word == mapKey64 {
				if mapLoadVal(mapValWord, &s.key) != k {
					continue
				}
				v := mapLoadVal(r.vmode, &s.val)
				if t.ver(i).Load() != ver {
					continue probe
				}
				return r, h, v, true
			}
			var key K
			if r.word == mapKeyString {
				key = mapLoadString(&s.key)
			} else {
				key = mapLoadVal(mapValTyped, &s.key)
			}
			val := mapLoadVal(r.vmode, &s.val)
			if t.ver(i).Load() != ver {
				continue probe
			}
			if mapKeyIs(key, k, ik, di) {
				return r, h, val, true
			}
		}
		if mapMatchZero(meta) != 0 {
			return r, h, zero, false
		}
		i = t.next(i)
	}
}

// Store sets the value for k.
func (m *Map[K, V]) Store(k K, v V) {
	r := m.rootForWrite()
	var h uint64
	if r.manyProcs {
		// The lock-free look-up first, although Store needs no answer
		// from it: it brings k's groups into this core's cache before the
		// shard's lock is taken, so that the probe under the lock does not
		// wait for other cores' writes to travel while every other writer
		// of the shard waits.
		_, h, _, _ = m.find(k)
	} else {
		h = r.hash(k)
	}
	s := r.shard(h)
	s.lock()
	t := s.writable(r)
	fp, eg := t.locate(k, h)
	s.put(r, t, k, v, h, fp, eg)
	s.mu.Unlock()
}

// LoadOrStore returns the existing value for k if present (loaded true).
// Otherwise it stores and returns v (loaded false).
func (m *Map[K, V]) LoadOrStore(k K, v V) (actual V, loaded bool) {
	r, h, actual, loaded := m.find(k)
	if loaded {
		return actual, true
	}
	if r == nil {
		r = m.rootForWrite()
		h = r.hash(k)
	}
	return m.loadOrStoreSlow(r, h, k, v)
}

func (m *Map[K, V]) loadOrStoreSlow(r *mapRoot[K, V], h uint64, k K, v V) (V, bool) {
	s := r.shard(h)
	s.lock()
	defer s.mu.Unlock()
	t := s.writable(r)
	fp, eg := t.locate(k, h)
	if fp >= 0 {
		return mapLoadVal(r.vmode, &t.slot(fp).val), true
	}
	s.put(r, t, k, v, h, -1, eg)
	return v, false
}

// LoadAndDelete deletes the value for k, returning the previous value if
// any (loaded reports whether k was present).
func (m *Map[K, V]) LoadAndDelete(k K) (v V, loaded bool) {
	r, h, _, ok := m.find(k)
	if !ok {
		return v, false
	}
	return m.loadAndDeleteSlow(r, h, k)
}

func (m *Map[K, V]) loadAndDeleteSlow(r *mapRoot[K, V], h uint64, k K) (v V, loaded bool) {
	s := r.shard(h)
	s.lock()
	defer s.mu.Unlock()
	t := s.table.Load()
	if t == nil {
		return v, false
	}
	fp, _ := t.locate(k, h)
	if fp < 0 {
		return v, false
	}
	v = mapLoadVal(r.vmode, &t.slot(fp).val)
	if t.frozen.Load() {
		t = s.rebuild(r, t)
		fp, _ = t.locate(k, h)
	}
	s.remove(r, t, fp)
	return v, true
}

// Delete deletes the value for k.
func (m *Map[K, V]) Delete(k K) { m.LoadAndDelete(k) }

// Swap stores v for k and returns the previous value if any (loaded reports
// whether k was present).
func (m *Map[K, V]) Swap(k K, v V) (previous V, loaded bool) {
	r := m.rootForWrite()
	h := r.hash(k)
	s := r.shard(h)
	s.lock()
	defer s.mu.Unlock()
	t := s.writable(r)
	fp, eg := t.locate(k, h)
	if fp >= 0 {
		previous, loaded = mapLoadVal(r.vmode, &t.slot(fp).val), true
	}
	s.put(r, t, k, v, h, fp, eg)
	return previous, loaded
}

// CompareAndSwap stores new for k if the stored value equals old, and
// reports whether it did. Values are compared as any(x) == any(y), as
// [sync.Map] does: it panics if V is not comparable, or if old is an
// interface value whose dynamic type is not comparable.
func (m *Map[K, V]) CompareAndSwap(k K, old, new V) (swapped bool) {
	r, h, cur, ok := m.find(k)
	mapCheckComparable(r, old, "CompareAndSwap")
	if !ok || any(cur) != any(old) {
		return false
	}
	s := r.shard(h)
	s.lock()
	defer s.mu.Unlock()
	t := s.writable(r)
	fp, eg := t.locate(k, h)
	if fp < 0 || any(mapLoadVal(r.vmode, &t.slot(fp).val)) != any(old) {
		return false
	}
	s.put(r, t, k, new, h, fp, eg)
	return true
}

// CompareAndDelete deletes k if its value equals old, and reports whether
// it did. Values are compared as in [Map.CompareAndSwap], which documents
// when it panics.
func (m *Map[K, V]) CompareAndDelete(k K, old V) (deleted bool) {
	r, h, cur, ok := m.find(k)
	mapCheckComparable(r, old, "CompareAndDelete")
	if !ok || any(cur) != any(old) {
		return false
	}
	s := r.shard(h)
	s.lock()
	defer s.mu.Unlock()
	t := s.writable(r)
	fp, _ := t.locate(k, h)
	if fp < 0 || any(mapLoadVal(r.vmode, &t.slot(fp).val)) != any(old) {
		return false
	}
	s.remove(r, t, fp)
	return true
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

// mapCheckComparable panics unless values like old can be compared with ==:
// V must be comparable, and if V is an interface type, so must old's
// dynamic type (like sync.Map, a struct holding an uncomparable interface
// value still panics later, in the runtime's ==). r may be nil.
func mapCheckComparable[K comparable, V any](r *mapRoot[K, V], old V, op string) {
	var c mapValCmp
	var zero V
	switch {
	case r != nil:
		c = r.vcmp
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
	if typ := reflect.TypeOf(any(old)); typ != nil && !typ.Comparable() {
		panic("ftutils: Map." + op + ": value type " + typ.String() + " is not comparable")
	}
}

// Compute atomically reads, modifies and writes the entry for k: f receives
// the current value (the zero value if absent) and whether k is present, and
// its ComputeOp says whether to keep the entry as it was, store the returned
// value or delete the entry. Compute returns the value stored for k
// afterwards and whether k is then present.
//
// f runs while Compute holds the lock of k's shard: concurrent writes to
// that shard wait (reads do not), so f should be short, and it must not
// call any method of the same map except Load (the others may need the same
// lock and deadlock). If f panics, the map is left unchanged and usable (the
// lock is released by a deferred unlock) and the panic propagates.
func (m *Map[K, V]) Compute(k K, f func(old V, loaded bool) (V, ComputeOp)) (actual V, ok bool) {
	r := m.rootForWrite()
	h := r.hash(k)
	s := r.shard(h)
	s.lock()
	defer s.mu.Unlock()
	t := s.writable(r)
	fp, eg := t.locate(k, h)
	var old V
	if fp >= 0 {
		old = mapLoadVal(r.vmode, &t.slot(fp).val)
	}
	nv, op := f(old, fp >= 0)
	switch op {
	case ComputeStore:
		s.put(r, t, k, nv, h, fp, eg)
		return nv, true
	case ComputeDelete:
		if fp >= 0 {
			s.remove(r, t, fp)
		}
		var zero V
		return zero, false
	case ComputeCancel:
		return old, fp >= 0
	}
	panic("ftutils: Map.Compute: invalid ComputeOp")
}

// LoadOrCompute returns the value stored for k if present (loaded true).
// Otherwise it calls f, stores its result and returns it (loaded false). f
// runs at most once per call, under the lock of k's shard, with the same
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

// Range calls f on each key and value in the map until f returns false. It
// visits no key twice and no key that was never present; it works shard by
// shard, each shard as it was when Range reached it, so it may or may not
// reflect writes made during the call (by f included). f may call any
// method of the map. Range does not allocate, though the first write to each
// shard after Range has visited it copies that shard.
func (m *Map[K, V]) Range(f func(key K, value V) bool) {
	r := m.root.Load()
	if r == nil {
		return
	}
	for i := range r.shards {
		if t := r.shards[i].frozenTable(); t != nil && !t.each(f) {
			return
		}
	}
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

// Len returns the number of entries. It sums one counter per shard (O(shard
// count), independent of the number of entries); under concurrent writes it
// is weakly consistent.
func (m *Map[K, V]) Len() int {
	r := m.root.Load()
	if r == nil {
		return 0
	}
	var n int64
	for i := range r.shards {
		n += r.shards[i].count.Load()
	}
	return int(n)
}

// Clear deletes every entry, shard by shard. It does not allocate: each
// shard drops its table and the next insert starts a new one.
func (m *Map[K, V]) Clear() {
	r := m.root.Load()
	if r == nil {
		return
	}
	for i := range r.shards {
		s := &r.shards[i]
		if s.table.Load() == nil {
			continue
		}
		s.lock()
		s.table.Store(nil)
		s.count.Store(0)
		s.lastDel = 0
		s.mu.Unlock()
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
