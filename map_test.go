package ftutils_test

import (
	"fmt"
	"io"
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
// values are boxed and replaced in place, on a Map[any, string]
// (mapboxed.Strs), and on the maps that newMapKeyed adapts.
type mapIntLike interface {
	mapboxed.IntMap
	Len() int
	Snapshot() map[int]int
}

// Collisions for newMapKeys (see mapCollide): keys in one home chain through
// tables of up to 1024 groups with any control tags, in one home chain of
// tables of up to 32 groups with two tags t and t^1 (the pair that
// mapMatchZero's borrow can confuse, so that look-ups also meet its false
// positives), or in one home group of the smallest table (8 groups) with
// one tag (every slot of the chain matches every look-up's tag).
const (
	mapCollideHomeBits, mapCollideHomeTags = 10, 0
	mapCollideTagBits, mapCollideTagTags   = 5, 0x7e
	mapCollideAllBits, mapCollideAllTags   = 3, 0x7f
)

func mapID(v int) int                    { return v }
func mapIDOk(v int, ok bool) (int, bool) { return v, ok }

// mapInts adapts a Map[int, int] (slot reuse, word values replaced in
// place), its keys colliding as homeBits and tagMask say (0, 0: keys are
// the model's).
func mapInts(m *ftutils.Map[int, int], homeBits int, tagMask uint64) mapIntLike {
	return newMapKeyed(m, mapID, mapID, mapIDOk, homeBits, tagMask)
}

var mapVariants = []mapVariant{
	{"zero", func() mapIntLike { return new(ftutils.Map[int, int]) }},
	{"shards=1", func() mapIntLike { return ftutils.NewMap[int, int](ftutils.WithMapShards(1)) }},
	// 64 groups at least: the table shrinks to that floor and no further.
	{"shards=64", func() mapIntLike { return ftutils.NewMap[int, int](ftutils.WithMapShards(64)) }},
	{"presized", func() mapIntLike { return ftutils.NewMap[int, int](ftutils.WithMapCapacity(1000)) }},
	// Every key in one home chain (long chains of overflow groups, moved
	// whole by every resize, and Range's path for chains of more than 32
	// entries), with one or two control tags, or with any.
	{"collide-home", func() mapIntLike {
		return mapInts(ftutils.NewMap[int, int](), mapCollideHomeBits, mapCollideHomeTags)
	}},
	{"collide-tag", func() mapIntLike {
		return mapInts(ftutils.NewMap[int, int](), mapCollideTagBits, mapCollideTagTags)
	}},
	{"collide-all", func() mapIntLike {
		return mapInts(ftutils.NewMap[int, int](), mapCollideAllBits, mapCollideAllTags)
	}},
	// Append-only tables (types that are not mapReusable): values that
	// are not updated in place (Map[int, string]: a replaced value takes
	// a fresh slot and leaves a tombstone, compacted away later), and
	// 4-byte keys with word values (replaced in place, slots never
	// reused).
	{"append-only", func() mapIntLike {
		return newMapKeyed(ftutils.NewMap[int, string](), mapID, mapboxed.Str, mapboxed.Unstr, 0, 0)
	}},
	{"append-only-collide", func() mapIntLike {
		return newMapKeyed(ftutils.NewMap[int, string](), mapID, mapboxed.Str, mapboxed.Unstr, mapCollideTagBits, mapCollideTagTags)
	}},
	// 8-byte integer keys of another kind than int: slot reuse on 64-bit
	// platforms; on 32-bit ones an append-only table whose 8-byte keys
	// are only 4-aligned (read plainly, never by a 64-bit atomic load).
	{"int64-keys", func() mapIntLike {
		return newMapKeyed(ftutils.NewMap[int64, int](), func(c int) int64 { return int64(c) }, mapID, mapIDOk, 0, 0)
	}},
	{"int32-keys", func() mapIntLike {
		return newMapKeyed(ftutils.NewMap[int32, int](), func(c int) int32 { return int32(c) }, mapID, mapIDOk, 0, 0)
	}},
	{"int32-keys-collide", func() mapIntLike {
		return newMapKeyed(ftutils.NewMap[int32, int](), func(c int) int32 { return int32(c) }, mapID, mapIDOk, mapCollideHomeBits, mapCollideHomeTags)
	}},
	// String keys (slot reuse; Load's string path): short ones, hashed
	// and compared by their words, and with every third key past 16
	// bytes (maphash and memequal), on one chain's few tags.
	{"string-keys", func() mapIntLike {
		return newMapKeyed(ftutils.NewMap[string, int](), mapStrCand, mapID, mapIDOk, 0, 0)
	}},
	{"string-keys-collide", func() mapIntLike {
		return newMapKeyed(ftutils.NewMap[string, int](), mapStrCand, mapID, mapIDOk, mapCollideTagBits, mapCollideTagTags)
	}},
	// Interface values (slot reuse; replaced in place while the dynamic
	// type stays, under the group's odd sequence count when it changes).
	{"boxed", func() mapIntLike {
		return mapboxed.Ints(ftutils.NewMap[int, any](ftutils.WithMapShards(1)))
	}},
	{"boxed-collide", func() mapIntLike {
		return newMapKeyed(ftutils.NewMap[int, any](), mapID, mapboxed.Box, mapboxed.Unbox, mapCollideTagBits, mapCollideTagTags)
	}},
	{"boxed-collide-all", func() mapIntLike {
		return newMapKeyed(ftutils.NewMap[int, any](), mapID, mapboxed.Box, mapboxed.Unbox, mapCollideAllBits, mapCollideAllTags)
	}},
	{"boxed-zero", func() mapIntLike { return mapboxed.Ints(new(ftutils.Map[int, any])) }},
	// Interface keys and string values (append-only), and the compare of
	// interface keys.
	{"anykey-string", func() mapIntLike { return mapboxed.Strs(ftutils.NewMap[any, string](ftutils.WithMapShards(1))) }},
	{"anykey-string-collide", func() mapIntLike {
		return newMapKeyed(ftutils.NewMap[any, string](), func(c int) any { return c }, mapboxed.Str, mapboxed.Unstr, mapCollideTagBits, mapCollideTagTags)
	}},
}

// mapStrCand is the string key candidate c: up to 8 bytes, or 25 for
// every third c (past mapHashShort's 16).
func mapStrCand(c int) string {
	if c%3 == 0 {
		return fmt.Sprintf("long-key-%016d", c)
	}
	return "k" + strconv.Itoa(c)
}

// mapCollide returns whether a key's hash in m agrees with first's on bits
// 7..6+homeBits, so that the two share a home group in every table of up
// to 1<<homeBits groups, and on the control tag (bits 0..6) under tagMask:
// 0x7f for the same tag, 0x7e for the same tag or its neighbour t^1, 0 for
// any tag. Each call hashes the key.
func mapCollide[K comparable, V any](m *ftutils.Map[K, V], first K, homeBits int, tagMask uint64) func(K) bool {
	mask := uint64(1)<<homeBits - 1
	h0 := ftutils.MapHash(m, first)
	return func(k K) bool {
		d := ftutils.MapHash(m, k) ^ h0
		return d>>7&mask == 0 && d&tagMask == 0
	}
}

// mapCollidingKeys returns n distinct keys among cand(0), cand(1), ...
// (cand must be injective) that collide in m as mapCollide says, cand(0)
// first.
func mapCollidingKeys[K comparable, V any](m *ftutils.Map[K, V], cand func(int) K, n, homeBits int, tagMask uint64) []K {
	fits := mapCollide(m, cand(0), homeBits, tagMask)
	ks := []K{cand(0)}
	for c := 1; len(ks) < n; c++ {
		if c > 1<<30 {
			panic("mapCollidingKeys: no colliding candidates")
		}
		if k := cand(c); fits(k) {
			ks = append(ks, k)
		}
	}
	return ks
}

// mapKeys gives each model key a key of its own, for mapboxed.New:
// cand(i) for model key i if fits is nil; otherwise the next candidate
// cand(0), cand(1), ... that fits (cand must be injective), taken as the
// model first uses the key. With fits from mapCollide every model key
// collides with the others, however many the model uses. unkey translates
// back (a key never given out comes back as -1, which no model key is).
// Not safe for concurrent use.
type mapKeys[K comparable] struct {
	cand func(c int) K
	fits func(K) bool
	to   map[int]K
	from map[K]int
	next int
}

// newMapKeys returns the keys from cand that collide in m as homeBits and
// tagMask say (see mapCollide), or cand(i) for model key i if both are 0.
func newMapKeys[K comparable, V any](m *ftutils.Map[K, V], cand func(int) K, homeBits int, tagMask uint64) *mapKeys[K] {
	a := &mapKeys[K]{cand: cand, to: map[int]K{}, from: map[K]int{}}
	if homeBits != 0 || tagMask != 0 {
		a.fits = mapCollide(m, cand(0), homeBits, tagMask)
	}
	return a
}

func (a *mapKeys[K]) key(i int) K {
	if k, ok := a.to[i]; ok {
		return k
	}
	k := a.cand(i)
	if a.fits != nil {
		for k = a.cand(a.next); !a.fits(k); k = a.cand(a.next) {
			if a.next++; a.next > 1<<30 {
				panic("mapKeys: no colliding candidates")
			}
		}
		a.next++
	}
	a.to[i], a.from[k] = k, i
	return k
}

func (a *mapKeys[K]) unkey(k K) int {
	if i, ok := a.from[k]; ok {
		return i
	}
	return -1
}

// newMapKeyed views m as a map of ints for the model tests, its keys from
// newMapKeys and its values converted by enc and dec.
func newMapKeyed[K comparable, V any](m *ftutils.Map[K, V], cand func(int) K, enc func(int) V, dec func(V, bool) (int, bool), homeBits int, tagMask uint64) mapboxed.Adapter[K, V] {
	ks := newMapKeys(m, cand, homeBits, tagMask)
	return mapboxed.New(m, ks.key, ks.unkey, enc, dec)
}

// TestMapKeyedCollide checks that the collide variants' keys collide as
// mapCollide says, so that the model tests do run on long chains: 40 keys
// (a table of 8 groups does not grow) fill one home chain of 5 groups, and
// their tags take the allowed values; 64 keys under mapCollideHomeBits make
// the table grow and stay in one chain of 8 groups.
func TestMapKeyedCollide(t *testing.T) {
	for _, tt := range []struct {
		name     string
		bits     int
		tagMask  uint64
		n, chain int
		tags     int
	}{
		{"home", mapCollideHomeBits, mapCollideHomeTags, 64, 8, 128},
		{"tag", mapCollideTagBits, mapCollideTagTags, 40, 5, 2},
		{"all", mapCollideAllBits, mapCollideAllTags, 40, 5, 1},
	} {
		m := ftutils.NewMap[int, int]()
		ks := newMapKeys(m, mapID, tt.bits, tt.tagMask)
		a := mapboxed.New(m, ks.key, ks.unkey, mapID, mapIDOk)
		for i := range tt.n {
			a.Store(i, i)
		}
		k0, tags := ks.key(0), map[uint64]bool{}
		for i := range tt.n {
			k := ks.key(i)
			tags[ftutils.MapHash(m, k)&0x7f] = true
			if ftutils.MapHome(m, k) != ftutils.MapHome(m, k0) {
				t.Errorf("%s: model key %d (key %d) has home group %d; want %d", tt.name, i, k, ftutils.MapHome(m, k), ftutils.MapHome(m, k0))
			}
		}
		if c := ftutils.MapChain(m, k0); c != tt.chain || len(tags) > tt.tags {
			t.Errorf("%s: %d keys in a chain of %d groups with %d tags; want %d groups, at most %d tags", tt.name, tt.n, c, len(tags), tt.chain, tt.tags)
		}
		if got := a.Snapshot(); len(got) != tt.n || got[tt.n-1] != tt.n-1 {
			t.Errorf("%s: Snapshot() = %v; want the model keys 0..%d", tt.name, got, tt.n-1)
		}
	}
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

// mapSliceErr is an error type that is not comparable.
type mapSliceErr []string

func (e mapSliceErr) Error() string { return strings.Join(e, "; ") }

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
		// The check remembers the last comparable dynamic type (a type
		// word for any, an itab for a non-empty interface): another
		// type after it must still be checked.
		{"slice-in-any-after-ints", func() {
			m := ftutils.NewMap[int, any]()
			m.Store(1, 1)
			m.CompareAndSwap(1, 1, 2)
			m.CompareAndDelete(1, 5)
			m.CompareAndSwap(1, []int{1}, 2)
		}},
		{"slice-error-after-comparable-error", func() {
			var m ftutils.Map[int, error]
			m.Store(1, io.EOF)
			m.CompareAndSwap(1, io.EOF, io.ErrUnexpectedEOF)
			m.CompareAndDelete(1, mapSliceErr{"x"})
		}},
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
			t.Fatalf("after a panicking Compute(%d) its home group is still locked", k)
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

func TestMapHeaderPadding(t *testing.T) {
	// 56 bytes either side of the table pointer: no other object shares
	// its 64-byte cache line, however the Map is aligned.
	if ftutils.MapHeaderSize != ftutils.MapHeaderWant {
		t.Errorf("Map header size = %d; want %d", ftutils.MapHeaderSize, ftutils.MapHeaderWant)
	}
}

// TestMapOptions: WithMapShards(n) sets the least number of home groups
// (lock stripes), n rounded up to a power of two, at least MapMinGroups and
// at most 65536; WithMapCapacity(n) presizes the table to about 4 entries
// per group, so that n inserts do not grow it; and a shrink stops at the
// floor WithMapShards set.
func TestMapOptions(t *testing.T) {
	tests := []struct {
		name string
		opts []ftutils.MapOption
		want int
	}{
		{"none", nil, ftutils.MapMinGroups},
		{"shards=1", []ftutils.MapOption{ftutils.WithMapShards(1)}, ftutils.MapMinGroups},
		{"shards=5", []ftutils.MapOption{ftutils.WithMapShards(5)}, 8},
		{"shards=9", []ftutils.MapOption{ftutils.WithMapShards(9)}, 16},
		{"shards=64", []ftutils.MapOption{ftutils.WithMapShards(64)}, 64},
		{"shards=1<<20", []ftutils.MapOption{ftutils.WithMapShards(1 << 20)}, 1 << 16},
		{"capacity=1", []ftutils.MapOption{ftutils.WithMapCapacity(1)}, ftutils.MapMinGroups},
		{"capacity=1000", []ftutils.MapOption{ftutils.WithMapCapacity(1000)}, 256},
		{"capacity=1024", []ftutils.MapOption{ftutils.WithMapCapacity(1024)}, 256},
		{"capacity=1025", []ftutils.MapOption{ftutils.WithMapCapacity(1025)}, 512},
		{"capacity=1000,shards=512", []ftutils.MapOption{ftutils.WithMapCapacity(1000), ftutils.WithMapShards(512)}, 512},
	}
	for _, tt := range tests {
		if got := ftutils.MapGroups(ftutils.NewMap[int, int](tt.opts...)); got != tt.want {
			t.Errorf("%s: %d groups; want %d", tt.name, got, tt.want)
		}
	}
	if n := ftutils.MapGroups(new(ftutils.Map[int, int])); n != ftutils.MapMinGroups {
		t.Errorf("zero Map: %d groups; want %d", n, ftutils.MapMinGroups)
	}

	// A presized map takes its capacity without growing.
	m := ftutils.NewMap[int, int](ftutils.WithMapCapacity(1000))
	for i := range 1000 {
		m.Store(i, i)
	}
	if g := ftutils.MapGroups(m); g != 256 {
		t.Errorf("WithMapCapacity(1000) after 1000 inserts: %d groups; want 256", g)
	}

	// The floor survives growth and shrink: emptied, the map returns to
	// exactly its floor (each Delete that empties a count stripe may halve
	// the table, so a few Store+Delete pairs finish the shrink).
	for _, shards := range []int{1, 64} {
		m := ftutils.NewMap[int, int](ftutils.WithMapShards(shards))
		floor := max(ftutils.MapMinGroups, shards)
		n := 20 * floor
		for i := range n {
			m.Store(i, i)
		}
		if g := ftutils.MapGroups(m); g < n/8 {
			t.Errorf("shards=%d: %d entries in %d groups; want at least %d groups", shards, n, g, n/8)
		}
		for i := range n {
			m.Delete(i)
		}
		for range 16 {
			m.Store(-1, -1)
			m.Delete(-1)
		}
		if g := ftutils.MapGroups(m); g != floor || m.Len() != 0 {
			t.Errorf("shards=%d emptied: %d groups, Len() = %d; want %d, 0", shards, g, m.Len(), floor)
		}
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

// TestMapGrowShrink: the table doubles as entries arrive (it grows once an
// insert needs an overflow group while 7/8 of its slots are full, so its
// load stays between about 7/16 and 1), halves as they leave (once less
// than 1/16 of its slots are full), and keeps every entry through both.
func TestMapGrowShrink(t *testing.T) {
	m := ftutils.NewMap[int, int](ftutils.WithMapShards(4))
	n := stress.Scale(200000)
	for i := range n {
		m.Store(i, i)
	}
	grown := ftutils.MapGroups(m)
	if slots := 8 * grown; n > slots || 4*n < slots {
		t.Fatalf("%d entries in %d groups (%d slots); want a load between 1/4 and 1", n, grown, slots)
	}
	for i := range n - 10 {
		m.Delete(i)
	}
	// The table halves while less than 1/16 of its slots are full: for the
	// last 10 entries, from 64 groups (512 slots, halved below 32
	// entries) at least, and down to 16 if a delete below 16 entries
	// starts the last halving.
	if g := ftutils.MapGroups(m); g > 32 {
		t.Errorf("after deleting all but 10 of %d keys: %d groups (from %d); want <= 32", n, g, grown)
	}
	for i := n - 10; i < n; i++ {
		if v, ok := m.Load(i); v != i || !ok {
			t.Errorf("Load(%d) = %d, %v; want %d, true", i, v, ok, i)
		}
	}
	if m.Len() != 10 {
		t.Errorf("Len() = %d; want 10", m.Len())
	}
}

// TestMapAllocs: Load, Range, Len and Delete never allocate, nor do
// updates of present keys whose values are replaced in place (word
// values, interface values of the same dynamic type) or a delete and
// reinsert (the freed slot is reused); inserts of new keys allocate only
// the overflow groups they chain; Clear allocates one table, or nothing if
// the map was not written since it was made or cleared.
func TestMapAllocs(t *testing.T) {
	if stress.RaceEnabled {
		t.Skip("allocation counts differ under -race")
	}
	m := ftutils.NewMap[int, int]()
	for i := range 1024 {
		m.Store(i, i)
	}
	ptrs := make([]*int, 1024)
	a := ftutils.NewMap[int, any]()
	for i := range ptrs {
		ptrs[i] = new(i)
		a.Store(i, ptrs[i])
	}
	strs := make([]string, 1024)
	s := ftutils.NewMap[string, int]()
	for i := range strs {
		strs[i] = "k" + strconv.Itoa(i)
		s.Store(strs[i], i)
	}
	inc := func(v int, _ bool) (int, ftutils.ComputeOp) { return v + 1, ftutils.ComputeStore }
	k := 0
	tests := []struct {
		name string
		f    func()
	}{
		{"Load", func() { m.Load(k & 1023); k++ }},
		{"Load absent", func() { m.Load(k + 1<<20); k++ }},
		{"Load string", func() { s.Load(strs[k&1023]); k++ }},
		{"Load any", func() { a.Load(k & 1023); k++ }},
		{"Range", func() { m.Range(func(int, int) bool { return true }) }},
		{"Range any", func() { a.Range(func(int, any) bool { return true }) }},
		{"Len", func() { _ = m.Len() }},
		{"Delete absent", func() { m.Delete(k + 1<<20); k++ }},
		{"Store x100", func() {
			for range 100 {
				m.Store(k&1023, k)
				k++
			}
		}},
		{"Swap x100", func() {
			for range 100 {
				m.Swap(k&1023, k)
				k++
			}
		}},
		{"Compute x100", func() {
			for range 100 {
				m.Compute(k&1023, inc)
				k++
			}
		}},
		{"CompareAndSwap x100", func() {
			for range 100 {
				v, _ := m.Load(k & 1023)
				m.CompareAndSwap(k&1023, v, v+1)
				k++
			}
		}},
		{"LoadOrStore present x100", func() {
			for range 100 {
				m.LoadOrStore(k&1023, k)
				k++
			}
		}},
		{"Delete+Store x100", func() {
			for range 50 {
				m.Delete(k & 1023)
				m.Store(k&1023, k)
				k++
			}
		}},
		{"Store string x100", func() {
			for range 100 {
				s.Store(strs[k&1023], k)
				k++
			}
		}},
		{"Store any same type x100", func() {
			for range 100 {
				a.Store(k&1023, ptrs[(k+1)&1023])
				k++
			}
		}},
		{"CompareAndSwap any x100", func() {
			for range 100 {
				v, _ := a.Load(k & 1023)
				a.CompareAndSwap(k&1023, v, ptrs[(k+7)&1023])
				k++
			}
		}},
		{"Delete+Store any x100", func() {
			for range 50 {
				a.Delete(k & 1023)
				a.Store(k&1023, ptrs[k&1023])
				k++
			}
		}},
	}
	// Where the types get append-only tables (4-byte int keys and values
	// on 32-bit platforms), a replaced value or a deleted key consumes a
	// slot, and compaction allocates now and then.
	appendOnly := map[string]bool{
		"Store x100": !ftutils.MapReuses[int, int](), "Swap x100": !ftutils.MapReuses[int, int](),
		"Compute x100": !ftutils.MapReuses[int, int](), "CompareAndSwap x100": !ftutils.MapReuses[int, int](),
		"Delete+Store x100": !ftutils.MapReuses[int, int](), "Store string x100": !ftutils.MapReuses[string, int](),
		"Delete+Store any x100": !ftutils.MapReuses[int, any](),
	}
	for _, tt := range tests {
		if appendOnly[tt.name] {
			continue
		}
		if got := testing.AllocsPerRun(200, tt.f); got != 0 {
			t.Errorf("%s: %v allocs per run; want 0", tt.name, got)
		}
	}
	if m.Len() != 1024 || a.Len() != 1024 || s.Len() != 1024 {
		t.Fatalf("Len() = %d, %d, %d after the runs; want 1024", m.Len(), a.Len(), s.Len())
	}

	// New keys into a presized map: one allocation per overflow group.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	p := ftutils.NewMap[int, int](ftutils.WithMapCapacity(4096))
	groups := ftutils.MapGroups(p)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range 4096 {
		p.Store(i, i)
	}
	runtime.ReadMemStats(&after)
	if g := ftutils.MapGroups(p); g != groups {
		t.Fatalf("a map presized for 4096 entries grew from %d to %d groups", groups, g)
	}
	overflow, homes := 0, map[int]bool{}
	for i := range 4096 {
		if h := ftutils.MapHome(p, i); !homes[h] {
			homes[h] = true
			overflow += ftutils.MapChain(p, i) - 1
		}
	}
	if got := after.Mallocs - before.Mallocs; got > uint64(overflow) {
		t.Errorf("4096 inserts into a presized map: %d allocs; want at most %d (its overflow groups)", got, overflow)
	}

	clearAllocs := func(m *ftutils.Map[int, int]) uint64 {
		runtime.ReadMemStats(&before)
		m.Clear()
		runtime.ReadMemStats(&after)
		return after.Mallocs - before.Mallocs
	}
	if got := clearAllocs(m); got > 1 || m.Len() != 0 {
		t.Errorf("Clear of 1024 entries: %d allocs, Len() = %d; want <= 1, 0", got, m.Len())
	}
	if got := clearAllocs(m); got != 0 {
		t.Errorf("Clear of a cleared map: %d allocs; want 0", got)
	}
	if got := clearAllocs(ftutils.NewMap[int, int]()); got != 0 {
		t.Errorf("Clear of a new map: %d allocs; want 0", got)
	}
	w := ftutils.NewMap[int, int](ftutils.WithMapShards(64))
	w.Store(1, 1)
	if got := clearAllocs(w); got > 3 || w.Len() != 0 || ftutils.MapGroups(w) != 64 {
		t.Errorf("Clear of a WithMapShards(64) map: %d allocs, Len() = %d, %d groups; want <= 3, 0, 64", got, w.Len(), ftutils.MapGroups(w))
	}
}

// TestMapStressCompute: concurrent Compute increments on a few keys lose no
// update (the `d[k] += 1` race of ft_utils #13), on a Map[int, int] (slot
// reuse, values replaced in place) and a Map[int, int32] (append-only: each
// increment takes a fresh slot, and tombstones force compactions).
func TestMapStressCompute(t *testing.T) {
	t.Run("int", func(t *testing.T) {
		if !ftutils.MapReuses[int, int]() && wordValues64 {
			t.Fatal("Map[int, int] does not reuse slots")
		}
		testMapStressCompute[int](t)
	})
	t.Run("int32", func(t *testing.T) {
		if ftutils.MapReuses[int, int32]() {
			t.Fatal("Map[int, int32] reuses slots; want append-only")
		}
		testMapStressCompute[int32](t)
	})
}

func testMapStressCompute[V int | int32](t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := new(ftutils.Map[int, V])
		const keys = 16
		g, iters := 4, stress.Scale(20000)
		inc := func(v V, _ bool) (V, ftutils.ComputeOp) { return v + 1, ftutils.ComputeStore }
		stress.Hammer(g, iters, func(w, i int) {
			k := (i*7 + w) % keys
			switch i % 4 {
			case 0:
				m.Compute(k, inc)
			case 1:
				m.LoadOrStore(k, 0)
				for {
					v, _ := m.Load(k)
					if m.CompareAndSwap(k, v, v+1) {
						break
					}
				}
			case 2:
				m.Compute(k+keys, inc)
			case 3:
				// Move key+2*keys's count into key: a transfer keeps the sum.
				m.Compute(k+2*keys, inc)
				if v, ok := m.LoadAndDelete(k + 2*keys); ok {
					m.Compute(k, func(old V, _ bool) (V, ftutils.ComputeOp) { return old + v, ftutils.ComputeStore })
				}
			}
		})
		sum := 0
		for _, v := range m.All() {
			sum += int(v)
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
// in place (the data word), of another by writing both words while the
// group's sequence count is odd (readers wait it out). Readers racing
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
// Map[int, int] (a delete frees its slot for the next insert, a value is
// replaced in place) and on a Map[int, int32] (append-only slots,
// tombstones and compactions).
func TestMapStressRangeClearStore(t *testing.T) {
	t.Run("int", func(t *testing.T) {
		stressRangeClearStore(t, func() *ftutils.Map[int, int] { return new(ftutils.Map[int, int]) })
	})
	t.Run("int32", func(t *testing.T) {
		stressRangeClearStore(t, func() *ftutils.Map[int, int32] { return ftutils.NewMap[int, int32]() })
	})
}

func stressRangeClearStore[V int | int32](t *testing.T, mk func() *ftutils.Map[int, V]) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := mk()
		const writers, perWriter = 3, 300
		iters := stress.Scale(30000)
		val := func(k, i int) V { return V(k<<16 | i&0xffff) }
		var done atomic.Int32
		stress.Run(writers+2, func(w int) {
			switch {
			case w < writers:
				defer done.Add(1)
				for i := range iters {
					k := w + writers*(i%perWriter)
					switch i % 5 {
					case 0, 1, 2:
						m.Store(k, val(k, i))
					case 3:
						m.Delete(k)
					case 4:
						m.Compute(k, func(V, bool) (V, ftutils.ComputeOp) { return val(k, i), ftutils.ComputeStore })
					}
					// Nobody else writes k except Clear.
					if v, ok := m.Load(k); i%5 != 3 && ok && v != val(k, i) {
						t.Errorf("Load(%d) after own write = %x; want %x", k, v, val(k, i))
					}
				}
			case w == writers:
				for done.Load() < writers {
					seen := map[int]bool{}
					m.Range(func(k int, v V) bool {
						if seen[k] {
							t.Errorf("Range visited %d twice", k)
						}
						seen[k] = true
						if int(v)>>16 != k || k < 0 || k >= writers*perWriter {
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
				m.Store(k, val(k, j))
			}
		})
		want := map[int]V{}
		for k := range writers * perWriter {
			want[k] = val(k, k/writers)
		}
		if got := m.Snapshot(); !maps.Equal(got, want) || m.Len() != len(want) {
			t.Errorf("final Snapshot has %d entries (Len %d); want the %d last writes", len(got), m.Len(), len(want))
		}
	})
}

// TestMapStressGrowVisible: while the table grows under concurrent inserts
// (writers that meet a resize move part of it), a writer's own keys stay
// visible to its later Loads (no lost key), and all are gone after the
// writers delete them (while the table shrinks).
func TestMapStressGrowVisible(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := ftutils.NewMap[string, int](ftutils.WithMapShards(2))
		n := stress.Scale(20000)
		stress.Run(4, func(w int) {
			for i := range n {
				m.Store(fmt.Sprint(w, "-", i), i)
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
// visited exactly once, with a value stored for them, while writers
// rewrite them and insert and delete bursts of other keys, so that the
// table doubles several times and halves again under the Ranges (which
// then read the groups that moved in the new table). It runs on a
// Map[int, int] (in-place rewrites, slot reuse) and a Map[int, string]
// (append-only: a rewrite takes a fresh slot, tombstones are compacted).
func TestMapStressRangeSeesStableKeys(t *testing.T) {
	t.Run("int", func(t *testing.T) {
		testMapStressRangeStable(t, mapID, func(v int) (int, bool) { return v, true })
	})
	t.Run("string", func(t *testing.T) {
		testMapStressRangeStable(t, strconv.Itoa, func(s string) (int, bool) {
			n, err := strconv.Atoi(s)
			return n, err == nil
		})
	})
}

func testMapStressRangeStable[V any](t *testing.T, box func(int) V, unbox func(V) (int, bool)) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := ftutils.NewMap[int, V](ftutils.WithMapShards(2))
		const stable, churners, burst = 200, 2, 2000
		for k := range stable {
			m.Store(k, box(k))
		}
		cycles := 20
		if testing.Short() || stress.RaceEnabled {
			cycles = 3
		}
		var done atomic.Int32
		var peak atomic.Int64
		stress.Run(churners+1, func(w int) {
			if w == churners {
				// At least 3 Ranges, and Ranges until the churners are done.
				for r := 0; r < 3 || done.Load() < churners; r++ {
					seen := make([]int, stable)
					m.Range(func(k int, v V) bool {
						if k < stable {
							seen[k]++
							if n, ok := unbox(v); !ok || n%stable != k {
								t.Errorf("Range saw %d: %v, never stored", k, v)
							}
						} else if n, ok := unbox(v); !ok || n != -k {
							t.Errorf("Range saw %d: %v, never stored", k, v)
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
			defer done.Add(1)
			base := stable + w*burst
			for c := range cycles {
				for i := range burst {
					k := (c*burst + i) % stable
					m.Store(k, box(k+stable*(i%7))) // rewrite a stable key
					m.Store(base+i, box(-(base + i)))
				}
				if g := int64(ftutils.MapGroups(m)); g > peak.Load() {
					peak.Store(g) // a race between churners only lowers it
				}
				for i := range burst {
					m.Delete(base + i)
				}
			}
		})
		if m.Len() != stable {
			t.Errorf("Len() = %d after the churn; want %d", m.Len(), stable)
		}
		// A churner's burst and the stable keys, 2200 entries or more,
		// need 512 groups (the table doubles past 7/8 full); 200 entries
		// leave at most 256 (it halves while less than 1/16 is full).
		if p, g := int(peak.Load()), ftutils.MapGroups(m); p < 256 || g > p/2 {
			t.Errorf("the table peaked at %d groups and ended at %d; want >= 256 and at most half", p, g)
		}
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
// plain Go map and sync.Map, and checks it stays within the range that the
// table's load bounds give.
func TestMapMemoryPerEntry(t *testing.T) {
	if stress.RaceEnabled || testing.Short() {
		t.Skip("memory accounting is distorted under -race; slow under -short")
	}
	if strconv.IntSize != 64 {
		t.Skip("the group size below is for 64-bit platforms")
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
		"ftutils.Map (churned)": mapRetainedPerEntry(n, func(n int) any {
			var m ftutils.Map[int, int]
			for i := range 17 * n {
				m.Store(i, i)
				if i >= n {
					m.Delete(i - n)
				}
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
	// A Map[int, int] group is 192 bytes: 8 slots of 16 bytes, 8 hash
	// words of 4 and 32 bytes of sequence count, control word, chain
	// pointer and lock, so 24 bytes a slot. Home groups are 7/16 to 7/8
	// full (at 100000 entries about 76 %), and overflow groups add a
	// little.
	const slot = 192 / 8
	for _, k := range []string{"ftutils.Map", "ftutils.Map (updated 3x)"} {
		if b := got[k]; b < slot*8/7 || b > slot*16/7+8 {
			t.Errorf("%s: %.1f bytes per entry; want %.1f..%.1f", k, b, slot*8.0/7, slot*16.0/7+8)
		}
	}
	// Churn (a sliding window of keys: every insert a new key, every
	// delete the oldest, 16n times) leaves chains with some overflow
	// groups that are partly empty: an emptied overflow group is dropped
	// only when the rest of its chain has half a group free (unlink).
	// Measured 51 bytes per entry, 1.4 times the fresh map's (62, 1.7
	// times, before empty groups were dropped at all).
	if b, fresh := got["ftutils.Map (churned)"], got["ftutils.Map"]; b > 1.6*fresh {
		t.Errorf("churned: %.1f bytes per entry; want at most 1.6 times the fresh map's %.1f", b, fresh)
	}
}

// mapRangeWriters are the methods that overwrite a present key's value,
// for TestMapRangeCopiesGroups; each reports a wrong result.
func mapRangeWriters[V comparable]() []struct {
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

// testMapRangeCopiesGroups: on a map of 8 groups, the first callback of a
// Range rewrites every key. Range copies a home group's entries (its whole
// chain) at one instant before it calls f on any of them, so the entries
// it visits afterwards have their value from before the Range exactly
// when they share the first visited key's home group, and their new value
// otherwise; Load sees the new value at once, and after the Range
// everything reads the new values.
func testMapRangeCopiesGroups[V comparable](t *testing.T, m *ftutils.Map[int, V], val func(k, round int) V) {
	const n = 48 // no growth: a table of 8 groups grows past 56 entries
	for k := range n {
		m.Store(k, val(k, 0))
	}
	home := make([]int, n)
	for k := range home {
		home[k] = ftutils.MapHome(m, k)
	}
	for round, w := range mapRangeWriters[V]() {
		visited, first := 0, -1
		m.Range(func(k int, v V) bool {
			if visited == 0 {
				first = k
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
			want := val(k, round+1)
			if home[k] == home[first] {
				want = val(k, round) // copied with the first key, before the writes
			}
			if v != want {
				t.Errorf("%s inside Range: Range saw %d (group %d; first key %d in group %d): %v; want %v",
					w.name, k, home[k], first, home[first], v, want)
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
	if g := ftutils.MapGroups(m); g != ftutils.MapMinGroups {
		t.Fatalf("the table has %d groups; want %d (the test relies on home groups staying put)", g, ftutils.MapMinGroups)
	}
}

// TestMapRangeCopiesGroups: writes made by Range's callback, in place
// (word values, interface values of the same dynamic type: small ints from
// the runtime's static array, boxed ints, strings, pointers, non-empty
// interfaces) or not (string values of an append-only table: a fresh slot
// each, and compactions), never change the copy of a group that Range
// holds, and show in every group that Range has not copied yet.
func TestMapRangeCopiesGroups(t *testing.T) {
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
		testMapRangeCopiesGroups(t, m, func(k, r int) int { return k*1000 + r })
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
			testMapRangeCopiesGroups(t, m, tt.val)
		})
	}
	t.Run("error", func(t *testing.T) {
		m := ftutils.NewMap[int, error](ftutils.WithMapShards(1))
		testMapRangeCopiesGroups(t, m, func(k, r int) error { return mapTestErr{k, r} })
	})
	t.Run("append-only", func(t *testing.T) {
		if ftutils.MapReuses[int, string]() {
			t.Fatal("Map[int, string] reuses slots; want append-only")
		}
		m := ftutils.NewMap[int, string]()
		testMapRangeCopiesGroups(t, m, func(k, r int) string { return strconv.Itoa(k) + "/" + strconv.Itoa(r) })
	})
}

type mapTestErr struct{ a, b int }

func (e mapTestErr) Error() string { return fmt.Sprint(e.a, e.b) }

type mapTestPtrErr struct{ a, b int }

func (e *mapTestPtrErr) Error() string { return fmt.Sprint(e.a, e.b) }

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
// interface values (in place while the dynamic type stays, both words under
// the group's odd sequence count when it flips) race with Loads and
// Ranges. No increment is lost (the final sum), a reader's
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

// testMapStressRangeChain: 24 keys share one home group (a chain of three
// groups) of a map of 8 groups, and a writer stores round r into them in
// order, while Ranges run. Range promises each key once, with a value the
// key held at some moment during the call: so at least the last round
// completed before the Range began, at most the last round begun before
// it ended, however slowly it iterates and whether the writes replace
// values in place, under the group's odd sequence count (an interface
// value of another dynamic type), or in a fresh slot (an append-only
// table, whose tombstones force compactions and whose replacements may
// move a key to a later group of the chain).
func testMapStressRangeChain[V any](t *testing.T, box func(r int) V, unbox func(V) (int, bool)) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := ftutils.NewMap[int, V](ftutils.WithMapShards(1))
		const n = 24 // no growth: a table of 8 groups grows past 56 entries
		keys := mapCollidingKeys(m, mapID, n, 3, 0)
		index := map[int]int{}
		for i, k := range keys {
			index[k] = i
			m.Store(k, box(0))
		}
		if c := ftutils.MapChain(m, keys[0]); c != 3 {
			t.Fatalf("%d keys of one home group in a chain of %d groups; want 3", n, c)
		}
		rounds := stress.Scale(3000)
		var done atomic.Bool
		var bad atomic.Int64
		var begun, completed atomic.Int64
		stress.Run(2, func(g int) {
			if g == 0 {
				defer done.Store(true)
				for r := 1; r <= rounds; r++ {
					begun.Store(int64(r))
					for _, k := range keys {
						m.Store(k, box(r))
					}
					completed.Store(int64(r))
				}
				return
			}
			for i := 0; !done.Load(); i++ {
				var vals [n]int
				var got [n]bool
				seen := 0
				lo := int(completed.Load())
				m.Range(func(k int, v V) bool {
					x, ok := unbox(v)
					j, in := index[k]
					if !ok || !in {
						bad.Add(1)
						return true
					}
					if got[j] {
						bad.Add(1) // reported twice
					}
					got[j], vals[j] = true, x
					if seen++; (seen+i)%5 == 0 {
						runtime.Gosched() // let the writer run mid-Range
					}
					return true
				})
				hi := int(begun.Load())
				if seen != n {
					bad.Add(1)
					continue
				}
				for j := range n {
					if vals[j] < lo || vals[j] > hi {
						t.Errorf("Range between rounds %d and %d saw %v", lo, hi, vals)
						bad.Add(1)
						return
					}
				}
			}
		})
		if n := bad.Load(); n > 0 {
			t.Errorf("%d Ranges saw a value from outside the call, a foreign value, or a key missing or twice", n)
		}
		if g := ftutils.MapGroups(m); g != ftutils.MapMinGroups {
			t.Errorf("the table has %d groups; want %d (the keys' home group must stay put)", g, ftutils.MapMinGroups)
		}
	})
}

// TestMapStressRangeChain: what Range reports of a chain that a writer
// keeps rewriting, with word values updated in place, interface values
// updated in place (dynamic type int, or *int) or mixing in-place and
// type-changing writes, and append-only string values.
func TestMapStressRangeChain(t *testing.T) {
	t.Run("word", func(t *testing.T) {
		testMapStressRangeChain(t, mapID, func(v int) (int, bool) { return v, true })
	})
	t.Run("any-int", func(t *testing.T) {
		testMapStressRangeChain(t, func(r int) any { return r }, func(v any) (int, bool) {
			n, ok := v.(int)
			return n, ok
		})
	})
	t.Run("any-flip", func(t *testing.T) {
		testMapStressRangeChain(t, mapNumBox, mapNum)
	})
	t.Run("any-pointer", func(t *testing.T) {
		testMapStressRangeChain(t, func(r int) any { return &r }, func(v any) (int, bool) {
			p, ok := v.(*int)
			if !ok {
				return 0, false
			}
			return *p, true
		})
	})
	t.Run("append-only", func(t *testing.T) {
		testMapStressRangeChain(t, strconv.Itoa, func(s string) (int, bool) {
			n, err := strconv.Atoi(s)
			return n, err == nil
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
// Every 16th round each key gets a value of another key's type (both
// words rewritten under the group's odd sequence count), so data-word and
// whole-value writes mix. Run with GOGC=1 and
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

// TestMapStressStaleSlot makes the writers that look a key up without the
// lock first (CompareAndSwap, CompareAndDelete, LoadAndDelete) race with
// writers that move the key to another slot, so that what the lock-free
// pre-check saw is often stale by the time the lock is taken. Values are
// strings, which are never updated in place (an append-only table): every
// successful replacement takes a fresh slot and leaves a tombstone, and the
// tombstones force compactions into new tables. A writer that trusted its
// pre-check (or the slot it found) would let two CompareAndSwaps both
// succeed from one value (a lost increment), or two deleters both take one
// token (and leave the map's count wrong).
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
			// Key 0 holds a token; whoever deletes it stores the next one.
			m := ftutils.NewMap[int, string](ftutils.WithMapShards(1))
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

// TestMapStressConcurrentResize: writers insert disjoint keys at once into
// a map that starts at 8 groups, so that it doubles many times while they
// insert, then delete them at once, so that it halves as many times. A
// writer that meets a resize moves a chunk of it before its own write, so
// most resizes are carried by several goroutines while others write to
// groups that were moved or not yet. No insert may be lost or duplicated
// by a move (the contents at the peak and each writer's re-reads of its
// own keys), no delete may be undone (each key is delivered once, Len ends
// at 0), and the table must grow and shrink.
func TestMapStressConcurrentResize(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		m := ftutils.NewMap[int, int]()
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
		peak := ftutils.MapGroups(m)
		if peak < writers*n/8 {
			t.Fatalf("%d entries in %d groups: the table did not grow", writers*n, peak)
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
		stress.Run(writers, func(w int) {
			for i := range n {
				k := i*writers + w
				if v, ok := m.LoadAndDelete(k); !ok || v != -k {
					t.Errorf("LoadAndDelete(%d) = %d, %v; want %d, true", k, v, ok, -k)
					return
				}
				if jj := (i + n + 1) / 2; jj < n { // not yet deleted
					j := jj*writers + w
					if v, ok := m.Load(j); !ok || v != -j {
						t.Errorf("Load(%d) = %d, %v; want %d, true", j, v, ok, -j)
						return
					}
				}
			}
		})
		// Deletes halve the table while less than 1/16 of its slots are
		// full (a delete that leaves its count stripe below its share of
		// that starts the halving), so the empty map is back to a few
		// groups.
		if g := ftutils.MapGroups(m); m.Len() != 0 || g > 64 {
			t.Fatalf("after every delete: Len() = %d, %d groups (peak %d); want 0, <= 64", m.Len(), g, peak)
		}
	})
}

// TestMapStressRevive passes keys around as tokens: whoever deletes a key
// with LoadAndDelete holds it, and gives it back by storing the same value
// again: in a Map[int, int] into the first free slot of its home chain,
// often the one its delete freed (slot reuse), in a Map[any, string]
// (interface keys, values not updated in place: an append-only table) into
// a fresh slot, next to the tombstone its delete left. No key may ever
// have two holders (a give-back that made a key present twice, or one that
// got lost, would show), a give-back never finds its key present, a reader
// never sees a wrong value, and in the end every key is back.
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

// TestMapIfaceIntKeysCollide: interface keys that are equal as numbers but
// not as interface values (int, int64, uint, a named int type, int32,
// uintptr), and others, are distinct keys. For each of those types a value
// x is found whose key T(x) has the home group and the control tag of
// int(x), so that a look-up of either meets the other's slot with a
// matching tag and must tell them apart by the whole interface value
// (dynamic type and value), not by the value's bits.
func TestMapIfaceIntKeysCollide(t *testing.T) {
	type myInt int
	m := ftutils.NewMap[any, int](ftutils.WithMapShards(1))
	keys := []any{int64(5), uint(5), myInt(5), int32(5), "5", nil, 5.0, -5, int(5)}
	used := map[any]bool{}
	for _, k := range keys {
		used[k] = true
	}
	for _, conv := range []func(x int) any{
		func(x int) any { return int64(x) },
		func(x int) any { return uint(x) },
		func(x int) any { return myInt(x) },
		func(x int) any { return int32(x) },
		func(x int) any { return uintptr(x) },
	} {
		for x := 0; ; x++ {
			if x > 1<<24 {
				t.Fatalf("no value x with %T(x) colliding with int(x)", conv(0))
			}
			a, b := any(x), conv(x)
			ha, hb := ftutils.MapHash(m, a), ftutils.MapHash(m, b)
			if used[a] || used[b] || ftutils.MapHome(m, a) != ftutils.MapHome(m, b) || (ha^hb)&0x7f != 0 {
				continue
			}
			used[a], used[b] = true, true
			// T(x) first: the int's Store then meets T(x)'s slot in
			// the locked look-up (locate, comparing int keys by type word and
			// value) and must pass it by.
			keys = append(keys, b, a)
			break
		}
	}
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
		if got := m.Snapshot(); len(got) != len(keys) {
			t.Fatalf("%s: Snapshot has %d keys; want %d", when, len(got), len(keys))
		}
	}
	check("after the stores")
	for _, pair := range [][2]any{{int64(5), 5}, {keys[len(keys)-1], keys[len(keys)-2]}} {
		m.Delete(pair[0])
		if v, ok := m.Load(pair[0]); ok {
			t.Fatalf("Load(%T(%v)) = %d after its Delete", pair[0], pair[0], v)
		}
		if v, ok := m.Load(pair[1]); !ok || v != slices.Index(keys, pair[1]) {
			t.Fatalf("Load(%T(%v)) = %d, %v after Delete(%T(%v))", pair[1], pair[1], v, ok, pair[0], pair[0])
		}
		m.Store(pair[0], slices.Index(keys, pair[0])) // reuses the freed slot
	}
	check("after the deletes and reinserts")
}

// TestMapStressReuse checks inserts that overwrite deleted slots against
// lock-free readers. Every key shares one home group and one control tag
// (keys found by search), so every look-up compares the key of every full
// slot of a chain of four groups, and nearly every insert overwrites a
// slot that another key's entry held a moment before. Writers move their
// own keys out (LoadAndDelete) and back in (Store or LoadOrStore) while
// readers check that each value they load is the one of the key they
// asked for: a reader that used words of two entries would see another
// key's value (or crash comparing a string or interface key made of two
// keys' words). Conserved: at the end each key is present exactly when
// its writer last put it in.
func TestMapStressReuse(t *testing.T) {
	str := func(c int) string { return strings.Repeat("k", c%7) + strconv.Itoa(c) }
	t.Run("int-int", func(t *testing.T) {
		stressReuse(t, ftutils.NewMap[int, int](ftutils.WithMapShards(1)), mapID, func(k int) int { return 7*k + 1 })
	})
	t.Run("string-int", func(t *testing.T) {
		stressReuse(t, ftutils.NewMap[string, int](ftutils.WithMapShards(1)), str, func(k int) int { return 7*k + 1 })
	})
	t.Run("any-any", func(t *testing.T) {
		key := func(c int) any {
			if c%2 == 0 {
				return c
			}
			return str(c)
		}
		val := func(k int) any {
			if k%3 == 0 {
				return str(k)
			}
			return 7*k + 1
		}
		stressReuse(t, ftutils.NewMap[any, any](ftutils.WithMapShards(1)), key, val)
	})
}

// stressReuse runs TestMapStressReuse on m, with keys among cand(0),
// cand(1), ... and the value val(i) for the i-th key.
func stressReuse[K, V comparable](t *testing.T, m *ftutils.Map[K, V], cand func(int) K, val func(int) V) {
	const writers, perWriter, readers = 4, 8, 2
	if !ftutils.MapReuses[K, V]() {
		t.Skip("these key and value types do not allow reuse on this platform")
	}
	// 32 keys, no more than 56: a table of 8 groups does not grow.
	keys := mapCollidingKeys(m, cand, writers*perWriter, 3, 0x7f)
	key := func(k int) K { return keys[k] }
	iters := stress.Scale(100000)
	stress.Sweep(t, func(t *testing.T, procs int) {
		m.Clear()
		var in [writers * perWriter]bool // owned by the key's writer
		for k := range in {
			m.Store(key(k), val(k)) // 32 keys: a chain of 4 groups
		}
		for k := range in {
			if in[k] = k%2 == 0; !in[k] {
				m.Delete(key(k))
			}
		}
		if c := ftutils.MapChain(m, key(0)); c != 4 {
			t.Fatalf("the keys' home chain has %d groups; want 4", c)
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
		// Reused slots: 16 entries never needed more than the 4 groups
		// (fewer once emptied overflow groups are dropped).
		if g, c := ftutils.MapGroups(m), ftutils.MapChain(m, key(0)); g != ftutils.MapMinGroups || c > 4 {
			t.Fatalf("after the run: %d groups, a chain of %d; want %d and at most 4", g, c, ftutils.MapMinGroups)
		}
	})
}

// TestMapGrowKeyKinds grows a Map[any, int] from 8 groups through many
// resizes with keys of every kind that hashing and moving treat
// differently (ints and strings in the interface, the empty string, nil,
// pointers, structs, floats, arrays, small unsigned ints), and a
// Map[string, int] with the empty string among its keys, then deletes most
// keys so that it shrinks again, and checks that every key keeps its
// value: a move places an entry by the hash bits stored with it, never
// hashing the key again.
func TestMapGrowKeyKinds(t *testing.T) {
	type pair struct{ a, b int }
	n := max(stress.Scale(20000), 2000)
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
	m := ftutils.NewMap[any, int]()
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
	check := func(when string) {
		t.Helper()
		if m.Len() != len(want) {
			t.Fatalf("%s: Len() = %d; want %d", when, m.Len(), len(want))
		}
		for k, i := range want {
			if v, ok := m.Load(k); !ok || v != i {
				t.Fatalf("%s: Load(%#v) = %d, %v; want %d, true", when, k, v, ok, i)
			}
		}
		if got := m.Snapshot(); !maps.Equal(got, want) {
			t.Fatalf("%s: Snapshot has %d entries; want %d", when, len(got), len(want))
		}
	}
	check("grown")
	grown := ftutils.MapGroups(m)
	for i, k := range keys {
		if _, ok := want[k]; ok && i >= 2 && i%16 != 0 { // keep nil and ""
			delete(want, k)
			m.Delete(k)
		}
	}
	check("shrunk")
	if g := ftutils.MapGroups(m); g >= grown {
		t.Errorf("deleting 15/16 of the keys left the table at %d groups (from %d); want fewer", g, grown)
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
