package bench

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/ftutils-go/ftutils"
)

// TestLinRWLockRegister checks a register guarded by ftutils.RWLock with
// the model and operations of TestLinRWMutexRegister: readers never see a
// write half done, and writers never lose each other's updates.
func TestLinRWLockRegister(t *testing.T) {
	runLin(t, rwSpec(3, func() rwLocker { return new(ftutils.RWLock) }))
}

// exclusive adapts an IntervalLock to rwLocker: every "read" lock is the
// exclusive lock.
type exclusive struct{ l *ftutils.IntervalLock }

func (e exclusive) Lock()                { e.l.Lock() }
func (e exclusive) Unlock()              { e.l.Unlock() }
func (e exclusive) RLock()               { e.l.Lock() }
func (e exclusive) RUnlock()             { e.l.Unlock() }
func (e exclusive) TryLock() bool        { return e.l.TryLock() }
func (e exclusive) TryRLock() bool       { return e.l.TryLock() }
func (e exclusive) RLocker() sync.Locker { return e.l }

// intervalOps applies the IntervalLock-only operations: an Add after a Cede
// or a Poll inside the critical section (the lock may be handed to a waiter
// and given back), and an Add under LockContext with a short deadline.
func intervalOps(l *ftutils.IntervalLock) func(r *lockedReg, in regIn, yield func()) regOut {
	return func(r *lockedReg, in regIn, yield func()) regOut {
		switch in.op {
		case rCedeAdd, rPollAdd:
			l.Lock()
			defer l.Unlock()
			if in.op == rCedeAdd {
				l.Cede()
			} else {
				l.Poll()
			}
			return addLocked(r, in.v, yield)
		case rCtxAdd:
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Microsecond)
			defer cancel()
			if l.LockContext(ctx) != nil {
				return regOut{}
			}
			defer l.Unlock()
			return addLocked(r, in.v, yield)
		}
		panic("unknown op")
	}
}

// TestLinIntervalLockRegister checks a register guarded by
// ftutils.IntervalLock (interval 50µs, so Poll often hands the lock over):
// Lock, TryLock, LockContext, and Cede and Poll inside critical sections.
func TestLinIntervalLockRegister(t *testing.T) {
	const objs = 3
	spec := rwSpec(objs, nil)
	spec.fresh = func() ([]*lockedReg, func()) {
		rs := make([]*lockedReg, objs)
		for i := range rs {
			l := ftutils.NewIntervalLock(50 * time.Microsecond)
			rs[i] = &lockedReg{mu: exclusive{l}, ops: intervalOps(l)}
		}
		return rs, nil
	}
	spec.gen = func(_ []*lockedReg, rng *rand.Rand, c, _ int) any {
		ops := []regOpKind{rRead, rTryRead, rWrite, rAdd, rTryWrite, rCedeAdd, rPollAdd, rCtxAdd}
		return regIn{obj: rng.IntN(objs), op: ops[rng.IntN(len(ops))], v: rng.Int64N(7) - 3}
	}
	runLin(t, spec)
}
