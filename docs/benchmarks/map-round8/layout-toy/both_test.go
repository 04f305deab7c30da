package layouttoy

import (
	"testing"
)

func BenchmarkBoth(b *testing.B) {
	n := 1024
	r := &root{word: 1, s0: s0, s1: s1, hmask: ^uint64(0), smask: 15, tables: make([]atomicPtrA, 16)}
	for i := range 16 {
		r.tables[i].Store(&A{groups: make([]group, 22), n: 22})
	}
	m := &M{}
	m.r.Store(r)
	a := &A{groups: make([]group, 352), n: 352}
	for k := range n {
		h := mix(uint64(k), s0, s1)
		r.tables[h>>40&15].Load().put(k, k)
		a.put(k, k)
	}
	for round := 0; round < 6; round++ {
		b.Run("sharded", func(b *testing.B) {
			rr := rng(1)
			s := 0
			for range b.N {
				v, _ := m.load2(int(rr.next() >> 32 % uint64(n)))
				s += v
			}
			sink = s
		})
		b.Run("flat", func(b *testing.B) {
			rr := rng(1)
			s := 0
			for range b.N {
				v, _ := a.loadNI(int(rr.next() >> 32 % uint64(n)))
				s += v
			}
			sink = s
		})
	}
}

//go:noinline
func (t *A) loadNI(k int) (int, bool) { return t.load(k) }
