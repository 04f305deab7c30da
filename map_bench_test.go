package ftutils_test

import (
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/cputime"
	"github.com/ftutils-go/ftutils/internal/stress"
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
// sync.Map and ftutils.Map[any, any] side by side.
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
				clk := cputime.Start()
				defer clk.Stop(b)
				var id atomic.Int64
				b.RunParallel(func(pb *testing.PB) {
					w.perG(b, pb, int(id.Add(1)-1)*b.N, m)
				})
			})
		}
	}
}

// BenchmarkMap_LoadReadOnly is a serial read-only Load of present int keys
// against an unsynchronized Go map (the limit) and sync.Map.
func BenchmarkMap_LoadReadOnly(b *testing.B) {
	for _, n := range []int{1 << 10, 1 << 20} {
		if n > 1<<10 && (stress.RaceEnabled || testing.Short()) {
			continue // filling 1M keys under -race takes most of a minute
		}
		keys := "keys=" + strconv.Itoa(n>>10) + "K"
		b.Run(keys+"/impl=gomap", func(b *testing.B) {
			m := make(map[int]int, n)
			for i := range n {
				m[i] = i
			}
			b.ReportAllocs()
			clk := cputime.Start()
			defer clk.Stop(b)
			i, s := 0, 0
			for b.Loop() {
				s += m[i&(n-1)]
				i += 7919
			}
			_ = s
		})
		b.Run(keys+"/impl=ftutils.Map", func(b *testing.B) {
			m := ftutils.NewMap[int, int]()
			for i := range n {
				m.Store(i, i)
			}
			b.ReportAllocs()
			clk := cputime.Start()
			defer clk.Stop(b)
			i, s := 0, 0
			for b.Loop() {
				v, _ := m.Load(i & (n - 1))
				s += v
				i += 7919
			}
			_ = s
		})
		b.Run(keys+"/impl=sync.Map", func(b *testing.B) {
			var m sync.Map
			for i := range n {
				m.Store(i, i)
			}
			b.ReportAllocs()
			clk := cputime.Start()
			defer clk.Stop(b)
			i, s := 0, 0
			for b.Loop() {
				v, _ := m.Load(i & (n - 1))
				s += v.(int)
				i += 7919
			}
			_ = s
		})
	}
}

// BenchmarkMap_Compute is the ft_utils #13 counter: increment a key's count,
// serially and from parallel goroutines, against one mutex around a Go map.
func BenchmarkMap_Compute(b *testing.B) {
	const keys = 1024
	inc := func(v int, _ bool) (int, ftutils.ComputeOp) { return v + 1, ftutils.ComputeStore }
	b.Run("impl=ftutils.Map", func(b *testing.B) {
		var m ftutils.Map[int, int]
		b.ReportAllocs()
		clk := cputime.Start()
		defer clk.Stop(b)
		b.RunParallel(func(pb *testing.PB) {
			for i := 0; pb.Next(); i += 7919 {
				m.Compute(i&(keys-1), inc)
			}
		})
	})
	b.Run("impl=mutexmap", func(b *testing.B) {
		var mu sync.Mutex
		m := map[int]int{}
		b.ReportAllocs()
		clk := cputime.Start()
		defer clk.Stop(b)
		b.RunParallel(func(pb *testing.PB) {
			for i := 0; pb.Next(); i += 7919 {
				mu.Lock()
				m[i&(keys-1)]++
				mu.Unlock()
			}
		})
	})
}

// BenchmarkMap_Set uses a map as a set of 1024 int members, in parallel:
// op=readd stores members that are already present (Store(k, struct{}{})
// on a present k), op=toggle removes a member and adds it back. Both are
// writes that change nothing or undo themselves, which an append-only table
// would otherwise pay for with fresh slots and rebuilds.
func BenchmarkMap_Set(b *testing.B) {
	const n = 1024
	type setOps struct {
		store func(int)
		del   func(int)
	}
	impls := []struct {
		name string
		make func() setOps
	}{
		{"ftutils.Map", func() setOps {
			m := ftutils.NewMap[int, struct{}]()
			return setOps{func(k int) { m.Store(k, struct{}{}) }, m.Delete}
		}},
		{"sync.Map", func() setOps {
			m := new(sync.Map)
			return setOps{func(k int) { m.Store(k, struct{}{}) }, func(k int) { m.Delete(k) }}
		}},
	}
	for _, op := range []string{"readd", "toggle"} {
		for _, impl := range impls {
			b.Run("op="+op+"/impl="+impl.name, func(b *testing.B) {
				s := impl.make()
				for k := range n {
					s.store(k)
				}
				var seed atomic.Int64
				b.ReportAllocs()
				clk := cputime.Start()
				defer clk.Stop(b)
				b.RunParallel(func(pb *testing.PB) {
					i := int(seed.Add(1)) * 7919
					for pb.Next() {
						k := i & (n - 1)
						if op == "toggle" {
							s.del(k)
						}
						s.store(k)
						i += 7919
					}
				})
			})
		}
	}
}

// BenchmarkMap_Grow measures what growth costs per entry: each iteration
// fills an empty map with n keys (in a scrambled order, so that a table's
// order, by hash, is unrelated to the order the keys' memory was allocated
// in), through every doubling of its table, then deletes them all,
// through every halving. The keys that hashing must follow a pointer for
// (a string's bytes, an int boxed in an interface) make a large table's
// move wait on memory (docs/benchmarks/map.md, round 9).
func BenchmarkMap_Grow(b *testing.B) {
	for _, n := range []int{1 << 12, 1 << 16, 1 << 19} {
		if n > 1<<12 && (stress.RaceEnabled || testing.Short()) {
			continue
		}
		size := "entries=" + strconv.Itoa(n>>10) + "K"
		b.Run("type=int-int/"+size, func(b *testing.B) {
			benchMapGrow[int, int](b, n, func(i int) int { return i }, func(i int) int { return i })
		})
		b.Run("type=string-int/"+size, func(b *testing.B) {
			benchMapGrow[string, int](b, n, func(i int) string { return "key-" + strconv.Itoa(i) }, func(i int) int { return i })
		})
		b.Run("type=any-any/"+size, func(b *testing.B) {
			benchMapGrow[any, any](b, n, func(i int) any { return i }, func(i int) any { return i })
		})
	}
}

func benchMapGrow[K comparable, V any](b *testing.B, n int, key func(int) K, val func(int) V) {
	keys := make([]K, n)
	for i := range keys {
		keys[i] = key(i * 7919 % n)
	}
	b.ReportAllocs()
	for b.Loop() {
		var m ftutils.Map[K, V]
		for i, k := range keys {
			m.Store(k, val(i))
		}
		for _, k := range keys {
			m.Delete(k)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/entry")
}
