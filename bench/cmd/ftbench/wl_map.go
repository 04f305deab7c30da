package main

import (
	"sync"

	"github.com/ftutils-go/ftutils"
	"github.com/puzpuzpuz/xsync/v4"
)

// Maps: ft_utils' concurrent_dict_bench.py (ConcurrentDict against dict)
// with int keys and values instead of Python strings.

// intMap is the method set the map workloads use.
type intMap interface {
	Load(k int) (int, bool)
	Store(k, v int)
	Delete(k int)
}

// rwMap is the classic stdlib alternative: a Go map behind a sync.RWMutex.
type rwMap struct {
	mu sync.RWMutex
	m  map[int]int
}

func (m *rwMap) Load(k int) (int, bool) {
	m.mu.RLock()
	v, ok := m.m[k]
	m.mu.RUnlock()
	return v, ok
}
func (m *rwMap) Store(k, v int) { m.mu.Lock(); m.m[k] = v; m.mu.Unlock() }
func (m *rwMap) Delete(k int)   { m.mu.Lock(); delete(m.m, k); m.mu.Unlock() }

// syncMap adapts sync.Map (any-typed: the boxing is part of its cost).
type syncMap struct{ m sync.Map }

func (m *syncMap) Load(k int) (int, bool) {
	v, ok := m.m.Load(k)
	if !ok {
		return 0, false
	}
	return v.(int), true
}
func (m *syncMap) Store(k, v int) { m.m.Store(k, v) }
func (m *syncMap) Delete(k int)   { m.m.Delete(k) }

// xsyncMap adapts xsync.Map.
type xsyncMap struct{ m *xsync.Map[int, int] }

func (m xsyncMap) Load(k int) (int, bool) { return m.m.Load(k) }
func (m xsyncMap) Store(k, v int)         { m.m.Store(k, v) }
func (m xsyncMap) Delete(k int)           { m.m.Delete(k) }

// mapImpls are the contenders of every map/* benchmark. Add a map here.
var mapImpls = []struct {
	name     string
	origin   origin
	baseline bool
	new      func() intMap
}{
	{"sync.Map", originStdlib, true, func() intMap { return new(syncMap) }},
	{"RWMutex+map", originStdlib, false, func() intMap { return &rwMap{m: map[int]int{}} }},
	{"xsync.Map", originPeer, false, func() intMap { return xsyncMap{xsync.NewMap[int, int]()} }},
	{"ftutils.Map", originFTUtils, false, func() intMap { return new(ftutils.Map[int, int]) }},
}

// mapPreload is the key count of the read workloads (ft_utils: 1024).
const mapPreload = 1024

// mapWorkloads are ft_utils' four dictionary benchmarks; op runs n
// operations as goroutine g on m.
var mapWorkloads = []struct {
	name, port, desc string
	preload          bool
	op               func(m intMap, r rngs, s sinks, g, n int)
}{
	{"insert", "benchmark_insert", "Store of a random key in [0, 2^20)", false,
		func(m intMap, r rngs, s sinks, g, n int) {
			for range n {
				k := int(r.next(g) & (1<<20 - 1))
				m.Store(k, k)
			}
		}},
	{"update", "benchmark_update", "Store, Load, Delete of a key private to the goroutine (disjoint keys)", false,
		func(m intMap, r rngs, s sinks, g, n int) {
			var sum int
			for range n {
				k := int(r.next(g)&(1<<20-1))<<10 | g // private to g while g < 1024; fits a 32-bit int
				m.Store(k, k)
				v, _ := m.Load(k)
				sum += v
				m.Delete(k)
			}
			s.keep(g, uint64(sum))
		}},
	{"read", "benchmark_read", "Load of a random key of 1024 present", true,
		func(m intMap, r rngs, s sinks, g, n int) {
			var sum int
			for range n {
				v, _ := m.Load(int(r.next(g) % mapPreload))
				sum += v
			}
			s.keep(g, uint64(sum))
		}},
	{"in", "benchmark_in", "membership test of a random key in [0, 2048), 1024 present (ft_utils: all present)", true,
		func(m intMap, r rngs, s sinks, g, n int) {
			var hits int
			for range n {
				if _, ok := m.Load(int(r.next(g) % (2 * mapPreload))); ok {
					hits++
				}
			}
			s.keep(g, uint64(hits))
		}},
}

func init() {
	for _, w := range mapWorkloads {
		b := &benchmark{name: "map/" + w.name, port: "concurrent_dict_bench.py " + w.port, desc: w.desc, chunk: 128}
		for _, mi := range mapImpls {
			b.impls = append(b.impls, impl{name: mi.name, origin: mi.origin, baseline: mi.baseline,
				setup: func(goroutines int) instance {
					m := mi.new()
					if w.preload {
						for k := range mapPreload {
							m.Store(k, k)
						}
					}
					r, s := newRNGs(goroutines), newSinks(goroutines)
					return body(func(g, n int) { w.op(m, r, s, g, n) })
				}})
		}
		register(b)
	}
}
