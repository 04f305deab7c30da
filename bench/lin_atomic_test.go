package bench

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/ftutils-go/ftutils"
)

// int64Register is the method set of ftutils.AtomicInt64 that the model
// covers. The stdlib-backed and deliberately broken implementations below
// share it, so the harness is checked against a known-good and a known-bad
// implementation as well as the real one.
type int64Register interface {
	Load() int64
	Store(v int64)
	Swap(v int64) int64
	CompareAndSwap(old, new int64) bool
	Add(d int64) int64
	Sub(d int64) int64
	Incr() int64
	Decr() int64
	Mul(x int64) int64
	Div(x int64) int64
	And(m int64) int64
	Or(m int64) int64
	Xor(m int64) int64
	Not() int64
	StoreMax(v int64) int64
	StoreMin(v int64) int64
	Update(f func(int64) int64) (int64, int64)
}

type intOpKind uint8

const (
	iLoad intOpKind = iota
	iStore
	iSwap
	iCAS
	iAdd
	iSub
	iIncr
	iDecr
	iMul
	iDiv
	iAnd
	iOr
	iXor
	iNot
	iStoreMax
	iStoreMin
	iUpdate
	iNumOps
)

var intOpNames = [...]string{"Load", "Store", "Swap", "CAS", "Add", "Sub", "Incr", "Decr", "Mul", "Div",
	"And", "Or", "Xor", "Not", "StoreMax", "StoreMin", "Update"}

// intIn is one AtomicInt64 call: the instance, the method and its arguments.
type intIn struct {
	obj  int
	op   intOpKind
	a, b int64
}

// intOut is what the call returned: r (and r2 for Update's new value), ok
// for CompareAndSwap.
type intOut struct {
	r, r2 int64
	ok    bool
}

// updateFn is the pure function Update applies.
func updateFn(x int64) int64 { return x*3 + 1 }

// intStep is the sequential specification of AtomicInt64: given the state
// and an input it returns the expected output and the next state.
func intStep(s int64, in intIn) (intOut, int64) {
	switch in.op {
	case iLoad:
		return intOut{r: s}, s
	case iStore:
		return intOut{}, in.a
	case iSwap:
		return intOut{r: s}, in.a
	case iCAS:
		if s == in.a {
			return intOut{ok: true}, in.b
		}
		return intOut{}, s
	case iAdd:
		return intOut{r: s + in.a}, s + in.a
	case iSub:
		return intOut{r: s - in.a}, s - in.a
	case iIncr:
		return intOut{r: s + 1}, s + 1
	case iDecr:
		return intOut{r: s - 1}, s - 1
	case iMul:
		return intOut{r: s * in.a}, s * in.a
	case iDiv:
		return intOut{r: s / in.a}, s / in.a
	case iAnd:
		return intOut{r: s}, s & in.a
	case iOr:
		return intOut{r: s}, s | in.a
	case iXor:
		return intOut{r: s}, s ^ in.a
	case iNot:
		return intOut{r: s}, ^s
	case iStoreMax:
		return intOut{r: s}, max(s, in.a)
	case iStoreMin:
		return intOut{r: s}, min(s, in.a)
	case iUpdate:
		return intOut{r: s, r2: updateFn(s)}, updateFn(s)
	}
	panic("unknown op")
}

var int64Model = porcupine.Model{
	Partition: partitionBy(func(in any) int { return in.(intIn).obj }),
	Init:      func() any { return int64(0) },
	Step: func(state, input, output any) (bool, any) {
		want, next := intStep(state.(int64), input.(intIn))
		return want == output.(intOut), next
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(intIn), output.(intOut)
		return fmt.Sprintf("#%d %s(%d, %d) -> %d, %d, %v", in.obj, intOpNames[in.op], in.a, in.b, out.r, out.r2, out.ok)
	},
}

// genInt picks a random AtomicInt64 input over objs instances. Arguments
// are small so values repeat and CompareAndSwap succeeds often.
func genInt(objs int) func(_ []int64Register, rng *rand.Rand, c, i int) any {
	return func(_ []int64Register, rng *rand.Rand, c, i int) any {
		in := intIn{obj: rng.IntN(objs), op: intOpKind(rng.IntN(int(iNumOps)))}
		in.a = rng.Int64N(9) - 4
		in.b = rng.Int64N(9) - 4
		if in.op == iDiv && in.a == 0 {
			in.a = 2
		}
		return in
	}
}

func applyInt(r int64Register, in intIn) intOut {
	switch in.op {
	case iLoad:
		return intOut{r: r.Load()}
	case iStore:
		r.Store(in.a)
		return intOut{}
	case iSwap:
		return intOut{r: r.Swap(in.a)}
	case iCAS:
		return intOut{ok: r.CompareAndSwap(in.a, in.b)}
	case iAdd:
		return intOut{r: r.Add(in.a)}
	case iSub:
		return intOut{r: r.Sub(in.a)}
	case iIncr:
		return intOut{r: r.Incr()}
	case iDecr:
		return intOut{r: r.Decr()}
	case iMul:
		return intOut{r: r.Mul(in.a)}
	case iDiv:
		return intOut{r: r.Div(in.a)}
	case iAnd:
		return intOut{r: r.And(in.a)}
	case iOr:
		return intOut{r: r.Or(in.a)}
	case iXor:
		return intOut{r: r.Xor(in.a)}
	case iNot:
		return intOut{r: r.Not()}
	case iStoreMax:
		return intOut{r: r.StoreMax(in.a)}
	case iStoreMin:
		return intOut{r: r.StoreMin(in.a)}
	case iUpdate:
		o, n := r.Update(updateFn)
		return intOut{r: o, r2: n}
	}
	panic("unknown op")
}

// int64Spec builds the linearizability spec for objs instances made by mk.
func int64Spec(objs int, mk func() int64Register) linSpec[[]int64Register] {
	return linSpec[[]int64Register]{
		model: int64Model,
		fresh: func() ([]int64Register, func()) {
			rs := make([]int64Register, objs)
			for i := range rs {
				rs[i] = mk()
			}
			return rs, nil
		},
		gen: genInt(objs),
		apply: func(rs []int64Register, in any, _ func()) any {
			i := in.(intIn)
			return applyInt(rs[i.obj], i)
		},
	}
}

// TestLinAtomicInt64 checks ftutils.AtomicInt64, every method.
func TestLinAtomicInt64(t *testing.T) {
	runLin(t, int64Spec(4, func() int64Register { return new(ftutils.AtomicInt64) }))
}

// TestLinAtomicInt64Reference runs the AtomicInt64 model against a
// stdlib-backed implementation: a control for the harness and the model.
func TestLinAtomicInt64Reference(t *testing.T) {
	runLin(t, int64Spec(4, func() int64Register { return new(refInt64) }))
}

// TestLinHarnessDetectsLostUpdate shows that the harness can fail: an
// AtomicInt64 whose Add is a load, a preemption point and a store loses
// updates, and porcupine must find a non-linearizable history.
func TestLinHarnessDetectsLostUpdate(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	spec := int64Spec(1, func() int64Register { return new(brokenInt64) })
	spec.gen = func(_ []int64Register, rng *rand.Rand, c, i int) any {
		if rng.IntN(4) == 0 {
			return intIn{op: iLoad}
		}
		return intIn{op: iAdd, a: 1}
	}
	for try := range 20 {
		hist := recordHistory(spec, 4, 40, linYield, uint64(try))
		if porcupine.CheckOperationsTimeout(int64Model, hist, 5*time.Second) == porcupine.Illegal {
			return
		}
	}
	t.Fatal("20 histories of a lost-update Add were all judged linearizable")
}

// refInt64 is AtomicInt64's specification built from sync/atomic.
type refInt64 struct{ v atomic.Int64 }

func (r *refInt64) Load() int64                        { return r.v.Load() }
func (r *refInt64) Store(v int64)                      { r.v.Store(v) }
func (r *refInt64) Swap(v int64) int64                 { return r.v.Swap(v) }
func (r *refInt64) CompareAndSwap(old, new int64) bool { return r.v.CompareAndSwap(old, new) }
func (r *refInt64) Add(d int64) int64                  { return r.v.Add(d) }
func (r *refInt64) Sub(d int64) int64                  { return r.v.Add(-d) }
func (r *refInt64) Incr() int64                        { return r.v.Add(1) }
func (r *refInt64) Decr() int64                        { return r.v.Add(-1) }
func (r *refInt64) Mul(x int64) int64 {
	_, n := r.Update(func(v int64) int64 { return v * x })
	return n
}
func (r *refInt64) Div(x int64) int64 {
	_, n := r.Update(func(v int64) int64 { return v / x })
	return n
}
func (r *refInt64) And(m int64) int64 { return r.v.And(m) }
func (r *refInt64) Or(m int64) int64  { return r.v.Or(m) }
func (r *refInt64) Xor(m int64) int64 {
	o, _ := r.Update(func(v int64) int64 { return v ^ m })
	return o
}
func (r *refInt64) Not() int64 {
	o, _ := r.Update(func(v int64) int64 { return ^v })
	return o
}
func (r *refInt64) StoreMax(x int64) int64 {
	o, _ := r.Update(func(v int64) int64 { return max(v, x) })
	return o
}
func (r *refInt64) StoreMin(x int64) int64 {
	o, _ := r.Update(func(v int64) int64 { return min(v, x) })
	return o
}
func (r *refInt64) Update(f func(int64) int64) (int64, int64) {
	for {
		o := r.v.Load()
		n := f(o)
		if r.v.CompareAndSwap(o, n) {
			return o, n
		}
	}
}

// brokenInt64 is refInt64 with a non-atomic Add.
type brokenInt64 struct{ refInt64 }

func (r *brokenInt64) Add(d int64) int64 {
	v := r.v.Load()
	runtime.Gosched()
	r.v.Store(v + d)
	return v + d
}
