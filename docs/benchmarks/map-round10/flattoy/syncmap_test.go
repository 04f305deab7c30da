package flattoy

// The sync.Map workloads of the root package's map_bench_test.go (Go's own
// sync.Map benchmark workloads, re-implemented there), copied with the toy
// added as a third map.

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ftutils-go/ftutils"
)

// syncMapLike is the sync.Map method set, so the sync.Map workloads run on both
// sync.Map and ftutils.Map[any, any].
type syncMapLike interface {
	Load(k any) (any, bool)
	Store(k, v any)
	LoadOrStore(k, v any) (any, bool)
	LoadAndDelete(k any) (any, bool)
	Delete(k any)
	Swap(k, v any) (any, bool)
	CompareAndSwap(k, old, new any) bool
	CompareAndDelete(k, old any) bool
	Range(f func(k, v any) bool)
	Clear()
}

var syncMapLikeImpls = []struct {
	name string
	make func() syncMapLike
}{
	{"sync.Map", func() syncMapLike { return new(sync.Map) }},
	{"ftutils.Map", func() syncMapLike { return new(ftutils.Map[any, any]) }},
	{"toy", func() syncMapLike { return NewAny() }},
}

// syncMapWorkload is one of the workloads of Go's own sync.Map benchmarks
// ($GOROOT/src/sync/map_bench_test.go), re-implemented here: setup fills the
// map, perG runs on each RunParallel goroutine with its own start index i.
type syncMapWorkload struct {
	name  string
	setup func(m syncMapLike)
	perG  func(b *testing.B, pb *testing.PB, i int, m syncMapLike)
}

// fill stores keys [0, n) and reads them twice (Go's "prime to steady state").
func mapFill(n int) func(m syncMapLike) {
	return func(m syncMapLike) {
		for i := range n {
			m.LoadOrStore(i, i)
		}
		for i := range 2 * n {
			m.Load(i % n)
		}
	}
}

// mapHitsMisses picks key i%(hits+misses) when that is a hit, else the unique
// key i (a miss).
func mapHitsMisses(i, hits, misses int) int {
	if j := i % (hits + misses); j < hits {
		return j
	}
	return i
}

var syncMapWorkloads = []syncMapWorkload{
	// Read-mostly caches: 1023 of 1024 loads hit.
	{"LoadMostlyHits", mapFill(1023), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for ; pb.Next(); i++ {
			m.Load(i % 1024)
		}
	}},
	// Negative lookups: 1 of 1024 loads hits.
	{"LoadMostlyMisses", mapFill(1), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for ; pb.Next(); i++ {
			m.Load(i % 1024)
		}
	}},
	// Half the LoadOrStores find their key, half insert a new one.
	{"LoadOrStoreBalanced", mapFill(128), func(b *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for ; pb.Next(); i++ {
			k := mapHitsMisses(i, 128, 128)
			if _, loaded := m.LoadOrStore(k, i); loaded != (k < 128) {
				b.Fatalf("LoadOrStore(%d) loaded = %v", k, loaded)
			}
		}
	}},
	// An ever-growing map: every LoadOrStore inserts.
	{"LoadOrStoreUnique", nil, func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for ; pb.Next(); i++ {
			m.LoadOrStore(i, i)
		}
	}},
	// Every goroutine LoadOrStores the one present key.
	{"LoadOrStoreCollision", mapFill(1), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for pb.Next() {
			m.LoadOrStore(0, 0)
		}
	}},
	// Deletes of present keys (once) and absent keys.
	{"LoadAndDeleteBalanced", mapFill(128), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for ; pb.Next(); i++ {
			m.LoadAndDelete(mapHitsMisses(i, 128, 128))
		}
	}},
	// Deletes of keys that are never present.
	{"LoadAndDeleteUnique", nil, func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for ; pb.Next(); i++ {
			m.LoadAndDelete(i)
		}
	}},
	// Goroutines fight over one key: delete it, and whoever got it puts it back.
	{"LoadAndDeleteCollision", mapFill(1), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for pb.Next() {
			if _, loaded := m.LoadAndDelete(0); loaded {
				m.Store(0, 0)
			}
		}
	}},
	// Full iterations of a 1024-entry map.
	{"Range", mapFill(1024), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for pb.Next() {
			m.Range(func(_, _ any) bool { return true })
		}
	}},
	// Missing-key loads with ever rarer inserts (hurt the old read/dirty sync.Map).
	{"AdversarialAlloc", nil, func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		var stores, since int64
		for ; pb.Next(); i++ {
			m.Load(i)
			if since++; since > stores {
				m.LoadOrStore(i, stores)
				since = 0
				stores++
			}
		}
	}},
	// Loads with a periodic delete-one-via-Range and insert.
	{"AdversarialDelete", mapFill(1024), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for ; pb.Next(); i++ {
			m.Load(i)
			if i%1024 == 0 {
				m.Range(func(k, _ any) bool {
					m.Delete(k)
					return false
				})
				m.Store(i, i)
			}
		}
	}},
	// Deletes of the same key (present once).
	{"DeleteCollision", mapFill(1), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for pb.Next() {
			m.Delete(0)
		}
	}},
	// Swaps of the same key.
	{"SwapCollision", mapFill(1), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for pb.Next() {
			m.Swap(0, 0)
		}
	}},
	// Swaps of present keys, and a rare insert+delete of a new one.
	{"SwapMostlyHits", mapFill(1023), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for ; pb.Next(); i++ {
			if k := mapHitsMisses(i, 1023, 1); k < 1023 {
				m.Swap(k, k)
			} else {
				m.Swap(k, k)
				m.Delete(k)
			}
		}
	}},
	// Mostly insert+delete of new keys.
	{"SwapMostlyMisses", mapFill(1), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for ; pb.Next(); i++ {
			if k := mapHitsMisses(i, 1, 1023); k < 1 {
				m.Swap(k, k)
			} else {
				m.Swap(k, k)
				m.Delete(k)
			}
		}
	}},
	// CAS ping-pong on one key.
	{"CompareAndSwapCollision", mapFill(1), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for pb.Next() {
			if m.CompareAndSwap(0, 0, 42) {
				m.CompareAndSwap(0, 42, 0)
			}
		}
	}},
	// CAS of absent keys.
	{"CompareAndSwapNoExistingKey", nil, func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for ; pb.Next(); i++ {
			if m.CompareAndSwap(i, 0, 0) {
				m.Delete(i)
			}
		}
	}},
	// CAS with a stale expected value.
	{"CompareAndSwapValueNotEqual", mapFill(1), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for pb.Next() {
			m.CompareAndSwap(0, 1, 2)
		}
	}},
	// Successful CAS (same value) on present keys, rare misses.
	{"CompareAndSwapMostlyHits", mapFill(1023), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for ; pb.Next(); i++ {
			k := mapHitsMisses(i, 1023, 1)
			m.CompareAndSwap(k, k, k)
		}
	}},
	// CAS of absent keys, rare hits.
	{"CompareAndSwapMostlyMisses", mapFill(1), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for ; pb.Next(); i++ {
			k := mapHitsMisses(i, 1, 1023)
			m.CompareAndSwap(k, k, k)
		}
	}},
	// CompareAndDelete ping-pong on one key.
	{"CompareAndDeleteCollision", mapFill(1), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for pb.Next() {
			if m.CompareAndDelete(0, 0) {
				m.Store(0, 0)
			}
		}
	}},
	// CompareAndDelete+Store of present keys.
	{"CompareAndDeleteMostlyHits", mapFill(1023), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for ; pb.Next(); i++ {
			k := mapHitsMisses(i, 1023, 1)
			if m.CompareAndDelete(k, k) {
				m.Store(k, k)
			}
		}
	}},
	// CompareAndDelete of mostly absent keys.
	{"CompareAndDeleteMostlyMisses", mapFill(1), func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for ; pb.Next(); i++ {
			k := mapHitsMisses(i, 1, 1023)
			if m.CompareAndDelete(k, k) {
				m.Store(k, k)
			}
		}
	}},
	// Clear of an already empty map.
	{"Clear", nil, func(_ *testing.B, pb *testing.PB, i int, m syncMapLike) {
		for pb.Next() {
			m.Clear()
		}
	}},
}

// BenchmarkMap_SyncMapWorkloads runs Go's sync.Map benchmark workloads on
// sync.Map, ftutils.Map[any, any] and the toy AnyMap side by side.
func BenchmarkMap_SyncMapWorkloads(b *testing.B) {
	for _, w := range syncMapWorkloads {
		for _, impl := range syncMapLikeImpls {
			b.Run("op="+w.name+"/impl="+impl.name, func(b *testing.B) {
				m := impl.make()
				if w.setup != nil {
					w.setup(m)
				}
				b.ReportAllocs()
				b.ResetTimer()
				var id atomic.Int64
				b.RunParallel(func(pb *testing.PB) {
					w.perG(b, pb, int(id.Add(1)-1)*b.N, m)
				})
			})
		}
	}
}
