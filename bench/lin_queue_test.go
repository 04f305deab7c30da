package bench

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/ftutils-go/ftutils"
)

// seq is an immutable sequence of ints packed four bytes each into a
// string, so that queue model states are comparable with == and cheap to
// copy-on-write in porcupine's Step.
type seq string

func (s seq) len() int { return len(s) / 4 }

func (s seq) front() int { return int(binary.LittleEndian.Uint32([]byte(s[:4]))) }

func (s seq) back() int { return int(binary.LittleEndian.Uint32([]byte(s[len(s)-4:]))) }

func (s seq) at(i int) int { return int(binary.LittleEndian.Uint32([]byte(s[4*i : 4*i+4]))) }

func pack(v int) seq { return seq(binary.LittleEndian.AppendUint32(nil, uint32(v))) }

func (s seq) pushBack(v int) seq  { return s + pack(v) }
func (s seq) pushFront(v int) seq { return pack(v) + s }
func (s seq) popFront() seq       { return s[4:] }
func (s seq) popBack() seq        { return s[:len(s)-4] }

func seqOf(vs []int) seq {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	return seq(b)
}

func (s seq) String() string {
	vs := make([]int, s.len())
	for i := range vs {
		vs[i] = s.at(i)
	}
	return fmt.Sprint(vs)
}

// errKind is an error as the models see it.
type errKind uint8

const (
	eNil errKind = iota
	eShut
	eEmpty
	eFull
	eCtx
	eOther
)

var errNames = [...]string{"nil", "ErrShutDown", "ErrEmpty", "ErrFull", "ctx", "other"}

func kindOf(err error) errKind {
	switch {
	case err == nil:
		return eNil
	case errors.Is(err, ftutils.ErrShutDown):
		return eShut
	case errors.Is(err, ftutils.ErrEmpty):
		return eEmpty
	case errors.Is(err, ftutils.ErrFull):
		return eFull
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return eCtx
	}
	return eOther
}

// linWait is the deadline of the blocking calls in the queue histories:
// short, so a history with parked callers stays fast, and long enough that
// most calls that park are woken by another client rather than by it.
const linWait = 300 * time.Microsecond

// ctxFor returns a context that expires after linWait. The library may
// find it already expired when it first looks at it (a client descheduled
// between ctxFor and the call, which the OS does for milliseconds when
// GOMAXPROCS exceeds the CPUs): such a call may fail with ctx.Err() in any
// state. The context records what that first look saw (expiredAtEntry),
// so the models can tell such a call from one that waited and timed out,
// which only a full (Put) or empty (Pop) queue allows.
func ctxFor() (*linCtx, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), linWait)
	return &linCtx{Context: ctx}, cancel
}

// linCtx is ctxFor's context: it remembers whether its deadline had passed
// at the first call of Err or Done.
type linCtx struct {
	context.Context
	first   sync.Once
	expired bool
}

func (c *linCtx) look(err error) {
	c.first.Do(func() { c.expired = err != nil })
}

func (c *linCtx) Err() error {
	err := c.Context.Err()
	c.look(err)
	return err
}

func (c *linCtx) Done() <-chan struct{} {
	c.look(c.Context.Err())
	return c.Context.Done()
}

// expiredAtEntry reports whether the library's first look at c found it
// expired. Call it after the call returns.
func (c *linCtx) expiredAtEntry() bool {
	c.look(c.Context.Err()) // the library never looked: it did not wait
	return c.expired
}

// qOp names the operations of the queue models.
type qOp uint8

const (
	opPush qOp = iota // Queue.Push, WorkQueue.TryPut, Deque.PushBack
	opPushWait
	opPushFront
	opTryPop // Queue.TryPop, WorkQueue.TryGet, Deque.PopFront
	opPopWait
	opPopTimeout // Queue.PopTimeout, WorkQueue.GetTimeout
	opPopBack
	opLen
	opShutdown
	opTaskDone
	opUnfinished
	opExtendBack
	opRotate
	opClear
	opSnapshot
	opAt
)

var qOpNames = map[qOp]string{opPush: "Push", opPushWait: "PushWait", opPushFront: "PushFront", opTryPop: "TryPop",
	opPopWait: "PopWait", opPopTimeout: "PopTimeout", opPopBack: "PopBack", opLen: "Len", opShutdown: "Shutdown",
	opTaskDone: "TaskDone", opUnfinished: "Unfinished", opExtendBack: "ExtendBack", opRotate: "Rotate", opClear: "Clear", opSnapshot: "Snapshot", opAt: "At"}

// qIn is one queue call. v is the value pushed (values are unique per
// history) or the Rotate count, d the PopTimeout duration's kind (0: no
// wait) or Shutdown's immediate flag.
type qIn struct {
	obj int
	op  qOp
	v   int
	v2  int
	d   bool
}

// qOut is what a queue call returned: a value and ok (pops), an error, a
// count (Len, Unfinished) or the items Shutdown(true) returned; pre is set
// when the library found the call's context expired at its first look
// (linCtx).
type qOut struct {
	v    int
	ok   bool
	err  errKind
	n    int
	left seq
	pre  bool
}

func describeQ(input, output any) string {
	in, out := input.(qIn), output.(qOut)
	return fmt.Sprintf("#%d %s(%d,%d,%v) -> v=%d ok=%v err=%s n=%d left=%v pre=%v", in.obj, qOpNames[in.op], in.v, in.v2, in.d,
		out.v, out.ok, errNames[out.err], out.n, out.left, out.pre)
}

func partitionQ() func([]porcupine.Operation) [][]porcupine.Operation {
	return partitionBy(func(in any) int { return in.(qIn).obj })
}

// uniq returns the value client c pushes in its i-th step: unique within a
// history, so the models can tell items apart.
func uniq(c, i int) int { return c<<20 | (i + 1) }

// ---- Queue ----

type queueState struct {
	items seq
	shut  bool
}

// queueModel is Queue's sequential specification (queue.go's doc):
// FIFO, Push fails after Shutdown, pops drain after Shutdown(false) and
// then fail with ErrShutDown, Shutdown(true) returns what was queued.
var queueModel = porcupine.Model{
	Partition: partitionQ(),
	Init:      func() any { return queueState{} },
	Step: func(state, input, output any) (bool, any) {
		s, in, out := state.(queueState), input.(qIn), output.(qOut)
		empty := s.items.len() == 0
		switch in.op {
		case opPush:
			if s.shut {
				return out.err == eShut, s
			}
			s.items = s.items.pushBack(in.v)
			return out.err == eNil, s
		case opTryPop:
			if empty {
				return !out.ok, s
			}
			ok := out.ok && out.v == s.items.front()
			s.items = s.items.popFront()
			return ok, s
		case opPopWait, opPopTimeout:
			switch out.err {
			case eNil:
				if empty || out.v != s.items.front() {
					return false, s
				}
				s.items = s.items.popFront()
				return true, s
			case eShut:
				return s.shut && empty, s
			case eCtx:
				return in.op == opPopWait && (out.pre || empty && !s.shut), s
			case eEmpty:
				return in.op == opPopTimeout && empty && !s.shut, s
			}
			return false, s
		case opLen:
			return out.n == s.items.len(), s
		case opShutdown:
			want := seq("")
			if in.d {
				want, s.items = s.items, ""
			}
			s.shut = true
			return out.left == want, s
		}
		return false, s
	},
	DescribeOperation: describeQ,
	DescribeState:     func(state any) string { s := state.(queueState); return fmt.Sprintf("%v shut=%v", s.items, s.shut) },
}

// TestLinQueue checks ftutils.Queue: Push, TryPop, Pop(ctx) with a short
// deadline, PopTimeout (with and without waiting), Len, and one Shutdown (normal or immediate, at
// random) late in each history.
func TestLinQueue(t *testing.T) {
	const objs = 2
	runLin(t, linSpec[[]*ftutils.Queue[int]]{
		model: queueModel,
		heavy: true,
		fresh: func() ([]*ftutils.Queue[int], func()) {
			qs := make([]*ftutils.Queue[int], objs)
			for i := range qs {
				qs[i] = new(ftutils.Queue[int])
			}
			return qs, nil
		},
		gen: func(_ []*ftutils.Queue[int], rng *rand.Rand, c, i int) any {
			in := qIn{obj: rng.IntN(objs), v: uniq(c, i)}
			if c == 0 && i == shutdownStep() {
				in.op, in.d = opShutdown, rng.IntN(2) == 0
				return in
			}
			switch r := rng.IntN(20); {
			case r < 8:
				in.op = opPush
			case r < 13:
				in.op = opTryPop
			case r < 15:
				in.op = opPopWait
			case r < 18:
				// Half of them wait (TestQueuePopTimeoutLostWakeup
				// covers the wake-up that once made them hang).
				in.op, in.d = opPopTimeout, rng.IntN(2) == 0
			default:
				in.op = opLen
			}
			return in
		},
		apply: func(qs []*ftutils.Queue[int], input any, _ func()) any {
			in := input.(qIn)
			q := qs[in.obj]
			switch in.op {
			case opPush:
				return qOut{err: kindOf(q.Push(in.v))}
			case opTryPop:
				v, ok := q.TryPop()
				return qOut{v: v, ok: ok}
			case opPopWait:
				ctx, cancel := ctxFor()
				defer cancel()
				v, err := q.Pop(ctx)
				return qOut{v: v, err: kindOf(err), pre: ctx.expiredAtEntry()}
			case opPopTimeout:
				d := time.Duration(0)
				if in.d {
					d = linWait
				}
				v, err := q.PopTimeout(d)
				return qOut{v: v, err: kindOf(err)}
			case opLen:
				return qOut{n: q.Len()}
			case opShutdown:
				return qOut{left: seqOf(q.Shutdown(in.d))}
			}
			panic("unknown op")
		},
	})
}

// shutdownStep is the step at which client 0 shuts a queue down: late
// enough that most of the history runs on an open queue.
func shutdownStep() int {
	ops := linSizeFor(true).ops
	return ops - ops/8
}

// ---- WorkQueue ----

type workState struct {
	items      seq
	shut       bool
	unfinished int
}

// workModel is WorkQueue's sequential specification for a queue bounded
// at capacity (0: unbounded): queueModel plus ErrFull, task accounting and
// Shutdown(true)'s subtraction of the drained items from the unfinished
// count.
func workModel(capacity int) porcupine.Model {
	return porcupine.Model{
		Partition: partitionQ(),
		Init:      func() any { return workState{} },
		Step: func(state, input, output any) (bool, any) {
			s, in, out := state.(workState), input.(qIn), output.(qOut)
			n := s.items.len()
			empty, full := n == 0, capacity > 0 && n >= capacity
			switch in.op {
			case opPush, opPushWait:
				switch out.err {
				case eNil:
					if s.shut || full {
						return false, s
					}
					s.items = s.items.pushBack(in.v)
					s.unfinished++
					return true, s
				case eShut:
					return s.shut, s
				case eFull:
					return in.op == opPush && full && !s.shut, s
				case eCtx:
					return in.op == opPushWait && (out.pre || full && !s.shut), s
				}
				return false, s
			case opTryPop, opPopWait, opPopTimeout:
				switch out.err {
				case eNil:
					if empty || out.v != s.items.front() {
						return false, s
					}
					s.items = s.items.popFront()
					return true, s
				case eShut:
					return s.shut && empty, s
				case eEmpty:
					return in.op != opPopWait && empty && !s.shut, s
				case eCtx:
					return in.op == opPopWait && (out.pre || empty && !s.shut), s
				}
				return false, s
			case opTaskDone:
				if s.unfinished == 0 || out.err != eNil {
					return false, s
				}
				s.unfinished--
				return true, s
			case opUnfinished:
				return out.n == s.unfinished, s
			case opLen:
				return out.n == n, s
			case opShutdown:
				want := seq("")
				if in.d {
					want, s.items = s.items, ""
					s.unfinished -= min(want.len(), s.unfinished)
				}
				s.shut = true
				return out.left == want, s
			}
			return false, s
		},
		DescribeOperation: describeQ,
		DescribeState: func(state any) string {
			s := state.(workState)
			return fmt.Sprintf("%v shut=%v unfinished=%d", s.items, s.shut, s.unfinished)
		},
	}
}

// workObjs is one WorkQueue history's objects: the queues and, per client
// and queue, how many items the client got and has not yet marked done
// (only client c reads or writes pending[c][·]).
type workObjs struct {
	qs      []*ftutils.WorkQueue[int]
	pending [][]int
}

// TestLinWorkQueue checks ftutils.WorkQueue bounded at 3 (so TryPut meets
// a full queue and Put parks) and unbounded: TryPut, Put(ctx), TryGet,
// Get(ctx), GetTimeout, TaskDone (for items the client got), Unfinished,
// Len and one late Shutdown.
func TestLinWorkQueue(t *testing.T) {
	for _, capacity := range []int{3, 0} {
		t.Run(fmt.Sprintf("cap=%d", capacity), func(t *testing.T) {
			runLin(t, workSpec(capacity))
		})
	}
}

func workSpec(capacity int) linSpec[*workObjs] {
	const objs = 2
	return linSpec[*workObjs]{
		model: workModel(capacity),
		heavy: true,
		fresh: func() (*workObjs, func()) {
			w := &workObjs{qs: make([]*ftutils.WorkQueue[int], objs), pending: make([][]int, 64)}
			for c := range w.pending {
				w.pending[c] = make([]int, objs)
			}
			for i := range w.qs {
				w.qs[i] = ftutils.NewWorkQueue[int](capacity)
			}
			return w, nil
		},
		gen: func(w *workObjs, rng *rand.Rand, c, i int) any {
			in := qIn{obj: rng.IntN(objs), v: uniq(c, i)}
			if c == 0 && i == shutdownStep() {
				in.op, in.d = opShutdown, rng.IntN(2) == 0
				return in
			}
			// Slightly more gets than puts keeps the queue short, so the
			// order of concurrent puts is settled soon and porcupine's
			// search stays small.
			switch r := rng.IntN(20); {
			case r < 5:
				in.op = opPush
			case r < 7:
				in.op = opPushWait
			case r < 12:
				in.op = opTryPop
			case r < 14:
				in.op = opPopWait
			case r < 15:
				in.op, in.d = opPopTimeout, rng.IntN(2) == 0
			case r < 18:
				in.op = opTaskDone
			case r < 19:
				in.op = opUnfinished
			default:
				in.op = opLen
			}
			if in.op == opTaskDone {
				// Mark done only on a queue this client got an item from.
				in.op = opUnfinished
				for o, n := range w.pending[c] {
					if n > 0 {
						in.op, in.obj = opTaskDone, o
						break
					}
				}
			}
			return in
		},
		apply: func(w *workObjs, input any, _ func()) any {
			in := input.(qIn)
			q := w.qs[in.obj]
			c := in.v >> 20
			got := func(v int, err error) qOut {
				if err == nil {
					w.pending[c][in.obj]++
				}
				return qOut{v: v, err: kindOf(err)}
			}
			switch in.op {
			case opPush:
				return qOut{err: kindOf(q.TryPut(in.v))}
			case opPushWait:
				ctx, cancel := ctxFor()
				defer cancel()
				err := q.Put(ctx, in.v)
				return qOut{err: kindOf(err), pre: ctx.expiredAtEntry()}
			case opTryPop:
				return got(q.TryGet())
			case opPopWait:
				ctx, cancel := ctxFor()
				defer cancel()
				out := got(q.Get(ctx))
				out.pre = ctx.expiredAtEntry()
				return out
			case opPopTimeout:
				d := time.Duration(0)
				if in.d {
					d = linWait
				}
				return got(q.GetTimeout(d))
			case opTaskDone:
				w.pending[c][in.obj]--
				q.TaskDone()
				return qOut{}
			case opUnfinished:
				return qOut{n: q.Unfinished()}
			case opLen:
				return qOut{n: q.Len()}
			case opShutdown:
				return qOut{left: seqOf(q.Shutdown(in.d))}
			}
			panic("unknown op")
		},
	}
}

// ---- Deque ----

// dequeModel is Deque's sequential specification for a deque bounded at
// maxLen (0: unbounded): a push on a full deque first discards an element
// from the other end.
func dequeModel(maxLen int) porcupine.Model {
	return porcupine.Model{
		Partition: partitionQ(),
		Init:      func() any { return seq("") },
		Step: func(state, input, output any) (bool, any) {
			s, in, out := state.(seq), input.(qIn), output.(qOut)
			full := maxLen > 0 && s.len() >= maxLen
			switch in.op {
			case opPush:
				if full {
					s = s.popFront()
				}
				return true, s.pushBack(in.v)
			case opPushFront:
				if full {
					s = s.popBack()
				}
				return true, s.pushFront(in.v)
			case opExtendBack:
				for _, v := range []int{in.v, in.v2} {
					if maxLen > 0 && s.len() >= maxLen {
						s = s.popFront()
					}
					s = s.pushBack(v)
				}
				return true, s
			case opTryPop:
				if s.len() == 0 {
					return !out.ok, s
				}
				return out.ok && out.v == s.front(), s.popFront()
			case opPopBack:
				if s.len() == 0 {
					return !out.ok, s
				}
				return out.ok && out.v == s.back(), s.popBack()
			case opRotate:
				// Rotate(n > 0) moves the back element to the front n
				// times, Rotate(n < 0) the front to the back -n times
				// (collections.deque).
				for range max(in.v2, -in.v2) {
					if s.len() == 0 {
						break
					}
					if in.v2 > 0 {
						s = s.popBack().pushFront(s.back())
					} else {
						s = s.popFront().pushBack(s.front())
					}
				}
				return true, s
			case opSnapshot:
				return out.left == s, s
			case opAt:
				i := in.v2
				if i < 0 {
					i += s.len()
				}
				if i < 0 || i >= s.len() {
					return !out.ok, s
				}
				return out.ok && out.v == s.at(i), s
			case opClear:
				return true, seq("")
			case opLen:
				return out.n == s.len(), s
			}
			return false, s
		},
		DescribeOperation: describeQ,
		DescribeState:     func(state any) string { return state.(seq).String() },
	}
}

// TestLinDeque checks ftutils.Deque, unbounded and bounded at 4: pushes and
// pops at both ends, ExtendBack of two values, Rotate(-3..3), Clear,
// Snapshot, At(-4..4) and Len.
func TestLinDeque(t *testing.T) {
	for _, maxLen := range []int{0, 4} {
		t.Run(fmt.Sprintf("maxLen=%d", maxLen), func(t *testing.T) {
			runLin(t, dequeSpec(maxLen))
		})
	}
}

func dequeSpec(maxLen int) linSpec[[]*ftutils.Deque[int]] {
	const objs = 2
	return linSpec[[]*ftutils.Deque[int]]{
		model: dequeModel(maxLen),
		heavy: true,
		fresh: func() ([]*ftutils.Deque[int], func()) {
			ds := make([]*ftutils.Deque[int], objs)
			for i := range ds {
				ds[i] = ftutils.NewDeque[int](maxLen)
			}
			return ds, nil
		},
		gen: func(_ []*ftutils.Deque[int], rng *rand.Rand, c, i int) any {
			in := qIn{obj: rng.IntN(objs), v: uniq(c, 2*i), v2: uniq(c, 2*i+1)}
			// Pops slightly outnumber pushed values, for the reason
			// given in workSpec.
			switch r := rng.IntN(40); {
			case r < 7:
				in.op = opPush
			case r < 14:
				in.op = opPushFront
			case r < 15:
				in.op = opExtendBack
			case r < 24:
				in.op = opTryPop
			case r < 33:
				in.op = opPopBack
			case r < 36:
				in.op = opRotate
				in.v2 = rng.IntN(7) - 3
			case r < 37:
				in.op = opClear
			case r < 38:
				in.op = opSnapshot
			case r < 39:
				in.op = opAt
				in.v2 = rng.IntN(9) - 4
			default:
				in.op = opLen
			}
			return in
		},
		apply: func(ds []*ftutils.Deque[int], input any, _ func()) any {
			in := input.(qIn)
			d := ds[in.obj]
			switch in.op {
			case opPush:
				d.PushBack(in.v)
			case opPushFront:
				d.PushFront(in.v)
			case opExtendBack:
				d.ExtendBack(in.v, in.v2)
			case opTryPop:
				v, ok := d.PopFront()
				return qOut{v: v, ok: ok}
			case opPopBack:
				v, ok := d.PopBack()
				return qOut{v: v, ok: ok}
			case opRotate:
				d.Rotate(in.v2)
			case opClear:
				d.Clear()
			case opSnapshot:
				return qOut{left: seqOf(d.Snapshot())}
			case opAt:
				v, ok := d.At(in.v2)
				return qOut{v: v, ok: ok}
			case opLen:
				return qOut{n: d.Len()}
			default:
				panic("unknown op")
			}
			return qOut{}
		},
	}
}
