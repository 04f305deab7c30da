package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/ftutils-go/ftutils"
)

type flagOpKind uint8

const (
	fLoad flagOpKind = iota
	fStore
	fSwap
	fCAS
	fToggle
	fWait // Wait with a short deadline
	fNumOps
)

var flagOpNames = [...]string{"Load", "Store", "Swap", "CAS", "Toggle", "Wait"}

type flagIn struct {
	obj  int
	op   flagOpKind
	a, b bool
}

// flagOut: r is the value returned (old value, loaded value or CAS
// result); waitErr is true when Wait returned an error.
type flagOut struct {
	r       bool
	waitErr bool
}

// flagModel is AtomicFlag's sequential specification. Wait returning nil
// linearizes at a moment the flag is true; Wait returning ctx.Err() at a
// moment it is false (its last check). Neither changes the state.
var flagModel = porcupine.Model{
	Partition: partitionBy(func(in any) int { return in.(flagIn).obj }),
	Init:      func() any { return false },
	Step: func(state, input, output any) (bool, any) {
		s, in, out := state.(bool), input.(flagIn), output.(flagOut)
		switch in.op {
		case fLoad:
			return out.r == s, s
		case fStore:
			return true, in.a
		case fSwap:
			return out.r == s, in.a
		case fCAS:
			if s == in.a {
				return out.r, in.b
			}
			return !out.r, s
		case fToggle:
			return out.r == s, !s
		case fWait:
			return out.waitErr == !s, s
		}
		return false, s
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(flagIn), output.(flagOut)
		return fmt.Sprintf("#%d %s(%v, %v) -> %v err=%v", in.obj, flagOpNames[in.op], in.a, in.b, out.r, out.waitErr)
	},
}

// TestLinAtomicFlag checks ftutils.AtomicFlag, Wait included (with a 100µs
// deadline, picked rarely so a history stays fast).
func TestLinAtomicFlag(t *testing.T) {
	const objs = 3
	runLin(t, linSpec[[]*ftutils.AtomicFlag]{
		model: flagModel,
		fresh: func() ([]*ftutils.AtomicFlag, func()) {
			fs := make([]*ftutils.AtomicFlag, objs)
			for i := range fs {
				fs[i] = new(ftutils.AtomicFlag)
			}
			return fs, nil
		},
		gen: func(_ []*ftutils.AtomicFlag, rng *rand.Rand, c, _ int) any {
			op := flagOpKind(rng.IntN(int(fWait)))
			if rng.IntN(20) == 0 {
				op = fWait
			}
			return flagIn{obj: rng.IntN(objs), op: op, a: rng.IntN(2) == 0, b: rng.IntN(2) == 0}
		},
		apply: func(fs []*ftutils.AtomicFlag, input any, _ func()) any {
			in := input.(flagIn)
			f := fs[in.obj]
			switch in.op {
			case fLoad:
				return flagOut{r: f.Load()}
			case fStore:
				f.Store(in.a)
				return flagOut{}
			case fSwap:
				return flagOut{r: f.Swap(in.a)}
			case fCAS:
				return flagOut{r: f.CompareAndSwap(in.a, in.b)}
			case fToggle:
				return flagOut{r: f.Toggle()}
			case fWait:
				ctx, cancel := context.WithTimeout(context.Background(), 100*time.Microsecond)
				defer cancel()
				return flagOut{waitErr: f.Wait(ctx) != nil}
			}
			panic("unknown op")
		},
	})
}

type refIn struct {
	obj  int
	op   uint8 // 0 Load, 1 Store, 2 Swap, 3 CAS, 4 Update
	a, b int   // indexes into refTargets (0 is nil)
}

type refOut struct {
	r, r2 int
	ok    bool
}

// refTargets are the pointers the AtomicRef history stores; index 0 is nil.
var refTargets = []*int{nil, new(int), new(int), new(int)}

func refIndex(p *int) int {
	for i, q := range refTargets {
		if p == q {
			return i
		}
	}
	return -1
}

// refNext is Update's pure function: the next target in refTargets.
func refNext(p *int) *int { return refTargets[(refIndex(p)+1)%len(refTargets)] }

// refModel is AtomicRef's sequential specification over pointer identity.
var refModel = porcupine.Model{
	Partition: partitionBy(func(in any) int { return in.(refIn).obj }),
	Init:      func() any { return 0 },
	Step: func(state, input, output any) (bool, any) {
		s, in, out := state.(int), input.(refIn), output.(refOut)
		switch in.op {
		case 0:
			return out.r == s, s
		case 1:
			return true, in.a
		case 2:
			return out.r == s, in.a
		case 3:
			if s == in.a {
				return out.ok, in.b
			}
			return !out.ok, s
		case 4:
			n := (s + 1) % len(refTargets)
			return out.r == s && out.r2 == n, n
		}
		return false, s
	},
}

// TestLinAtomicRef checks ftutils.AtomicRef with pointer-identity CAS.
func TestLinAtomicRef(t *testing.T) {
	const objs = 3
	runLin(t, linSpec[[]*ftutils.AtomicRef[int]]{
		model: refModel,
		fresh: func() ([]*ftutils.AtomicRef[int], func()) {
			rs := make([]*ftutils.AtomicRef[int], objs)
			for i := range rs {
				rs[i] = new(ftutils.AtomicRef[int])
			}
			return rs, nil
		},
		gen: func(_ []*ftutils.AtomicRef[int], rng *rand.Rand, c, _ int) any {
			return refIn{obj: rng.IntN(objs), op: uint8(rng.IntN(5)), a: rng.IntN(len(refTargets)), b: rng.IntN(len(refTargets))}
		},
		apply: func(rs []*ftutils.AtomicRef[int], input any, _ func()) any {
			in := input.(refIn)
			r := rs[in.obj]
			switch in.op {
			case 0:
				return refOut{r: refIndex(r.Load())}
			case 1:
				r.Store(refTargets[in.a])
				return refOut{}
			case 2:
				return refOut{r: refIndex(r.Swap(refTargets[in.a]))}
			case 3:
				return refOut{ok: r.CompareAndSwap(refTargets[in.a], refTargets[in.b])}
			case 4:
				o, n := r.Update(refNext)
				return refOut{r: refIndex(o), r2: refIndex(n)}
			}
			panic("unknown op")
		},
	})
}
