package ftutils

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/ftutils-go/ftutils/internal/stress"
)

// TestMapInsertSharedConcurrent fills small tables from several goroutines
// at once through insertShared, the insert of a helped rebuild, so that
// they often claim slots of the same group at the same moment. Every entry
// must land in exactly one slot: a claim that overwrote another's (a plain
// store instead of the CAS) loses an entry, which the count of full
// control bytes and the key scan catch.
func TestMapInsertSharedConcurrent(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		const workers, per = 4, 20 // 80 entries in 32 groups (256 slots)
		r := newMapRoot[int, int](mapConfig{shards: 1})
		for round := range stress.Scale(2000) {
			tb := newMapTable[int, int](96, false, false)
			src := make([]mapSlot[int, int], workers*per)
			for i := range src {
				src[i] = mapSlot[int, int]{key: round*1000 + i, val: i}
			}
			stress.Run(workers, func(w int) {
				for i := w * per; i < (w+1)*per; i++ {
					tb.insertShared(&src[i], r.hash(src[i].key))
				}
			})
			full := 0
			seen := make([]bool, len(src))
			for gi := range tb.groups {
				m := tb.groups[gi].ctrl.Load() & mapMSBs
				full += bits.OnesCount64(m)
				for ; m != 0; m &= m - 1 {
					sl := tb.groups[gi].slots[bits.TrailingZeros64(m)>>3]
					if i := sl.key - round*1000; i < 0 || i >= len(src) || seen[i] || sl.val != i {
						t.Fatalf("round %d: slot holds %d: %d (duplicate or foreign)", round, sl.key, sl.val)
					} else {
						seen[i] = true
					}
				}
			}
			if full != len(src) {
				t.Fatalf("round %d: %d full slots after %d inserts", round, full, len(src))
			}
		}
	})
}

// TestMapHelpedRebuildProtocol drives the helpers of a rebuild directly: it
// rebuilds one large shard over and over while other goroutines keep
// calling the shard's lock (so that they arrive during the copy and help)
// and a reader keeps loading keys from whichever table is published. After
// every rebuild the new table must hold each key exactly once with its
// value; a rebuilder that published before the last chunk was copied, a
// helper that counted its chunk done before copying it, or helpers that
// claimed slots without a CAS, each lose entries here.
func TestMapHelpedRebuildProtocol(t *testing.T) {
	// Enough Ps for the rebuilder, three lockers and a reader to overlap.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(mapManyProcs, runtime.GOMAXPROCS(0))))
	const keys = 12000 // 4000 groups after a rebuild: well above mapCopyMinGroups
	m := NewMap[int, int](WithMapShards(1))
	m.rootForWrite().manyProcs = true // helpers join whatever the CPU count
	for k := range keys {
		m.Store(k, -k)
	}
	r := m.root.Load()
	s := &r.shards[0]
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for !stop.Load() {
				s.lock()
				s.mu.Unlock()
			}
		})
	}
	var bad atomic.Int64
	wg.Go(func() {
		for i := 0; !stop.Load(); i++ {
			k := i % keys * 7919 % keys // no overflow of a 32-bit int
			if v, ok := m.Load(k); !ok || v != -k {
				bad.Add(1)
			}
		}
	})
	defer func() {
		stop.Store(true)
		wg.Wait()
	}()
	for round := range stress.Scale(300) {
		s.mu.Lock()
		tb := s.rebuild(r, s.table.Load())
		s.mu.Unlock()
		seen := make([]bool, keys)
		for gi := range tb.groups {
			for mk := tb.groups[gi].ctrl.Load() & mapMSBs; mk != 0; mk &= mk - 1 {
				sl := tb.groups[gi].slots[bits.TrailingZeros64(mk)>>3]
				if sl.key < 0 || sl.key >= keys || seen[sl.key] || sl.val != -sl.key {
					t.Fatalf("rebuild %d: slot holds %d: %d (duplicate or wrong)", round, sl.key, sl.val)
				}
				seen[sl.key] = true
			}
		}
		for k, ok := range seen {
			if !ok {
				t.Fatalf("rebuild %d lost key %d", round, k)
			}
		}
	}
	if n := bad.Load(); n != 0 {
		t.Errorf("%d concurrent Loads missed a key or saw a wrong value", n)
	}
}

// TestMapReviveSlot checks when an insert revives the slot of the shard's
// last delete (mapShard.revive) instead of consuming a fresh slot: only for
// the same key with the same value, and never across a rebuild.
func TestMapReviveSlot(t *testing.T) {
	shard := func(m any) *mapShard[int, int] { return &m.(*Map[int, int]).rootForWrite().shards[0] }
	m := NewMap[int, int](WithMapShards(1))
	SetMapReuse(m, false) // reuse would take the deleted slots first
	for k := range 10 {
		m.Store(k, k)
	}
	s := shard(m)
	used, tbl := s.used, s.table.Load()
	step := func(what string, wantUsed int, f func()) {
		t.Helper()
		f()
		if s.used != wantUsed || s.table.Load() != tbl {
			t.Fatalf("%s: %d slots used (table replaced: %v); want %d", what, s.used, s.table.Load() != tbl, wantUsed)
		}
	}
	step("Delete(3), Store(3, 3)", used, func() { m.Delete(3); m.Store(3, 3) })
	step("Delete(3), LoadOrStore(3, 3)", used, func() { m.Delete(3); m.LoadOrStore(3, 3) })
	step("Delete(3), Store(3, 4)", used+1, func() { m.Delete(3); m.Store(3, 4) })
	step("Delete(4), Delete(5), Store(4, 4)", used+2, func() { m.Delete(4); m.Delete(5); m.Store(4, 4) })
	step("Store(5, 5): 5 is still the last delete", used+2, func() { m.Store(5, 5) })
	for k, want := range []int{0, 1, 2, 4, 4, 5, 6, 7, 8, 9} {
		if v, ok := m.Load(k); !ok || v != want {
			t.Fatalf("Load(%d) = %d, %v; want %d", k, v, ok, want)
		}
	}
	if m.Len() != 10 {
		t.Fatalf("Len() = %d; want 10", m.Len())
	}
	// After a Range froze the table, the next write rebuilds the shard,
	// and the tombstone it would have revived is gone with the old table.
	m.Delete(7)
	m.Range(func(int, int) bool { return true })
	m.Store(7, 7)
	if v, ok := m.Load(7); !ok || v != 7 || s.table.Load() == tbl || s.lastDel != 0 {
		t.Fatalf("after Delete, Range, Store: Load(7) = %d, %v, table replaced %v, lastDel %d", v, ok, s.table.Load() != tbl, s.lastDel)
	}

	// A set churned by removing and adding back members never rebuilds.
	set := NewMap[string, struct{}](WithMapShards(1))
	members := make([]string, 50)
	for i := range members {
		members[i] = "member-" + strconv.Itoa(i)
		set.Store(members[i], struct{}{})
	}
	st := set.rootForWrite().tables[0].Load()
	for i := range 100000 {
		k := members[i*7%len(members)]
		set.Delete(k)
		set.Store(k, struct{}{})
	}
	if set.rootForWrite().tables[0].Load() != st || set.Len() != len(members) {
		t.Fatalf("set churn: table replaced %v, Len %d", set.rootForWrite().tables[0].Load() != st, set.Len())
	}
}

// TestMapReviveSameValue covers mapSameKey and mapSameVal: equal values
// that a program cannot tell apart count as the same, equal ones it can
// (float zeros of opposite sign) or unequal ones do not.
func TestMapReviveSameValue(t *testing.T) {
	big := 1 << 20 // boxed anew on every conversion to an interface
	negZero := math.Copysign(0, -1)
	cases := []struct {
		name string
		same bool
		get  func() bool
	}{
		{"int", true, func() bool { return mapSameVal(mapValModeOf[int](), new(7), 7) }},
		{"int other", false, func() bool { return mapSameVal(mapValModeOf[int](), new(7), 8) }},
		{"float -0 vs +0", false, func() bool { return mapSameVal(mapValModeOf[float64](), new(negZero), 0.0) }},
		{"any boxed int", true, func() bool { return mapSameVal(mapValModeOf[any](), new(any(big)), any(big)) }},
		{"any int vs int64", false, func() bool { return mapSameVal(mapValModeOf[any](), new(any(big)), any(int64(big))) }},
		{"any string", true, func() bool {
			return mapSameVal(mapValModeOf[any](), new(any("x"+strconv.Itoa(big))), any("x"+strconv.Itoa(big)))
		}},
		{"any float equal, boxed twice", false, func() bool { return mapSameVal(mapValModeOf[any](), new(any(float64(big)+0.5)), any(float64(big)+0.5)) }},
		{"any same pointer", true, func() bool { p := new(int); return mapSameVal(mapValModeOf[any](), new(any(p)), any(p)) }},
		{"struct{}", true, func() bool { return mapSameVal(mapValModeOf[struct{}](), new(struct{}{}), struct{}{}) }},
		{"[2]int", true, func() bool { return mapSameVal(mapValModeOf[[2]int](), new([2]int{1, 2}), [2]int{1, 2}) }},
		{"[2]int other", false, func() bool { return mapSameVal(mapValModeOf[[2]int](), new([2]int{1, 2}), [2]int{1, 3}) }},
		{"key string", true, func() bool { return mapSameKey(mapKeyWordOf[string](), "k"+strconv.Itoa(big), "k"+strconv.Itoa(big)) }},
		{"key float -0 vs +0", false, func() bool { return mapSameKey(mapKeyWordOf[float64](), negZero, 0.0) }},
		{"key float NaN", false, func() bool { return mapSameKey(mapKeyWordOf[float64](), math.NaN(), math.NaN()) }},
		{"key any boxed int", true, func() bool { return mapSameKey[any](mapKeyWordOf[any](), big, big) }},
		{"key any float", false, func() bool { return mapSameKey[any](mapKeyWordOf[any](), float64(big), float64(big)) }},
	}
	for _, c := range cases {
		if got := c.get(); got != c.same {
			t.Errorf("%s: same = %v; want %v", c.name, got, c.same)
		}
	}
	// And through the map: a float key stored back with the other zero's
	// sign gets a fresh slot, so the map holds the key it was given.
	m := NewMap[float64, int](WithMapShards(1))
	m.Store(negZero, 1)
	m.Delete(0)
	m.Store(0, 1)
	for k := range m.Keys() {
		if math.Signbit(k) {
			t.Fatalf("Store(+0) after Delete(-0) left the key -0 in the map")
		}
	}
}

// TestMapStoreSameValue checks that storing the value an entry already has
// spends no slot in the maps whose values are not updated in place (a set
// re-adding a present member, a string value stored again), and that a
// different value or a key that is equal but distinguishable (float -0 for
// +0) still goes to a fresh slot.
func TestMapStoreSameValue(t *testing.T) {
	set := NewMap[string, struct{}](WithMapShards(1))
	members := []string{"a", "b", "c"}
	for _, k := range members {
		set.Store(k, struct{}{})
	}
	s := &set.rootForWrite().shards[0]
	used, tbl := s.used, s.table.Load()
	for i := range 10000 {
		set.Store(members[i%3], struct{}{})
		set.Swap(members[i%3], struct{}{})
		set.CompareAndSwap(members[i%3], struct{}{}, struct{}{})
	}
	if s.used != used || s.table.Load() != tbl || set.Len() != 3 {
		t.Fatalf("re-adding present members: %d slots used (was %d), table replaced %v, Len %d", s.used, used, s.table.Load() != tbl, set.Len())
	}

	m := NewMap[string, string](WithMapShards(1))
	val := "v" + strconv.Itoa(1<<20) // one string, stored again and again
	m.Store("k", val)
	ms := &m.rootForWrite().shards[0]
	used = ms.used
	m.Store("k", val)
	m.Compute("k", func(old string, _ bool) (string, ComputeOp) { return old, ComputeStore })
	if ms.used != used {
		t.Fatalf("storing the same string again spent %d slots", ms.used-used)
	}
	m.Store("k", "other")
	if v, _ := m.Load("k"); ms.used != used+1 || v != "other" {
		t.Fatalf("a different value: Load = %q, %d slots spent; want \"other\", 1", v, ms.used-used)
	}

	f := NewMap[float64, string](WithMapShards(1))
	f.Store(math.Copysign(0, -1), "x")
	f.Store(0, "x")
	for k := range f.Keys() {
		if math.Signbit(k) || f.Len() != 1 {
			t.Fatalf("Store(+0) over the key -0 kept -0 (Len %d)", f.Len())
		}
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

// TestMapReuseSlot checks that an insert takes the first deleted slot on
// its probe path (no fresh slot, no rebuild) when the map allows reuse, and
// a fresh slot when it does not, for each kind of reusable key.
func TestMapReuseSlot(t *testing.T) {
	t.Run("int", func(t *testing.T) { testReuseSlot(t, func(i int) int { return i }) })
	t.Run("string", func(t *testing.T) { testReuseSlot(t, func(i int) string { return strconv.Itoa(i) + "-key" }) })
	t.Run("any", func(t *testing.T) {
		testReuseSlot(t, func(i int) any {
			if i%2 == 0 {
				return i
			}
			return strconv.Itoa(i)
		})
	})
}

func testReuseSlot[K comparable](t *testing.T, key func(int) K) {
	if !mapReusable[K, int]() {
		t.Skip("these key and value types do not allow reuse on this platform")
	}
	for _, reuse := range []bool{false, true} {
		m := NewMap[K, int](WithMapShards(1))
		r := m.rootForWrite()
		r.hmask = 0x7f // one home group for every key: group 0 fills first
		if want := mapReuseOf[K, int](r.manyProcs); r.reuse != want || (want == mapReuseChurn) != r.manyProcs {
			t.Fatalf("reuse = %v with manyProcs %v; want %v", r.reuse, r.manyProcs, want)
		}
		SetMapReuse(m, reuse)
		for k := range 10 {
			m.Store(key(k), k)
		}
		s := &r.shards[0]
		used, tbl := s.used, s.table.Load()
		m.Delete(key(3))
		if s.lastDel != 3+1 {
			t.Fatalf("reuse=%v: lastDel = %d after deleting the key in slot 3", reuse, s.lastDel)
		}
		m.Store(key(100), 100) // another key: takes slot 3, or a fresh one
		m.Delete(key(5))
		m.LoadOrStore(key(101), 101)
		want := used + 2
		if reuse {
			want = used
			if s.lastDel != 0 {
				t.Errorf("lastDel = %d after its slot was reused; want 0", s.lastDel)
			}
			for p, k := range map[int]int{3: 100, 5: 101} {
				if sl := tbl.slot(p); sl.key != key(k) || sl.val != k {
					t.Errorf("slot %d holds %v: %d; want %v: %d", p, sl.key, sl.val, key(k), k)
				}
			}
		}
		if s.used != want || s.table.Load() != tbl {
			t.Fatalf("reuse=%v: %d slots used (table replaced: %v); want %d", reuse, s.used, s.table.Load() != tbl, want)
		}
		for k := range 102 {
			v, ok := m.Load(key(k))
			if present := k < 10 && k != 3 && k != 5 || k >= 100; ok != present || ok && v != k {
				t.Fatalf("reuse=%v: Load(%v) = %d, %v; want present %v", reuse, key(k), v, ok, present)
			}
		}
		if m.Len() != 10 {
			t.Fatalf("reuse=%v: Len() = %d; want 10", reuse, m.Len())
		}
	}
}

// TestMapReusePolicy checks which tables let inserts overwrite deleted
// slots by default in a map created with many Ps: not those of a map that
// only grows, those of a shard that churns (from its first rebuild with
// tombstones on), and none for types that do not allow reuse; and that
// reuse makes a churned shard's rebuilds rare.
func TestMapReusePolicy(t *testing.T) {
	if !mapReusable[int, int]() {
		t.Skip("Map[int, int] does not allow reuse on this platform")
	}
	// Random keys, so that the counts do not depend on how a key sequence
	// meets the hash (with mapMix's former one-round hash, how often a FIFO
	// of sequential keys found a tombstone on its path varied with the seed).
	rng := rand.New(rand.NewPCG(1, 2))
	keys := make([]int, 10600)
	for i := range keys {
		keys[i] = int(rng.Int64())
	}
	// churn deletes a key and inserts another (a FIFO of 200 live keys),
	// n times, and counts the rebuilds of the shard's table.
	churn := func(m *Map[int, int], from, n int) (rebuilds int) {
		s := &m.rootForWrite().shards[0]
		tb := s.table.Load()
		for i := from; i < from+n; i++ {
			m.Delete(keys[i])
			m.Store(keys[200+i], i)
			if nt := s.table.Load(); nt != tb {
				tb = nt
				rebuilds++
			}
		}
		return rebuilds
	}
	fill := func(m *Map[int, int]) {
		for k := range 200 {
			m.Store(keys[k], k-200)
		}
	}

	m := NewMap[int, int](WithMapShards(1))
	if r := m.rootForWrite(); r.reuse != mapReuseOf[int, int](r.manyProcs) {
		t.Fatalf("reuse = %v; want the default", r.reuse)
	}
	SetMapManyProcs(m, true) // reuse in churned shards, as in a map created with many Ps
	if r := m.rootForWrite(); r.reuse != mapReuseChurn {
		t.Fatalf("reuse = %v in a map with many Ps; want mapReuseChurn", r.reuse)
	}
	s := &m.rootForWrite().shards[0]
	fill(m)
	if tb := s.table.Load(); tb.vers != nil {
		t.Fatal("a table that only grew reuses deleted slots")
	}
	grown := s.table.Load()
	churn(m, 0, 400) // tombstones pile up until a rebuild
	if tb := s.table.Load(); tb == grown || tb.vers == nil {
		t.Fatalf("after churn: rebuilt %v, reuse %v; want a rebuilt table with reuse", tb != grown, tb.vers != nil)
	}
	withReuse := churn(m, 400, 10000)
	if s.table.Load().vers == nil {
		t.Fatal("a churned shard's rebuild dropped reuse")
	}
	for i := 10400; i < 10600; i++ {
		if v, ok := m.Load(keys[i]); !ok || v != i-200 {
			t.Fatalf("Load(keys[%d]) = %d, %v; want %d", i, v, ok, i-200)
		}
	}
	if m.Len() != 200 {
		t.Fatalf("Len() = %d; want 200", m.Len())
	}
	m.Clear()
	m.Store(1, 1)
	if s.table.Load().vers != nil {
		t.Fatal("the first table after Clear reuses deleted slots")
	}

	// The same churn without reuse: an insert always takes a fresh slot.
	off := NewMap[int, int](WithMapShards(1))
	SetMapReuse(off, false)
	fill(off)
	churn(off, 0, 400)
	without := churn(off, 400, 10000)
	t.Logf("10000 churned inserts: %d rebuilds with reuse, %d without", withReuse, without)
	if withReuse*2 > without {
		t.Errorf("10000 churned inserts: %d rebuilds with reuse, %d without; want half or less", withReuse, without)
	}

	ms := NewMap[int, string](WithMapShards(1))
	ms.rootForWrite().manyProcs = true
	if mapReuseOf[int, string](true) != mapReuseNever || mapReuseOf[int, int](false) != mapReuseNever {
		t.Fatal("mapReuseOf allows reuse for Map[int, string], or with few Ps")
	}
	for i := range 2000 {
		ms.Delete(i)
		ms.Store(200+i, "x")
	}
	if ms.rootForWrite().reuse != mapReuseNever || ms.rootForWrite().shards[0].table.Load().vers != nil {
		t.Fatal("a Map[int, string] reuses deleted slots")
	}
}

// TestMapHashSpread checks that integer keys in arithmetic progression
// (0, 1, 2, ... and multiples of 1024) spread over home groups and shards
// like random keys for every map seed: with one round of mapMix's multiply
// they fell on a lattice, and for about 1 % of seeds on a few groups (the
// fullest home group of 1000 sequential keys in a 334-group table held 23
// keys or more, up to 112) or shards (up to 758 of 1000 stride-1024 keys
// in one of 16), making probes long and one shard lock hot.
func TestMapHashSpread(t *testing.T) {
	const keys, maps = 1000, 500
	tb := newMapTable[int, int](keys, true, false) // 334 groups
	worstGroup, worstShard := 0, 0
	for range maps {
		m := NewMap[int, int](WithMapShards(16))
		r := m.rootForWrite()
		for _, stride := range []int{1, 1024} {
			groups := make([]int, tb.n)
			var shards [16]int
			for i := range keys {
				h := r.hash(i * stride)
				groups[tb.home(h)]++
				shards[h>>40&r.smask]++
			}
			worstGroup = max(worstGroup, slices.Max(groups))
			worstShard = max(worstShard, slices.Max(shards[:]))
		}
	}
	// Random hashing: about 3 keys per group, the fullest of 334 groups
	// holds 15 or fewer in practice; 62.5 keys per shard, the fullest
	// holds under 100.
	t.Logf("over %d seeds: fullest home group %d of %d keys, fullest of 16 shards %d", maps, worstGroup, keys, worstShard)
	if worstGroup > 24 || worstShard > 110 {
		t.Errorf("over %d seeds, a home group got %d of %d keys in arithmetic progression and a shard %d; want at most 24 and 110", maps, worstGroup, keys, worstShard)
	}
}

// TestMapTouchKey: the rebuild's read-ahead loads the first byte of a
// string, the value of an int in an interface and the first byte of a
// string in one, and nothing else: no key whose memory could be written
// while the map is copied (a pointer's target) is read.
func TestMapTouchKey(t *testing.T) {
	s, empty := "xyz", ""
	if got := mapTouchKey(mapKeyString, &s); got != 'x' {
		t.Errorf("string %q: %d; want %d", s, got, 'x')
	}
	if got := mapTouchKey(mapKeyString, &empty); got != 0 {
		t.Errorf("empty string: %d; want 0", got)
	}
	x := 41
	for _, c := range []struct {
		k    any
		want uintptr
	}{
		{1234, 1234},
		{"abc", 'a'},
		{"", 0},
		{nil, 0},
		{&x, 0},
		{int64(7), 0},
		{struct{ a int }{5}, 0},
	} {
		if got := mapTouchKey(mapKeyIface, &c.k); got != c.want {
			t.Errorf("%#v: %d; want %d", c.k, got, c.want)
		}
	}
}
