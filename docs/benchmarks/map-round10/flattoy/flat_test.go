package flattoy

import (
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ftutils-go/ftutils"
	"github.com/puzpuzpuz/xsync/v4"
)

// TestModel checks the toy against a plain map through a random sequence.
func TestModel(t *testing.T) {
	m := New(64)
	want := map[int]int{}
	r := rng(7)
	for i := range 200000 {
		x := r.next()
		k := int(x >> 40 % 300) // more keys than slots: chains overflow
		switch x % 4 {
		case 0:
			m.Store(k, i)
			want[k] = i
		case 1:
			m.Delete(k)
			delete(want, k)
		case 2:
			m.Compute(k, func(v int, ok bool) (int, ComputeOp) { return v + 1, Update })
			want[k]++
		}
		if v, ok := m.Load(k); ok != hasKey(want, k) || v != want[k] {
			t.Fatalf("step %d: Load(%d) = %d, %v; want %d", i, k, v, ok, want[k])
		}
	}
}

func hasKey(m map[int]int, k int) bool { _, ok := m[k]; return ok }

// TestStress: concurrent Compute increments of a few keys while others are
// stored and deleted around them sum exactly, and a reader never sees a
// counter key hold a value that is not a counter's.
func TestStress(t *testing.T) {
	m := New(16)
	const counters, per = 8, 20000
	var wg sync.WaitGroup
	var bad atomic.Int64
	procs := runtime.GOMAXPROCS(0) + 1
	for g := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rng(uint64(g) + 1)
			for i := range per {
				m.Compute(i%counters, func(v int, _ bool) (int, ComputeOp) { return v + 1, Update })
				k := counters + int(r.next()>>40%64)
				m.Store(k, -k)
				if v, ok := m.Load(k); ok && v != -k {
					bad.Add(1)
				}
				m.Delete(counters + int(r.next()>>40%64))
				if v, ok := m.Load(i % counters); !ok || v < 0 {
					bad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	sum := 0
	for k := range counters {
		v, _ := m.Load(k)
		sum += v
	}
	if sum != procs*per || bad.Load() != 0 {
		t.Fatalf("sum %d, want %d; %d bad reads", sum, procs*per, bad.Load())
	}
}

type rng uint64

func (r *rng) next() uint64 {
	x := uint64(*r)
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	*r = rng(x)
	return x * 2685821657736338717
}

type ops[K comparable] struct {
	load  func(K) (int, bool)
	store func(K, int)
	del   func(K)
	incr  func(K)
}

var seeds atomic.Uint64

type impl[K comparable] struct {
	name string
	o    ops[K]
}

// mix is bench/map_test.go's typed workload (reads% Loads, the rest Store
// and Delete half and half; compute: increments of random keys) over the
// given implementations, all in one process.
func mix[K comparable](b *testing.B, keys []K, impls []impl[K]) {
	n := uint64(len(keys))
	for _, im := range impls {
		for i, k := range keys {
			im.o.store(k, i)
		}
	}
	for _, reads := range []int{100, 99, 90, 50, -1} {
		row := "reads=" + strconv.Itoa(reads)
		if reads < 0 {
			row = "op=compute"
		}
		for _, im := range impls {
			m := im.o
			b.Run(row+"/impl="+im.name, func(b *testing.B) {
				b.RunParallel(func(pb *testing.PB) {
					r := rng(seeds.Add(0x9E3779B97F4A7C15) | 1)
					for pb.Next() {
						x := r.next()
						k := keys[(x>>32)%n]
						switch op := int(x % 100); {
						case reads < 0:
							m.incr(k)
						case op < reads:
							m.load(k)
						case x>>20&1 == 0:
							m.store(k, op)
						default:
							m.del(k)
						}
					}
				})
			})
		}
	}
}

func intImpls(n int) []impl[int] {
	toy := New(n)
	ft := ftutils.NewMap[int, int](ftutils.WithMapCapacity(n))
	xs := xsync.NewMap[int, int](xsync.WithPresize(n))
	tinc := func(v int, _ bool) (int, ComputeOp) { return v + 1, Update }
	finc := func(v int, _ bool) (int, ftutils.ComputeOp) { return v + 1, ftutils.ComputeStore }
	xinc := func(v int, _ bool) (int, xsync.ComputeOp) { return v + 1, xsync.UpdateOp }
	return []impl[int]{
		{"toy", ops[int]{toy.Load, toy.Store, toy.Delete, func(k int) { toy.Compute(k, tinc) }}},
		{"ftutils", ops[int]{ft.Load, ft.Store, ft.Delete, func(k int) { ft.Compute(k, finc) }}},
		{"xsync", ops[int]{xs.Load, xs.Store, xs.Delete, func(k int) { xs.Compute(k, xinc) }}},
	}
}

func strImpls(n int) []impl[string] {
	toy := NewStr(n)
	ft := ftutils.NewMap[string, int](ftutils.WithMapCapacity(n))
	xs := xsync.NewMap[string, int](xsync.WithPresize(n))
	tinc := func(v int, _ bool) (int, ComputeOp) { return v + 1, Update }
	finc := func(v int, _ bool) (int, ftutils.ComputeOp) { return v + 1, ftutils.ComputeStore }
	xinc := func(v int, _ bool) (int, xsync.ComputeOp) { return v + 1, xsync.UpdateOp }
	return []impl[string]{
		{"toy", ops[string]{toy.Load, toy.Store, toy.Delete, func(k string) { toy.Compute(k, tinc) }}},
		{"ftutils", ops[string]{ft.Load, ft.Store, ft.Delete, func(k string) { ft.Compute(k, finc) }}},
		{"xsync", ops[string]{xs.Load, xs.Store, xs.Delete, func(k string) { xs.Compute(k, xinc) }}},
	}
}

// BenchmarkMix runs the workloads for int and string keys, 1K and 1M
// keys, as bench/map_test.go's BenchmarkMap does.
func BenchmarkMix(b *testing.B) {
	for _, n := range []int{1 << 10, 1 << 20} {
		size := "keys=" + strconv.Itoa(n>>10) + "K"
		b.Run("type=int/"+size, func(b *testing.B) {
			keys := make([]int, n)
			for i := range keys {
				keys[i] = i
			}
			mix(b, keys, intImpls(n))
		})
		b.Run("type=string/"+size, func(b *testing.B) {
			keys := make([]string, n)
			for i := range keys {
				keys[i] = "key-" + strconv.Itoa(i)
			}
			mix(b, keys, strImpls(n))
		})
	}
}

// TestStrModel checks the string toy against a plain map.
func TestStrModel(t *testing.T) {
	m := NewStr(64)
	want := map[string]int{}
	r := rng(9)
	for i := range 200000 {
		x := r.next()
		k := "k" + strconv.Itoa(int(x>>40%300))
		switch x % 4 {
		case 0:
			m.Store(k, i)
			want[k] = i
		case 1:
			m.Delete(k)
			delete(want, k)
		case 2:
			m.Compute(k, func(v int, ok bool) (int, ComputeOp) { return v + 1, Update })
			want[k]++
		}
		w, has := want[k]
		if v, ok := m.Load(k); ok != has || v != w {
			t.Fatalf("step %d: Load(%s) = %d, %v; want %d, %v", i, k, v, ok, w, has)
		}
	}
}

// TestStressReuse: in a one-group map, a writer moves two keys in and out
// of the same slot; a reader that finds a key must get that key's value.
// It fails without the reader's check of the sequence count.
func TestStressReuse(t *testing.T) {
	m := New(1)
	var done atomic.Bool
	var bad, hits atomic.Int64
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer done.Store(true)
		for range 300000 {
			m.Store(1, -1)
			m.Delete(1)
			m.Store(2, -2)
			m.Delete(2)
		}
	}()
	go func() {
		defer wg.Done()
		for !done.Load() {
			for k := 1; k <= 2; k++ {
				if v, ok := m.Load(k); ok {
					hits.Add(1)
					if v != -k {
						bad.Add(1)
					}
				}
			}
		}
	}()
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d of %d hits returned another key's value", bad.Load(), hits.Load())
	}
}
