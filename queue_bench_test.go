package ftutils_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/qbench"
)

// Baselines for the queue benchmarks. They live here so every comparison
// runs side by side with ours in one `go test -bench` invocation.

// sliceRing is a mutex plus a growable power-of-two ring with no waiting:
// the floor for an uncontended push+pop.
type sliceRing struct {
	mu      sync.Mutex
	buf     []int
	head, n int
}

func (r *sliceRing) push(v int) {
	r.mu.Lock()
	if r.n == len(r.buf) {
		nb := make([]int, max(16, 2*len(r.buf)))
		for i := range r.n {
			nb[i] = r.buf[(r.head+i)&(len(r.buf)-1)]
		}
		r.buf, r.head = nb, 0
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = v
	r.n++
	r.mu.Unlock()
}

func (r *sliceRing) pop() (int, bool) {
	r.mu.Lock()
	if r.n == 0 {
		r.mu.Unlock()
		return 0, false
	}
	v := r.buf[r.head]
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	r.mu.Unlock()
	return v, true
}

// BenchmarkQueue_PushPop2x2 moves items from 2 producers to 2 consumers,
// the shape of a worker pool fed by two sources. work=0 measures the
// queue alone; work=100 adds about 100 ns of computation per item on each
// side, the regime of a real pool. Baselines: a buffered channel and the
// mutex+cond ring of PEERS.md §4.3, both with capacity 1024.
func BenchmarkQueue_PushPop2x2(b *testing.B) {
	ctx := context.Background()
	for _, iters := range []int{0, 100} {
		b.Run(fmt.Sprintf("impl=Queue/work=%d", iters), func(b *testing.B) {
			var q ftutils.Queue[int]
			qbench.Pipeline(b, 2, 2, iters, func(v int) { _ = q.Push(v) }, func() int {
				v, _ := q.Pop(ctx)
				return v
			})
		})
		b.Run(fmt.Sprintf("impl=chan/work=%d", iters), func(b *testing.B) {
			qbench.PipelineChan(b, iters)
		})
		b.Run(fmt.Sprintf("impl=condRing/work=%d", iters), func(b *testing.B) {
			qbench.PipelineCondRing(b, iters)
		})
	}
}

// BenchmarkQueue_PushPopSerial is one goroutine pushing and popping one
// item: the cost of the queue when nothing contends. Baselines: a mutex +
// growable ring (sliceRing) and a buffered channel.
func BenchmarkQueue_PushPopSerial(b *testing.B) {
	b.Run("impl=Queue", func(b *testing.B) {
		b.ReportAllocs()
		var q ftutils.Queue[int]
		for b.Loop() {
			_ = q.Push(1)
			q.TryPop()
		}
	})
	b.Run("impl=QueuePop", func(b *testing.B) {
		b.ReportAllocs()
		var q ftutils.Queue[int]
		ctx := context.Background()
		for b.Loop() {
			_ = q.Push(1)
			_, _ = q.Pop(ctx)
		}
	})
	b.Run("impl=sliceRing", func(b *testing.B) {
		b.ReportAllocs()
		var r sliceRing
		for b.Loop() {
			r.push(1)
			r.pop()
		}
	})
	b.Run("impl=chan", func(b *testing.B) {
		b.ReportAllocs()
		ch := make(chan int, 1024)
		for b.Loop() {
			ch <- 1
			<-ch
		}
	})
}
