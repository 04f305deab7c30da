package ftutils_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/mapboxed"
	"github.com/ftutils-go/ftutils/internal/stress"
)

// mapVariant builds a Map shaped to exercise one code path.
type mapVariant struct {
	name string
	make func() mapIntLike
}

// mapIntLike is the method set of Map[int, int] that the model drives, so
// the model also runs on a Map[int, any] holding ints (mapboxed.Ints), whose
// values are boxed and replaced in place, and on a Map[any, string]
// (mapboxed.Strs).
type mapIntLike interface {
	mapboxed.IntMap
	Len() int
	Snapshot() map[int]int
}

var mapVariants = []mapVariant{
	{"zero", func() mapIntLike { return new(ftutils.Map[int, int]) }},
	{"shards=1", func() mapIntLike { return ftutils.NewMap[int, int](ftutils.WithMapShards(1)) }},
	{"presized", func() mapIntLike { return ftutils.NewMap[int, int](ftutils.WithMapCapacity(1000)) }},
	{"collide-all", func() mapIntLike {
		m := ftutils.NewMap[int, int](ftutils.WithMapShards(2))
		ftutils.SetMapHashMask(m, 0) // one shard, one probe path, one control byte
		return m
	}},
	{"collide-tag", func() mapIntLike {
		m := ftutils.NewMap[int, int](ftutils.WithMapShards(1))
		ftutils.SetMapHashMask(m, 0x381) // 8 groups, 2 control bytes
		return m
	}},
	{"many-procs", func() mapIntLike {
		m := ftutils.NewMap[int, int]()
		ftutils.SetMapManyProcs(m, true) // Store looks k up before it locks
		return m
	}},
	{"many-procs-collide", func() mapIntLike {
		m := ftutils.NewMap[int, int](ftutils.WithMapShards(2))
		ftutils.SetMapHashMask(m, 0x381)
		ftutils.SetMapManyProcs(m, true)
		return m
	}},
	{"append-only", func() mapIntLike {
		m := ftutils.NewMap[int, int](ftutils.WithMapShards(1))
		ftutils.SetMapAppendOnly(m) // replaced values take fresh slots
		return m
	}},
	{"append-only-collide", func() mapIntLike {
		m := ftutils.NewMap[int, int](ftutils.WithMapShards(2))
		ftutils.SetMapHashMask(m, 0x381)
		ftutils.SetMapAppendOnly(m)
		return m
	}},
	// Every table lets inserts overwrite deleted slots (by default only
	// churned shards' tables do), and one where no table does.
	{"reuse", func() mapIntLike {
		m := ftutils.NewMap[int, int](ftutils.WithMapShards(1))
		ftutils.SetMapReuse(m, true)
		return m
	}},
	{"reuse-collide", func() mapIntLike {
		m := ftutils.NewMap[int, int](ftutils.WithMapShards(2))
		ftutils.SetMapHashMask(m, 0x381)
		ftutils.SetMapReuse(m, true)
		return m
	}},
	{"no-reuse", func() mapIntLike {
		m := ftutils.NewMap[int, int](ftutils.WithMapShards(1))
		ftutils.SetMapReuse(m, false)
		return m
	}},
	{"boxed-reuse-collide", func() mapIntLike {
		m := ftutils.NewMap[int, any](ftutils.WithMapShards(2))
		ftutils.SetMapHashMask(m, 0x381)
		ftutils.SetMapReuse(m, true)
		return mapboxed.Ints(m)
	}},
	{"boxed", func() mapIntLike {
		return mapboxed.Ints(ftutils.NewMap[int, any](ftutils.WithMapShards(1)))
	}},
	{"boxed-collide", func() mapIntLike {
		m := ftutils.NewMap[int, any](ftutils.WithMapShards(2))
		ftutils.SetMapHashMask(m, 0x381)
		return mapboxed.Ints(m)
	}},
	{"boxed-zero", func() mapIntLike { return mapboxed.Ints(new(ftutils.Map[int, any])) }},
	// Interface keys and string values (not updated in place): the
	// same-value and revive paths, and the inline compare of int keys.
	{"anykey-string", func() mapIntLike { return mapboxed.Strs(ftutils.NewMap[any, string](ftutils.WithMapShards(1))) }},
	{"anykey-string-collide", func() mapIntLike {
		m := ftutils.NewMap[any, string](ftutils.WithMapShards(2))
		ftutils.SetMapHashMask(m, 0x381)
		return mapboxed.Strs(m)
	}},
}

// mapRef is the mutex-guarded reference the model tests compare against.
type mapRef struct {
	mu sync.Mutex
	m  map[int]int
}

func (r *mapRef) do(f func(m map[int]int)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r.m)
}

// mapOp applies operation op (key k, values v, w) to both m and ref and
// reports the first mismatch.
func mapOp(t *testing.T, m mapIntLike, ref *mapRef, op, k, v, w int) {
	t.Helper()
	ref.mu.Lock()
	defer ref.mu.Unlock()
	want, present := ref.m[k]
	switch op {
	case 0:
		got, ok := m.Load(k)
		if got != want || ok != present {
			t.Fatalf("Load(%d) = %d, %v; want %d, %v", k, got, ok, want, present)
		}
	case 1:
		m.Store(k, v)
		ref.m[k] = v
	case 2:
		got, loaded := m.LoadOrStore(k, v)
		if !present {
			want = v
			ref.m[k] = v
		}
		if got != want || loaded != present {
			t.Fatalf("LoadOrStore(%d, %d) = %d, %v; want %d, %v", k, v, got, loaded, want, present)
		}
	case 3:
		got, loaded := m.LoadAndDelete(k)
		delete(ref.m, k)
		if got != want || loaded != present {
			t.Fatalf("LoadAndDelete(%d) = %d, %v; want %d, %v", k, got, loaded, want, present)
		}
	case 4:
		m.Delete(k)
		delete(ref.m, k)
	case 5:
		got, loaded := m.Swap(k, v)
		ref.m[k] = v
		if got != want || loaded != present {
			t.Fatalf("Swap(%d, %d) = %d, %v; want %d, %v", k, v, got, loaded, want, present)
		}
	case 6:
		ok := m.CompareAndSwap(k, v, w)
		wok := present && want == v
		if wok {
			ref.m[k] = w
		}
		if ok != wok {
			t.Fatalf("CompareAndSwap(%d, %d, %d) = %v; want %v", k, v, w, ok, wok)
		}
	case 7:
		ok := m.CompareAndDelete(k, v)
		wok := present && want == v
		if wok {
			delete(ref.m, k)
		}
		if ok != wok {
			t.Fatalf("CompareAndDelete(%d, %d) = %v; want %v", k, v, ok, wok)
		}
	case 8:
		cop := ftutils.ComputeOp(w % 3)
		got, ok := m.Compute(k, func(old int, loaded bool) (int, ftutils.ComputeOp) {
			if old != want || loaded != present {
				t.Fatalf("Compute(%d) callback got %d, %v; want %d, %v", k, old, loaded, want, present)
			}
			return old + v, cop
		})
		switch cop {
		case ftutils.ComputeStore:
			want, present = want+v, true
			ref.m[k] = want
		case ftutils.ComputeDelete:
			want, present = 0, false
			delete(ref.m, k)
		}
		if got != want || ok != present {
			t.Fatalf("Compute(%d, op %d) = %d, %v; want %d, %v", k, cop, got, ok, want, present)
		}
	case 9:
		got, loaded := m.LoadOrCompute(k, func() int { return v })
		if !present {
			want = v
			ref.m[k] = v
		}
		if got != want || loaded != present {
			t.Fatalf("LoadOrCompute(%d, %d) = %d, %v; want %d, %v", k, v, got, loaded, want, present)
		}
	case 10:
		seen := map[int]int{}
		m.Range(func(k, v int) bool {
			if _, dup := seen[k]; dup {
				t.Fatalf("Range visited %d twice", k)
			}
			seen[k] = v
			return true
		})
		if !maps.Equal(seen, ref.m) {
			t.Fatalf("Range saw %v; want %v", seen, ref.m)
		}
	case 11:
		m.Clear()
		clear(ref.m)
	}
	if got := m.Len(); got != len(ref.m) {
		t.Fatalf("after op %d(%d): Len() = %d; want %d", op, k, got, len(ref.m))
	}
}

const mapOps = 12

func FuzzMap(f *testing.F) {
	f.Add([]byte{0, 1, 3, 4, 0, 3, 0, 5, 3, 1, 10, 0, 0})
	f.Add([]byte{3, 1, 1, 1, 1, 1, 2, 5, 1, 3, 6, 1, 3, 4, 8, 1, 2, 7, 3, 0, 1, 10, 0, 0, 11, 0, 0, 0, 1, 1})
	f.Add([]byte{2, 8, 5, 1, 8, 5, 1, 8, 5, 2, 3, 5, 0, 9, 5, 3, 9, 6, 4, 7, 6, 4})
	f.Add(slices.Repeat([]byte{4, 1, 7, 2, 3, 7, 0, 5, 1, 7, 3}, 40))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		m := mapVariants[int(data[0])%len(mapVariants)].make()
		ref := &mapRef{m: map[int]int{}}
		for ops := data[1:]; len(ops) >= 3; ops = ops[3:] {
			mapOp(t, m, ref, int(ops[0])%mapOps, int(ops[1]%64), int(ops[2]%4), int(ops[2]/4%4))
		}
		ref.do(func(want map[int]int) {
			if got := m.Snapshot(); !maps.Equal(got, want) {
				t.Fatalf("Snapshot() = %v; want %v", got, want)
			}
		})
	})
}

// TestMapModel runs long random operation sequences (growth, shrink and
// tombstone-heavy phases) against the reference, on every variant.
func TestMapModel(t *testing.T) {
	for _, vr := range mapVariants {
		t.Run(vr.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(len(vr.name))))
			m, ref := vr.make(), &mapRef{m: map[int]int{}}
			n := stress.Scale(40000)
			for phase, keys := range []int{16, 3000, 3000, 200} {
				for range n / 4 {
					op := rng.IntN(mapOps - 1) // Clear only below
					if phase == 2 && op == 1 {
						op = 3 // delete-heavy phase: shrink
					}
					if phase == 3 && rng.IntN(4) == 0 {
						op = 1 + 4*rng.IntN(2) // Store/Swap-heavy: tombstones
					}
					mapOp(t, m, ref, op, rng.IntN(keys), rng.IntN(4), rng.IntN(4))
				}
			}
			mapOp(t, m, ref, 10, 0, 0, 0)
			mapOp(t, m, ref, 11, 0, 0, 0)
			mapOp(t, m, ref, 10, 0, 0, 0)
		})
	}
}

func TestMapZeroValue(t *testing.T) {
	var m ftutils.Map[string, int]
	if v, ok := m.Load("a"); v != 0 || ok {
		t.Errorf(`Load("a") = %d, %v; want 0, false`, v, ok)
	}
	if v, ok := m.LoadAndDelete("a"); v != 0 || ok {
		t.Errorf(`LoadAndDelete("a") = %d, %v; want 0, false`, v, ok)
	}
	if m.CompareAndSwap("a", 0, 1) || m.CompareAndDelete("a", 0) {
		t.Error(`CompareAndSwap/CompareAndDelete on an empty map = true; want false`)
	}
	m.Range(func(string, int) bool { t.Error("Range on an empty map called f"); return true })
	m.Clear()
	if n := m.Len(); n != 0 {
		t.Errorf("Len() = %d; want 0", n)
	}
	m.Store("a", 1)
	if v, ok := m.Load("a"); v != 1 || !ok {
		t.Errorf(`Load("a") = %d, %v; want 1, true`, v, ok)
	}
}

func TestMapAnyKeys(t *testing.T) {
	var m ftutils.Map[any, any]
	keys := []any{1, "1", 1.0, int8(1), struct{ a, b int }{1, 2}, [2]string{"x", "y"}, nil}
	for i, k := range keys {
		m.Store(k, i)
	}
	for i, k := range keys {
		if v, ok := m.Load(k); v != i || !ok {
			t.Errorf("Load(%#v) = %v, %v; want %d, true", k, v, ok, i)
		}
	}
	if n := m.Len(); n != len(keys) {
		t.Errorf("Len() = %d; want %d", n, len(keys))
	}
}

func TestMapCompareAndSwapPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
	}{
		{"slice-V", func() { new(ftutils.Map[int, []int]).CompareAndSwap(1, nil, nil) }},
		{"slice-in-any", func() { new(ftutils.Map[int, any]).CompareAndSwap(1, []int{1}, 2) }},
		{"func-in-any-delete", func() { new(ftutils.Map[int, any]).CompareAndDelete(1, func() {}) }},
		{"slice-V-new", func() { ftutils.NewMap[int, []int]().CompareAndDelete(1, nil) }},
		{"map-in-any-new", func() { ftutils.NewMap[int, any]().CompareAndSwap(1, map[int]int{}, 1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.HasPrefix(s, "ftutils: ") {
					t.Errorf("panic value = %v; want a string starting with %q", r, "ftutils: ")
				}
			}()
			tt.f()
		})
	}
	// Comparable dynamic values in an any map work, as in sync.Map.
	var m ftutils.Map[int, any]
	m.Store(1, "x")
	if !m.CompareAndSwap(1, "x", []int{2}) {
		t.Error(`CompareAndSwap(1, "x", []int{2}) = false; want true`)
	}
}

func TestMapComputePanicLeavesMapUsable(t *testing.T) {
	var m ftutils.Map[int, int]
	m.Store(1, 10)
	for _, loaded := range []bool{true, false} {
		k := 1
		if !loaded {
			k = 2
		}
		func() {
			defer func() {
				if r := recover(); r != "boom" {
					t.Errorf("Compute(%d) panic = %v; want boom", k, r)
				}
			}()
			m.Compute(k, func(old int, _ bool) (int, ftutils.ComputeOp) { panic("boom") })
		}()
		if ftutils.MapKeyLocked(&m, k) {
			t.Fatalf("after a panicking Compute(%d) its shard is still locked", k)
		}
	}
	func() {
		defer func() { _ = recover() }()
		m.LoadOrCompute(3, func() int { panic("boom") })
	}()
	if v, ok := m.Load(1); v != 10 || !ok {
		t.Errorf("Load(1) = %d, %v; want 10, true", v, ok)
	}
	for _, k := range []int{2, 3} {
		if _, ok := m.Load(k); ok {
			t.Errorf("Load(%d) found a key whose Compute panicked", k)
		}
	}
	m.Store(2, 20)
	if v, _ := m.Load(2); v != 20 || m.Len() != 2 {
		t.Errorf("after Store(2, 20): Load(2) = %d, Len() = %d; want 20, 2", v, m.Len())
	}
}

func TestMapRangeReentrant(t *testing.T) {
	var m ftutils.Map[int, int]
	for i := range 1000 {
		m.Store(i, i)
	}
	seen := 0
	for k, v := range m.All() {
		seen++
		// Every method of the same map from inside the loop, on this key and others.
		m.Store(k, v+1)
		m.Compute(k+1000, func(int, bool) (int, ftutils.ComputeOp) { return k, ftutils.ComputeStore })
		m.Delete(k + 1000)
		m.LoadOrStore(k, -1)
		m.CompareAndSwap(k, v+1, v+2)
		m.Range(func(int, int) bool { return false })
		_ = m.Len()
	}
	if seen != 1000 {
		t.Errorf("range over All() visited %d entries; want 1000", seen)
	}
	for i := range 1000 {
		if v, _ := m.Load(i); v != i+2 {
			t.Fatalf("Load(%d) = %d; want %d", i, v, i+2)
		}
	}
	n := 0
	m.Range(func(k, _ int) bool {
		n++
		m.Clear()
		return true
	})
	if n == 0 || m.Len() != 0 {
		t.Errorf("Range+Clear: visited %d, Len() = %d; want >0, 0", n, m.Len())
	}
}

func TestMapIteratorsSnapshotUpdateEqual(t *testing.T) {
	src := map[string]int{"a": 1, "b": 2, "c": 3}
	var m ftutils.Map[string, int]
	m.Update(maps.All(src))
	if got := m.Snapshot(); !maps.Equal(got, src) {
		t.Errorf("Snapshot() = %v; want %v", got, src)
	}
	if got := slices.Sorted(m.Keys()); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("Keys() = %v; want [a b c]", got)
	}
	if got := slices.Sorted(m.Values()); !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("Values() = %v; want [1 2 3]", got)
	}
	if got := maps.Collect(m.All()); !maps.Equal(got, src) {
		t.Errorf("All() = %v; want %v", got, src)
	}
	for range m.All() {
		break // early exit must not panic
	}
	eq := func(a, b int) bool { return a == b }
	o := ftutils.NewMap[string, int]()
	o.Update(m.All())
	tests := []struct {
		name  string
		apply func()
		want  bool
	}{
		{"same", func() {}, true},
		{"value differs", func() { o.Store("a", 9) }, false},
		{"restored", func() { o.Store("a", 1) }, true},
		{"extra key", func() { o.Store("d", 4) }, false},
		{"missing key", func() { o.Delete("d"); o.Delete("a") }, false},
	}
	for _, tt := range tests {
		tt.apply()
		if got := m.Equal(o, eq); got != tt.want {
			t.Errorf("%s: Equal() = %v; want %v", tt.name, got, tt.want)
		}
	}
	if !m.Equal(&m, eq) {
		t.Error("m.Equal(m) = false; want true")
	}
}

func TestMapShardPadding(t *testing.T) {
	if ftutils.MapShardSize != 128 {
		t.Errorf("shard size = %d; want 128", ftutils.MapShardSize)
	}
	// 56 bytes either side of the root pointer: no other object shares
	// its 64-byte cache line, however the Map is aligned.
	if ftutils.MapHeaderSize != ftutils.MapHeaderWant {
		t.Errorf("Map header size = %d; want %d", ftutils.MapHeaderSize, ftutils.MapHeaderWant)
	}
}

func TestMapOptions(t *testing.T) {
	tests := []struct {
		opts []ftutils.MapOption
		want int
	}{
		{[]ftutils.MapOption{ftutils.WithMapShards(1)}, 1},
		{[]ftutils.MapOption{ftutils.WithMapShards(5)}, 8},
		{[]ftutils.MapOption{ftutils.WithMapCapacity(1 << 20), ftutils.WithMapShards(64)}, 64},
		{[]ftutils.MapOption{ftutils.WithMapCapacity(1 << 22)}, 1024},
	}
	for _, tt := range tests {
		if got := ftutils.MapShards(ftutils.NewMap[int, int](tt.opts...)); got != tt.want {
			t.Errorf("shards = %d; want %d", got, tt.want)
		}
	}
	if n := ftutils.MapShards(new(ftutils.Map[int, int])); n < 16 || n&(n-1) != 0 {
		t.Errorf("default shards = %d; want a power of two >= 16", n)
	}
	for name, f := range map[string]func(){
		"capacity": func() { ftutils.WithMapCapacity(-1) },
		"shards":   func() { ftutils.WithMapShards(0) },
	} {
		func() {
			defer func() {
				if s, _ := recover().(string); !strings.HasPrefix(s, "ftutils: ") {
					t.Errorf("%s: panic = %q; want an ftutils: panic", name, s)
				}
			}()
			f()
		}()
	}
}

func TestMapSeedPerMap(t *testing.T) {
	a, b := new(ftutils.Map[int, int]), new(ftutils.Map[int, int])
	same := 0
	for k := range 4 {
		if ftutils.MapHash(a, k) == ftutils.MapHash(b, k) {
			same++
		}
	}
	if same == 4 {
		t.Error("two maps hash keys 0..3 identically; want per-map seeds")
	}
}

func TestMapGrowShrink(t *testing.T) {
	m := ftutils.NewMap[int, int](ftutils.WithMapShards(4))
	n := stress.Scale(200000)
	for i := range n {
		m.Store(i, i)
	}
	grown := ftutils.MapSlots(m)
	if grown < n {
		t.Fatalf("%d entries in %d slots", n, grown)
	}
	for i := range n - 10 {
		m.Delete(i)
	}
	// A shard shrinks once fewer than 1/16 of its slots are live, unless its
	// table has fewer than 256 slots.
	if s, want := ftutils.MapSlots(m), max(grown/16, 4*256); s > want {
		t.Errorf("after deleting all but 10 of %d keys: %d slots; want <= %d", n, s, want)
	}
	for i := n - 10; i < n; i++ {
		if v, ok := m.Load(i); v != i || !ok {
			t.Errorf("Load(%d) = %d, %v; want %d, true", i, v, ok, i)
		}
	}
}

func TestMapAllocs(t *testing.T) {
	if stress.RaceEnabled {
		t.Skip("allocation counts differ under -race")
	}
	m := ftutils.NewMap[int, int]()
	for i := range 1024 {
		m.Store(i, i)
	}
	k := 0
	tests := []struct {
		name string
		max  float64
		f    func()
	}{
		{"Load", 0, func() { m.Load(k & 1023); k++ }},
		{"Range", 0, func() { m.Range(func(int, int) bool { return true }) }},
		// 100 updates of existing keys per run: rebuilds are amortized.
		{"Store x100", 10, func() {
			for range 100 {
				m.Store(k&1023, k)
				k++
			}
		}},
		{"Compute x100", 10, func() {
			for range 100 {
				m.Compute(k&1023, func(v int, _ bool) (int, ftutils.ComputeOp) { return v + 1, ftutils.ComputeStore })
				k++
			}
		}},
		{"Delete+Store x100", 10, func() {
			for range 50 {
				m.Delete(k & 1023)
				m.Store(k&1023, k)
				k++
			}
		}},
		{"Len", 0, func() { _ = m.Len() }},
	}
	for _, tt := range tests {
		if got := testing.AllocsPerRun(200, tt.f); got > tt.max {
			t.Errorf("%s: %v allocs per run; want <= %v", tt.name, got, tt.max)
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m.Clear()
	runtime.ReadMemStats(&after)
	if got := after.Mallocs - before.Mallocs; got > 1 || m.Len() != 0 {
		t.Errorf("Clear of 1024 entries: %d allocs, Len() = %d; want <= 1, 0", got, m.Len())
	}
}

// TestMapStressCompute: concurrent Compute increments on a few keys lose no
// update (the `d[k] += 1` race of ft_utils #13).
func TestMapStressCompute(t *testing.T) {
	for _, appendOnly := range []bool{false, true} {
		t.Run("append-only="+strconv.FormatBool(appendOnly), func(t *testing.T) {
			testMapStressCompute(t, appendOnly)
		})
	}
}

func testMapStressCompute(t *testing.T, appendOnly bool) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := new(ftutils.Map[int, int])
		if appendOnly {
			ftutils.SetMapAppendOnly(m)
		}
		const keys = 16
		g, iters := 4, stress.Scale(20000)
		stress.Hammer(g, iters, func(w, i int) {
			k := (i*7 + w) % keys
			switch i % 4 {
			case 0:
				m.Compute(k, func(v int, _ bool) (int, ftutils.ComputeOp) { return v + 1, ftutils.ComputeStore })
			case 1:
				m.LoadOrStore(k, 0)
				for {
					v, _ := m.Load(k)
					if m.CompareAndSwap(k, v, v+1) {
						break
					}
				}
			case 2:
				m.Compute(k+keys, func(v int, _ bool) (int, ftutils.ComputeOp) { return v + 1, ftutils.ComputeStore })
			case 3:
				// Move key+2*keys's count into key: a transfer keeps the sum.
				m.Compute(k+2*keys, func(v int, _ bool) (int, ftutils.ComputeOp) { return v + 1, ftutils.ComputeStore })
				if v, ok := m.LoadAndDelete(k + 2*keys); ok {
					m.Compute(k, func(old int, _ bool) (int, ftutils.ComputeOp) { return old + v, ftutils.ComputeStore })
				}
			}
		})
		sum := 0
		for _, v := range m.All() {
			sum += v
		}
		if want := g * iters; sum != want {
			t.Errorf("sum of counters = %d; want %d", sum, want)
		}
	})
}

// TestMapInPlaceMonotonic: with word values updated in place, a reader that
// loads a counter repeatedly never sees it go backwards (per-key
// linearizability), and the final counts add up.
func TestMapInPlaceMonotonic(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		var m ftutils.Map[int, uint64]
		if !ftutils.MapValWord(&m) {
			if wordValues64 {
				t.Fatal("Map[int, uint64] does not update values in place")
			}
			t.Skip("8-byte values are not 8-aligned here (e.g. GOARCH=386): no in-place updates")
		}
		const keys = 8
		for k := range keys {
			m.Store(k, 0)
		}
		writers, iters := 2, stress.Scale(20000)
		var bad atomic.Int64
		stress.Run(writers+2, func(g int) {
			if g < writers {
				for i := range iters {
					k := (i + g) % keys
					if i%2 == 0 {
						m.Compute(k, func(v uint64, _ bool) (uint64, ftutils.ComputeOp) { return v + 1, ftutils.ComputeStore })
						continue
					}
					for {
						v, _ := m.Load(k)
						if m.CompareAndSwap(k, v, v+1) {
							break
						}
					}
				}
				return
			}
			var last [keys]uint64
			for i := range iters {
				k := i % keys
				v, ok := m.Load(k)
				if !ok || v < last[k] {
					bad.Add(1)
				}
				last[k] = v
			}
		})
		if n := bad.Load(); n > 0 {
			t.Errorf("%d loads went backwards or missed a key", n)
		}
		var sum uint64
		for _, v := range m.All() {
			sum += v
		}
		if want := uint64(writers * iters); sum != want {
			t.Errorf("sum of counters = %d; want %d", sum, want)
		}
	})
}

// TestMapIfaceInPlace: interface values of one dynamic type are replaced
// in place (the data word), of another by a fresh slot. Readers racing
// with writers and the garbage collector always see a whole value: a
// pointer to a uniform array (data word is the pointer) or a uniform
// array value (data word points to a heap copy), never decreasing.
func TestMapIfaceInPlace(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := ftutils.NewMap[int, any](ftutils.WithMapShards(1))
		if !ftutils.MapValIface(m) {
			t.Fatal("Map[int, any] does not replace values in place")
		}
		const keys = 4
		for k := range keys {
			m.Store(k, [4]uint64{})
		}
		iters := stress.Scale(20000)
		var bad atomic.Int64
		stress.Run(4, func(g int) {
			switch g {
			case 0: // writer: counts up, alternating the two dynamic types
				for i := 1; i <= iters; i++ {
					u := uint64(i)
					if i%8 == 0 {
						m.Store(i%keys, &[4]uint64{u, u, u, u})
					} else {
						m.Store(i%keys, [4]uint64{u, u, u, u})
					}
				}
			case 1: // the collector, to catch a missing write barrier
				for range 20 {
					runtime.GC()
				}
			default:
				var last [keys]uint64
				for i := range iters {
					k := i % keys
					v, ok := m.Load(k)
					var a [4]uint64
					switch x := v.(type) {
					case [4]uint64:
						a = x
					case *[4]uint64:
						a = *x
					default:
						ok = false
					}
					if !ok || a[0] != a[1] || a[0] != a[2] || a[0] != a[3] || a[0] < last[k] {
						bad.Add(1)
					}
					last[k] = a[0]
				}
			}
		})
		if n := bad.Load(); n > 0 {
			t.Errorf("%d loads saw a torn, missing or older value", n)
		}
	})
}

// wordValues64 reports whether int, uintptr and float64 are 8-byte,
// 8-aligned words here, the condition for updating them in place: true on
// 64-bit platforms, false on GOARCH=386 (4-byte int, 4-aligned float64).
const wordValues64 = unsafe.Alignof(uint64(0)) == 8 && strconv.IntSize == 64

func TestMapValWord(t *testing.T) {
	for _, tt := range []struct {
		name string
		got  bool
		want bool
	}{
		{"int", ftutils.MapValWord(new(ftutils.Map[string, int])), wordValues64},
		{"float64", ftutils.MapValWord(new(ftutils.Map[int, float64])), wordValues64},
		{"uintptr", ftutils.MapValWord(new(ftutils.Map[int, uintptr])), wordValues64},
		{"int32", ftutils.MapValWord(new(ftutils.Map[int, int32])), false},
		{"string", ftutils.MapValWord(new(ftutils.Map[int, string])), false},
		{"pointer", ftutils.MapValWord(new(ftutils.Map[int, *int])), false},
		{"any", ftutils.MapValWord(new(ftutils.Map[int, any])), false},
		{"any iface", ftutils.MapValIface(new(ftutils.Map[int, any])), true},
		{"error iface", ftutils.MapValIface(new(ftutils.Map[int, error])), true},
		{"int iface", ftutils.MapValIface(new(ftutils.Map[int, int])), false},
		{"pointer iface", ftutils.MapValIface(new(ftutils.Map[int, *int])), false},
		// Two-word values that are not interfaces: their second word alone
		// does not determine the value, so they must not be updated in place.
		{"string iface", ftutils.MapValIface(new(ftutils.Map[int, string])), false},
		{"two-pointer struct iface", ftutils.MapValIface(new(ftutils.Map[int, mapTwoPtrs])), false},
		{"pointer pair iface", ftutils.MapValIface(new(ftutils.Map[int, [2]*int])), false},
		{"complex iface", ftutils.MapValIface(new(ftutils.Map[int, complex128])), false},
		{"slice iface", ftutils.MapValIface(new(ftutils.Map[int, []int])), false},
		{"fmt.Stringer iface", ftutils.MapValIface(new(ftutils.Map[int, fmt.Stringer])), true},
		{"struct", ftutils.MapValWord(new(ftutils.Map[int, struct{ a, b int }])), false},
	} {
		if tt.got != tt.want {
			t.Errorf("%s values updated in place: %v; want %v", tt.name, tt.got, tt.want)
		}
	}
}

// TestMapStressExactlyOnce: concurrent LoadAndDelete delivers each key once.
func TestMapStressExactlyOnce(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		var m ftutils.Map[int, int]
		n := stress.Scale(50000)
		for i := range n {
			m.Store(i, i)
		}
		got := make([]atomic.Int32, n)
		var sum atomic.Int64
		stress.Run(4, func(w int) {
			for i := range n {
				k := (i*(w+1)*7919 + w) % n
				if v, ok := m.LoadAndDelete(k); ok {
					got[k].Add(1)
					sum.Add(int64(v))
				}
			}
			for k := range n { // sweep for keys the strided order skipped
				if v, ok := m.LoadAndDelete(k); ok {
					got[k].Add(1)
					sum.Add(int64(v))
				}
			}
		})
		for k := range got {
			if c := got[k].Load(); c != 1 {
				t.Fatalf("key %d delivered %d times; want 1", k, c)
			}
		}
		if want := int64(n) * int64(n-1) / 2; sum.Load() != want || m.Len() != 0 {
			t.Errorf("sum = %d, Len() = %d; want %d, 0", sum.Load(), m.Len(), want)
		}
	})
}

// TestMapStressRangeClearStore runs writers (each owns its keys; values
// encode the key), rangers and a clearer together. Range must never show a
// key twice or a value that was never stored for its key; after the writers'
// final pass the map holds exactly their last values. It runs on a
// zero-value Map and on one whose every table lets inserts overwrite
// deleted slots (which Range's freezing must stop as it stops appends).
func TestMapStressRangeClearStore(t *testing.T) {
	t.Run("zero", func(t *testing.T) {
		stressRangeClearStore(t, func() *ftutils.Map[int, int] { return new(ftutils.Map[int, int]) })
	})
	t.Run("reuse", func(t *testing.T) {
		if !ftutils.SetMapReuse(ftutils.NewMap[int, int](), true) {
			t.Skip("Map[int, int] does not allow reuse on this platform")
		}
		stressRangeClearStore(t, func() *ftutils.Map[int, int] {
			m := ftutils.NewMap[int, int]()
			ftutils.SetMapReuse(m, true)
			return m
		})
	})
}

func stressRangeClearStore(t *testing.T, mk func() *ftutils.Map[int, int]) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := mk()
		const writers, perWriter = 3, 300
		iters := stress.Scale(30000)
		var done atomic.Int32
		stress.Run(writers+2, func(w int) {
			switch {
			case w < writers:
				defer done.Add(1)
				for i := range iters {
					k := w + writers*(i%perWriter)
					switch i % 5 {
					case 0, 1, 2:
						m.Store(k, k<<16|i&0xffff)
					case 3:
						m.Delete(k)
					case 4:
						m.Compute(k, func(v int, ok bool) (int, ftutils.ComputeOp) { return k<<16 | i&0xffff, ftutils.ComputeStore })
					}
					if v, ok := m.Load(k); i%5 != 3 && (!ok || v != k<<16|i&0xffff) {
						// Nobody else writes k except Clear.
						if ok {
							t.Errorf("Load(%d) after own write = %x; want %x", k, v, k<<16|i&0xffff)
						}
					}
				}
			case w == writers:
				for done.Load() < writers {
					seen := map[int]bool{}
					m.Range(func(k, v int) bool {
						if seen[k] {
							t.Errorf("Range visited %d twice", k)
						}
						seen[k] = true
						if v>>16 != k || k < 0 || k >= writers*perWriter {
							t.Errorf("Range saw %d: %x, never stored", k, v)
						}
						return true
					})
					runtime.Gosched()
				}
			default:
				for done.Load() < writers {
					m.Clear()
					runtime.Gosched()
				}
			}
		})
		stress.Run(writers, func(w int) {
			for j := range perWriter {
				k := w + writers*j
				m.Store(k, k<<16|j)
			}
		})
		want := map[int]int{}
		for k := range writers * perWriter {
			want[k] = k<<16 | k/writers
		}
		if got := m.Snapshot(); !maps.Equal(got, want) || m.Len() != len(want) {
			t.Errorf("final Snapshot has %d entries (Len %d); want the %d last writes", len(got), m.Len(), len(want))
		}
	})
}

// TestMapStressGrowVisible: while shards rebuild under concurrent inserts, a
// writer's own keys stay visible to its later Loads (no lost key).
func TestMapStressGrowVisible(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := ftutils.NewMap[string, int](ftutils.WithMapShards(2))
		n := stress.Scale(20000)
		stress.Run(4, func(w int) {
			for i := range n {
				k := fmt.Sprint(w, "-", i)
				m.Store(k, i)
				if j := i / 2; true {
					if v, ok := m.Load(fmt.Sprint(w, "-", j)); !ok || v != j {
						t.Errorf("Load(%d-%d) = %d, %v; want %d, true", w, j, v, ok, j)
						return
					}
				}
			}
			for i := range n {
				m.Delete(fmt.Sprint(w, "-", i))
			}
		})
		if m.Len() != 0 {
			t.Errorf("Len() = %d; want 0", m.Len())
		}
	})
}

// TestMapStressRangeSeesStableKeys: keys present during a whole Range are
// visited exactly once while other keys of the same shards churn (updates
// move entries to new slots and force rebuilds of frozen tables).
func TestMapStressRangeSeesStableKeys(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := ftutils.NewMap[int, int](ftutils.WithMapShards(2))
		const stable = 200
		for k := range stable {
			m.Store(k, k)
		}
		rounds := stress.Scale(300)
		var done atomic.Bool
		stress.Run(3, func(w int) {
			if w == 0 {
				defer done.Store(true)
				for range rounds {
					seen := make([]int, stable)
					m.Range(func(k, v int) bool {
						if k < stable {
							seen[k]++
							if v%stable != k {
								t.Errorf("Range saw %d: %d, never stored", k, v)
							}
						}
						return true
					})
					for k, c := range seen {
						if c != 1 {
							t.Errorf("Range visited stable key %d %d times; want 1", k, c)
							return
						}
					}
				}
				return
			}
			for i := 0; !done.Load(); i++ {
				k := i % stable
				m.Store(k, k+stable*(i%7))    // rewrite a stable key: a new slot
				m.Store(1000+w*1000+i%500, i) // churn
				m.Delete(1000 + w*1000 + (i+250)%500)
			}
		})
	})
}

// mapRetainedPerEntry returns the heap bytes per entry that build keeps alive
// after it inserted n entries.
func mapRetainedPerEntry(n int, build func(n int) any) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := build(n)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(m)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
}

// TestMapMemoryPerEntry measures the heap kept per int→int entry, against a
// plain Go map and sync.Map, and checks it stays within the documented range.
func TestMapMemoryPerEntry(t *testing.T) {
	if stress.RaceEnabled || testing.Short() {
		t.Skip("memory accounting is distorted under -race; slow under -short")
	}
	const n = 100_000
	got := map[string]float64{
		"ftutils.Map": mapRetainedPerEntry(n, func(n int) any {
			var m ftutils.Map[int, int]
			for i := range n {
				m.Store(i, i)
			}
			return &m
		}),
		"ftutils.Map (updated 3x)": mapRetainedPerEntry(n, func(n int) any {
			var m ftutils.Map[int, int]
			for i := range 4 * n {
				m.Store(i%n, i)
			}
			return &m
		}),
		"map+RWMutex": mapRetainedPerEntry(n, func(n int) any {
			m := map[int]int{}
			for i := range n {
				m[i] = i
			}
			return m
		}),
		"sync.Map": mapRetainedPerEntry(n, func(n int) any {
			var m sync.Map
			for i := range n {
				m.Store(i, i)
			}
			return &m
		}),
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		t.Logf("%-26s %6.1f B/entry", k, got[k])
	}
	// One control byte plus a 16-byte slot, at 37.5 % to 75 % occupancy.
	for _, k := range []string{"ftutils.Map", "ftutils.Map (updated 3x)"} {
		if b := got[k]; b < 17 || b > 17/0.375+4 {
			t.Errorf("%s: %.1f bytes per entry; want 17/0.75..17/0.375 (+4 for headers)", k, b)
		}
	}
}

// mapFrozenWriters are the methods that overwrite a present key's value,
// for TestMapInPlaceSparesFrozenTable; each reports a wrong result.
func mapFrozenWriters[V comparable]() []struct {
	name  string
	write func(m *ftutils.Map[int, V], k int, old, new V) error
} {
	return []struct {
		name  string
		write func(m *ftutils.Map[int, V], k int, old, new V) error
	}{
		{"Store", func(m *ftutils.Map[int, V], k int, _, new V) error { m.Store(k, new); return nil }},
		{"Swap", func(m *ftutils.Map[int, V], k int, old, new V) error {
			if prev, ok := m.Swap(k, new); !ok || prev != old {
				return fmt.Errorf("Swap(%d) = %v, %v; want %v, true", k, prev, ok, old)
			}
			return nil
		}},
		{"CompareAndSwap", func(m *ftutils.Map[int, V], k int, old, new V) error {
			if !m.CompareAndSwap(k, old, new) {
				return fmt.Errorf("CompareAndSwap(%d, %v, %v) failed", k, old, new)
			}
			return nil
		}},
		{"Compute", func(m *ftutils.Map[int, V], k int, old, new V) error {
			if v, ok := m.Compute(k, func(cur V, ok bool) (V, ftutils.ComputeOp) {
				if !ok || cur != old {
					return cur, ftutils.ComputeCancel
				}
				return new, ftutils.ComputeStore
			}); !ok || v != new {
				return fmt.Errorf("Compute(%d) = %v, %v; want %v, true", k, v, ok, new)
			}
			return nil
		}},
	}
}

// testMapInPlaceSparesFrozenTable: on a one-shard map, the first callback
// of a Range rewrites every key (each value keeps its dynamic type, so the
// write would be done in place on a table that is not frozen). The Range
// holds the frozen table, so every entry it visits afterwards must still
// have its value from before the Range, while Load already sees the new
// one; after the Range everything reads the new values.
func testMapInPlaceSparesFrozenTable[V comparable](t *testing.T, m *ftutils.Map[int, V], val func(k, round int) V) {
	const n = 48
	for k := range n {
		m.Store(k, val(k, 0))
	}
	for round, w := range mapFrozenWriters[V]() {
		visited := 0
		m.Range(func(k int, v V) bool {
			if visited == 0 {
				for j := range n {
					if err := w.write(m, j, val(j, round), val(j, round+1)); err != nil {
						t.Errorf("%s inside Range: %v", w.name, err)
					}
					if got, ok := m.Load(j); !ok || got != val(j, round+1) {
						t.Errorf("%s inside Range: Load(%d) = %v, %v; want %v", w.name, j, got, ok, val(j, round+1))
					}
				}
			}
			visited++
			if want := val(k, round); v != want {
				t.Errorf("%s inside Range changed the frozen table: Range saw %d: %v; want %v", w.name, k, v, want)
			}
			return true
		})
		if visited != n {
			t.Errorf("%s: Range visited %d entries; want %d", w.name, visited, n)
		}
		for k := range n {
			if got, ok := m.Load(k); !ok || got != val(k, round+1) {
				t.Errorf("after %s: Load(%d) = %v, %v; want %v", w.name, k, got, ok, val(k, round+1))
			}
		}
		m.Range(func(k int, v V) bool {
			if v != val(k, round+1) {
				t.Errorf("after %s: Range saw %d: %v; want %v", w.name, k, v, val(k, round+1))
			}
			return true
		})
	}
}

// TestMapInPlaceSparesFrozenTable: writes that replace values in place
// (word values, interface values of the same dynamic type: small ints from
// the runtime's static array, boxed ints, strings, pointers, non-empty
// interfaces) never touch the table an iterator holds.
func TestMapInPlaceSparesFrozenTable(t *testing.T) {
	ptrs := make([][]*int, 64)
	for k := range ptrs {
		ptrs[k] = make([]*int, 8)
		for r := range ptrs[k] {
			ptrs[k][r] = new(k*8 + r)
		}
	}
	t.Run("word", func(t *testing.T) {
		m := ftutils.NewMap[int, int](ftutils.WithMapShards(1))
		if !ftutils.MapValWord(m) && wordValues64 {
			t.Fatal("Map[int, int] does not update values in place")
		}
		testMapInPlaceSparesFrozenTable(t, m, func(k, r int) int { return k*1000 + r })
	})
	for _, tt := range []struct {
		name string
		val  func(k, r int) any
	}{
		{"small-int", func(k, r int) any { return k + r }},
		{"int", func(k, r int) any { return k<<20 + r }}, // boxed: beyond the runtime's small-int array (k < 48)
		{"string", func(k, r int) any { return strconv.Itoa(k) + "/" + strconv.Itoa(r) }},
		{"pointer", func(k, r int) any { return ptrs[k][r] }},
		{"array", func(k, r int) any { return [3]int{k, r, k + r} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := ftutils.NewMap[int, any](ftutils.WithMapShards(1))
			if !ftutils.MapValIface(m) {
				t.Fatal("Map[int, any] does not replace values in place")
			}
			testMapInPlaceSparesFrozenTable(t, m, tt.val)
		})
	}
	t.Run("error", func(t *testing.T) {
		m := ftutils.NewMap[int, error](ftutils.WithMapShards(1))
		testMapInPlaceSparesFrozenTable(t, m, func(k, r int) error { return mapTestErr{k, r} })
	})
}

type mapTestErr struct{ a, b int }

func (e mapTestErr) Error() string { return fmt.Sprint(e.a, e.b) }

type mapTestPtrErr struct{ a, b int }

func (e *mapTestPtrErr) Error() string { return fmt.Sprint(e.a, e.b) }

// TestMapSupersededTableUnchanged: a reader that still holds a table after
// a rebuild replaced it (a put that ran out of slots, or a delete that
// shrank the shard) reads that table as it was at the rebuild: writes made
// afterwards, in place or not, land only in the new table.
func TestMapSupersededTableUnchanged(t *testing.T) {
	m := ftutils.NewMap[int, any](ftutils.WithMapShards(1))
	const n = 200
	for k := range n {
		m.Store(k, k)
	}
	load := func(tbl any, k int) any {
		v, ok := ftutils.MapLoadIn(m, tbl, k)
		if !ok {
			return "absent"
		}
		return v
	}
	t0 := ftutils.MapTableOf(m, 0)
	m.Store(0, 1000) // same dynamic type: in place, in t0
	if got := load(t0, 0); got != 1000 {
		t.Fatalf("in-place Store(0, 1000) not seen in the current table: %v", got)
	}
	// Growth rebuild: rewrite key 1 with alternating dynamic types (each
	// write consumes a slot) until the shard's table changes.
	last := any(1)
	for i := 0; ftutils.MapTableOf(m, 0) == t0; i++ {
		if i > 1e5 {
			t.Fatal("no rebuild after 1e5 slot-consuming writes")
		}
		v := any(int32(i))
		if i%2 == 1 {
			v = int64(i)
		}
		if ftutils.MapTableOf(m, 0) == t0 {
			if got := load(t0, 1); got != last {
				t.Fatalf("before the rebuild: t0 has 1: %v; want %v", got, last)
			}
		}
		m.Store(1, v)
		if ftutils.MapTableOf(m, 0) == t0 {
			last = v
		}
	}
	m.Store(0, 2000)  // in place, in the new table
	m.Store(2, "two") // another type: a fresh slot
	m.Delete(3)
	m.Store(n, n)
	for k, want := range map[int]any{0: 1000, 1: last, 2: 2, 3: 3, 4: 4, n: "absent"} {
		if got := load(t0, k); got != want {
			t.Errorf("superseded table: %d: %v; want %v", k, got, want)
		}
	}
	for k, want := range map[int]any{0: 2000, 2: "two", 3: nil, n: n} {
		if got, _ := m.Load(k); got != want {
			t.Errorf("Load(%d) = %v; want %v", k, got, want)
		}
	}

	// Shrink rebuild: delete keys until the shard's table changes.
	t1 := ftutils.MapTableOf(m, 0)
	k := n
	for ; ftutils.MapTableOf(m, 0) == t1; k-- {
		if k <= 10 {
			t.Fatal("no shrink after deleting most keys")
		}
		m.Delete(k)
	}
	m.Store(0, 3000) // in place, in the shrunk table
	if got := load(t1, 0); got != 2000 {
		t.Errorf("table superseded by a shrink: 0: %v; want 2000", got)
	}
	if got := load(t1, 5); got != 5 {
		t.Errorf("table superseded by a shrink: 5: %v; want 5", got)
	}
	if got := load(t1, k+1); got != "absent" {
		t.Errorf("table superseded by a shrink: %d: %v; want absent (tombstoned before the shrink)", k+1, got)
	}
	if got, _ := m.Load(0); got != 3000 {
		t.Errorf("Load(0) = %v; want 3000", got)
	}
}

// mapNum reads a counter boxed by mapNumBox (as int or int64: the type
// flips as it grows, so some increments replace the value in place and
// some append a slot); ok is false for anything else, including a counter
// whose dynamic type is not the one mapNumBox gives its value.
func mapNum(v any) (n int, ok bool) {
	switch x := v.(type) {
	case int:
		n, ok = x, true
	case int64:
		n, ok = int(x), true
	}
	_, want64 := mapNumBox(n).(int64)
	_, is64 := v.(int64)
	return n, ok && is64 == want64
}

// mapNumBox boxes n as int64 in every third run of 4, else as int.
func mapNumBox(n int) any {
	if n/4%3 == 0 {
		return int64(n)
	}
	return n
}

// TestMapStressIfaceIncrements: CompareAndSwap and Compute increments of
// interface values (in place while the dynamic type stays, in a fresh slot
// when it flips) race with Range, which freezes the shards' tables so that
// writers rebuild them. No increment is lost (the final sum), a reader's
// Loads never go backwards, and successive Ranges never see a counter go
// backwards or hold anything but a counter.
func TestMapStressIfaceIncrements(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := ftutils.NewMap[int, any](ftutils.WithMapShards(2))
		const keys = 8
		for k := range keys {
			m.Store(k, mapNumBox(0))
		}
		writers, iters := 2, stress.Scale(20000)
		var bad, done atomic.Int64
		stress.Run(writers+2, func(g int) {
			switch {
			case g < writers:
				defer done.Add(1)
				for i := range iters {
					k := (i*3 + g) % keys
					if i%2 == 0 {
						m.Compute(k, func(v any, _ bool) (any, ftutils.ComputeOp) {
							n, _ := mapNum(v)
							return mapNumBox(n + 1), ftutils.ComputeStore
						})
						continue
					}
					for {
						v, _ := m.Load(k)
						n, ok := mapNum(v)
						if !ok {
							bad.Add(1)
							break
						}
						if m.CompareAndSwap(k, v, mapNumBox(n+1)) {
							break
						}
					}
				}
			case g == writers: // reader
				var last [keys]int
				for i := 0; done.Load() < int64(writers); i++ {
					k := i % keys
					v, ok := m.Load(k)
					n, isNum := mapNum(v)
					if !ok || !isNum || n < last[k] {
						bad.Add(1)
					}
					last[k] = n
				}
			default: // ranger
				var last [keys]int
				for done.Load() < int64(writers) {
					seen := 0
					m.Range(func(k int, v any) bool {
						seen++
						n, ok := mapNum(v)
						if !ok || k < 0 || k >= keys || n < last[k] {
							bad.Add(1)
							return true
						}
						last[k] = n
						return true
					})
					if seen != keys {
						bad.Add(1)
					}
				}
			}
		})
		if n := bad.Load(); n > 0 {
			t.Errorf("%d reads saw a lost key, a foreign value or a counter going backwards", n)
		}
		sum := 0
		for k, v := range m.All() {
			n, ok := mapNum(v)
			if !ok {
				t.Errorf("key %d holds %#v", k, v)
			}
			sum += n
		}
		if want := writers * iters; sum != want {
			t.Errorf("sum of counters = %d; want %d", sum, want)
		}
	})
}

// testMapStressRangeShardSnapshot: a writer stores round r into keys
// 0..keys-1 in order, so at every instant v[0] >= v[1] >= ... >=
// v[keys-1] >= v[0]-1. A Range over a one-shard map sees the shard as of
// one instant, so what it collects must satisfy the same, however slowly
// it iterates and whether the writes replace values in place or not.
func testMapStressRangeShardSnapshot[V any](t *testing.T, box func(r int) V, unbox func(V) (int, bool)) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := ftutils.NewMap[int, V](ftutils.WithMapShards(1))
		const keys = 24
		for k := range keys {
			m.Store(k, box(0))
		}
		rounds := stress.Scale(3000)
		var done atomic.Bool
		var bad atomic.Int64
		stress.Run(2, func(g int) {
			if g == 0 {
				defer done.Store(true)
				for r := 1; r <= rounds; r++ {
					for k := range keys {
						m.Store(k, box(r))
					}
				}
				return
			}
			for i := 0; !done.Load(); i++ {
				var vals [keys]int
				seen := 0
				m.Range(func(k int, v V) bool {
					n, ok := unbox(v)
					if !ok || k < 0 || k >= keys {
						bad.Add(1)
						return true
					}
					vals[k] = n
					if seen++; (seen+i)%5 == 0 {
						runtime.Gosched() // let the writer run mid-Range
					}
					return true
				})
				if seen != keys {
					bad.Add(1)
					continue
				}
				for k := 1; k < keys; k++ {
					if vals[k] > vals[k-1] || vals[k] < vals[0]-1 {
						t.Errorf("Range saw no single instant: %v", vals)
						bad.Add(1)
						return
					}
				}
			}
		})
		if n := bad.Load(); n > 0 {
			t.Errorf("%d Ranges saw a torn shard, a foreign value or a missing key", n)
		}
	})
}

// TestMapStressRangeShardSnapshot: per-shard snapshot isolation of Range
// with word values updated in place, interface values updated in place
// (dynamic type int, or *int) or mixing in-place and fresh-slot writes.
func TestMapStressRangeShardSnapshot(t *testing.T) {
	t.Run("word", func(t *testing.T) {
		testMapStressRangeShardSnapshot(t, func(r int) int { return r }, func(v int) (int, bool) { return v, true })
	})
	t.Run("any-int", func(t *testing.T) {
		testMapStressRangeShardSnapshot(t, func(r int) any { return r }, func(v any) (int, bool) {
			n, ok := v.(int)
			return n, ok
		})
	})
	t.Run("any-flip", func(t *testing.T) {
		testMapStressRangeShardSnapshot(t, mapNumBox, mapNum)
	})
	t.Run("any-pointer", func(t *testing.T) {
		testMapStressRangeShardSnapshot(t, func(r int) any { return &r }, func(v any) (int, bool) {
			p, ok := v.(*int)
			if !ok {
				return 0, false
			}
			return *p, true
		})
	})
}

// mapShape is one dynamic type for TestMapIfaceInPlaceShapes: make builds
// round r's value, check reports whether a value read back is whole.
type mapShape struct {
	name  string
	make  func(r int) any
	check func(v any) bool
}

type mapTwoPtrs struct{ a, b *int }

var mapShapes = []mapShape{
	// Small ints box to the runtime's static array, large ones to the heap.
	{"int", func(r int) any {
		if r%2 == 0 {
			return r % 200
		}
		return r&0x7fff<<16 | r&0x7fff // fits a 32-bit int
	}, func(v any) bool {
		x, ok := v.(int)
		return ok && (x < 200 || x>>16 == x&0xffff)
	}},
	{"string", func(r int) any { s := strconv.Itoa(r); return s + ":" + s }, func(v any) bool {
		s, ok := v.(string)
		a, b, found := strings.Cut(s, ":")
		return ok && found && a == b
	}},
	{"two-pointers", func(r int) any { a, b := r, r; return mapTwoPtrs{&a, &b} }, func(v any) bool {
		p, ok := v.(mapTwoPtrs)
		return ok && *p.a == *p.b
	}},
	{"slice", func(r int) any { return []int{r, r, r} }, func(v any) bool {
		s, ok := v.([]int)
		return ok && len(s) == 3 && s[0] == s[1] && s[1] == s[2]
	}},
	{"zero-size", func(int) any { return struct{}{} }, func(v any) bool { _, ok := v.(struct{}); return ok }},
	{"func", func(r int) any { return func() (int, int) { return r, r } }, func(v any) bool {
		f, ok := v.(func() (int, int))
		if !ok {
			return false
		}
		a, b := f()
		return a == b
	}},
	{"one-pointer-array", func(r int) any { return [1]*[2]int{{r, r}} }, func(v any) bool {
		p, ok := v.([1]*[2]int)
		return ok && p[0][0] == p[0][1]
	}},
	{"map", func(r int) any { return map[int]int{0: r, 1: r} }, func(v any) bool {
		m, ok := v.(map[int]int)
		return ok && len(m) == 2 && m[0] == m[1]
	}},
}

// TestMapIfaceInPlaceShapes: interface values whose data word is the value
// (pointers, maps, funcs, one-pointer arrays), points to a heap copy
// (strings, slices, structs of two pointers, large ints) or to static
// memory (small ints, zero-size values) are replaced in place while
// readers and the garbage collector run; every value read back is whole.
// Every 16th round each key gets a value of another key's type (a fresh
// slot), so in-place and slot-consuming writes mix. Run with GOGC=1 and
// GODEBUG=gccheckmark=1,clobberfree=1 to catch a missing write barrier.
func TestMapIfaceInPlaceShapes(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := ftutils.NewMap[int, any](ftutils.WithMapShards(2))
		keys := len(mapShapes)
		shapeOf := func(k, r int) mapShape {
			if r%16 == 15 {
				return mapShapes[(k+1)%keys]
			}
			return mapShapes[k]
		}
		for k := range keys {
			m.Store(k, shapeOf(k, 0).make(0))
		}
		rounds := stress.Scale(5000)
		var bad atomic.Int64
		mapRaceWithGC(func() {
			for r := 1; r <= rounds; r++ {
				for k := range keys {
					m.Store(k, shapeOf(k, r).make(r))
				}
			}
		}, func(i int) {
			k := i % keys
			v, ok := m.Load(k)
			if !ok || !(mapShapes[k].check(v) || mapShapes[(k+1)%keys].check(v)) {
				bad.Add(1)
			}
		})
		if n := bad.Load(); n > 0 {
			t.Errorf("%d loads saw a missing or broken value", n)
		}
		for k := range keys {
			if v, _ := m.Load(k); !mapShapes[k].check(v) {
				t.Errorf("key %d (%s) ends as %#v", k, mapShapes[k].name, v)
			}
		}
	})
}

// mapRaceWithGC runs write on one goroutine and, until it returns, the
// collector in a loop on a second and read(0), read(1), ... on a third, all
// behind a start barrier: the shape of the in-place value tests, which
// must catch a torn value or a missing write barrier.
func mapRaceWithGC(write func(), read func(i int)) {
	var done atomic.Bool
	stress.Run(3, func(g int) {
		switch g {
		case 0:
			defer done.Store(true)
			write()
		case 1:
			for !done.Load() {
				runtime.GC()
			}
		default:
			for i := 0; !done.Load(); i++ {
				read(i)
			}
		}
	})
}

// TestMapErrorInPlace: a Map[int, error] (itab type words) alternates runs
// of a pointer-shaped error type and a boxed struct error type while
// readers and the collector run; each value read back is whole and of a
// type the writer stored for it.
func TestMapErrorInPlace(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := ftutils.NewMap[int, error](ftutils.WithMapShards(1))
		if !ftutils.MapValIface(m) {
			t.Fatal("Map[int, error] does not replace values in place")
		}
		const keys = 4
		mk := func(r int) error {
			if r/8%2 == 0 {
				return mapTestErr{r, r}
			}
			return &mapTestPtrErr{r, r}
		}
		for k := range keys {
			m.Store(k, mk(0))
		}
		rounds := stress.Scale(20000)
		var bad atomic.Int64
		var last [keys]int // the reader's
		mapRaceWithGC(func() {
			for r := 1; r <= rounds; r++ {
				m.Store(r%keys, mk(r))
			}
		}, func(i int) {
			k := i % keys
			v, _ := m.Load(k)
			var a, b int
			switch e := v.(type) {
			case mapTestErr:
				a, b = e.a, e.b
			case *mapTestPtrErr:
				a, b = e.a, e.b
			default:
				bad.Add(1)
				return
			}
			if _, isPtr := v.(*mapTestPtrErr); a != b || a < last[k] || isPtr != (a/8%2 == 1) {
				bad.Add(1)
			}
			last[k] = a
		})
		if n := bad.Load(); n > 0 {
			t.Errorf("%d loads saw a torn, mistyped or older error", n)
		}
	})
}

// TestMapProbeInBounds: home and next, which give the lock-free look-up
// the group index it uses without a bounds check, stay below the table's
// group count for every table size and extreme hashes, and a probe path
// from any home visits every group once before it wraps to its start.
func TestMapProbeInBounds(t *testing.T) {
	hashes := []uint64{0, ^uint64(0), 0x7f, 0x7f << 7, 0xffffffff << 7, 1 << 39, ^uint64(0) >> 25}
	for range 64 {
		hashes = append(hashes, rand.Uint64())
	}
	for _, groups := range []int{4, 5, 6, 7, 8, 9, 31, 33, 100, 1000, 4097} {
		n, home, next := ftutils.MapProbe(groups)
		if n != uint64(groups) {
			t.Fatalf("a table of %d groups records %d", groups, n)
		}
		seen := make([]int, n)
		for hi, h := range hashes {
			h0 := home(h)
			if h0 >= n {
				t.Fatalf("groups=%d h=%#x: home=%d", groups, h, h0)
			}
			i := h0
			for range n {
				if i >= n || seen[i] == hi+1 {
					t.Fatalf("groups=%d h=%#x: probe path from %d reaches %d twice or out of range", groups, h, h0, i)
				}
				seen[i] = hi + 1
				i = next(i)
			}
			if i != h0 {
				t.Fatalf("groups=%d h=%#x: probe path from %d does not wrap back to it (at %d)", groups, h, h0, i)
			}
		}
	}
}

// TestMapStressStaleSlot makes the writers that look a key up without the
// lock first (CompareAndSwap, CompareAndDelete, LoadAndDelete) race with
// writers that move the key to another slot, so that what the lock-free
// pre-check saw is often stale by the time the lock is taken. Values are
// strings, which are never updated in place: every successful replacement
// appends a slot and kills the old one. A writer that trusted its
// pre-check (or the slot it found) would let two CompareAndSwaps both
// succeed from one value (a lost increment), or two deleters both take one
// token (and leave the shard's count wrong).
func TestMapStressStaleSlot(t *testing.T) {
	workers, iters := 4, stress.Scale(20000)
	t.Run("CompareAndSwap", func(t *testing.T) {
		stress.Sweep(t, func(t *testing.T, procs int) {
			m := ftutils.NewMap[int, string](ftutils.WithMapShards(1))
			m.Store(0, "0")
			m.Store(1, "0")
			var incs [2]atomic.Int64
			stress.Run(workers, func(g int) {
				for i := range iters {
					k := (g + i) % 2
					for {
						v, _ := m.Load(k)
						n, _ := strconv.Atoi(v)
						if m.CompareAndSwap(k, v, strconv.Itoa(n+1)) {
							incs[k].Add(1)
							break
						}
					}
				}
			})
			for k := range 2 {
				v, _ := m.Load(k)
				if n, _ := strconv.Atoi(v); int64(n) != incs[k].Load() {
					t.Errorf("key %d = %d after %d successful CompareAndSwap increments", k, n, incs[k].Load())
				}
			}
			if m.Len() != 2 {
				t.Errorf("Len() = %d; want 2", m.Len())
			}
		})
	})
	t.Run("Delete", func(t *testing.T) {
		stress.Sweep(t, func(t *testing.T, procs int) {
			// Key 0 holds a token; whoever deletes it stores the next one
			// (with Store's look-up before the lock, as with many Ps).
			m := ftutils.NewMap[int, string](ftutils.WithMapShards(1))
			ftutils.SetMapManyProcs(m, true)
			m.Store(0, "t0")
			var minted atomic.Int64 // tokens t1, t2, ... as they are stored
			taken := make([]atomic.Int32, workers*iters+1)
			stress.Run(workers, func(g int) {
				for i := range iters {
					var tok string
					var ok bool
					if (g+i)%2 == 0 {
						tok, ok = m.LoadAndDelete(0)
					} else if tok, ok = m.Load(0); ok {
						ok = m.CompareAndDelete(0, tok)
					}
					if ok {
						j, _ := strconv.Atoi(tok[1:])
						taken[j].Add(1)
						m.Store(0, "t"+strconv.Itoa(int(minted.Add(1))))
					}
				}
			})
			last, ok := m.Load(0)
			if want := "t" + strconv.Itoa(int(minted.Load())); !ok || last != want || m.Len() != 1 {
				t.Fatalf("after the run: Load(0) = %q, %v and Len() = %d; want %q, true and 1", last, ok, m.Len(), want)
			}
			for j := range minted.Load() { // every token but the last was taken exactly once
				if c := taken[j].Load(); c != 1 {
					t.Fatalf("token t%d taken %d times; want 1", j, c)
				}
			}
		})
	})
}

// TestMapStressHelpedRebuild grows one shard past the size whose rebuilds
// other writers help with (8192 slots, in a map with many Ps, which the test
// forces), with several writers inserting at once, so that writers arriving
// during a rebuild copy parts of it. Every insert must survive the copies (a
// helper that lost or duplicated an entry shows up in the final contents),
// and each writer re-reads its own earlier keys as it goes. Writers rarely
// join a rebuild here (most are already parked on the lock when it starts);
// TestMapHelpedRebuildProtocol drives the helpers directly.
func TestMapStressHelpedRebuild(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := ftutils.NewMap[int, int](ftutils.WithMapShards(1))
		ftutils.SetMapManyProcs(m, true)
		const writers = 4
		n := max(stress.Scale(100000), 6000) // per writer; 24000 or more keys in all
		stress.Run(writers, func(w int) {
			for i := range n {
				k := i*writers + w
				if _, loaded := m.LoadOrStore(k, -k); loaded {
					t.Errorf("LoadOrStore(%d) found the key before it was stored", k)
					return
				}
				j := (i/2)*writers + w
				if v, ok := m.Load(j); !ok || v != -j {
					t.Errorf("Load(%d) = %d, %v; want %d, true", j, v, ok, -j)
					return
				}
			}
		})
		if got, want := m.Len(), writers*n; got != want {
			t.Fatalf("Len() = %d; want %d", got, want)
		}
		seen := make([]bool, writers*n)
		m.Range(func(k, v int) bool {
			if k < 0 || k >= len(seen) || seen[k] || v != -k {
				t.Fatalf("Range: key %d, value %d (seen before: %v)", k, v, k >= 0 && k < len(seen) && seen[k])
			}
			seen[k] = true
			return true
		})
		for k, ok := range seen {
			if !ok {
				t.Fatalf("key %d missing after the run", k)
			}
		}
	})
}

// TestMapStressRevive passes keys around as tokens: whoever deletes a key
// with LoadAndDelete holds it, and gives it back by storing the same value
// again, which revives the slot the delete left when no other delete of
// the shard came in between. No key may ever have two holders (a revived
// slot that made a key present twice, or a give-back that got lost, would
// show), a give-back never finds its key present, a reader never sees a
// wrong value, and in the end every key is back. It runs on a Map[int,
// int] (values updated in place) and a Map[any, string] (interface keys,
// values that are not).
func TestMapStressRevive(t *testing.T) {
	strs := make([]string, 4)
	for k := range strs {
		strs[k] = "v" + strconv.Itoa(10*k)
	}
	t.Run("int-int", func(t *testing.T) {
		stressRevive(t, ftutils.NewMap[int, int](ftutils.WithMapShards(1)), func(k int) int { return k }, func(k int) int { return 10 * k })
	})
	t.Run("any-string", func(t *testing.T) {
		stressRevive(t, ftutils.NewMap[any, string](ftutils.WithMapShards(1)), func(k int) any { return k }, func(k int) string { return strs[k] })
	})
}

func stressRevive[K, V comparable](t *testing.T, m *ftutils.Map[K, V], key func(int) K, val func(int) V) {
	const keys, workers = 4, 4
	iters := stress.Scale(20000)
	stress.Sweep(t, func(t *testing.T, procs int) {
		m.Clear()
		for k := range keys {
			m.Store(key(k), val(k))
		}
		var holders [keys]atomic.Int32
		var stop atomic.Bool
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { // a reader
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				if v, ok := m.Load(key(i % keys)); ok && v != val(i%keys) {
					t.Errorf("Load(%d) = %v", i%keys, v)
					return
				}
			}
		}()
		stress.Run(workers, func(g int) {
			for i := range iters {
				k := (g + i) % keys
				v, ok := m.LoadAndDelete(key(k))
				if !ok {
					continue
				}
				if n := holders[k].Add(1); n != 1 || v != val(k) {
					t.Errorf("LoadAndDelete(%d) = %v; %d holders", k, v, n)
					return
				}
				if v, ok := m.Load(key(k)); ok {
					t.Errorf("Load(%d) = %v while its holder has it deleted", k, v)
					return
				}
				holders[k].Add(-1)
				if (g+i)%3 == 0 {
					m.Store(key(k), val(k))
				} else if _, loaded := m.LoadOrStore(key(k), val(k)); loaded {
					t.Errorf("LoadOrStore(%d) found the key its holder deleted", k)
					return
				}
			}
		})
		stop.Store(true)
		wg.Wait()
		if m.Len() != keys {
			t.Fatalf("Len() = %d after the run; want %d", m.Len(), keys)
		}
		for k := range keys {
			if v, ok := m.Load(key(k)); !ok || v != val(k) {
				t.Fatalf("Load(%d) = %v, %v after the run", k, v, ok)
			}
		}
	})
}

// TestMapIfaceIntKeysCollide puts keys that are equal as numbers but not as
// interface values (int, int64, uint, a named int type, int32), and others,
// on one probe path (every hash forced equal): a Load of an int key, which
// compares slot keys by a type assertion, must find only the int, and a
// delete and revive of the int64 must leave the others alone.
func TestMapIfaceIntKeysCollide(t *testing.T) {
	type myInt int
	m := ftutils.NewMap[any, int](ftutils.WithMapShards(1))
	ftutils.SetMapHashMask(m, 0)
	keys := []any{int64(5), uint(5), myInt(5), int32(5), "5", nil, 5.0, -5, int(5)}
	for i, k := range keys {
		m.Store(k, i)
	}
	check := func(when string) {
		t.Helper()
		for i, k := range keys {
			if v, ok := m.Load(k); !ok || v != i {
				t.Fatalf("%s: Load(%T(%v)) = %d, %v; want %d", when, k, k, v, ok, i)
			}
		}
		if m.Len() != len(keys) {
			t.Fatalf("%s: Len() = %d; want %d", when, m.Len(), len(keys))
		}
	}
	check("after the stores")
	m.Delete(int64(5))
	if v, ok := m.Load(int64(5)); ok {
		t.Fatalf("Load(int64(5)) = %d after its Delete", v)
	}
	if v, ok := m.Load(5); !ok || v != len(keys)-1 {
		t.Fatalf("Load(5) = %d, %v after Delete(int64(5))", v, ok)
	}
	m.Store(int64(5), 0) // revives int64(5)'s slot
	check("after the revive")
}

// TestMapStressReuse checks inserts that overwrite deleted slots against
// lock-free readers. Every key hashes alike (one shard, one probe path, one
// control byte), so every look-up compares the key of every full slot it
// passes, and nearly every insert overwrites a slot that another key's
// entry held a moment before. Writers move their own keys out
// (LoadAndDelete) and back in (Store or LoadOrStore) while readers check
// that each value they load is the one of the key they asked for: a reader
// that used words of two entries would see another key's value (or crash
// comparing a string or interface key made of two keys' words). Conserved:
// at the end each key is present exactly when its writer last put it in.
func TestMapStressReuse(t *testing.T) {
	strs := make([]string, 64)
	for k := range strs {
		strs[k] = strings.Repeat("k", k%7) + strconv.Itoa(k)
	}
	t.Run("int-int", func(t *testing.T) {
		stressReuse(t, ftutils.NewMap[int, int](ftutils.WithMapShards(1)), func(k int) int { return k }, func(k int) int { return 7*k + 1 })
	})
	t.Run("string-int", func(t *testing.T) {
		stressReuse(t, ftutils.NewMap[string, int](ftutils.WithMapShards(1)), func(k int) string { return strs[k] }, func(k int) int { return 7*k + 1 })
	})
	t.Run("any-any", func(t *testing.T) {
		key := func(k int) any {
			if k%2 == 0 {
				return k
			}
			return strs[k]
		}
		val := func(k int) any {
			if k%3 == 0 {
				return strs[k]
			}
			return 7*k + 1
		}
		stressReuse(t, ftutils.NewMap[any, any](ftutils.WithMapShards(1)), key, val)
	})
}

func stressReuse[K, V comparable](t *testing.T, m *ftutils.Map[K, V], key func(int) K, val func(int) V) {
	const writers, perWriter, readers = 4, 8, 2
	if !ftutils.SetMapReuse(m, true) {
		t.Skip("these key and value types do not allow reuse on this platform")
	}
	ftutils.SetMapHashMask(m, 0)
	iters := stress.Scale(100000)
	stress.Sweep(t, func(t *testing.T, procs int) {
		m.Clear()
		var in [writers * perWriter]bool // owned by the key's writer
		for k := range in {
			if k%2 == 0 {
				m.Store(key(k), val(k))
				in[k] = true
			}
		}
		var stop atomic.Bool
		var wg sync.WaitGroup
		for rd := range readers {
			wg.Go(func() {
				for i := rd; !stop.Load(); i += 7 {
					k := i % len(in)
					if v, ok := m.Load(key(k)); ok && v != val(k) {
						t.Errorf("Load(%v) = %v; want %v", key(k), v, val(k))
						return
					}
				}
			})
		}
		stress.Run(writers, func(g int) {
			own := in[g*perWriter : (g+1)*perWriter]
			for i := range iters {
				j := (i*5 + g) % perWriter
				k := g*perWriter + j
				if own[j] {
					if v, ok := m.LoadAndDelete(key(k)); !ok || v != val(k) {
						t.Errorf("LoadAndDelete(%v) = %v, %v; want %v, true", key(k), v, ok, val(k))
						return
					}
				} else if i%2 == 0 {
					m.Store(key(k), val(k))
				} else if v, loaded := m.LoadOrStore(key(k), val(k)); loaded {
					t.Errorf("LoadOrStore(%v) found %v, though only its writer inserts it", key(k), v)
					return
				}
				own[j] = !own[j]
			}
		})
		stop.Store(true)
		wg.Wait()
		n := 0
		for k, want := range in {
			if v, ok := m.Load(key(k)); ok != want || ok && v != val(k) {
				t.Fatalf("Load(%v) = %v, %v after the run; want present %v", key(k), v, ok, want)
			}
			if want {
				n++
			}
		}
		if m.Len() != n {
			t.Fatalf("Len() = %d after the run; want %d", m.Len(), n)
		}
		if !ftutils.MapReuses(m, key(0)) {
			t.Fatal("the run ended on a table without slot reuse: the test did not exercise it")
		}
	})
}

// TestMapGrowTouchedKeys grows one shard of a Map[any, int] through many
// rebuilds with keys of every kind that a rebuild's read-ahead treats
// differently (mapTouchKey: ints and strings in the interface, empty
// strings, nil, pointers, structs, floats), and a Map[string, int] with the
// empty string among its keys, and checks that every key keeps its value.
// The read-ahead is switched on for tables of any size: by default only
// tables of megabytes take it.
func TestMapGrowTouchedKeys(t *testing.T) {
	defer ftutils.SetMapTouchMinBytes(0)()
	type pair struct{ a, b int }
	n := stress.Scale(20000)
	key := func(i int) any {
		switch i % 7 {
		case 0:
			return i
		case 1:
			return fmt.Sprint("k", i)
		case 2:
			return pair{i, -i}
		case 3:
			return new(int) // the key keeps its pointer alive
		case 4:
			return float64(i) + 0.5
		case 5:
			return [2]int{i, i}
		}
		return uint8(i) // never equal to an int key; repeats every 256 (skipped below)
	}
	m := ftutils.NewMap[any, int](ftutils.WithMapShards(1))
	keys := []any{nil, ""}
	for i := range n {
		keys = append(keys, key(i))
	}
	want := make(map[any]int, len(keys))
	for i, k := range keys {
		if _, dup := want[k]; dup {
			continue // uint8 keys repeat every 256
		}
		want[k] = i
		m.Store(k, i)
	}
	if m.Len() != len(want) {
		t.Fatalf("Len() = %d; want %d", m.Len(), len(want))
	}
	for k, i := range want {
		if v, ok := m.Load(k); !ok || v != i {
			t.Fatalf("Load(%#v) = %d, %v; want %d, true", k, v, ok, i)
		}
	}

	var s ftutils.Map[string, int]
	for i := range n {
		s.Store(fmt.Sprint(i), i)
	}
	s.Store("", -1)
	for i := range n {
		if v, ok := s.Load(fmt.Sprint(i)); !ok || v != i {
			t.Fatalf("Load(%q) = %d, %v; want %d, true", fmt.Sprint(i), v, ok, i)
		}
	}
	if v, ok := s.Load(""); !ok || v != -1 {
		t.Fatalf(`Load("") = %d, %v; want -1, true`, v, ok)
	}
}
