package bench

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/anishathalye/porcupine"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/mapboxed"
)

type mapOpKind uint8

const (
	mLoad mapOpKind = iota
	mStore
	mLoadOrStore
	mLoadAndDelete
	mDelete
	mSwap
	mCAS
	mCAD
	mCompute       // add in.a if present, store in.a if absent; delete when the result is 0
	mLoadOrCompute // LoadOrCompute(k, func() V { return in.a })
	mNumKeyOps
	mRange   // Range over every entry; projected onto each key as mObserve
	mClear   // Clear; projected onto each key as a delete
	mObserve // what one Range saw for one key
)

var mapOpNames = [...]string{"Load", "Store", "LoadOrStore", "LoadAndDelete", "Delete", "Swap", "CAS", "CAD",
	"Compute", "LoadOrCompute", "", "Range", "Clear", "Observe"}

// mapIn is one Map call on key key of map obj; a and b are the values it
// passes (new, or old and new for CompareAndSwap).
type mapIn struct {
	obj, key int
	op       mapOpKind
	a, b     int
}

// mapOut is what it returned: a value and a bool (ok, loaded, swapped,
// deleted), or for Range the entries seen (dup set if a key came twice).
type mapOut struct {
	v    int
	ok   bool
	seen map[int]int
	dup  bool
}

// mapEntry is the per-key model state: the value and whether the key is
// present.
type mapEntry struct {
	v       int
	present bool
}

// linMapKeys is the key space of a Map history: small, so every key is
// contended.
const linMapKeys = 8

// mapPartition splits a Map history by (map, key). Clear and Range touch
// every key; each is projected onto every key as a per-key delete or
// observation. Map documents Range as weakly consistent (it reads the map
// group by group, each group as it was at one moment during the call) and
// Clear as atomic, so each key's projection must be linearizable on its
// own.
func mapPartition(h []porcupine.Operation) [][]porcupine.Operation {
	ops := make([]porcupine.Operation, 0, len(h))
	for _, op := range h {
		in := op.Input.(mapIn)
		if in.op != mRange && in.op != mClear {
			ops = append(ops, op)
			continue
		}
		res := op.Output.(mapOut)
		for k := range linMapKeys {
			p := op
			pin := in
			pin.key = k
			if in.op == mRange {
				pin.op = mObserve
				v, ok := res.seen[k]
				p.Output = mapOut{v: v, ok: ok, dup: res.dup}
			} else {
				pin.op = mDelete
			}
			p.Input = pin
			ops = append(ops, p)
		}
	}
	return partitionBy(func(in any) [2]int { return [2]int{in.(mapIn).obj, in.(mapIn).key} })(ops)
}

// mapStep is one key's sequential specification (sync.Map's, plus Compute
// and LoadOrCompute as map.go documents them).
func mapStep(s mapEntry, in mapIn, out mapOut) (bool, mapEntry) {
	switch in.op {
	case mLoad, mObserve:
		if out.dup {
			return false, s
		}
		if !s.present {
			return !out.ok, s
		}
		return out.ok && out.v == s.v, s
	case mStore:
		return true, mapEntry{in.a, true}
	case mLoadOrStore:
		if s.present {
			return out.ok && out.v == s.v, s
		}
		return !out.ok && out.v == in.a, mapEntry{in.a, true}
	case mLoadAndDelete:
		if s.present {
			return out.ok && out.v == s.v, mapEntry{}
		}
		return !out.ok, s
	case mDelete:
		return true, mapEntry{}
	case mSwap:
		if s.present {
			return out.ok && out.v == s.v, mapEntry{in.a, true}
		}
		return !out.ok, mapEntry{in.a, true}
	case mCAS:
		if s.present && s.v == in.a {
			return out.ok, mapEntry{in.b, true}
		}
		return !out.ok, s
	case mCAD:
		if s.present && s.v == in.a {
			return out.ok, mapEntry{}
		}
		return !out.ok, s
	case mCompute:
		n := in.a
		if s.present {
			n = s.v + in.a
		}
		if n == 0 {
			return !out.ok && out.v == 0, mapEntry{}
		}
		return out.ok && out.v == n, mapEntry{n, true}
	case mLoadOrCompute:
		if s.present {
			return out.ok && out.v == s.v, s
		}
		return !out.ok && out.v == in.a, mapEntry{in.a, true}
	}
	return false, s
}

var mapModel = porcupine.Model{
	Partition: mapPartition,
	Init:      func() any { return mapEntry{} },
	Step: func(state, input, output any) (bool, any) {
		return mapStep(state.(mapEntry), input.(mapIn), output.(mapOut))
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(mapIn), output.(mapOut)
		return fmt.Sprintf("m%d %s(%d, %d, %d) -> %d, %v", in.obj, mapOpNames[in.op], in.key, in.a, in.b, out.v, out.ok)
	},
	DescribeState: func(state any) string {
		s := state.(mapEntry)
		if !s.present {
			return "absent"
		}
		return fmt.Sprint(s.v)
	},
}

func applyMap(m mapboxed.IntMap, in mapIn) mapOut {
	switch in.op {
	case mLoad:
		v, ok := m.Load(in.key)
		return mapOut{v: v, ok: ok}
	case mStore:
		m.Store(in.key, in.a)
		return mapOut{}
	case mLoadOrStore:
		v, ok := m.LoadOrStore(in.key, in.a)
		return mapOut{v: v, ok: ok}
	case mLoadAndDelete:
		v, ok := m.LoadAndDelete(in.key)
		return mapOut{v: v, ok: ok}
	case mDelete:
		m.Delete(in.key)
		return mapOut{}
	case mSwap:
		v, ok := m.Swap(in.key, in.a)
		return mapOut{v: v, ok: ok}
	case mCAS:
		return mapOut{ok: m.CompareAndSwap(in.key, in.a, in.b)}
	case mCAD:
		return mapOut{ok: m.CompareAndDelete(in.key, in.a)}
	case mCompute:
		v, ok := m.Compute(in.key, func(old int, loaded bool) (int, ftutils.ComputeOp) {
			n := in.a
			if loaded {
				n = old + in.a
			}
			if n == 0 {
				return 0, ftutils.ComputeDelete
			}
			return n, ftutils.ComputeStore
		})
		return mapOut{v: v, ok: ok}
	case mLoadOrCompute:
		v, ok := m.LoadOrCompute(in.key, func() int { return in.a })
		return mapOut{v: v, ok: ok}
	case mRange:
		out := mapOut{seen: map[int]int{}}
		m.Range(func(k, v int) bool {
			if _, dup := out.seen[k]; dup {
				out.dup = true
			}
			out.seen[k] = v
			return true
		})
		return out
	case mClear:
		m.Clear()
		return mapOut{}
	}
	panic("unknown op")
}

// mapSpec builds a Map history over objs maps made by mk.
func mapSpec(objs int, mk func() mapboxed.IntMap) linSpec[[]mapboxed.IntMap] {
	return linSpec[[]mapboxed.IntMap]{
		model: mapModel,
		fresh: func() ([]mapboxed.IntMap, func()) {
			ms := make([]mapboxed.IntMap, objs)
			for i := range ms {
				ms[i] = mk()
			}
			return ms, nil
		},
		gen: func(_ []mapboxed.IntMap, rng *rand.Rand, c, i int) any {
			in := mapIn{obj: rng.IntN(objs), key: rng.IntN(linMapKeys), op: mapOpKind(rng.IntN(int(mNumKeyOps)))}
			switch r := rng.IntN(100); {
			case r < 3:
				// TestMapRangeSeesPresentKey covers the miss Range once had.
				in.op = mRange
			case r == 3:
				in.op = mClear
			}
			// Values from a small range so CompareAndSwap and
			// CompareAndDelete often match; Compute adds ±1 or ±2.
			in.a, in.b = rng.IntN(4)+1, rng.IntN(4)+1
			if in.op == mCompute {
				in.a = []int{-2, -1, 1, 2}[rng.IntN(4)]
			}
			return in
		},
		apply: func(ms []mapboxed.IntMap, input any, _ func()) any {
			in := input.(mapIn)
			return applyMap(ms[in.obj], in)
		},
	}
}

// TestLinMap checks every single-key operation of ftutils.Map, Compute and
// LoadOrCompute included, per (map, key), and Clear (atomic) and Range
// (weakly consistent) through their per-key projections. The maps cover
// the table's two slot policies: Map[int, int] and Map[int, any] free a
// deleted slot for the next insert and replace values in place (int
// values by one atomic store, interface values of the same dynamic type
// by their data word, of another type under the group's odd sequence
// count); Map[any, string] keeps append-only slots (a replaced value takes
// a new slot, a deleted one becomes a tombstone) and compares int keys by
// a type assertion. The few keys fall into the 8 home groups of the
// smallest table, some of them sharing a lock and a sequence count.
func TestLinMap(t *testing.T) {
	t.Run("zero", func(t *testing.T) {
		runLin(t, mapSpec(2, func() mapboxed.IntMap { return new(ftutils.Map[int, int]) }))
	})
	t.Run("any", func(t *testing.T) {
		runLin(t, mapSpec(2, func() mapboxed.IntMap { return mapboxed.Ints(ftutils.NewMap[int, any]()) }))
	})
	t.Run("anykey-string", func(t *testing.T) {
		runLin(t, mapSpec(2, func() mapboxed.IntMap { return mapboxed.Strs(ftutils.NewMap[any, string]()) }))
	})
	t.Run("stringkey", func(t *testing.T) {
		// Map[string, int]: Load's string path. Each call builds its key
		// afresh (another pointer than the stored one, so keys are
		// compared by their words or bytes), short for even keys and past
		// 16 bytes for odd ones (hashed by maphash).
		key := func(k int) string {
			if k%2 != 0 {
				return fmt.Sprintf("a-key-longer-than-16-bytes-%d", k)
			}
			return strconv.Itoa(k)
		}
		unkey := func(s string) int {
			if n, err := strconv.Atoi(s); err == nil {
				return n
			}
			var n int
			if _, err := fmt.Sscanf(s, "a-key-longer-than-16-bytes-%d", &n); err != nil {
				panic(err)
			}
			return n
		}
		id := func(v int) int { return v }
		dec := func(v int, ok bool) (int, bool) { return v, ok }
		runLin(t, mapSpec(2, func() mapboxed.IntMap {
			return mapboxed.New(ftutils.NewMap[string, int](), key, unkey, id, dec)
		}))
	})
}
