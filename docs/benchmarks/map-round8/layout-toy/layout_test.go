// Package layouttoy is round 8's toy model of Map's read path
// (docs/benchmarks/map.md, round 8): one int-keyed table of 8-slot groups
// probed as find probes them, in four shapes, to ask where a Load of a
// small map spends the time that xsync.Map's Load does not:
//
//   - Benchmark: control words inside the groups (A, as Map) or in their
//     own array (B, as Go's first Swiss-table designs), 2 or 3 slots per
//     entry, 1K and 1M keys;
//   - BenchmarkShard: 16 shards behind a root, a find with four results
//     (as Map) or a load with two;
//   - BenchmarkBoth: sharded against one flat table, in one process;
//   - BenchmarkInline: shard headers in the root's array (one dependent
//     load fewer after the hash) against pointers to them.
//
// Each variant repeats the probe loop on purpose: the compiler does not
// inline a shared probe (it has loops), and the call would then be part
// of what every variant measures. The xorshift generator is the bench
// module's mapRNG, copied because a test helper cannot cross modules.
//
// Run: cd docs/benchmarks/map-round8/layout-toy && go test -bench . -cpu 1
package layouttoy

import (
	"math/bits"
	"strconv"
	"sync/atomic"
	"testing"
)

const lsb = 0x0101010101010101
const msb = 0x8080808080808080

func matchZero(x uint64) uint64 { return (x - lsb) &^ x & msb }

type slot struct{ k, v int }
type group struct {
	ctrl  atomic.Uint64
	slots [8]slot
}

func mix(x, s0, s1 uint64) uint64 {
	hi, lo := bits.Mul64(x^s0, s1)
	return (hi ^ lo) * (s0 | 1)
}

const s0, s1 = 0x9E3779B97F4A7C15, 0xD6E8FEB86659FD93

type A struct {
	groups []group
	n      uint64
}
type B struct {
	ctrl  []atomic.Uint64
	slots [][8]slot
	n     uint64
}

func home(h, n uint64) uint64 { return (h >> 7 & 0xffffffff) * n >> 32 }

func (t *A) put(k, v int) {
	h := mix(uint64(k), s0, s1)
	i := home(h, t.n)
	for {
		g := &t.groups[i]
		c := g.ctrl.Load()
		if e := matchZero(c); e != 0 {
			j := bits.TrailingZeros64(e) >> 3
			g.slots[j] = slot{k, v}
			g.ctrl.Store(c | (0x80|h&0x7f)<<(8*j))
			return
		}
		i++
		if i == t.n {
			i = 0
		}
	}
}
func (t *A) load(k int) (int, bool) {
	h := mix(uint64(k), s0, s1)
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
func (t *B) put(k, v int) {
	h := mix(uint64(k), s0, s1)
	i := home(h, t.n)
	for {
		c := t.ctrl[i].Load()
		if e := matchZero(c); e != 0 {
			j := bits.TrailingZeros64(e) >> 3
			t.slots[i][j] = slot{k, v}
			t.ctrl[i].Store(c | (0x80|h&0x7f)<<(8*j))
			return
		}
		i++
		if i == t.n {
			i = 0
		}
	}
}
func (t *B) load(k int) (int, bool) {
	h := mix(uint64(k), s0, s1)
	tag := lsb * (0x80 | h&0x7f)
	i := home(h, t.n)
	for {
		c := t.ctrl[i].Load()
		for w := matchZero(c ^ tag); w != 0; w &= w - 1 {
			s := &t.slots[i][bits.TrailingZeros64(w)>>3&7]
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

type rng uint64

func (r *rng) next() uint64 {
	x := uint64(*r)
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	*r = rng(x)
	return x * 2685821657736338717
}

var sink int

func Benchmark(b *testing.B) {
	for _, n := range []int{1 << 10, 1 << 20} {
		for _, spe := range []int{2, 3} {
			ng := uint64(n * spe / 8)
			a := &A{groups: make([]group, ng), n: ng}
			bb := &B{ctrl: make([]atomic.Uint64, ng), slots: make([][8]slot, ng), n: ng}
			for k := range n {
				a.put(k, k)
				bb.put(k, k)
			}
			nm := "n=" + strconv.Itoa(n) + "/spe=" + strconv.Itoa(spe)
			b.Run(nm+"/A", func(b *testing.B) {
				r := rng(1)
				s := 0
				for range b.N {
					v, _ := a.load(int(r.next() >> 32 % uint64(n)))
					s += v
				}
				sink = s
			})
			b.Run(nm+"/B", func(b *testing.B) {
				r := rng(1)
				s := 0
				for range b.N {
					v, _ := bb.load(int(r.next() >> 32 % uint64(n)))
					s += v
				}
				sink = s
			})
		}
	}
}
