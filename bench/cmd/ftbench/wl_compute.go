package main

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/ftutils-go/ftutils"
)

// Compute demos: ft_utils' map_reduce_bench.py, merge_sort_bench.py and
// tsp_bench.py. In Python they measure the interpreter's scaling; here they
// are CPU-bound throughput demos with the shared-state step (ordered
// reduction, best-so-far) done by the stdlib and by ftutils.

// segment is one map step of map-reduce: the number of primes among 64
// consecutive integers chosen by key (trial division, so every segment
// costs about the same).
func segment(key int) int {
	lo := 1<<20 + (key*64)%(1<<20)
	n := 0
	for x := lo; x < lo+64; x++ {
		if isPrime(x) {
			n++
		}
	}
	return n
}

func isPrime(x int) bool {
	if x < 2 {
		return false
	}
	if x%2 == 0 {
		return x == 2
	}
	for d := 3; d*d <= x; d += 2 {
		if x%d == 0 {
			return false
		}
	}
	return true
}

// reorderChan is the stdlib way to reduce results in key order: workers
// send (key, value) on a channel and one consumer parks early arrivals in a
// map until their turn.
type keyed struct{ key, v int }

func reorderSetup(goroutines int) instance {
	var next atomic.Int64
	c := make(chan keyed, 1024)
	var total int
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		pending := map[int]int{}
		want := 0
		for kv := range c {
			pending[kv.key] = kv.v
			for v, ok := pending[want]; ok; v, ok = pending[want] {
				delete(pending, want)
				total += v
				want++
			}
		}
	}()
	return instance{
		run: func(g, n int) {
			for range n {
				k := int(next.Add(1) - 1)
				c <- keyed{k, segment(k)}
			}
		},
		close: func() {
			close(c)
			<-exited
			if total <= 0 {
				panic("ftbench: chan+reorder reduced no primes")
			}
		},
	}
}

// mapReduceImpls are the contenders of mapreduce/primes. Add a reducer
// here.
var mapReduceImpls = []impl{
	base("chan+reorder", reorderSetup),
	std("atomic sum (unordered)", func(goroutines int) instance {
		var next, total atomic.Int64
		return body(func(g, n int) {
			for range n {
				k := int(next.Add(1) - 1)
				total.Add(int64(segment(k)))
			}
		})
	}),
	ft("ftutils.Gatherer", gathererSetup),
}

// gathererSetup reduces in key order through an ftutils.Gatherer: workers
// Insert(key, count), one consumer ranges over Iter with clear.
func gathererSetup(goroutines int) instance {
	var next atomic.Int64
	gth := new(ftutils.Gatherer[int])
	ctx, cancel := context.WithCancel(context.Background())
	exited := make(chan struct{})
	var total int // written by the consumer, read by close after exited
	go func() {
		defer close(exited)
		for v, err := range gth.Iter(ctx, math.MaxInt, true) {
			if err != nil {
				return // close cancelled ctx once every key was inserted and read
			}
			total += v
		}
	}()
	return instance{
		run: func(g, n int) {
			for range n {
				k := int(next.Add(1) - 1)
				if err := gth.Insert(k, segment(k)); err != nil {
					panic(err)
				}
			}
		},
		close: func() {
			cancel()
			<-exited
			if total <= 0 {
				panic("ftbench: Gatherer reduced no primes")
			}
		},
	}
}

// sortLen is the array one mergesort operation sorts.
const sortLen = 4096

// mergeSort is merge_sort_bench.py's algorithm: top-down merge sort,
// insertion-free, sequential below threshold, the two halves of a large
// range sorted by two goroutines while depth allows.
func mergeSort(a, tmp []int, threshold, depth int) {
	if len(a) <= threshold {
		slices.Sort(a)
		return
	}
	mid := len(a) / 2
	if depth > 0 {
		var wg sync.WaitGroup
		wg.Go(func() { mergeSort(a[:mid], tmp[:mid], threshold, depth-1) })
		mergeSort(a[mid:], tmp[mid:], threshold, depth-1)
		wg.Wait()
	} else {
		mergeSort(a[:mid], tmp[:mid], threshold, 0)
		mergeSort(a[mid:], tmp[mid:], threshold, 0)
	}
	copy(tmp, a)
	i, j, k := 0, mid, 0
	for i < mid && j < len(a) {
		if tmp[j] < tmp[i] {
			a[k] = tmp[j]
			j++
		} else {
			a[k] = tmp[i]
			i++
		}
		k++
	}
	k += copy(a[k:], tmp[i:mid])
	copy(a[k:], tmp[j:])
}

// sortSetup returns a setup in which every operation sorts a fresh copy of
// a random array with sortFn; each goroutine owns its arrays.
func sortSetup(sortFn func(a, tmp []int)) func(int) instance {
	return func(goroutines int) instance {
		src := make([]int, sortLen)
		r := rand.New(rand.NewPCG(3, 4))
		for i := range src {
			src[i] = r.Int()
		}
		bufs := make([][2][]int, goroutines)
		for g := range bufs {
			bufs[g] = [2][]int{make([]int, sortLen), make([]int, sortLen)}
		}
		return body(func(g, n int) {
			a, tmp := bufs[g][0], bufs[g][1]
			for range n {
				copy(a, src)
				sortFn(a, tmp)
				if !slices.IsSorted(a) {
					panic("ftbench: mergesort did not sort")
				}
			}
		})
	}
}

// tspCities is tsp_bench.py's default size: 8 cities, 7! = 5040 tours per
// solve.
const tspCities = 8

// tspMatrix is a random asymmetric distance matrix, 1..100, fixed seed.
var tspMatrix = func() (m [tspCities][tspCities]int) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range m {
		for j := range m[i] {
			if i != j {
				m[i][j] = 1 + r.IntN(100)
			}
		}
	}
	return m
}()

// tspSolve enumerates every tour that starts at start (Heap's algorithm over
// the other cities) and offers each complete tour's cost to best, which is
// the shared best-so-far: ft_utils checks it without the lock and updates
// it under the lock with a double check.
func tspSolve(start int, best func(cost int)) {
	var rest [tspCities - 1]int
	k := 0
	for c := range tspCities {
		if c != start {
			rest[k] = c
			k++
		}
	}
	cost := func() int {
		c, prev := 0, start
		for _, x := range rest {
			c += tspMatrix[prev][x]
			prev = x
		}
		return c + tspMatrix[prev][start]
	}
	best(cost())
	var st [tspCities - 1]int
	for i := 1; i < len(rest); {
		if st[i] < i {
			if i%2 == 0 {
				rest[0], rest[i] = rest[i], rest[0]
			} else {
				rest[st[i]], rest[i] = rest[i], rest[st[i]]
			}
			best(cost())
			st[i]++
			i = 1
		} else {
			st[i] = 0
			i++
		}
	}
}

// tspSetup returns a setup in which one operation is one exhaustive solve
// from a rotated start city, offering every tour to the best-so-far made
// by newBest.
func tspSetup(newBest func() (offer func(int), load func() int)) func(int) instance {
	return func(goroutines int) instance {
		offer, load := newBest()
		iters := newSinks(goroutines)
		return body(func(g, n int) {
			for range n {
				tspSolve(int(iters[g].v+uint64(g))%tspCities, offer)
				iters[g].v++
			}
			if load() <= 0 {
				panic("ftbench: tsp best cost not positive")
			}
		})
	}
}

// tspImpls are the contenders of tsp/8-cities. Add a best-so-far here.
var tspImpls = []impl{
	base("Mutex+double check", tspSetup(func() (func(int), func() int) {
		var mu sync.Mutex
		var best atomic.Int64
		best.Store(1 << 62)
		return func(c int) {
				if int64(c) < best.Load() {
					mu.Lock()
					if int64(c) < best.Load() {
						best.Store(int64(c))
					}
					mu.Unlock()
				}
			}, func() int {
				return int(best.Load())
			}
	})),
	std("atomic.Int64 CAS-min", tspSetup(func() (func(int), func() int) {
		var best atomic.Int64
		best.Store(1 << 62)
		return func(c int) { storeMinCAS(&best, int64(c)) }, func() int { return int(best.Load()) }
	})),
	ft("ftutils.AtomicInt64 StoreMin", tspSetup(func() (func(int), func() int) {
		var best ftutils.AtomicInt64
		best.Store(1 << 62)
		return func(c int) { best.StoreMin(int64(c)) }, func() int { return int(best.Load()) }
	})),
}

func init() {
	register(
		&benchmark{name: "mapreduce/primes", port: "map_reduce_bench.py",
			desc:  "map: count primes in a 64-number segment; reduce: sum the counts in segment order",
			chunk: 8, impls: mapReduceImpls},
		&benchmark{name: "mergesort/4k", port: "merge_sort_bench.py",
			desc:  "sort a fresh copy of 4096 random ints (each goroutine its own array)",
			chunk: 1, impls: []impl{
				base("slices.Sort", sortSetup(func(a, _ []int) { slices.Sort(a) })),
				std("merge sort (ft_utils port)", sortSetup(func(a, tmp []int) { mergeSort(a, tmp, 1000, 1) })),
			}},
		&benchmark{name: "tsp/8-cities", port: "tsp_bench.py",
			desc:  "one exhaustive solve (5040 tours), every tour offered to one shared best-so-far",
			chunk: 1, impls: tspImpls},
	)
}

// storeMinCAS is the stdlib idiom for an atomic minimum: a CAS loop that
// gives up as soon as the stored value is not larger.
func storeMinCAS(a *atomic.Int64, v int64) int64 {
	for {
		old := a.Load()
		if old <= v || a.CompareAndSwap(old, v) {
			return old
		}
	}
}
