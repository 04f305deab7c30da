package ftutils_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ftutils-go/ftutils"
)

// Baselines for the queue benchmarks. They live here so every comparison
// runs side by side with ours in one `go test -bench` invocation.

// condRing is the plain blocking queue of PEERS.md §4.3: a bounded ring
// under one sync.Mutex with two sync.Conds, signalling on every operation.
type condRing struct {
	mu                sync.Mutex
	notEmpty, notFull sync.Cond
	buf               []int
	head, n           int
}

func newCondRing(capacity int) *condRing {
	r := &condRing{buf: make([]int, capacity)}
	r.notEmpty.L, r.notFull.L = &r.mu, &r.mu
	return r
}

func (r *condRing) push(v int) {
	r.mu.Lock()
	for r.n == len(r.buf) {
		r.notFull.Wait()
	}
	r.buf[(r.head+r.n)%len(r.buf)] = v
	r.n++
	r.mu.Unlock()
	r.notEmpty.Signal()
}

func (r *condRing) pop() int {
	r.mu.Lock()
	for r.n == 0 {
		r.notEmpty.Wait()
	}
	v := r.buf[r.head]
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	r.mu.Unlock()
	r.notFull.Signal()
	return v
}

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

// qBenchSink keeps the work loop from being optimised away.
var qBenchSink atomic.Uint64

// qSpinWork burns about 100 ns on the benchmark box (100 dependent
// multiply-adds) and returns a value that depends on x.
func qSpinWork(x uint64, iters int) uint64 {
	for range iters {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

// pipeline moves b.N items from producers to consumers through push/pop,
// with iters rounds of qSpinWork on each side per item, and returns when all
// are consumed. Each consumer pops a fixed share, so no shared counter
// distorts the measurement. It checks the sum of the items.
func qPipeline(b *testing.B, producers, consumers, iters int, push func(int), pop func() int) {
	b.ReportAllocs()
	n := b.N
	share := func(total, k, i int) int {
		s := total / k
		if i < total%k {
			s++
		}
		return s
	}
	var sum atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for p := range producers {
		wg.Go(func() {
			var acc uint64
			for i := range share(n, producers, p) {
				acc = qSpinWork(acc, iters)
				push(i + 1)
			}
			qBenchSink.Add(acc)
		})
	}
	for c := range consumers {
		wg.Go(func() {
			var acc uint64
			var s int64
			for range share(n, consumers, c) {
				s += int64(pop())
				acc = qSpinWork(acc, iters)
			}
			sum.Add(s)
			qBenchSink.Add(acc)
		})
	}
	wg.Wait()
	b.StopTimer()
	var want int64
	for p := range producers {
		k := int64(share(n, producers, p))
		want += k * (k + 1) / 2
	}
	if got := sum.Load(); got != want {
		b.Fatalf("sum of items = %d; want %d", got, want)
	}
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
			qPipeline(b, 2, 2, iters, func(v int) { _ = q.Push(v) }, func() int {
				v, _ := q.Pop(ctx)
				return v
			})
		})
		b.Run(fmt.Sprintf("impl=chan/work=%d", iters), func(b *testing.B) {
			ch := make(chan int, 1024)
			qPipeline(b, 2, 2, iters, func(v int) { ch <- v }, func() int { return <-ch })
		})
		b.Run(fmt.Sprintf("impl=condRing/work=%d", iters), func(b *testing.B) {
			r := newCondRing(1024)
			qPipeline(b, 2, 2, iters, r.push, r.pop)
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
