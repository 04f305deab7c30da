package ftutils

import "unsafe"

// MapShardSize is the size of one shard, which must be one padding unit.
const MapShardSize = unsafe.Sizeof(mapShard[int, int]{})

// SetMapHashMask ANDs mask into every hash of m (creating its root), so tests
// can force shard, group and control-byte collisions. Call before first use.
func SetMapHashMask[K comparable, V any](m *Map[K, V], mask uint64) {
	m.rootForWrite().hmask = mask
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
func SetMapAppendOnly[K comparable, V any](m *Map[K, V]) { m.rootForWrite().vmode = mapValInline }

// MapValWord reports whether m overwrites values of present keys in place.
func MapValWord[K comparable, V any](m *Map[K, V]) bool { return m.rootForWrite().vmode == mapValWord }

// MapValIface reports whether m replaces interface values of present keys
// in place when the dynamic type stays the same.
func MapValIface[K comparable, V any](m *Map[K, V]) bool {
	return m.rootForWrite().vmode == mapValTyped
}
