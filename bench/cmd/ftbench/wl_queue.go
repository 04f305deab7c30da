package main

import (
	"container/list"
	"context"
	"runtime"
	"sync"

	"github.com/ftutils-go/ftutils"
	"github.com/puzpuzpuz/xsync/v4"
)

// Queues and deques: ft_utils' concurrent_queue_bench.py (ConcurrentQueue
// locked and lock-free, StdConcurrentQueue, queue.Queue) and
// concurrent_deque_bench.py (ConcurrentDeque against collections.deque).
//
// Every goroutine puts before it gets, on one shared queue, so a get always
// has an item to take (possibly another goroutine's) and nothing blocks for
// long: the workloads time the queue, not the scheduler.

// fifo is the method set the queue workloads use. get may block until an
// item is there.
type fifo interface {
	put(v int)
	get() int
}

type chanFIFO chan int

func (c chanFIFO) put(v int) { c <- v }
func (c chanFIFO) get() int  { return <-c }

// mutexFIFO is a slice queue behind a sync.Mutex; get spins with
// runtime.Gosched on empty (it never finds one in these workloads).
type mutexFIFO struct {
	mu    sync.Mutex
	items []int
	head  int
}

func (q *mutexFIFO) put(v int) { q.mu.Lock(); q.items = append(q.items, v); q.mu.Unlock() }
func (q *mutexFIFO) get() int {
	for {
		q.mu.Lock()
		if q.head < len(q.items) {
			v := q.items[q.head]
			q.head++
			if q.head == len(q.items) {
				q.items, q.head = q.items[:0], 0
			}
			q.mu.Unlock()
			return v
		}
		q.mu.Unlock()
		runtime.Gosched()
	}
}

// xsyncFIFO is xsync's bounded MPMC ring; v4 only has Try methods, so full
// and empty spin with runtime.Gosched, as xsync's README suggests.
type xsyncFIFO struct{ q *xsync.MPMCQueue[int] }

func (q xsyncFIFO) put(v int) {
	for !q.q.TryEnqueue(v) {
		runtime.Gosched()
	}
}
func (q xsyncFIFO) get() int {
	for {
		if v, ok := q.q.TryDequeue(); ok {
			return v
		}
		runtime.Gosched()
	}
}

// ftQueue is ftutils.Queue with its blocking Pop (ft_utils'
// ConcurrentQueue push/pop).
type ftQueue struct{ q *ftutils.Queue[int] }

func (q ftQueue) put(v int) {
	if err := q.q.Push(v); err != nil {
		panic(err)
	}
}
func (q ftQueue) get() int {
	v, err := q.q.Pop(context.Background())
	if err != nil {
		panic(err)
	}
	return v
}

// ftWorkQueue is ftutils.WorkQueue with blocking Put and Get (ft_utils'
// StdConcurrentQueue / queue.Queue put/get; no TaskDone, as there).
type ftWorkQueue struct{ q *ftutils.WorkQueue[int] }

func (q ftWorkQueue) put(v int) {
	if err := q.q.Put(context.Background(), v); err != nil {
		panic(err)
	}
}
func (q ftWorkQueue) get() int {
	v, err := q.q.Get(context.Background())
	if err != nil {
		panic(err)
	}
	return v
}

// queueBatch is ft_utils' batch size: 100 puts, then 100 gets.
const queueBatch = 100

// queueImpls are the contenders of every queue/* benchmark; capacity is
// what a bounded queue needs so that no put ever waits (every goroutine's
// outstanding batch). Add a queue here.
var queueImpls = []struct {
	name     string
	origin   origin
	baseline bool
	new      func(capacity int) fifo
}{
	{"chan", originStdlib, true, func(c int) fifo { return make(chanFIFO, c) }},
	{"Mutex+slice", originStdlib, false, func(int) fifo { return new(mutexFIFO) }},
	{"xsync.MPMCQueue", originPeer, false, func(c int) fifo { return xsyncFIFO{xsync.NewMPMCQueue[int](c)} }},
	{"ftutils.Queue", originFTUtils, false, func(int) fifo { return ftQueue{new(ftutils.Queue[int])} }},
	{"ftutils.WorkQueue", originFTUtils, false, func(int) fifo { return ftWorkQueue{ftutils.NewWorkQueue[int](0)} }},
}

// deque is the method set the deque workloads use. Pops never find the
// deque empty in these workloads; an empty pop panics, as that would be a
// lost item.
type deque interface {
	PushBack(v int)
	PushFront(v int)
	PopBack() (int, bool)
	PopFront() (int, bool)
}

// listDeque is container/list behind a sync.Mutex (FT_BENCHMARKS.md's
// comparison partner for ConcurrentDeque).
type listDeque struct {
	mu sync.Mutex
	l  list.List
}

func (d *listDeque) PushBack(v int)  { d.mu.Lock(); d.l.PushBack(v); d.mu.Unlock() }
func (d *listDeque) PushFront(v int) { d.mu.Lock(); d.l.PushFront(v); d.mu.Unlock() }
func (d *listDeque) pop(e func() *list.Element) (int, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	x := e()
	if x == nil {
		return 0, false
	}
	return d.l.Remove(x).(int), true
}
func (d *listDeque) PopBack() (int, bool)  { return d.pop(d.l.Back) }
func (d *listDeque) PopFront() (int, bool) { return d.pop(d.l.Front) }

// ringDeque is a growable ring buffer behind a sync.Mutex.
type ringDeque struct {
	mu         sync.Mutex
	buf        []int // len is a power of two
	head, size int
}

func (d *ringDeque) grow() { // caller holds d.mu
	if d.size < len(d.buf) {
		return
	}
	nb := make([]int, max(16, 2*len(d.buf)))
	for i := range d.size {
		nb[i] = d.buf[(d.head+i)&(len(d.buf)-1)]
	}
	d.buf, d.head = nb, 0
}
func (d *ringDeque) PushBack(v int) {
	d.mu.Lock()
	d.grow()
	d.buf[(d.head+d.size)&(len(d.buf)-1)] = v
	d.size++
	d.mu.Unlock()
}
func (d *ringDeque) PushFront(v int) {
	d.mu.Lock()
	d.grow()
	d.head = (d.head - 1) & (len(d.buf) - 1)
	d.buf[d.head] = v
	d.size++
	d.mu.Unlock()
}
func (d *ringDeque) PopBack() (int, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.size == 0 {
		return 0, false
	}
	d.size--
	return d.buf[(d.head+d.size)&(len(d.buf)-1)], true
}
func (d *ringDeque) PopFront() (int, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.size == 0 {
		return 0, false
	}
	v := d.buf[d.head]
	d.head = (d.head + 1) & (len(d.buf) - 1)
	d.size--
	return v, true
}

// dequeImpls are the contenders of every deque/* benchmark. Add a deque
// here.
var dequeImpls = []struct {
	name     string
	origin   origin
	baseline bool
	new      func() deque
}{
	{"Mutex+list.List", originStdlib, true, func() deque { return new(listDeque) }},
	{"Mutex+ring", originStdlib, false, func() deque { return new(ringDeque) }},
	{"ftutils.Deque", originFTUtils, false, func() deque { return new(ftutils.Deque[int]) }},
}

// mustPop returns the popped value or panics: in these workloads an empty
// pop means the deque lost an item.
func mustPop(v int, ok bool) int {
	if !ok {
		panic("ftbench: deque pop found it empty: an item was lost")
	}
	return v
}

// dequeRounds runs n pair-pushes and n pair-pops in rounds of batch: each
// round PushBack+PushFront batch times, then PopBack+PopFront batch times.
func dequeRounds(d deque, s sinks, g, n, batch int) {
	var sum int
	for n > 0 {
		b := min(n, batch)
		for i := range b {
			d.PushBack(i)
			d.PushFront(i)
		}
		for range b {
			sum += mustPop(d.PopBack())
			sum += mustPop(d.PopFront())
		}
		n -= b
	}
	s.keep(g, uint64(sum))
}

func init() {
	for _, w := range []struct {
		name, port, desc string
		batch            int
	}{
		{"putget", "benchmark_std / benchmark_queue / benchmark_locked", "put then get of one item", 1},
		{"batch", "benchmark_*_batch", "one item put and got, in rounds of 100 puts then 100 gets", queueBatch},
	} {
		b := &benchmark{name: "queue/" + w.name, port: "concurrent_queue_bench.py " + w.port, desc: w.desc, chunk: queueBatch}
		for _, qi := range queueImpls {
			b.impls = append(b.impls, impl{name: qi.name, origin: qi.origin, baseline: qi.baseline,
				setup: func(goroutines int) instance {
					q := qi.new(goroutines*queueBatch + 1)
					s := newSinks(goroutines)
					return body(func(g, n int) {
						var sum int
						for n > 0 {
							k := min(n, w.batch)
							for i := range k {
								q.put(i)
							}
							for range k {
								sum += q.get()
							}
							n -= k
						}
						s.keep(g, uint64(sum))
					})
				}})
		}
		register(b)
	}
	for _, w := range []struct {
		name, port, desc string
		batch            int
	}{
		{"pushpop", "benchmark_concurrent", "PushBack+PushFront then PopBack+PopFront (n pushes of each, then n pops of each)", 1 << 30},
		{"batch", "benchmark_concurrent_batch", "PushBack+PushFront then PopBack+PopFront, in rounds of 100", queueBatch},
	} {
		b := &benchmark{name: "deque/" + w.name, port: "concurrent_deque_bench.py " + w.port, desc: w.desc, chunk: queueBatch}
		for _, di := range dequeImpls {
			b.impls = append(b.impls, impl{name: di.name, origin: di.origin, baseline: di.baseline,
				setup: func(goroutines int) instance {
					d := di.new()
					s := newSinks(goroutines)
					return body(func(g, n int) { dequeRounds(d, s, g, n, w.batch) })
				}})
		}
		register(b)
	}
}
