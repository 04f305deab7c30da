package ftutils

import "unsafe"

// MapHash returns m's hash of k (creating m's table): bits 7.. pick the
// home group (masked by the table's size), bits 0..6 are the control tag.
func MapHash[K comparable, V any](m *Map[K, V], k K) uint64 {
	t := m.table()
	return mapHash(&t.hs, k)
}

// MapGroups returns the number of home groups (lock stripes) of m's
// current table, creating it.
func MapGroups[K comparable, V any](m *Map[K, V]) int { return len(m.table().groups) }

// MapHome returns the index of k's home group in m's current table.
func MapHome[K comparable, V any](m *Map[K, V], k K) int {
	t := m.table()
	return int(mapHash(&t.hs, k) >> 7 & t.mask)
}

// MapChain returns the number of groups in the chain of k's home group in
// m's current table.
func MapChain[K comparable, V any](m *Map[K, V], k K) int {
	t := m.table()
	n := 0
	for g := t.home(mapHash(&t.hs, k)); g != nil; g = g.next.Load() {
		n++
	}
	return n
}

// MapKeyLocked reports whether the lock of k's home group (in m's current
// table) is held.
func MapKeyLocked[K comparable, V any](m *Map[K, V], k K) bool {
	t := m.table()
	g := t.home(mapHash(&t.hs, k))
	if g.mu.TryLock() {
		g.mu.Unlock()
		return false
	}
	return true
}

// MapReuses reports whether maps of K and V free deleted slots for reuse
// (mapReusable) rather than keep append-only slots.
func MapReuses[K comparable, V any]() bool { return mapReusable[K, V]() }

// MapValWord reports whether m overwrites values of present keys in place
// by one atomic word store.
func MapValWord[K comparable, V any](m *Map[K, V]) bool { return m.table().vmode == mapValWord }

// MapValIface reports whether m replaces interface values of present keys
// in place when the dynamic type stays the same.
func MapValIface[K comparable, V any](m *Map[K, V]) bool { return m.table().vmode == mapValTyped }

// MapHeaderSize is the size of a Map header, and MapHeaderWant the size
// it must have: 56 bytes of padding either side of the table pointer.
const (
	MapHeaderSize = unsafe.Sizeof(Map[int, int]{})
	MapHeaderWant = 2*(cacheLinePad/2-8) + unsafe.Sizeof(uintptr(0))
)

// MapMinGroups is the default (and least) number of home groups.
const MapMinGroups = mapMinGroups
