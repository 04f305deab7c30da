package ftutils_test

import (
	"container/list"
	"fmt"
	"sync"
	"testing"

	"github.com/ftutils-go/ftutils"
)

// mutexRingDeque is the baseline the Deque must match: a mutex around a
// plain power-of-two ring with both ends, nothing else.
type mutexRingDeque struct {
	mu      sync.Mutex
	buf     []int
	head, n int
}

func (d *mutexRingDeque) grow() {
	nb := make([]int, max(16, 2*len(d.buf)))
	for i := range d.n {
		nb[i] = d.buf[(d.head+i)&(len(d.buf)-1)]
	}
	d.buf, d.head = nb, 0
}

func (d *mutexRingDeque) pushBack(v int) {
	d.mu.Lock()
	if d.n == len(d.buf) {
		d.grow()
	}
	d.buf[(d.head+d.n)&(len(d.buf)-1)] = v
	d.n++
	d.mu.Unlock()
}

func (d *mutexRingDeque) pushFront(v int) {
	d.mu.Lock()
	if d.n == len(d.buf) {
		d.grow()
	}
	d.head = (d.head - 1) & (len(d.buf) - 1)
	d.buf[d.head] = v
	d.n++
	d.mu.Unlock()
}

func (d *mutexRingDeque) popBack() (int, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.n == 0 {
		return 0, false
	}
	d.n--
	return d.buf[(d.head+d.n)&(len(d.buf)-1)], true
}

func (d *mutexRingDeque) popFront() (int, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.n == 0 {
		return 0, false
	}
	v := d.buf[d.head]
	d.head = (d.head + 1) & (len(d.buf) - 1)
	d.n--
	return v, true
}

// mutexList is container/list under a mutex, the Go translation of
// ft_utils' linked-list deque.
type mutexList struct {
	mu sync.Mutex
	l  list.List
}

func (d *mutexList) pushBack(v int) { d.mu.Lock(); d.l.PushBack(v); d.mu.Unlock() }

func (d *mutexList) pushFront(v int) { d.mu.Lock(); d.l.PushFront(v); d.mu.Unlock() }

func (d *mutexList) popBack() (int, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	e := d.l.Back()
	if e == nil {
		return 0, false
	}
	return d.l.Remove(e).(int), true
}

func (d *mutexList) popFront() (int, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	e := d.l.Front()
	if e == nil {
		return 0, false
	}
	return d.l.Remove(e).(int), true
}

type dequeOps struct {
	pushBack, pushFront func(int)
	popBack, popFront   func() (int, bool)
}

func dequeImpls() []struct {
	name string
	make func() dequeOps
} {
	return []struct {
		name string
		make func() dequeOps
	}{
		{"Deque", func() dequeOps {
			d := new(ftutils.Deque[int])
			return dequeOps{d.PushBack, d.PushFront, d.PopBack, d.PopFront}
		}},
		{"mutexRing", func() dequeOps {
			d := new(mutexRingDeque)
			return dequeOps{d.pushBack, d.pushFront, d.popBack, d.popFront}
		}},
		{"mutexList", func() dequeOps {
			d := new(mutexList)
			return dequeOps{d.pushBack, d.pushFront, d.popBack, d.popFront}
		}},
	}
}

// BenchmarkDeque_Ops is ft_utils' concurrent_deque_bench: batch=1 is an
// append+appendleft then pop+popleft per op (a deque that stays near
// empty); batch=100 pushes 100 at both ends and then pops them all (a
// deque that holds a few hundred items). One op = 4 element operations.
// Baselines: a mutex + ring and container/list under a mutex.
func BenchmarkDeque_Ops(b *testing.B) {
	for _, batch := range []int{1, 100} {
		for _, impl := range dequeImpls() {
			b.Run(fmt.Sprintf("batch=%d/impl=%s", batch, impl.name), func(b *testing.B) {
				b.ReportAllocs()
				d := impl.make()
				for b.Loop() {
					for i := range batch {
						d.pushBack(i)
						d.pushFront(i)
					}
					for range batch {
						d.popBack()
						d.popFront()
					}
				}
			})
		}
	}
}

// BenchmarkDeque_Parallel has every goroutine push at one end and pop at
// the other: a shared work deque under contention.
func BenchmarkDeque_Parallel(b *testing.B) {
	for _, impl := range dequeImpls() {
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			d := impl.make()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					d.pushBack(1)
					d.popFront()
				}
			})
		})
	}
}
