package ftutils_test

import (
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/ftutils-go/ftutils"
)

// The zero Map is ready to use, with the sync.Map method set, typed.
func ExampleMap() {
	var m ftutils.Map[string, int]
	m.Store("apples", 3)
	m.Store("pears", 5)
	v, ok := m.Load("apples")
	fmt.Println(v, ok)
	actual, loaded := m.LoadOrStore("pears", 7)
	fmt.Println(actual, loaded)
	old, loaded := m.Swap("apples", 4)
	fmt.Println(old, loaded)
	m.Delete("pears")
	fmt.Println(m.Len())
	// Output:
	// 3 true
	// 5 true
	// 3 true
	// 1
}

// NewMap takes a size hint (ConcurrentDict's initial_capacity) and a least
// number of lock stripes.
func ExampleNewMap() {
	m := ftutils.NewMap[int, string](ftutils.WithMapCapacity(10_000), ftutils.WithMapShards(64))
	m.Store(1, "one")
	fmt.Println(m.Load(1))
	// Output: one true
}

// Compute is the atomic per-key read-modify-write that fixes the
// `d[k] += 1` race: no increment is lost.
func ExampleMap_Compute() {
	var hits ftutils.Map[string, int]
	incr := func(n int, _ bool) (int, ftutils.ComputeOp) { return n + 1, ftutils.ComputeStore }
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				hits.Compute("/index.html", incr)
			}
		})
	}
	wg.Wait()
	fmt.Println(hits.Load("/index.html"))

	// ComputeDelete removes the entry: here, when the count drops to zero.
	decr := func(n int, _ bool) (int, ftutils.ComputeOp) {
		if n <= 1 {
			return 0, ftutils.ComputeDelete
		}
		return n - 1, ftutils.ComputeStore
	}
	hits.Store("/about", 1)
	fmt.Println(hits.Compute("/about", decr))
	// Output:
	// 4000 true
	// 0 false
}

// LoadOrCompute builds a value only when the key is missing, at most once
// per key even under concurrency (ConcurrentHashMap.computeIfAbsent).
func ExampleMap_LoadOrCompute() {
	var cache ftutils.Map[int, []int]
	build := func() []int { fmt.Println("building"); return []int{1, 2, 3} }
	v, loaded := cache.LoadOrCompute(7, build)
	fmt.Println(v, loaded)
	v, loaded = cache.LoadOrCompute(7, build)
	fmt.Println(v, loaded)
	// Output:
	// building
	// [1 2 3] false
	// [1 2 3] true
}

// CompareAndSwap and CompareAndDelete compare values with ==, as sync.Map
// does.
func ExampleMap_CompareAndSwap() {
	var m ftutils.Map[string, string]
	m.Store("state", "idle")
	fmt.Println(m.CompareAndSwap("state", "idle", "running"))
	fmt.Println(m.CompareAndSwap("state", "idle", "stopped"))
	fmt.Println(m.CompareAndDelete("state", "running"))
	fmt.Println(m.Len())
	// Output:
	// true
	// false
	// true
	// 0
}

// Range and the iterators visit each key at most once and may call any
// method of the map; LoadAndDelete pops.
func ExampleMap_All() {
	var m ftutils.Map[string, int]
	m.Update(maps.All(map[string]int{"a": 1, "b": 2, "c": 3}))
	for k, v := range m.All() {
		if v%2 == 1 {
			m.Delete(k) // allowed during iteration
		}
	}
	fmt.Println(slices.Sorted(m.Keys()))
	fmt.Println(m.LoadAndDelete("b"))
	fmt.Println(m.LoadAndDelete("b"))
	// Output:
	// [b]
	// 2 true
	// 0 false
}

// Snapshot copies to a plain map; Update merges from any iterator; Equal
// compares two maps with a value comparison; Clear empties.
func ExampleMap_Snapshot() {
	var a, b ftutils.Map[string, float64]
	a.Update(maps.All(map[string]float64{"pi": 3.14, "e": 2.72}))
	b.Update(a.All())
	same := func(x, y float64) bool { return x == y }
	fmt.Println(a.Equal(&b, same))
	b.Store("phi", 1.62)
	fmt.Println(a.Equal(&b, same))
	snap := b.Snapshot()
	b.Clear()
	fmt.Println(len(snap), b.Len())
	// Output:
	// true
	// false
	// 3 0
}

// A Map with struct{} values is a concurrent set. Adding a member that is
// already there only finds it (a Store of a struct{} writes nothing new).
func ExampleMap_set() {
	var online ftutils.Map[string, struct{}]
	var wg sync.WaitGroup
	for _, user := range []string{"ana", "bo", "cy", "ana"} {
		wg.Go(func() { online.Store(user, struct{}{}) })
	}
	wg.Wait()
	online.Delete("bo")
	_, isOnline := online.Load("bo")
	fmt.Println(online.Len(), isOnline)
	fmt.Println(slices.Sorted(online.Keys()))
	// Output:
	// 2 false
	// [ana cy]
}
