package layouttoy

import (
	"math/bits"
	"testing"
)

type rootI struct {
	word   uint8
	s0, s1 uint64
	hmask  uint64
	smask  uint64
	tables []A // headers inline: one dependent load fewer
}

//go:noinline
func (r *rootI) load2(k int) (v int, ok bool) {
	var h uint64
	if r.word == 1 {
		h = mix(uint64(k), r.s0, r.s1) & r.hmask
	}
	t := &r.tables[h>>40&r.smask]
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

func BenchmarkInline(b *testing.B) {
	n := 1024
	ri := &rootI{word: 1, s0: s0, s1: s1, hmask: ^uint64(0), smask: 15, tables: make([]A, 16)}
	for i := range 16 {
		ri.tables[i] = A{groups: make([]group, 22), n: 22}
	}
	m := newSharded()
	for k := range n {
		h := mix(uint64(k), s0, s1)
		ri.tables[h>>40&15].put(k, k)
		m.r.Load().tables[h>>40&15].Load().put(k, k)
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
		b.Run("inline", func(b *testing.B) {
			rr := rng(1)
			s := 0
			for range b.N {
				v, _ := ri.load2(int(rr.next() >> 32 % uint64(n)))
				s += v
			}
			sink = s
		})
	}
}

func newSharded() *M {
	r := &root{word: 1, s0: s0, s1: s1, hmask: ^uint64(0), smask: 15, tables: make([]atomicPtrA, 16)}
	for i := range 16 {
		r.tables[i].Store(&A{groups: make([]group, 22), n: 22})
	}
	m := &M{}
	m.r.Store(r)
	return m
}
