package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/anishathalye/porcupine"
	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/qbench"
	"github.com/puzpuzpuz/xsync/v4"
	"go.uber.org/goleak"
)

// BenchmarkQueue_PushPop2x2 is the bar: 2 producers and 2
// consumers, with no work and with ~100 ns of work per item on each side.
// Peers: ftutils.Queue (unbounded), ftutils.WorkQueue (bounded 1024), a
// buffered channel (1024), xsync.MPMCQueue (1024; Try* with
// runtime.Gosched back-off, since it has no blocking calls) and the
// mutex+cond ring (1024).
func BenchmarkQueue_PushPop2x2(b *testing.B) {
	ctx := context.Background()
	for _, iters := range []int{0, 100} {
		b.Run(fmt.Sprintf("work=%d/impl=Queue", iters), func(b *testing.B) {
			var q ftutils.Queue[int]
			qbench.Pipeline(b, 2, 2, iters, func(v int) { _ = q.Push(v) }, func() int {
				v, _ := q.Pop(ctx)
				return v
			})
		})
		b.Run(fmt.Sprintf("work=%d/impl=WorkQueue", iters), func(b *testing.B) {
			q := ftutils.NewWorkQueue[int](1024)
			qbench.Pipeline(b, 2, 2, iters, func(v int) { _ = q.Put(ctx, v) }, func() int {
				v, _ := q.Get(ctx)
				return v
			})
		})
		b.Run(fmt.Sprintf("work=%d/impl=chan", iters), func(b *testing.B) {
			qbench.PipelineChan(b, iters)
		})
		b.Run(fmt.Sprintf("work=%d/impl=xsyncMPMC", iters), func(b *testing.B) {
			q := xsync.NewMPMCQueue[int](1024)
			qbench.Pipeline(b, 2, 2, iters, func(v int) {
				for !q.TryEnqueue(v) {
					runtime.Gosched()
				}
			}, func() int {
				for {
					if v, ok := q.TryDequeue(); ok {
						return v
					}
					runtime.Gosched()
				}
			})
		})
		b.Run(fmt.Sprintf("work=%d/impl=condRing", iters), func(b *testing.B) {
			qbench.PipelineCondRing(b, iters)
		})
	}
}

// TestQueue_WorkersExit checks with goleak that a pool of workers parked
// in Queue.Pop and WorkQueue.Get all return after Shutdown.
func TestQueue_WorkersExit(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var q ftutils.Queue[int]
	wq := ftutils.NewWorkQueue[int](4)
	var wg sync.WaitGroup
	var got atomic.Int64
	for range 4 {
		wg.Go(func() {
			for {
				v, err := q.Pop(context.Background())
				if err != nil {
					return
				}
				got.Add(int64(v))
			}
		})
		wg.Go(func() {
			for {
				v, err := wq.Get(context.Background())
				if err != nil {
					return
				}
				got.Add(int64(v))
				wq.TaskDone()
			}
		})
	}
	for i := range 100 {
		_ = q.Push(i)
		_ = wq.Put(context.Background(), i)
	}
	if err := wq.Join(context.Background()); err != nil {
		t.Fatalf("Join() = %v", err)
	}
	q.Shutdown(false)
	wq.Shutdown(false)
	wg.Wait()
	if n := got.Load(); n != 2*4950 {
		t.Fatalf("workers received a total of %d; want %d", n, 2*4950)
	}
}

// Linearizability of the three queues, checked with porcupine against a
// sequential slice model. Operations: push at the back (front), pop at the
// front (back), length. A pop's output is the value, or -1 when empty; a
// push's output is whether it was accepted (a bounded WorkQueue refuses).

type queueLinIn struct {
	op int // 0 push back, 1 push front, 2 pop front, 3 pop back, 4 len
	v  int
}

type queueLinOut struct {
	v  int  // popped value (-1: empty) or length
	ok bool // push accepted
}

// queueLinModel is the sequential specification: a slice (never mutated in
// place) with an optional bound (0: unbounded) that makes a push fail.
func queueLinModel(bound int) porcupine.Model {
	return porcupine.Model{
		Init: func() any { return []int{} },
		Step: func(state, input, output any) (bool, any) {
			s, in, out := state.([]int), input.(queueLinIn), output.(queueLinOut)
			switch in.op {
			case 0, 1:
				if bound > 0 && len(s) >= bound {
					return !out.ok, s
				}
				if !out.ok {
					return false, s
				}
				if in.op == 0 {
					return true, append(slices.Clip(s), in.v)
				}
				return true, append([]int{in.v}, s...)
			case 2, 3:
				if len(s) == 0 {
					return out.v == -1, s
				}
				if in.op == 2 {
					return out.v == s[0], s[1:]
				}
				return out.v == s[len(s)-1], s[:len(s)-1]
			default:
				return out.v == len(s), s
			}
		},
		Equal: func(a, b any) bool { return slices.Equal(a.([]int), b.([]int)) },
	}
}

// queueLinRun runs clients goroutines doing ops random operations each (drawn
// from allowed) on apply and returns the history, with a logical clock that
// respects real-time order.
func queueLinRun(clients, ops int, allowed []int, apply func(queueLinIn) queueLinOut) []porcupine.Operation {
	var clock atomic.Int64
	hist := make([][]porcupine.Operation, clients)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(c), 7))
			for i := range ops {
				in := queueLinIn{op: allowed[r.IntN(len(allowed))], v: c*1000 + i}
				call := clock.Add(1)
				out := apply(in)
				ret := clock.Add(1)
				hist[c] = append(hist[c], porcupine.Operation{ClientId: c, Input: in, Call: call, Output: out, Return: ret})
			}
		})
	}
	wg.Wait()
	return slices.Concat(hist...)
}

func TestQueues_Linearizable(t *testing.T) {
	const rounds, clients, ops = 30, 4, 40
	t.Run("Queue", func(t *testing.T) {
		for range rounds {
			var q ftutils.Queue[int]
			h := queueLinRun(clients, ops, []int{0, 2, 4}, func(in queueLinIn) queueLinOut {
				switch in.op {
				case 0:
					return queueLinOut{ok: q.Push(in.v) == nil}
				case 2:
					if v, ok := q.TryPop(); ok {
						return queueLinOut{v: v}
					}
					return queueLinOut{v: -1}
				default:
					return queueLinOut{v: q.Len()}
				}
			})
			if !porcupine.CheckOperations(queueLinModel(0), h) {
				t.Fatal("Queue history is not linearizable")
			}
		}
	})
	t.Run("WorkQueue", func(t *testing.T) {
		for range rounds {
			q := ftutils.NewWorkQueue[int](3)
			h := queueLinRun(clients, ops, []int{0, 2, 4}, func(in queueLinIn) queueLinOut {
				switch in.op {
				case 0:
					return queueLinOut{ok: q.TryPut(in.v) == nil}
				case 2:
					if v, err := q.TryGet(); err == nil {
						return queueLinOut{v: v}
					}
					return queueLinOut{v: -1}
				default:
					return queueLinOut{v: q.Len()}
				}
			})
			if !porcupine.CheckOperations(queueLinModel(3), h) {
				t.Fatal("WorkQueue history is not linearizable")
			}
		}
	})
	t.Run("Deque", func(t *testing.T) {
		for range rounds {
			var d ftutils.Deque[int]
			h := queueLinRun(clients, ops, []int{0, 1, 2, 3, 4}, func(in queueLinIn) queueLinOut {
				pop := d.PopFront
				switch in.op {
				case 0:
					d.PushBack(in.v)
					return queueLinOut{ok: true}
				case 1:
					d.PushFront(in.v)
					return queueLinOut{ok: true}
				case 3:
					pop = d.PopBack
				case 4:
					return queueLinOut{v: d.Len()}
				}
				if v, ok := pop(); ok {
					return queueLinOut{v: v}
				}
				return queueLinOut{v: -1}
			})
			if !porcupine.CheckOperations(queueLinModel(0), h) {
				t.Fatal("Deque history is not linearizable")
			}
		}
	})
}
