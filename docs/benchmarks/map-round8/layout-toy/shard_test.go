package layouttoy

import (
	"math/bits"
	"sync/atomic"
	"testing"
)

type root struct {
	word   uint8
	s0, s1 uint64
	hmask  uint64
	smask  uint64
	tables []atomicPtrA
}

type M struct{ r atomic.Pointer[root] }

func (t *A) grp(i uint64) *group { return &t.groups[i] }

//go:noinline
func (m *M) find(k int) (r *root, h uint64, v int, ok bool) {
	r = m.r.Load()
	if r == nil {
		return
	}
	if r.word == 1 {
		h = mix(uint64(k), r.s0, r.s1) & r.hmask
	}
	t := r.tables[h>>40&r.smask].Load()
	if t == nil {
		return r, h, 0, false
	}
	tag := lsb * (0x80 | h&0x7f)
	i := home(h, t.n)
	for {
		g := &t.groups[i]
		c := g.ctrl.Load()
		for w := matchZero(c ^ tag); w != 0; w &= w - 1 {
			s := &g.slots[bits.TrailingZeros64(w)>>3&7]
			if s.k == k {
				return r, h, s.v, true
			}
		}
		if matchZero(c) != 0 {
			return r, h, 0, false
		}
		i++
		if i == t.n {
			i = 0
		}
	}
}

func (m *M) Load(k int) (int, bool) { _, _, v, ok := m.find(k); return v, ok }

//go:noinline
func (m *M) load2(k int) (v int, ok bool) {
	r := m.r.Load()
	if r == nil {
		return
	}
	var h uint64
	if r.word == 1 {
		h = mix(uint64(k), r.s0, r.s1) & r.hmask
	}
	t := r.tables[h>>40&r.smask].Load()
	if t == nil {
		return 0, false
	}
	tag := lsb * (0x80 | h&0x7f)
	i := home(h, t.n)
	for {
		g := &t.groups[i]
		c := g.ctrl.Load()
		for w := matchZero(c ^ tag); w != 0; w &= w - 1 {
			s := &g.slots[bits.TrailingZeros64(w)>>3&7]
			if s.k == k {
				return s.v, true
			}
		}
		if matchZero(c) != 0 {
			return 0, false
		}
		i++
		if i == t.n {
			i = 0
		}
	}
}

func BenchmarkShard(b *testing.B) {
	n := 1024
	r := &root{word: 1, s0: s0, s1: s1, hmask: ^uint64(0), smask: 15, tables: make([]atomicPtrA, 16)}
	for i := range 16 {
		ng := uint64(22)
		r.tables[i].Store(&A{groups: make([]group, ng), n: ng})
	}
	m := &M{}
	m.r.Store(r)
	for k := range n {
		h := mix(uint64(k), s0, s1)
		r.tables[h>>40&15].Load().put(k, k)
	}
	b.Run("find4", func(b *testing.B) {
		rr := rng(1)
		s := 0
		for range b.N {
			v, _ := m.Load(int(rr.next() >> 32 % uint64(n)))
			s += v
		}
		sink = s
	})
	b.Run("load2", func(b *testing.B) {
		rr := rng(1)
		s := 0
		for range b.N {
			v, _ := m.load2(int(rr.next() >> 32 % uint64(n)))
			s += v
		}
		sink = s
	})
}
