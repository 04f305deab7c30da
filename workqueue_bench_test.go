package ftutils_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/qbench"
)

// BenchmarkWorkQueue_PutGet2x2 moves items from 2 producers to 2 consumers
// through a queue bounded at 1024 (so producers can block, as with a
// channel), with and without 100 ns of work per item on each side; the
// consumers call TaskDone per item, as a worker pool does. Baselines: a
// buffered channel and the mutex+cond ring, both of capacity 1024.
func BenchmarkWorkQueue_PutGet2x2(b *testing.B) {
	ctx := context.Background()
	for _, iters := range []int{0, 100} {
		b.Run(fmt.Sprintf("impl=WorkQueue/work=%d", iters), func(b *testing.B) {
			q := ftutils.NewWorkQueue[int](1024)
			qbench.Pipeline(b, 2, 2, iters, func(v int) { _ = q.Put(ctx, v) }, func() int {
				v, _ := q.Get(ctx)
				q.TaskDone()
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

// BenchmarkWorkQueue_PutGetSerial is one goroutine putting and getting one
// item (with TaskDone): the uncontended cost. Baselines: the mutex+ring
// and a buffered channel.
func BenchmarkWorkQueue_PutGetSerial(b *testing.B) {
	ctx := context.Background()
	b.Run("impl=WorkQueue", func(b *testing.B) {
		b.ReportAllocs()
		q := ftutils.NewWorkQueue[int](1024)
		for b.Loop() {
			_ = q.Put(ctx, 1)
			_, _ = q.Get(ctx)
			q.TaskDone()
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
