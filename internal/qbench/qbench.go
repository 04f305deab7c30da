// Package qbench holds what the queue benchmarks of the library and of the
// bench module share: the producer/consumer pipeline they time and the
// mutex + condition-variable ring they compare against. It lives in
// internal/ so that both modules' tests can import it (test helpers in a
// _test.go file cannot cross a module boundary).
package qbench

import (
	"sync"
	"sync/atomic"
	"testing"
)

// CondRing is the plain blocking queue of PEERS.md §4.3: a bounded ring
// under one sync.Mutex with two sync.Conds, signalling on every operation.
// It is a baseline, not a library type.
type CondRing struct {
	mu                sync.Mutex
	notEmpty, notFull sync.Cond
	buf               []int
	head, n           int
}

// NewCondRing returns an empty ring holding at most capacity items.
func NewCondRing(capacity int) *CondRing {
	r := &CondRing{buf: make([]int, capacity)}
	r.notEmpty.L, r.notFull.L = &r.mu, &r.mu
	return r
}

// Push appends v, waiting while the ring is full.
func (r *CondRing) Push(v int) {
	r.mu.Lock()
	for r.n == len(r.buf) {
		r.notFull.Wait()
	}
	r.buf[(r.head+r.n)%len(r.buf)] = v
	r.n++
	r.mu.Unlock()
	r.notEmpty.Signal()
}

// Pop removes the oldest item, waiting while the ring is empty.
func (r *CondRing) Pop() int {
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

// sink keeps the work loops from being optimised away.
var sink atomic.Uint64

// SpinWork burns about 100 ns on the benchmark box for iters = 100 (that
// many dependent multiply-adds) and returns a value that depends on x.
func SpinWork(x uint64, iters int) uint64 {
	for range iters {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

// Pipeline moves b.N items from producers to consumers through push and
// pop, with iters rounds of SpinWork on each side per item, and returns
// when all are consumed. Each consumer pops a fixed share, so no shared
// counter distorts the measurement. It fails b if the sum of the items
// popped differs from the sum pushed.
func Pipeline(b *testing.B, producers, consumers, iters int, push func(int), pop func() int) {
	b.ReportAllocs()
	n := b.N
	share := func(k, i int) int {
		s := n / k
		if i < n%k {
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
			for i := range share(producers, p) {
				acc = SpinWork(acc, iters)
				push(i + 1)
			}
			sink.Add(acc)
		})
	}
	for c := range consumers {
		wg.Go(func() {
			var acc uint64
			var s int64
			for range share(consumers, c) {
				s += int64(pop())
				acc = SpinWork(acc, iters)
			}
			sum.Add(s)
			sink.Add(acc)
		})
	}
	wg.Wait()
	b.StopTimer()
	var want int64
	for p := range producers {
		k := int64(share(producers, p))
		want += k * (k + 1) / 2
	}
	if got := sum.Load(); got != want {
		b.Fatalf("sum of items = %d; want %d", got, want)
	}
}

// PipelineChan is the 2-producer, 2-consumer Pipeline over a buffered
// channel of capacity 1024: the baseline every queue benchmark runs.
func PipelineChan(b *testing.B, iters int) {
	ch := make(chan int, 1024)
	Pipeline(b, 2, 2, iters, func(v int) { ch <- v }, func() int { return <-ch })
}

// PipelineCondRing is the 2-producer, 2-consumer Pipeline over a CondRing
// of capacity 1024.
func PipelineCondRing(b *testing.B, iters int) {
	r := NewCondRing(1024)
	Pipeline(b, 2, 2, iters, r.Push, r.Pop)
}
