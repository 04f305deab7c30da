package flattoy

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ftutils-go/ftutils"
	"github.com/puzpuzpuz/xsync/v4"
)

// TestGrowModel checks the growing toy against a plain map while it grows
// from 8 groups through many resizes, with deletes and increments.
func TestGrowModel(t *testing.T) {
	m := NewG(0)
	want := map[int]int{}
	r := rng(11)
	for i := range 300000 {
		x := r.next()
		k := int(x >> 40 % 20000)
		switch x % 5 {
		case 0, 1:
			m.Store(k, i)
			want[k] = i
		case 2:
			m.Delete(k)
			delete(want, k)
		case 3:
			m.Compute(k, func(v int, ok bool) (int, ComputeOp) { return v + 1, Update })
			want[k]++
		case 4:
			v, loaded := m.LoadOrStore(k, i)
			w, ok := want[k]
			if loaded != ok || loaded && v != w || !loaded && v != i {
				t.Fatalf("step %d: LoadOrStore(%d) = %d, %v; want %d, %v", i, k, v, loaded, w, ok)
			}
			if !ok {
				want[k] = i
			}
		}
		w, ok := want[k]
		if v, has := m.Load(k); has != ok || v != w {
			t.Fatalf("step %d: Load(%d) = %d, %v; want %d, %v", i, k, v, has, w, ok)
		}
	}
	if m.Len() != len(want) {
		t.Fatalf("Len = %d; want %d", m.Len(), len(want))
	}
	for k, w := range want {
		if v, ok := m.Load(k); !ok || v != w {
			t.Fatalf("Load(%d) = %d, %v; want %d", k, v, ok, w)
		}
	}
	if g := len(m.t.Load().groups); g < 20000/slots {
		t.Fatalf("%d groups for %d keys: the map did not grow", g, len(want))
	}
}

// TestGrowStress: writers insert disjoint keys into a map that starts at 8
// groups and grows many times while all of them increment shared counters;
// a key whose Store returned is found from then on, with its value, by its
// writer and by a reader; the counters sum exactly and Len counts every key.
func TestGrowStress(t *testing.T) {
	for round := range 20 {
		m := NewG(0)
		const counters = 8
		writers := runtime.GOMAXPROCS(0) + 1
		per := 20000
		var wg sync.WaitGroup
		var bad atomic.Int64
		var published [16]atomic.Int64 // per writer: keys stored so far
		var done atomic.Int64
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer done.Add(1)
				r := rng(uint64(w*7+round) + 1)
				for i := range per {
					k := counters + i*writers + w
					m.Store(k, -k)
					published[w].Store(int64(i + 1))
					if v, ok := m.Load(k); !ok || v != -k {
						bad.Add(1)
					}
					j := int(r.next() % uint64(i+1))
					if k2 := counters + j*writers + w; true {
						if v, ok := m.Load(k2); !ok || v != -k2 {
							bad.Add(1)
						}
					}
					m.Compute(i%counters, func(v int, _ bool) (int, ComputeOp) { return v + 1, Update })
				}
			}()
		}
		wg.Add(1)
		go func() { // a reader of other goroutines' published keys
			defer wg.Done()
			r := rng(99)
			for done.Load() < int64(writers) {
				w := int(r.next() % uint64(writers))
				n := published[w].Load()
				if n == 0 {
					continue
				}
				i := int(r.next() % uint64(n))
				k := counters + i*writers + w
				if v, ok := m.Load(k); !ok || v != -k {
					bad.Add(1)
				}
			}
		}()
		wg.Wait()
		sum := 0
		for k := range counters {
			v, _ := m.Load(k)
			sum += v
		}
		if bad.Load() != 0 || sum != writers*per || m.Len() != writers*per+counters {
			t.Fatalf("round %d: %d bad reads; counters sum %d, want %d; Len %d, want %d",
				round, bad.Load(), sum, writers*per, m.Len(), writers*per+counters)
		}
	}
}

// BenchmarkGrow: workloads that grow a map from empty, on the growing toy,
// ftutils.Map and xsync.Map (int keys, int values), one process:
//   - balanced: Go's LoadOrStoreBalanced for typed maps (LoadOrStore of
//     128 present keys and of new keys, half and half; the map grows by
//     b.N/2 keys);
//   - store: Store of new keys only;
//   - churn: Go's SwapMostlyMisses shape (store a new key, delete it; one
//     present key stored every 1024th op).
//
// Growth makes ns/op a sawtooth in b.N (docs/benchmarks/map.md, round 9):
// run it at fixed b.N values (-test.benchtime Nx) to compare.
func BenchmarkGrow(b *testing.B) {
	type gops struct {
		los   func(k, v int) (int, bool)
		store func(k, v int)
		del   func(k int)
	}
	impls := []struct {
		name string
		make func() gops
	}{
		{"toy", func() gops { m := NewG(0); return gops{m.LoadOrStore, m.Store, m.Delete} }},
		{"ftutils", func() gops {
			m := ftutils.NewMap[int, int]()
			return gops{m.LoadOrStore, m.Store, m.Delete}
		}},
		{"xsync", func() gops {
			m := xsync.NewMap[int, int]()
			return gops{m.LoadOrStore, m.Store, m.Delete}
		}},
	}
	const hits = 128
	for _, w := range []string{"balanced", "store", "churn"} {
		for _, im := range impls {
			b.Run("op="+w+"/impl="+im.name, func(b *testing.B) {
				m := im.make()
				for i := range hits {
					m.los(i, i)
				}
				var base atomic.Int64
				b.RunParallel(func(pb *testing.PB) {
					i := int(base.Add(1<<40)) + hits
					for ; pb.Next(); i++ {
						switch w {
						case "balanced":
							if j := i % 256; j < hits {
								m.los(j, i)
							} else {
								m.los(i, i)
							}
						case "store":
							m.store(i, i)
						case "churn":
							if i%1024 == 0 {
								m.store(i%hits, i)
							} else {
								m.store(i, i)
								m.del(i)
							}
						}
					}
				})
			})
		}
	}
}
