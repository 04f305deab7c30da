// Package mapboxed views an ftutils.Map with other key and value types as
// a map of ints, so that the model, fuzz and linearizability tests written
// for Map[int, int] also run on the map's other code paths: interface
// values (Ints: Map[int, any]) and interface keys with values that are
// neither updated in place nor boxed (Strs: Map[any, string]). It lives in
// internal/ so that the tests of both modules can import it (test helpers
// in a _test.go file cannot cross a module boundary).
package mapboxed

import (
	"fmt"
	"strconv"

	"github.com/ftutils-go/ftutils"
)

// IntMap is the method set of ftutils.Map[int, int] that the model and
// linearizability tests drive; both Map[int, int] and Ints have it.
type IntMap interface {
	Load(k int) (int, bool)
	Store(k, v int)
	LoadOrStore(k, v int) (int, bool)
	LoadAndDelete(k int) (int, bool)
	Delete(k int)
	Swap(k, v int) (int, bool)
	CompareAndSwap(k, old, new int) bool
	CompareAndDelete(k, old int) bool
	Compute(k int, f func(old int, loaded bool) (int, ftutils.ComputeOp)) (int, bool)
	LoadOrCompute(k int, f func() int) (int, bool)
	Range(f func(k, v int) bool)
	Clear()
}

// Adapter views a Map[K, V] as a map of ints: key turns an int key into a
// K and unkey back; enc turns an int value into a V, and dec back (with
// the ok of the call passed through).
type Adapter[K comparable, V any] struct {
	M     *ftutils.Map[K, V]
	key   func(int) K
	unkey func(K) int
	enc   func(int) V
	dec   func(V, bool) (int, bool)
}

// New adapts m with the given key and value conversions.
func New[K comparable, V any](m *ftutils.Map[K, V], key func(int) K, unkey func(K) int, enc func(int) V, dec func(V, bool) (int, bool)) Adapter[K, V] {
	return Adapter[K, V]{m, key, unkey, enc, dec}
}

// Ints adapts a Map[int, any] holding ints (see Box).
func Ints(m *ftutils.Map[int, any]) Adapter[int, any] {
	id := func(k int) int { return k }
	return New(m, id, id, Box, Unbox)
}

// Strs adapts a Map[any, string]: int keys inside interfaces, values as
// decimal strings (see Str).
func Strs(m *ftutils.Map[any, string]) Adapter[any, string] {
	return New(m, func(k int) any { return k }, func(k any) int { return k.(int) }, Str, Unstr)
}

// Box returns v as Ints stores it: 0 as nil, odd values as int32 and other
// even ones as int, so that a replacement keeps the dynamic type about half
// the time (the map updates the data word in place) and changes it
// otherwise (the map writes a fresh slot).
func Box(v int) any {
	switch {
	case v == 0:
		return nil
	case v%2 != 0:
		return int32(v)
	}
	return v
}

// Unbox returns the int that Box turned into v, with ok passed through. It
// panics if v is not something Box returns, or if ok is false and v is not
// nil (an absent key must come with the zero value).
func Unbox(v any, ok bool) (int, bool) {
	if !ok && v != nil {
		panic(fmt.Sprintf("mapboxed: absent key came with value %v", v))
	}
	switch x := v.(type) {
	case nil:
		return 0, ok
	case int32:
		return int(x), ok
	}
	return v.(int), ok
}

// strTable holds the strings of small values, so that storing a value
// equal to the present one stores the same bytes, as a program that reuses
// its strings would (the map's same-value paths compare bytes).
var strTable = func() (t [64]string) {
	for i := range t {
		t[i] = strconv.Itoa(i - len(t)/2)
	}
	return t
}()

// Str returns v as Strs stores it.
func Str(v int) string {
	if i := v + len(strTable)/2; i >= 0 && i < len(strTable) {
		return strTable[i]
	}
	return strconv.Itoa(v)
}

// Unstr returns the int that Str turned into s, with ok passed through. It
// panics on anything Str does not return, or on a non-empty s with ok
// false.
func Unstr(s string, ok bool) (int, bool) {
	if !ok {
		if s != "" {
			panic("mapboxed: absent key came with value " + s)
		}
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		panic("mapboxed: " + err.Error())
	}
	return v, true
}

// present decodes the actual value of LoadOrStore or LoadOrCompute, which
// is there whether or not it was loaded.
func (a Adapter[K, V]) present(v V, loaded bool) (int, bool) {
	x, _ := a.dec(v, true)
	return x, loaded
}

func (a Adapter[K, V]) Load(k int) (int, bool) { return a.dec(a.M.Load(a.key(k))) }
func (a Adapter[K, V]) Store(k, v int)         { a.M.Store(a.key(k), a.enc(v)) }
func (a Adapter[K, V]) LoadOrStore(k, v int) (int, bool) {
	return a.present(a.M.LoadOrStore(a.key(k), a.enc(v)))
}
func (a Adapter[K, V]) LoadAndDelete(k int) (int, bool) { return a.dec(a.M.LoadAndDelete(a.key(k))) }
func (a Adapter[K, V]) Delete(k int)                    { a.M.Delete(a.key(k)) }
func (a Adapter[K, V]) Swap(k, v int) (int, bool)       { return a.dec(a.M.Swap(a.key(k), a.enc(v))) }
func (a Adapter[K, V]) CompareAndSwap(k, old, new int) bool {
	return a.M.CompareAndSwap(a.key(k), a.enc(old), a.enc(new))
}
func (a Adapter[K, V]) CompareAndDelete(k, old int) bool {
	return a.M.CompareAndDelete(a.key(k), a.enc(old))
}
func (a Adapter[K, V]) Compute(k int, f func(old int, loaded bool) (int, ftutils.ComputeOp)) (int, bool) {
	v, ok := a.M.Compute(a.key(k), func(old V, loaded bool) (V, ftutils.ComputeOp) {
		o, _ := a.dec(old, loaded)
		n, op := f(o, loaded)
		return a.enc(n), op
	})
	if !ok {
		return 0, false
	}
	return a.dec(v, true)
}
func (a Adapter[K, V]) LoadOrCompute(k int, f func() int) (int, bool) {
	return a.present(a.M.LoadOrCompute(a.key(k), func() V { return a.enc(f()) }))
}
func (a Adapter[K, V]) Range(f func(k, v int) bool) {
	a.M.Range(func(k K, v V) bool {
		x, _ := a.dec(v, true)
		return f(a.unkey(k), x)
	})
}
func (a Adapter[K, V]) Clear()   { a.M.Clear() }
func (a Adapter[K, V]) Len() int { return a.M.Len() }

// Snapshot returns the map's entries as ints.
func (a Adapter[K, V]) Snapshot() map[int]int {
	out := map[int]int{}
	for k, v := range a.M.Snapshot() {
		out[a.unkey(k)], _ = a.dec(v, true)
	}
	return out
}
