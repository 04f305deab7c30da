package bench

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
)

// rwLocker is the sync.RWMutex method set shared by sync.RWMutex and
// ftutils.RWLock.
type rwLocker interface {
	Lock()
	Unlock()
	RLock()
	RUnlock()
	TryLock() bool
	TryRLock() bool
	RLocker() sync.Locker
}

// lockedReg is a two-word register guarded by a reader-writer lock. The
// words are atomics so that a broken lock shows up as a non-linearizable
// history (a torn read, a lost update) rather than as a race report.
type lockedReg struct {
	mu   rwLocker
	a, b atomic.Int64
	// ops, if set, applies the operations beyond rNumOps (an
	// IntervalLock's Cede, Poll and LockContext).
	ops func(r *lockedReg, in regIn, yield func()) regOut
}

type regOpKind uint8

const (
	rRead     regOpKind = iota // RLock; read a, b; RUnlock
	rReadL                     // the same through RLocker()
	rTryRead                   // TryRLock; read if acquired
	rWrite                     // Lock; a = v; b = v; Unlock
	rAdd                       // Lock; v = a + d; a = v; b = v; Unlock
	rTryWrite                  // TryLock; write if acquired
	rNumOps
	rCedeAdd // Lock; Cede; Add; Unlock (IntervalLock)
	rPollAdd // Lock; Poll; Add; Unlock (IntervalLock)
	rCtxAdd  // LockContext with a short deadline; Add if acquired (IntervalLock)
)

var regOpNames = [...]string{"Read", "ReadL", "TryRead", "Write", "Add", "TryWrite", "", "CedeAdd", "PollAdd", "CtxAdd"}

type regIn struct {
	obj int
	op  regOpKind
	v   int64
}

// regOut: a and b as read (or the new value for Add in both), ok false
// when a Try call did not acquire the lock.
type regOut struct {
	a, b int64
	ok   bool
}

var regModel = porcupine.Model{
	Partition: partitionBy(func(in any) int { return in.(regIn).obj }),
	Init:      func() any { return int64(0) },
	Step: func(state, input, output any) (bool, any) {
		s, in, out := state.(int64), input.(regIn), output.(regOut)
		switch in.op {
		case rRead, rReadL, rTryRead:
			// A failed TryRLock is allowed in any state: the lock may
			// be held by a writer the model does not track.
			if in.op == rTryRead && !out.ok {
				return true, s
			}
			return out.ok && out.a == s && out.b == s, s
		case rWrite, rTryWrite:
			if in.op == rTryWrite && !out.ok {
				return true, s
			}
			return out.ok, in.v
		case rAdd, rCedeAdd, rPollAdd, rCtxAdd:
			if in.op == rCtxAdd && !out.ok {
				return true, s
			}
			n := s + in.v
			return out.ok && out.a == n && out.b == n, n
		}
		return false, s
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(regIn), output.(regOut)
		return fmt.Sprintf("#%d %s(%d) -> %d, %d, %v", in.obj, regOpNames[in.op], in.v, out.a, out.b, out.ok)
	},
}

func applyReg(r *lockedReg, in regIn, yield func()) regOut {
	read := func() regOut {
		a := r.a.Load()
		yield()
		return regOut{a: a, b: r.b.Load(), ok: true}
	}
	write := func(v int64) {
		r.a.Store(v)
		yield()
		r.b.Store(v)
	}
	switch in.op {
	case rRead:
		r.mu.RLock()
		defer r.mu.RUnlock()
		return read()
	case rReadL:
		l := r.mu.RLocker()
		l.Lock()
		defer l.Unlock()
		return read()
	case rTryRead:
		if !r.mu.TryRLock() {
			return regOut{}
		}
		defer r.mu.RUnlock()
		return read()
	case rWrite:
		r.mu.Lock()
		defer r.mu.Unlock()
		write(in.v)
		return regOut{ok: true}
	case rTryWrite:
		if !r.mu.TryLock() {
			return regOut{}
		}
		defer r.mu.Unlock()
		write(in.v)
		return regOut{ok: true}
	case rAdd:
		r.mu.Lock()
		defer r.mu.Unlock()
		return addLocked(r, in.v, yield)
	}
	return r.ops(r, in, yield)
}

// addLocked adds d to both words and returns the new value. Caller holds
// r.mu for writing.
func addLocked(r *lockedReg, d int64, yield func()) regOut {
	n := r.a.Load() + d
	yield()
	r.a.Store(n)
	yield()
	r.b.Store(n)
	return regOut{a: n, b: n, ok: true}
}

// rwSpec builds the spec for objs registers guarded by locks made by mk.
func rwSpec(objs int, mk func() rwLocker) linSpec[[]*lockedReg] {
	return linSpec[[]*lockedReg]{
		model: regModel,
		fresh: func() ([]*lockedReg, func()) {
			rs := make([]*lockedReg, objs)
			for i := range rs {
				rs[i] = &lockedReg{mu: mk()}
			}
			return rs, nil
		},
		gen: func(_ []*lockedReg, rng *rand.Rand, c, _ int) any {
			return regIn{obj: rng.IntN(objs), op: regOpKind(rng.IntN(int(rNumOps))), v: rng.Int64N(7) - 3}
		},
		apply: func(rs []*lockedReg, in any, yield func()) any {
			i := in.(regIn)
			return applyReg(rs[i.obj], i, yield)
		},
	}
}

// TestLinRWMutexRegister checks a sync.RWMutex-guarded register: the
// baseline that ftutils.RWLock must match.
func TestLinRWMutexRegister(t *testing.T) {
	runLin(t, rwSpec(3, func() rwLocker { return new(sync.RWMutex) }))
}

// TestLinHarnessDetectsTornRead shows that the register model can fail: with
// a lock that excludes nobody, readers see a != b and Adds lose updates.
func TestLinHarnessDetectsTornRead(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	spec := rwSpec(1, func() rwLocker { return noLock{} })
	for try := range 20 {
		hist := recordHistory(spec, 4, 40, linYield, uint64(try))
		if porcupine.CheckOperationsTimeout(regModel, hist, 5*time.Second) == porcupine.Illegal {
			return
		}
	}
	t.Fatal("20 histories with a lock that excludes nobody were all judged linearizable")
}

// noLock is a reader-writer lock that excludes nobody.
type noLock struct{}

func (noLock) Lock()                {}
func (noLock) Unlock()              {}
func (noLock) RLock()               {}
func (noLock) RUnlock()             {}
func (noLock) TryLock() bool        { return true }
func (noLock) TryRLock() bool       { return true }
func (noLock) RLocker() sync.Locker { return noLock{} }
