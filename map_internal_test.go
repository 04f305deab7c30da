package ftutils

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"
	"weak"

	"github.com/ftutils-go/ftutils/internal/stress"
)

// testMapInternalModel runs random operations of the whole method set on a
// Map and a plain map, checking every result, with key counts that
// make the map grow and shrink many times (the key range widens and
// narrows in phases), and a Range checked against the model every few
// thousand steps.
func testMapInternalModel[K comparable, V comparable](t *testing.T, key func(int) K, val func(uint64) V) {
	m := NewMap[K, V]()
	want := map[K]V{}
	r := rand.New(rand.NewPCG(3, 0))
	steps := 200000
	if testing.Short() || stress.RaceEnabled {
		steps = 40000
	}
	groups := map[int]bool{}
	for i := range steps {
		x := r.Uint64()
		width := 1 + (i/5000%4)*3000 // 1, 3001, 6001, 9001 keys, then narrow again
		if i/5000%8 >= 4 {
			width = 1 + (7-i/5000%8)*3000
		}
		k := key(int(x >> 20 % uint64(width)))
		v := val(x)
		w, ok := want[k]
		switch x % 10 {
		case 0, 1:
			m.Store(k, v)
			want[k] = v
		case 2, 3:
			m.Delete(k)
			delete(want, k)
		case 4:
			if got, loaded := m.LoadOrStore(k, v); loaded != ok || ok && got != w || !ok && got != v {
				t.Fatalf("step %d: LoadOrStore(%v) = %v, %v; want %v, %v", i, k, got, loaded, w, ok)
			}
			if !ok {
				want[k] = v
			}
		case 5:
			if got, loaded := m.LoadAndDelete(k); loaded != ok || got != w {
				t.Fatalf("step %d: LoadAndDelete(%v) = %v, %v; want %v, %v", i, k, got, loaded, w, ok)
			}
			delete(want, k)
		case 6:
			if got, loaded := m.Swap(k, v); loaded != ok || got != w {
				t.Fatalf("step %d: Swap(%v) = %v, %v; want %v, %v", i, k, got, loaded, w, ok)
			}
			want[k] = v
		case 7:
			old := val(x * 3)
			if m.CompareAndSwap(k, old, v) != (ok && w == old) {
				t.Fatalf("step %d: CompareAndSwap(%v, %v) wrong", i, k, old)
			}
			if ok && w == old {
				want[k] = v
			}
		case 8:
			old := val(x * 5)
			if m.CompareAndDelete(k, old) != (ok && w == old) {
				t.Fatalf("step %d: CompareAndDelete(%v, %v) wrong", i, k, old)
			}
			if ok && w == old {
				delete(want, k)
			}
		case 9:
			op := ComputeOp(x >> 8 % 3)
			got, present := m.Compute(k, func(old V, loaded bool) (V, ComputeOp) {
				if loaded != ok || old != w {
					t.Fatalf("step %d: Compute(%v) saw %v, %v; want %v, %v", i, k, old, loaded, w, ok)
				}
				return v, op
			})
			switch op {
			case ComputeStore:
				want[k] = v
			case ComputeDelete:
				delete(want, k)
			}
			w2, ok2 := want[k]
			if got != w2 || present != ok2 {
				t.Fatalf("step %d: Compute(%v) = %v, %v; want %v, %v", i, k, got, present, w2, ok2)
			}
		}
		if i%7919 == 0 && i > 0 {
			m.Clear()
			clear(want)
		}
		w, ok = want[k]
		if got, has := m.Load(k); has != ok || got != w {
			t.Fatalf("step %d: Load(%v) = %v, %v; want %v, %v", i, k, got, has, w, ok)
		}
		groups[len(m.t.Load().groups)] = true
		if i%2500 == 0 {
			seen := map[K]V{}
			m.Range(func(k K, v V) bool {
				if _, dup := seen[k]; dup {
					t.Fatalf("step %d: Range saw %v twice", i, k)
				}
				seen[k] = v
				return true
			})
			if len(seen) != len(want) || m.Len() != len(want) {
				t.Fatalf("step %d: Range saw %d entries, Len %d; want %d", i, len(seen), m.Len(), len(want))
			}
			for k, v := range want {
				if got, ok := seen[k]; !ok || got != v {
					t.Fatalf("step %d: Range saw %v: %v, %v; want %v", i, k, got, ok, v)
				}
			}
		}
	}
	if len(groups) < 4 {
		t.Fatalf("the table took only the sizes %v: the test did not make it grow and shrink", groups)
	}
}

func TestMapInternalModel(t *testing.T) {
	t.Run("int-int", func(t *testing.T) {
		testMapInternalModel(t, func(i int) int { return i }, func(x uint64) int { return int(x >> 40 % 7) })
	})
	t.Run("string-int", func(t *testing.T) {
		testMapInternalModel(t, func(i int) string { return "k" + strconv.Itoa(i) }, func(x uint64) int { return int(x >> 40 % 7) })
	})
	// Append-only tables: types whose words cannot all be accessed
	// atomically.
	t.Run("int-string", func(t *testing.T) {
		testMapInternalModel(t, func(i int) int { return i }, func(x uint64) string { return strconv.Itoa(int(x >> 40 % 7)) })
	})
	t.Run("pair-int", func(t *testing.T) {
		testMapInternalModel(t, func(i int) [2]int { return [2]int{i, -i} }, func(x uint64) int { return int(x >> 40 % 7) })
	})
	t.Run("string-pair", func(t *testing.T) {
		testMapInternalModel(t, func(i int) string { return "k" + strconv.Itoa(i) }, func(x uint64) [2]int { return [2]int{int(x >> 40 % 7), int(x >> 50 % 3)} })
	})
	t.Run("any-any", func(t *testing.T) {
		// Keys: ints and strings; values: ints, strings and floats, so
		// that replacements change the dynamic type.
		testMapInternalModel(t, func(i int) any {
			if i%3 == 0 {
				return "s" + strconv.Itoa(i)
			}
			return i
		}, func(x uint64) any {
			switch x >> 60 % 3 {
			case 0:
				return int(x >> 40 % 7)
			case 1:
				return strconv.Itoa(int(x >> 40 % 7))
			}
			return float64(x >> 40 % 7)
		})
	})
}

// TestMapInternalStressGrowShrink: writers insert disjoint keys into a map
// that starts at 8 groups (so it grows many times), delete them again (so
// it shrinks), and increment shared counters by Compute, while a reader
// Ranges: a key whose Store returned is found by its writer until it
// deletes it, a Range never reports a key twice and always reports the
// counters, and the counters sum exactly.
func TestMapInternalStressGrowShrink(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := NewMap[int, int]()
		const counters = 8
		for k := range counters {
			m.Store(-1-k, 0)
		}
		writers, per := 2, stress.Scale(20000)
		var bad, done atomic.Int64
		stress.Run(writers+1, func(g int) {
			if g == writers {
				for done.Load() < int64(writers) {
					seen := map[int]bool{}
					cs := 0
					m.Range(func(k, v int) bool {
						if seen[k] {
							bad.Add(1)
						}
						seen[k] = true
						if k < 0 {
							cs++
						} else if v != -k {
							bad.Add(1)
						}
						return true
					})
					if cs != counters {
						bad.Add(1)
					}
				}
				return
			}
			defer done.Add(1)
			for i := range per {
				k := i*writers + g
				m.Store(k, -k)
				if v, ok := m.Load(k); !ok || v != -k {
					bad.Add(1)
				}
				m.Compute(-1-i%counters, func(v int, _ bool) (int, ComputeOp) { return v + 1, ComputeStore })
			}
			for i := range per {
				k := i*writers + g
				if v, ok := m.LoadAndDelete(k); !ok || v != -k {
					bad.Add(1)
				}
			}
		})
		sum := 0
		for k := range counters {
			v, _ := m.Load(-1 - k)
			sum += v
		}
		if bad.Load() != 0 || sum != writers*per || m.Len() != counters {
			t.Fatalf("%d bad; counters sum %d, want %d; Len %d, want %d", bad.Load(), sum, writers*per, m.Len(), counters)
		}
		if g := len(m.t.Load().groups); g > 4*mapMinGroups {
			t.Fatalf("%d groups left for %d entries: the map did not shrink", g, counters)
		}
	})
}

// mapSameHome returns n keys made by key(0), key(1), ... that have the
// same home group in m's table.
func mapSameHome[K comparable, V any](m *Map[K, V], key func(int) K, n int) []K {
	t := m.t.Load()
	home := func(k K) uint64 { return mapHash(&t.hs, k) >> 7 & t.mask }
	ks := []K{key(0)}
	for i := 1; len(ks) < n; i++ {
		if k := key(i); home(k) == home(ks[0]) {
			ks = append(ks, k)
		}
	}
	return ks
}

// TestMapInternalStressReuse: a writer moves two keys with one home group in
// and out of the same slot while a reader checks that a found key has its
// own value (the reader's check of seq). Run with -tags ftutils_window to
// make the race likely (see mapWindow): then it fails without the check.
func TestMapInternalStressReuse(t *testing.T) {
	m := NewMap[int, int]()
	ks := mapSameHome(m, func(i int) int { return i + 1 }, 2)
	mapReuseRace(t, m, ks[0], ks[1], -ks[0], -ks[1])
}

type mapFlipA struct{ tag int }
type mapFlipB struct{ tag int }

// TestMapInternalStressTypeFlip: a writer flips one key's value between a
// *mapFlipA and a *mapFlipB (one layout, different tags) while a reader
// Loads and Ranges: a value whose type and data words came from two writes
// would show the other type's tag.
func TestMapInternalStressTypeFlip(t *testing.T) {
	m := NewMap[int, any]()
	a, b := &mapFlipA{0xA}, &mapFlipB{0xB}
	m.Store(1, a)
	var done atomic.Bool
	var bad atomic.Int64
	check := func(v any) {
		switch v := v.(type) {
		case *mapFlipA:
			if v.tag != 0xA {
				bad.Add(1)
			}
		case *mapFlipB:
			if v.tag != 0xB {
				bad.Add(1)
			}
		default:
			bad.Add(1)
		}
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer done.Store(true)
		for range stress.Scale(300000) {
			m.Store(1, b)
			m.Store(1, a)
		}
	}()
	go func() {
		defer wg.Done()
		for !done.Load() {
			v, _ := m.Load(1)
			check(v)
			m.Range(func(_ int, v any) bool { check(v); return true })
		}
	}()
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d torn values", bad.Load())
	}
}

// TestMapInternalStressAppendOnly: in an append-only table (two-word values),
// writers replace values of a few keys (each replacement takes a fresh
// slot and leaves a tombstone) and store and delete others, while readers
// Load and Range: a value is never torn (its second word is minus its
// first), a Range reports no key twice, and compaction keeps tombstones
// below their threshold.
func TestMapInternalStressAppendOnly(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := NewMap[int, [2]int]()
		if m.t.Load().reuse {
			t.Fatal("Map[int, [2]int] got a reuse table")
		}
		const hot = 8
		for k := range hot {
			m.Store(k, [2]int{0, 0})
		}
		writers, per := 2, stress.Scale(30000)
		var bad, done atomic.Int64
		stress.Run(writers+1, func(g int) {
			if g == writers {
				for done.Load() < int64(writers) {
					for k := range hot {
						if v, ok := m.Load(k); !ok || v[1] != -v[0] {
							bad.Add(1)
						}
					}
					seen := map[int]bool{}
					m.Range(func(k int, v [2]int) bool {
						if seen[k] || v[1] != -v[0] {
							bad.Add(1)
						}
						seen[k] = true
						return true
					})
				}
				return
			}
			defer done.Add(1)
			for i := range per {
				m.Store(i%hot, [2]int{i, -i})
				k := hot + i*writers + g
				m.Store(k, [2]int{k, -k})
				if v, ok := m.LoadAndDelete(k); !ok || v != [2]int{k, -k} {
					bad.Add(1)
				}
			}
		})
		tb := m.t.Load()
		if bad.Load() != 0 || m.Len() != hot {
			t.Fatalf("%d bad; Len %d, want %d", bad.Load(), m.Len(), hot)
		}
		// Compaction is considered when a stripe passes its share of
		// the threshold, so the total can pass it by about a tombstone
		// per stripe (each stripe's last one, added after another
		// stripe's check) and one per writer in flight; without
		// compaction there would be about writers*per.
		d, slots := tb.dead(), int64(len(tb.groups)*mapGroupSlots)
		if d > slots/mapDeadDen+int64(len(tb.count)+writers) {
			t.Fatalf("%d tombstones in %d slots (%d count stripes): no compaction", d, slots, len(tb.count))
		}
	})
}

// TestMapInternalStressReuseString: TestMapInternalStressReuse for string keys
// (Load's string fast path): a reader must never return another key's
// value.
func TestMapInternalStressReuseString(t *testing.T) {
	m := NewMap[string, int]()
	ks := mapSameHome(m, func(i int) string { return strings.Repeat("k", 1+i%3) + strconv.Itoa(i) }, 2)
	mapReuseRace(t, m, ks[0], ks[1], 1, 2)
}

// mapReuseRace moves keys a and b (one home group) with values va and vb
// in and out of the map, so that they take turns in one slot, while a
// reader checks that a found key has its own value.
func mapReuseRace[K, V comparable](t *testing.T, m *Map[K, V], a, b K, va, vb V) {
	var done atomic.Bool
	var bad atomic.Int64
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer done.Store(true)
		for range stress.Scale(200000) {
			m.Store(a, va)
			m.Delete(a)
			m.Store(b, vb)
			m.Delete(b)
		}
	}()
	go func() {
		defer wg.Done()
		for !done.Load() {
			if v, ok := m.Load(a); ok && v != va {
				bad.Add(1)
			}
			if v, ok := m.Load(b); ok && v != vb {
				bad.Add(1)
			}
			runtime.Gosched()
		}
	}()
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d hits returned another key's value", bad.Load())
	}
}

// TestMapReusable checks which key and value types let inserts overwrite
// deleted slots: those whose every word can be read and written
// atomically on its own.
func TestMapReusable(t *testing.T) {
	type named int
	for _, c := range []struct {
		name string
		got  bool
		want bool
	}{
		{"int,int", mapReusable[int, int](), unsafe.Alignof(int(0)) == 8},
		{"named,float64", mapReusable[named, float64](), unsafe.Alignof(named(0)) == 8 && unsafe.Alignof(float64(0)) == 8},
		{"string,int", mapReusable[string, int](), unsafe.Alignof(int(0)) == 8},
		{"any,any", mapReusable[any, any](), true},
		{"string,error", mapReusable[string, error](), true},
		{"int,string", mapReusable[int, string](), false},
		{"int32,int", mapReusable[int32, int](), false},
		{"float64,int", mapReusable[float64, int](), false},
		{"[2]int,int", mapReusable[[2]int, int](), false},
	} {
		if c.got != c.want {
			t.Errorf("mapReusable[%s] = %v; want %v", c.name, c.got, c.want)
		}
	}
}

// TestMapHashSpread checks that integer keys in arithmetic progression
// (0, 1, 2, ... and multiples of 1024) spread over home groups like random
// keys for every map seed: without mapMix's last step (the high half
// folded into the low one) they fell on a lattice for about 0.3 % of
// seeds, the fullest of 256 groups holding 21 to 37 of 1000 keys: long
// chains and one hot lock.
func TestMapHashSpread(t *testing.T) {
	const keys, maps, groups = 1000, 500, 256 // about 4 keys per group
	worst := 0
	for range maps {
		m := NewMap[int, int]()
		hs := m.table().hs
		for _, stride := range []int{1, 1024} {
			var n [groups]int
			for i := range keys {
				n[mapHash(&hs, i*stride)>>7&(groups-1)]++
			}
			worst = max(worst, slices.Max(n[:]))
		}
	}
	// Random hashing: about 4 keys per group; the fullest of 256 holds
	// 17 or fewer in practice (measured over 1000 random hash sets).
	t.Logf("over %d seeds: fullest of %d home groups got %d of %d keys", maps, groups, worst, keys)
	if worst > 24 {
		t.Errorf("over %d seeds, a home group got %d of %d keys in arithmetic progression; want at most 24", maps, worst, keys)
	}
}

// TestMapClaimChunk: a resize's units are claimed from both ends (the
// resizer upward, helping writers downward) by concurrent claimers, each
// unit exactly once, and claimed counts them; a resize too large for the
// split claim word claims upward only.
func TestMapClaimChunk(t *testing.T) {
	for _, n := range []int64{1, mapChunk - 1, mapChunk, 10*mapChunk + 3, 1000} {
		var tb mapTable[int, int]
		owner := make([]atomic.Int32, n)
		var total atomic.Int64
		stress.Run(4, func(g int) {
			for {
				c, end, ok := tb.claimChunk(n, g%2 == 1)
				if !ok {
					return
				}
				if c < 0 || end > n || c >= end || end-c > mapChunk {
					t.Errorf("n=%d: claimed [%d, %d)", n, c, end)
					return
				}
				for u := c; u < end; u++ {
					owner[u].Add(1)
				}
				total.Add(end - c)
			}
		})
		for u := range owner {
			if k := owner[u].Load(); k != 1 {
				t.Errorf("n=%d: unit %d claimed %d times; want once", n, u, k)
			}
		}
		if got := tb.claimed(n); got != n || total.Load() != n {
			t.Errorf("n=%d: claimed() = %d, chunks summed to %d; want %d", n, got, total.Load(), n)
		}
	}
	var tb mapTable[int, int]
	n := int64(mapClaimHalf + 5)
	for i, down := range []bool{true, false, true} {
		c, end, ok := tb.claimChunk(n, down)
		if want := int64(i * mapChunk); !ok || c != want || end != want+mapChunk {
			t.Errorf("large resize, claim %d (down=%v) = [%d, %d), %v; want [%d, %d), true", i, down, c, end, ok, want, want+mapChunk)
		}
	}
	if got := tb.claimed(n); got != 3*mapChunk {
		t.Errorf("large resize: claimed() = %d; want %d", got, 3*mapChunk)
	}
}

// TestMapInternalStressUnlink: the churning keys of one long home chain
// empty its overflow groups again and again, which unlink drops, while
// readers look up the chain's stable keys, which must always be found: a
// reader inside a group that is being dropped must still reach the rest
// of the chain through the group's next pointer (unlink leaves it as it
// was), and a drop must not cut off the groups after it.
func TestMapInternalStressUnlink(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := NewMap[int, int]()
		// 40 keys of one home group in the 8-group table (64 slots): a
		// chain of 5 groups, and no growth (40 entries are not 7/8 of 64).
		ks := mapSameHome(m, func(i int) int { return i + 1 }, 40)
		churn, stable := ks[:32], ks[32:]
		for _, k := range ks {
			m.Store(k, -k)
		}
		var done atomic.Bool
		var misses, unlinks atomic.Int64
		stress.Run(1+max(1, procs-1), func(g int) {
			if g == 0 {
				defer done.Store(true)
				for range stress.Scale(20000) {
					before := MapChain(m, churn[0])
					// Delete the churning keys group by group (their
					// insertion order), so that overflow groups empty.
					for _, k := range churn {
						m.Delete(k)
					}
					if MapChain(m, churn[0]) < before {
						unlinks.Add(1)
					}
					for _, k := range churn {
						m.Store(k, -k)
					}
				}
				return
			}
			for !done.Load() {
				for _, k := range stable {
					if v, ok := m.Load(k); !ok || v != -k {
						misses.Add(1)
					}
				}
			}
		})
		if misses.Load() != 0 {
			t.Fatalf("%d look-ups of stable keys missed or read a wrong value", misses.Load())
		}
		if unlinks.Load() == 0 {
			t.Fatalf("no overflow group was dropped: the test did not exercise unlink")
		}
		if g := len(m.t.Load().groups); g != mapMinGroups {
			t.Fatalf("the table has %d groups; want %d (it must not have grown)", g, mapMinGroups)
		}
	})
}

// TestMapDeleteReleases: in a reuse table a delete clears the pointer
// words of the freed slot (release), so that what the deleted key and
// value referenced can be collected before the slot is reused.
func TestMapDeleteReleases(t *testing.T) {
	type payload [1 << 10]byte
	t.Run("string-any", func(t *testing.T) {
		m := NewMap[string, any]()
		p := new(payload)
		w := weak.Make(p)
		k := strings.Repeat("k", 64) // a heap string
		wk := weak.Make(unsafe.StringData(k))
		m.Store(k, p)
		m.Store("other", 1)               // the table stays in use
		m.Delete(strings.Repeat("k", 64)) // p and k are dead from here
		runtime.GC()
		if w.Value() != nil || wk.Value() != nil {
			t.Fatalf("after Delete and a GC the value (%v) or the key (%v) is still reachable", w.Value() != nil, wk.Value() != nil)
		}
		if v, ok := m.Load("other"); !ok || v != 1 {
			t.Fatalf("Load(other) = %v, %v", v, ok)
		}
	})
	t.Run("any-any", func(t *testing.T) {
		m := NewMap[any, any]()
		kp, vp := new(payload), new(payload)
		wk, wv := weak.Make(kp), weak.Make(vp)
		m.Store(kp, vp)
		m.Store(1, 1)
		m.Delete(kp) // kp and vp are dead from here
		runtime.GC()
		if wk.Value() != nil || wv.Value() != nil {
			t.Fatalf("after Delete and a GC the key (%v) or the value (%v) is still reachable", wk.Value() != nil, wv.Value() != nil)
		}
	})
}

// TestMapInternalStressRangeReinsert: writers delete keys of one long
// home chain and insert them back (in an append-only table the key comes
// back in a never-used slot, usually later on the chain; in a reuse table
// in the first free one), while Ranges run: no Range may report a key
// twice or miss a key that was present throughout (the stable ones).
func TestMapInternalStressRangeReinsert(t *testing.T) {
	t.Run("append-only", func(t *testing.T) {
		testMapRangeReinsert(t, NewMap[int, string](), strconv.Itoa)
	})
	t.Run("reuse", func(t *testing.T) {
		testMapRangeReinsert(t, NewMap[int, int](), func(i int) int { return i })
	})
}

func testMapRangeReinsert[V any](t *testing.T, m *Map[int, V], val func(int) V) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		// 28 keys of one home group of the 8-group table: a chain of 4
		// groups or more, never grown (28 entries are not 7/8 of 64
		// slots), short enough for Range's lock-free copy (32 entries).
		ks := mapSameHome(m, func(i int) int { return i + 1 }, 28)
		moving, stable := ks[:10], ks[10:]
		for _, k := range ks {
			m.Store(k, val(k))
		}
		isStable := map[int]bool{}
		for _, k := range stable {
			isStable[k] = true
		}
		var done atomic.Bool
		var twice, missed, ranges atomic.Int64
		stress.Run(2, func(g int) {
			if g == 0 {
				defer done.Store(true)
				for i := range stress.Scale(100000) {
					k := moving[i%len(moving)]
					m.Delete(k)
					m.Store(k, val(k))
				}
				return
			}
			for !done.Load() {
				seen := map[int]bool{}
				n := 0
				m.Range(func(k int, _ V) bool {
					if seen[k] {
						twice.Add(1)
					}
					seen[k] = true
					if isStable[k] {
						n++
					}
					return true
				})
				if n != len(stable) {
					missed.Add(1)
				}
				ranges.Add(1)
			}
		})
		t.Logf("ranges %d twice %d missed %d groups %d", ranges.Load(), twice.Load(), missed.Load(), len(m.t.Load().groups))
		if twice.Load() != 0 || missed.Load() != 0 {
			t.Fatalf("over %d Ranges: %d keys reported twice, %d Ranges missed a stable key", ranges.Load(), twice.Load(), missed.Load())
		}
	})
}

// TestMapInternalStressReuseAny: as TestMapInternalStressReuseString for a
// Map[any, any] (reuse on every platform) whose two keys, an int and a string of one home group,
// take turns in the same slot, so that Load's fast path for int keys in
// an interface meets a slot whose key changes type under it: it must not
// use the data word it read (a string's, read as an int) unless the
// group's seq says the slot did not change. Run with -tags
// ftutils_window to make the race likely.
func TestMapInternalStressReuseAny(t *testing.T) {
	m := NewMap[any, any]()
	if !m.t.Load().anyKey {
		t.Fatal("Map[any, any] does not take Load's fast path for int keys")
	}
	cand := func(i int) any {
		if i%2 == 0 {
			return i + 2 // a small int, not 0 or 1: see below
		}
		return strconv.Itoa(i) // its data word points at the bytes "1", "3", ...
	}
	ks := mapSameHome(m, cand, 16)
	a := ks[0]
	var b any
	for _, k := range ks[1:] {
		if _, isString := k.(string); isString {
			b = k
			break
		}
	}
	if b == nil {
		t.Fatal("no string key shares the int key's home group")
	}
	mapReuseRace[any, any](t, m, a, b, 1, 2)
}

// TestMapShortWords: the two words mapShortWords reads cover every byte of
// a string of up to 16 bytes, so equal strings have equal words and
// strings of one length that differ in any one bit do not; and the
// bytes around the string are never read (a guard byte on each side is
// changed without changing the words).
func TestMapShortWords(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 0))
	buf := make([]byte, mapShortStr+2)
	for n := 0; n <= mapShortStr; n++ {
		for range 50 {
			for i := range buf {
				buf[i] = byte(r.Uint32())
			}
			p := unsafe.Pointer(&buf[1])
			a, b := mapShortWords(p, n)
			if c, d := mapShortWords(unsafe.Pointer(unsafe.StringData(strings.Clone(string(buf[1:1+n])))), n); c != a || d != b {
				t.Fatalf("n=%d: a copy of the bytes has words %#x, %#x; want %#x, %#x", n, c, d, a, b)
			}
			buf[0]++
			buf[1+n]++
			if c, d := mapShortWords(p, n); c != a || d != b {
				t.Fatalf("n=%d: the words changed with the bytes around the string", n)
			}
			for i := range n * 8 {
				buf[1+i/8] ^= 1 << (i % 8)
				if c, d := mapShortWords(p, n); c == a && d == b {
					t.Fatalf("n=%d: bit %d flipped, the words did not change", n, i)
				}
				buf[1+i/8] ^= 1 << (i % 8)
			}
		}
	}
}

// TestMapStringHashSpread checks that similar string keys (a counter with
// a prefix, zero-padded to 8 and to 16 bytes, all two-byte strings, and
// long keys past mapShortStr) spread over home groups and control tags
// like random keys for every map seed.
func TestMapStringHashSpread(t *testing.T) {
	const keys, maps, groups = 1000, 300, 256 // about 4 keys per group
	sets := map[string]func(int) string{
		"key-i":   func(i int) string { return "key-" + strconv.Itoa(i) },
		"%08d":    func(i int) string { return fmt.Sprintf("%08d", i) },
		"%016d":   func(i int) string { return fmt.Sprintf("%016d", i) },
		"2 bytes": func(i int) string { return string([]byte{byte(i), byte(i >> 8)}) },
		"%040d":   func(i int) string { return fmt.Sprintf("%040d", i) },
	}
	for name, key := range sets {
		ks := make([]string, keys)
		for i := range ks {
			ks[i] = key(i)
		}
		worst, worstTag := 0, 0
		for range maps {
			m := NewMap[string, int]()
			hs := m.table().hs
			var n [groups]int
			var tags [128]int
			for _, k := range ks {
				h := mapHash(&hs, k)
				n[h>>7&(groups-1)]++
				tags[h&0x7f]++
			}
			worst, worstTag = max(worst, slices.Max(n[:])), max(worstTag, slices.Max(tags[:]))
		}
		// Random hashing, over this many sets: at most about 17 keys in
		// the fullest group, about 22 on the commonest tag (7.8 on average).
		t.Logf("%s, over %d seeds: fullest of %d home groups got %d of %d keys, commonest tag %d", name, maps, groups, worst, keys, worstTag)
		if worst > 24 || worstTag > 30 {
			t.Errorf("%s, over %d seeds: a home group got %d of %d keys (want at most 24), a tag %d (want at most 30)", name, maps, worst, keys, worstTag)
		}
	}
}

// TestMapStringKeysSameTag: string keys of every length class (empty,
// 1-3, 4-7, 8-16 bytes: compared by their words; longer: by memequal)
// that share a home group and a control tag with a stored key, so that
// every look-up compares keys, are told apart by Load, looked up by
// copies (another pointer) and by the stored strings themselves.
func TestMapStringKeysSameTag(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 0))
	for _, n := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 40} {
		m := NewMap[string, int]()
		randKey := func() string {
			b := make([]byte, n)
			for i := range b {
				switch {
				case n <= 3:
					b[i] = byte(r.Uint32())
				case n <= 7:
					b[i] = 'a' + byte(r.IntN(16))
				default:
					b[i] = 'a' + byte(r.IntN(4)) // keys that differ in few bytes
				}
			}
			return string(b)
		}
		k0 := randKey()
		m.Store(k0, -1)
		tb := m.table()
		h0 := mapHash(&tb.hs, k0)
		same := []string{k0}
		// Half the candidates differ from k0 only in two bytes of its
		// first word or only in two of its last (mapShortWords): a key
		// compare that skips either word takes one for k0.
		w := 8
		if n < 8 {
			w = 4
		}
		mutant := func() string {
			b := []byte(k0)
			lo := 0
			if r.IntN(2) == 0 {
				lo = n - w
			}
			b[lo+r.IntN(w)] = byte(r.Uint32())
			b[lo+r.IntN(w)] = byte(r.Uint32())
			return string(b)
		}
		for try := 0; len(same) < 6 && try < 1<<20; try++ {
			k := randKey()
			if n >= 4 && try%2 == 0 {
				k = mutant()
			}
			if h := mapHash(&tb.hs, k); h&0x7f == h0&0x7f && h>>7&tb.mask == h0>>7&tb.mask && !slices.Contains(same, k) {
				same = append(same, k)
			}
		}
		if n >= 2 && len(same) < 6 {
			t.Fatalf("n=%d: found %d keys with one home group and tag; want 6", n, len(same))
		}
		for i, k := range same[1:] {
			if v, ok := m.Load(strings.Clone(k)); ok {
				t.Fatalf("n=%d: Load(%q) = %d, true before it was stored (it shares %q's tag)", n, k, v, k0)
			}
			m.Store(k, i)
		}
		if m.table() != tb {
			t.Fatalf("n=%d: the table was replaced; the keys may no longer share a group", n)
		}
		for i, k := range same {
			for _, q := range []string{k, strings.Clone(k)} {
				if v, ok := m.Load(q); !ok || v != i-1 {
					t.Errorf("n=%d: Load(%q) = %d, %v; want %d, true", n, q, v, ok, i-1)
				}
			}
		}
	}
}

// TestMapValEqual: mapValEqual agrees with any(a) == any(b) on every pair
// of a set of values (ints small and large, which the runtime boxes
// differently, the same number as other integer types, nil, strings,
// pointers, structs), and panics where it does (two slices).
func TestMapValEqual(t *testing.T) {
	type myInt int
	x, y := 1, 1
	vals := []any{0, 1, 255, 256, -1, 1 << 30, int64(1), int32(1), myInt(1), uint(1), nil, "1", "", &x, &y, struct{ a, b int }{1, 2}, struct{ a, b int }{1, 3}, 1.0}
	for _, a := range vals {
		for _, b := range vals {
			// Copies: equal ints boxed apart, so that the data words differ.
			a2, b2 := a, b
			if i, ok := a.(int); ok {
				a2 = any(i + 0)
			}
			if got, want := mapValEqual(mapValTyped, a2, b2), a == b; got != want {
				t.Errorf("mapValEqual(%T(%v), %T(%v)) = %v; want %v", a, a, b, b, got, want)
			}
			if got, want := mapValEqual(mapValInline, a2, b2), a == b; got != want {
				t.Errorf("mapValEqual(mapValInline, %T(%v), %T(%v)) = %v; want %v", a, a, b, b, got, want)
			}
		}
	}
	for _, i := range []int{300, 1 << 30} {
		p, q := any(i), any(i)
		if *mapDataWord(&p) == *mapDataWord(&q) {
			t.Fatalf("two boxes of %d share a data word; the test needs them apart", i)
		}
		if !mapValEqual(mapValTyped, p, q) {
			t.Errorf("mapValEqual(%d, %d) = false, from two boxes", i, i)
		}
	}
	defer func() {
		if recover() == nil {
			t.Errorf("mapValEqual of two slices did not panic")
		}
	}()
	mapValEqual[any](mapValTyped, []int{1}, []int{1})
}

// TestMapLockHash: the hash that lock computes written out for integer
// keys and ints in interface keys is mapHash's (a key's writes and its
// lock-free look-ups must meet in one home group), for keys of every kind,
// in a map's first table and in its tables after Clear, growth and
// shrinking (which keep the map's seeds).
func TestMapLockHash(t *testing.T) {
	big := int(^uint(0) >> 1) // the largest int (1<<31 - 1 on 32-bit platforms)
	anyKeys := []any{0, 1, -1, 255, 256, big, -big - 1, int64(7), uint(7), int32(7), "x", "a longer string key", 3.5, struct{ a, b int }{1, 2}, nil}
	id := func(i int) int { return i }
	testMapLockHash(t, NewMap[any, int](), anyKeys, func(i int) any { return 1000 + i }, id)
	// A reuse table on 32-bit platforms too (Map[any, int]'s 4-byte
	// values are not one word there).
	testMapLockHash(t, NewMap[any, any](), anyKeys, func(i int) any { return 1000 + i }, func(i int) any { return i })
	testMapLockHash(t, NewMap[int, int](), []int{0, 1, -1, 255, 256, big, -big - 1}, func(i int) int { return 1000 + i }, id)
	testMapLockHash(t, NewMap[uint64, int](), []uint64{0, 1, 1 << 63}, func(i int) uint64 { return uint64(1000 + i) }, id)
	testMapLockHash(t, NewMap[int32, int](), []int32{0, 1, -1}, func(i int) int32 { return int32(1000 + i) }, id)
	testMapLockHash(t, NewMap[string, int](), []string{"", "k", "key-12345", "a key longer than sixteen bytes"}, strconv.Itoa, id)
	testMapLockHash(t, NewMap[[2]int, int](), [][2]int{{0, 0}, {1, 2}}, func(i int) [2]int { return [2]int{i, 1000} }, id)
}

// testMapLockHash checks keys, and grows m with filler keys key(0),
// key(1), ... (none of them among keys).
func testMapLockHash[K comparable, V any](t *testing.T, m *Map[K, V], keys []K, key func(int) K, val func(int) V) {
	t.Helper()
	first := m.table().hs
	check := func(when string) {
		t.Helper()
		if m.t.Load().hs != first {
			t.Fatalf("%T %s: the table's hasher changed", m, when)
		}
		for i, k := range keys {
			want := mapHash(&first, k)
			_, home, h := m.lock(k)
			home.mu.Unlock()
			if h != want {
				t.Errorf("%T %s: lock(%v) hashed %#x; mapHash says %#x", m, when, k, h, want)
			}
			m.Store(k, val(i))
			if _, ok := m.Load(k); !ok {
				t.Errorf("%T %s: Load(%v) after Store found nothing", m, when, k)
			}
		}
	}
	check("at first")
	m.Clear()
	check("after the first Clear")
	for i := range 5000 {
		m.Store(key(i), val(i))
	}
	grown := len(m.t.Load().groups)
	check("after growing")
	for i := range 5000 {
		m.Delete(key(i))
	}
	if len(m.t.Load().groups) >= grown {
		t.Fatalf("%T: the map did not shrink from %d groups", m, grown)
	}
	check("after shrinking")
	m.Clear()
	check("after Clear")
}

// TestMapPageRange: the pages mapPopulate populates lie within its range.
func TestMapPageRange(t *testing.T) {
	for _, c := range []struct{ p, n, ps, start, end uintptr }{
		{0x1000, 0x3000, 0x1000, 0x1000, 0x4000},
		{0x1001, 0x3000, 0x1000, 0x2000, 0x4000},
		{0x1000, 0x2fff, 0x1000, 0x1000, 0x3000},
		{0x1008, 0x1ff0, 0x1000, 0x2000, 0x2000}, // inside two pages, no whole one
		{0x1008, 0x10, 0x1000, 0x2000, 0x1000},
		{0x1000, 0, 0x1000, 0x1000, 0x1000},
		{0x10000, 0x30000, 0x10000, 0x10000, 0x40000},
		{0x10010, 0x30000, 0x10000, 0x20000, 0x40000},
	} {
		start, end := mapPageRange(c.p, c.n, c.ps)
		if start != c.start || end != c.end {
			t.Errorf("mapPageRange(%#x, %#x, %#x) = %#x, %#x; want %#x, %#x", c.p, c.n, c.ps, start, end, c.start, c.end)
		}
		if end > start && (start < c.p || end > c.p+c.n || start%c.ps != 0 || end%c.ps != 0) {
			t.Errorf("mapPageRange(%#x, %#x, %#x) = %#x, %#x: not whole pages within the range", c.p, c.n, c.ps, start, end)
		}
	}
}

// TestMapPopulate: populating a range of zeros leaves it zeros and
// changes no byte around it (the partial pages at its ends included), for
// ranges of any alignment and length. (map_populate_linux_test.go tries
// fresh, read and written pages.)
func TestMapPopulate(t *testing.T) {
	buf := make([]uint64, 1<<20) // 8 MB: a large object, of fresh pages at first
	for _, r := range mapPopulateRanges(len(buf)) {
		clear(buf[r[0]:r[1]])
		mapMarkAround(buf, r)
		_, _ = mapPopulate(unsafe.Pointer(&buf[r[0]]), uintptr(r[1]-r[0])*8) // its error: map_populate_linux_test.go
		mapCheckPopulated(t, "", buf, r)
	}
}

// mapPopulateMark is the word the mapPopulate tests put at index i
// outside the range they populate.
func mapPopulateMark(i int) uint64 { return uint64(i)*0x9E3779B97F4A7C15 | 1 }

// mapMarkAround writes every word of buf outside the range r of words.
func mapMarkAround(buf []uint64, r [2]int) {
	for i := range buf {
		if i < r[0] || i >= r[1] {
			buf[i] = mapPopulateMark(i)
		}
	}
}

// mapCheckPopulated fails the test at the first word of buf that is not
// zero inside the range r or its mark (mapMarkAround) outside it; what
// names the case.
func mapCheckPopulated(t *testing.T, what string, buf []uint64, r [2]int) {
	t.Helper()
	for i, x := range buf {
		want := mapPopulateMark(i)
		if i >= r[0] && i < r[1] {
			want = 0
		}
		if x != want {
			t.Fatalf("%srange %v: buf[%d] = %#x after mapPopulate; want %#x", what, r, i, x, want)
		}
	}
}

// mapPopulateRanges are the ranges of words, [r[0], r[1]), of a buffer of
// n words that the mapPopulate tests populate.
func mapPopulateRanges(n int) [][2]int {
	return [][2]int{{0, n}, {1, 1000}, {3, 5}, {1000, 600000}, {513, 3*512 + 5}, {n - 1, n}, {7, 7}}
}

// TestMapGrowPopulated: a Map[any, any] grown past mapPopulateMin by two
// writers, so that its last resizes populate their new tables
// (mapPopulate), while a reader checks that every key it finds holds its
// own value; afterwards every key is present with its value. Run in every
// mode (-short and -race included): the tests that grow maps further are
// scaled down there.
func TestMapGrowPopulated(t *testing.T) {
	m := NewMap[any, any]()
	const writers, per = 2, 30000
	var done atomic.Int64
	var bad atomic.Int64
	stress.Run(writers+1, func(g int) {
		if g == writers {
			for i := 0; done.Load() < writers; i = (i + 7919) % (writers * per) {
				if v, ok := m.Load(i); ok && v != any(-i) {
					bad.Add(1)
				}
			}
			return
		}
		for i := g * per; i < (g+1)*per; i++ {
			m.Store(i, -i)
		}
		done.Add(1)
	})
	if bad.Load() != 0 {
		t.Fatalf("%d Loads found a key with another key's value", bad.Load())
	}
	tab := m.t.Load()
	if sz := uintptr(len(tab.groups)) * unsafe.Sizeof(tab.groups[0]); sz < 2*mapPopulateMin {
		t.Fatalf("the table has %d bytes; want at least %d (two resizes that populate)", sz, 2*mapPopulateMin)
	}
	for i := range writers * per {
		if v, ok := m.Load(i); !ok || v != any(-i) {
			t.Fatalf("Load(%d) = %v, %v; want %d, true", i, v, ok, -i)
		}
	}
	if n := m.Len(); n != writers*per {
		t.Fatalf("Len() = %d; want %d", n, writers*per)
	}
}
