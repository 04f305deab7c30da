// Package flattoy is round 10's toy of the redesign that rounds 8 and 9
// named as the way to a Load as lean as xsync.Map's (docs/benchmarks/map.md,
// round 10): one table per map behind one pointer, no shards. It exists to
// measure, before anyone rewrites Map, what such a layout gains on the rows
// issue #3's bars miss. Map, the first toy (int keys and values, sized
// once):
//
//   - a group is 128 bytes: a sequence count, six control bytes, an overflow
//     pointer, a lock and six {key, value} word slots, inline (no entry
//     allocated per write, unlike xsync.Map);
//   - a key lives in its home group's chain (home group, then overflow
//     groups linked from it), so the home group's lock serializes every
//     write to the key and a delete frees its slot at once: no tombstones,
//     no rebuilds (chaining as in CLHT, David, Guerraoui, Trigonakis,
//     ASPLOS 2015, and xsync.Map);
//   - values are updated in place by one atomic store; a freed slot can get
//     another key, so a reader that matched a key re-reads the home group's
//     count (bumped by every delete, after the control byte is cleared) and
//     retries if it changed (a sequence count: Lameter 2005, Boehm MSPC 2012).
//
// Map and StrMap (string keys) never grow; GMap (grow.go) adds growth by
// cooperative migration to Map, and AnyMap (any.go) is the growing toy for
// keys and values of type any with the sync.Map method set, so that Go's
// sync.Map workloads run on it (syncmap_test.go). None of them is a map
// anyone should use (no shrink, no zero value, a few key types); the
// numbers are what matter.
package flattoy

import (
	"math/bits"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

const (
	slots = 6
	lsbs  = 0x0101010101010101
	msbs  = 0x8080808080808080
	// used is the control bytes that name slots (bytes 0..5).
	used = 0x0000808080808080
)

type slot struct{ k, v atomic.Int64 }

type group struct {
	seq  atomic.Uint64 // home group only: bumped by every delete in its chain
	ctrl atomic.Uint64 // byte i: 0 free, 0x80|tag full (i < slots)
	next atomic.Pointer[group]
	mu   sync.Mutex // home group only: held by every write to its chain
	s    [slots]slot
}

type table struct {
	groups []group
	mask   uint64
	s0, s1 uint64
}

// Map is the toy map, sized once for about n keys.
type Map struct {
	_ [56]byte
	t atomic.Pointer[table]
	_ [56]byte
}

// New returns a map with a group per four of n keys (rounded up to a power
// of two): about xsync.Map's presized load.
func New(n int) *Map {
	g := 1
	for g*4 < n {
		g *= 2
	}
	m := &Map{}
	m.t.Store(&table{groups: make([]group, g), mask: uint64(g - 1), s0: rand.Uint64(), s1: rand.Uint64() | 1})
	return m
}

func matchZero(x uint64) uint64 { return (x - lsbs) &^ x & msbs }

func (t *table) hash(k int) uint64 { return mix64(uint64(k), t.s0, t.s1) }

// mix64 hashes an integer with a table's seeds (the library's mapMix).
func mix64(x, s0, s1 uint64) uint64 {
	hi, lo := bits.Mul64(x^s0, s1)
	return (hi ^ lo) * (s0 | 1)
}

// Load returns k's value and whether k is present.
func (m *Map) Load(k int) (int, bool) {
	t := m.t.Load()
	h := t.hash(k)
	home := &t.groups[h>>7&t.mask]
	tag := lsbs * (0x80 | h&0x7f)
	for {
		seq := home.seq.Load()
		for g := home; g != nil; g = g.next.Load() {
			c := g.ctrl.Load()
			for w := matchZero(c^tag) & used; w != 0; w &= w - 1 {
				s := g.slot(bits.TrailingZeros64(w) >> 3)
				if s.k.Load() == int64(k) {
					v := s.v.Load()
					if home.seq.Load() != seq {
						goto retry // the slot may have been freed and refilled
					}
					return int(v), true
				}
			}
		}
		return 0, false
	retry:
	}
}

// locate returns k's slot in home's chain, or nil; free is the first free
// slot met (nil if none) and its group. The caller holds home.mu.
func locate(home *group, k int, tag uint64) (s *slot, fg *group, fi int) {
	fi = -1
	for g := home; g != nil; g = g.next.Load() {
		c := g.ctrl.Load()
		for w := matchZero(c^tag) & used; w != 0; w &= w - 1 {
			i := bits.TrailingZeros64(w) >> 3
			if s := g.slot(i); s.k.Load() == int64(k) {
				return s, g, i
			}
		}
		if fi < 0 {
			if f := ^c & used; f != 0 {
				fg, fi = g, bits.TrailingZeros64(f)>>3
			}
		}
	}
	return nil, fg, fi
}

// insert puts the absent k into the free slot (fg, fi), or into a new
// overflow group if there is none. The caller holds home.mu.
func insert(home *group, fg *group, fi int, k, v int, tag uint64) {
	if fi < 0 {
		fg, fi = &group{}, 0
		fg.s[0].k.Store(int64(k))
		fg.s[0].v.Store(int64(v))
		fg.ctrl.Store(tag & 0xff)
		last := home
		for n := last.next.Load(); n != nil; n = last.next.Load() {
			last = n
		}
		last.next.Store(fg)
		return
	}
	fg.s[fi].k.Store(int64(k))
	fg.s[fi].v.Store(int64(v))
	sh := 8 * uint(fi)
	fg.ctrl.Store(fg.ctrl.Load() | (tag&0xff)<<sh)
}

// remove frees slot i of g, then bumps the home group's count.
func remove(home, g *group, i int) {
	g.ctrl.Store(g.ctrl.Load() &^ (0xff << (8 * uint(i))))
	home.seq.Add(1)
}

// Store sets k's value.
func (m *Map) Store(k, v int) {
	t := m.t.Load()
	h := t.hash(k)
	home := &t.groups[h>>7&t.mask]
	tag := lsbs * (0x80 | h&0x7f)
	home.mu.Lock()
	s, fg, fi := locate(home, k, tag)
	if s != nil {
		s.v.Store(int64(v))
	} else {
		insert(home, fg, fi, k, v, tag)
	}
	home.mu.Unlock()
}

// Delete deletes k.
func (m *Map) Delete(k int) {
	t := m.t.Load()
	h := t.hash(k)
	home := &t.groups[h>>7&t.mask]
	tag := lsbs * (0x80 | h&0x7f)
	// Lock-free pre-check, as Map's LoadAndDelete does: an absent key
	// takes no lock.
	if _, ok := m.Load(k); !ok {
		return
	}
	home.mu.Lock()
	if s, g, i := locate(home, k, tag); s != nil {
		remove(home, g, i)
	}
	home.mu.Unlock()
}

// ComputeOp is what Compute's callback asks for.
type ComputeOp uint8

const (
	Cancel ComputeOp = iota
	Update
	Delete
)

// Compute runs f on k's value under the home group's lock.
func (m *Map) Compute(k int, f func(old int, ok bool) (int, ComputeOp)) (int, bool) {
	t := m.t.Load()
	h := t.hash(k)
	home := &t.groups[h>>7&t.mask]
	tag := lsbs * (0x80 | h&0x7f)
	home.mu.Lock()
	defer home.mu.Unlock()
	s, fg, fi := locate(home, k, tag)
	var old int
	if s != nil {
		old = int(s.v.Load())
	}
	nv, op := f(old, s != nil)
	switch op {
	case Update:
		if s != nil {
			s.v.Store(int64(nv))
		} else {
			insert(home, fg, fi, k, nv, tag)
		}
		return nv, true
	case Delete:
		if s != nil {
			remove(home, fg, fi) // locate returned s's group and index
		}
		return 0, false
	}
	return old, s != nil
}
