// Package mapboxed views an ftutils.Map[int, any] as a map of ints, so that
// the model, fuzz and linearizability tests written for Map[int, int] also
// run on interface values. It lives in internal/ so that the tests of both
// modules can import it (test helpers in a _test.go file cannot cross a
// module boundary).
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

// Ints adapts a Map[int, any] holding ints to the method set of
// Map[int, int]. It boxes 0 as nil, odd values as int32 and other even
// ones as int, so that a replacement keeps the dynamic type about half the
// time (the map updates the data word in place) and changes it otherwise
// (the map writes a fresh slot).
type Ints struct{ M *ftutils.Map[int, any] }

// Box returns v as Ints stores it.
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

// unboxLoaded unboxes the actual value of LoadOrStore or LoadOrCompute,
// present whether or not it was loaded.
func unboxLoaded(v any, loaded bool) (int, bool) {
	x, _ := Unbox(v, true)
	return x, loaded
}

func (b Ints) Load(k int) (int, bool) { return Unbox(b.M.Load(k)) }
func (b Ints) Store(k, v int)         { b.M.Store(k, Box(v)) }
func (b Ints) LoadOrStore(k, v int) (int, bool) {
	return unboxLoaded(b.M.LoadOrStore(k, Box(v)))
}
func (b Ints) LoadAndDelete(k int) (int, bool) { return Unbox(b.M.LoadAndDelete(k)) }
func (b Ints) Delete(k int)                    { b.M.Delete(k) }
func (b Ints) Swap(k, v int) (int, bool)       { return Unbox(b.M.Swap(k, Box(v))) }
func (b Ints) CompareAndSwap(k, old, new int) bool {
	return b.M.CompareAndSwap(k, Box(old), Box(new))
}
func (b Ints) CompareAndDelete(k, old int) bool { return b.M.CompareAndDelete(k, Box(old)) }
func (b Ints) Compute(k int, f func(old int, loaded bool) (int, ftutils.ComputeOp)) (int, bool) {
	return Unbox(b.M.Compute(k, func(old any, loaded bool) (any, ftutils.ComputeOp) {
		o, _ := Unbox(old, loaded)
		v, op := f(o, loaded)
		return Box(v), op
	}))
}
func (b Ints) LoadOrCompute(k int, f func() int) (int, bool) {
	return unboxLoaded(b.M.LoadOrCompute(k, func() any { return Box(f()) }))
}
func (b Ints) Range(f func(k, v int) bool) {
	b.M.Range(func(k int, v any) bool {
		x, _ := Unbox(v, true)
		return f(k, x)
	})
}
func (b Ints) Clear()   { b.M.Clear() }
func (b Ints) Len() int { return b.M.Len() }

// Snapshot returns the map's entries unboxed.
func (b Ints) Snapshot() map[int]int {
	out := map[int]int{}
	for k, v := range b.M.Snapshot() {
		out[k], _ = Unbox(v, true)
	}
	return out
}

// Strs adapts a Map[any, string] (int keys inside interfaces, values as
// decimal strings) to the method set of Map[int, int]: the other two code
// paths of the map, interface keys (compared inline when they hold ints)
// and values that are neither updated in place nor boxed. Small values come
// from one table, so storing a value equal to the present one stores the
// same bytes, as a real program that reuses its strings would.
type Strs struct{ M *ftutils.Map[any, string] }

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

func unstrLoaded(s string, loaded bool) (int, bool) {
	v, _ := Unstr(s, true)
	return v, loaded
}

func (b Strs) Load(k int) (int, bool) { return Unstr(b.M.Load(k)) }
func (b Strs) Store(k, v int)         { b.M.Store(k, Str(v)) }
func (b Strs) LoadOrStore(k, v int) (int, bool) {
	return unstrLoaded(b.M.LoadOrStore(k, Str(v)))
}
func (b Strs) LoadAndDelete(k int) (int, bool) { return Unstr(b.M.LoadAndDelete(k)) }
func (b Strs) Delete(k int)                    { b.M.Delete(k) }
func (b Strs) Swap(k, v int) (int, bool)       { return Unstr(b.M.Swap(k, Str(v))) }
func (b Strs) CompareAndSwap(k, old, new int) bool {
	return b.M.CompareAndSwap(k, Str(old), Str(new))
}
func (b Strs) CompareAndDelete(k, old int) bool { return b.M.CompareAndDelete(k, Str(old)) }
func (b Strs) Compute(k int, f func(old int, loaded bool) (int, ftutils.ComputeOp)) (int, bool) {
	v, ok := b.M.Compute(k, func(old string, loaded bool) (string, ftutils.ComputeOp) {
		o, _ := Unstr(old, loaded)
		n, op := f(o, loaded)
		return Str(n), op
	})
	if !ok {
		return 0, false
	}
	return Unstr(v, true)
}
func (b Strs) LoadOrCompute(k int, f func() int) (int, bool) {
	return unstrLoaded(b.M.LoadOrCompute(k, func() string { return Str(f()) }))
}
func (b Strs) Range(f func(k, v int) bool) {
	b.M.Range(func(k any, v string) bool {
		x, _ := Unstr(v, true)
		return f(k.(int), x)
	})
}
func (b Strs) Clear() { b.M.Clear() }
