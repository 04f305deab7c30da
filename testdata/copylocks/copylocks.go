// Package copylocks copies used ftutils values. It is not built by ./...
// (it lives under testdata); TestMisuseCopyVet runs go vet on it and
// expects a copylocks report on every line marked "// vet: Type".
package copylocks

import "github.com/ftutils-go/ftutils"

func atomics() {
	var a ftutils.AtomicInt64
	a.Incr()
	a2 := a // vet: AtomicInt64
	_ = a2.Load()

	var r ftutils.AtomicRef[int]
	r.Store(new(int))
	r2 := r // vet: AtomicRef
	_ = r2.Load()

	var f ftutils.AtomicFlag
	f.Store(true)
	f2 := f // vet: AtomicFlag
	_ = f2.Load()
}

func maps() {
	var m ftutils.Map[string, int]
	m.Store("a", 1)
	m2 := m // vet: Map
	_ = m2.Len()
}

func queues() {
	var q ftutils.Queue[int]
	_ = q.Push(1)
	q2 := q // vet: Queue
	_ = q2.Len()

	w := ftutils.NewWorkQueue[int](4)
	_ = w.TryPut(1)
	w2 := *w // vet: WorkQueue
	_ = w2.Len()

	var d ftutils.Deque[int]
	d.PushBack(1)
	d2 := d // vet: Deque
	_ = d2.Len()
}

func locks() {
	var rw ftutils.RWLock
	rw.Lock()
	rw.Unlock()
	rw2 := rw // vet: RWLock
	rw2.RLock()

	var il ftutils.IntervalLock
	il.Lock()
	il.Unlock()
	il2 := il // vet: IntervalLock
	il2.Lock()
}

func contention() {
	var c ftutils.Counter
	c.Incr()
	c2 := c // vet: Counter
	_ = c2.Load()

	var s ftutils.Sharded[int]
	*s.Local() = 1
	s2 := s // vet: Sharded
	_ = s2.Len()

	e := ftutils.NewBatchExecutor(func() int { return 1 }, 4)
	_, _ = e.Load()
	e2 := *e // vet: BatchExecutor
	_ = e2.Err()

	var g ftutils.Gatherer[int]
	_ = g.Insert(0, 1)
	g2 := g // vet: Gatherer
	_ = g2.Insert(1, 1)
}

// byValue takes an AtomicInt64 by value: the copy happens at every call.
func byValue(a ftutils.AtomicInt64) int64 { // vet: AtomicInt64-parameter
	return a.Load()
}

var _, _, _, _, _ = byValue, maps, queues, locks, contention
