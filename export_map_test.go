package ftutils

import (
	"math/bits"
	"unsafe"
)

// MapShardSize is the size of one shard, which must be one padding unit.
const MapShardSize = unsafe.Sizeof(mapShard[int, int]{})

// SetMapHashMask ANDs mask into every hash of m (creating its root), so tests
// can force shard, group and control-byte collisions. Call before first use.
func SetMapHashMask[K comparable, V any](m *Map[K, V], mask uint64) {
	m.rootForWrite().hmask = mask
}

// SetMapManyProcs sets whether m behaves as a map created with many Ps
// (mapRoot.manyProcs: Store looks k up before it locks, large rebuilds take
// helpers, churned shards reuse deleted slots), so that both paths run on
// any machine. Call before first use.
func SetMapManyProcs[K comparable, V any](m *Map[K, V], on bool) {
	r := m.rootForWrite()
	r.manyProcs, r.reuse = on, mapReuseOf[K, V](on)
}

// MapHash returns m's hash of k.
func MapHash[K comparable, V any](m *Map[K, V], k K) uint64 {
	return m.rootForWrite().hash(k)
}

// MapShards returns m's shard count.
func MapShards[K comparable, V any](m *Map[K, V]) int { return len(m.rootForWrite().shards) }

// MapSlots returns the number of slots in m's current tables.
func MapSlots[K comparable, V any](m *Map[K, V]) int {
	n := 0
	r := m.rootForWrite()
	for i := range r.shards {
		if t := r.shards[i].table.Load(); t != nil {
			n += len(t.groups) * mapGroupSlots
		}
	}
	return n
}

// MapKeyLocked reports whether the lock of k's shard is held.
func MapKeyLocked[K comparable, V any](m *Map[K, V], k K) bool {
	r := m.rootForWrite()
	s := r.shard(r.hash(k))
	if s.mu.TryLock() {
		s.mu.Unlock()
		return false
	}
	return true
}

// SetMapAppendOnly turns off m's in-place value updates (creating its root),
// so tests exercise the append-and-tombstone write path with word values.
// Call before first use.
func SetMapAppendOnly[K comparable, V any](m *Map[K, V]) {
	r := m.rootForWrite()
	r.vmode, r.reuse = mapValInline, mapReuseNever
}

// SetMapReuse makes every table of m let inserts overwrite deleted slots
// (on), or none (off), instead of only the tables of churned shards in
// maps created with many Ps, so that tests run both write paths. It
// reports false, and changes nothing, where K or V does not allow reuse
// (an int is 4 bytes on 32-bit platforms). Call before first use.
func SetMapReuse[K comparable, V any](m *Map[K, V], on bool) bool {
	if !mapReusable[K, V]() {
		return false
	}
	r := m.rootForWrite()
	r.reuse = mapReuseNever
	if on {
		r.reuse = mapReuseAlways
	}
	return true
}

// MapReuses reports whether the table of k's shard lets inserts overwrite
// deleted slots.
func MapReuses[K comparable, V any](m *Map[K, V], k K) bool {
	r := m.rootForWrite()
	t := r.shard(r.hash(k)).table.Load()
	return t != nil && t.vers != nil
}

// MapValWord reports whether m overwrites values of present keys in place.
func MapValWord[K comparable, V any](m *Map[K, V]) bool { return m.rootForWrite().vmode == mapValWord }

// MapValIface reports whether m replaces interface values of present keys
// in place when the dynamic type stays the same.
func MapValIface[K comparable, V any](m *Map[K, V]) bool {
	return m.rootForWrite().vmode == mapValTyped
}

// MapTableOf returns the current table of k's shard (nil if it has none),
// as an opaque value, so a test can keep reading a table after a rebuild
// superseded it, as a stalled reader does.
func MapTableOf[K comparable, V any](m *Map[K, V], k K) any {
	r := m.rootForWrite()
	return r.shard(r.hash(k)).table.Load()
}

// MapLoadIn looks k up in tbl (from MapTableOf on m) exactly as Map.Load
// does in the shard's current table.
func MapLoadIn[K comparable, V any](m *Map[K, V], tbl any, k K) (v V, ok bool) {
	r := m.rootForWrite()
	t := tbl.(*mapTable[K, V])
	if t == nil {
		return v, false
	}
	h := r.hash(k)
	tag := mapLSBs * (mapMetaFull | h&0x7f)
	for i := t.home(h); ; i = t.next(i) {
		g := t.group(i)
		meta := g.ctrl.Load()
		for w := mapMatchZero(meta ^ tag); w != 0; w &= w - 1 {
			if s := &g.slots[bits.TrailingZeros64(w)>>3]; s.key == k {
				return mapLoadVal(r.vmode, &s.val), true
			}
		}
		if mapMatchZero(meta) != 0 {
			return v, false
		}
	}
}

// MapProbe returns, for a new table of the given number of groups, the
// group count it records and its home and next functions: the group
// indices the lock-free look-up passes to group, which does no bounds
// check.
func MapProbe(groups int) (n uint64, home func(h uint64) uint64, next func(i uint64) uint64) {
	t := newMapTable[int, int](3*groups-2, false, false)
	if len(t.groups) != groups {
		panic("ftutils: MapProbe: no table of that size")
	}
	return t.n, t.home, t.next
}

// MapHeaderSize is the size of a Map header, and MapHeaderWant the size
// it must have: 56 bytes of padding either side of the root pointer.
const (
	MapHeaderSize = unsafe.Sizeof(Map[int, int]{})
	MapHeaderWant = 2*(cacheLinePad/2-8) + unsafe.Sizeof(uintptr(0))
)

// MapRebuild rebuilds every table of m, each under its shard's lock, as
// the shard's next write would if the table were full.
func MapRebuild[K comparable, V any](m *Map[K, V]) {
	r := m.rootForWrite()
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.Lock()
		if t := s.table.Load(); t != nil {
			s.rebuild(r, t)
		}
		s.mu.Unlock()
	}
}

// SetMapTouchMinBytes sets the table size from which rebuilds touch keys
// ahead of the copy (mapTouchMinBytes), so tests run that path on small
// maps, and returns a function that restores it.
func SetMapTouchMinBytes(n uintptr) (restore func()) {
	old := mapTouchMinBytes
	mapTouchMinBytes = n
	return func() { mapTouchMinBytes = old }
}
