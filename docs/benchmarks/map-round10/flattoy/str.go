package flattoy

import (
	"hash/maphash"
	"math/bits"
	"sync"
	"sync/atomic"
	"unsafe"
)

// StrMap is the toy with string keys: a slot holds the key's two words
// (data pointer and length) and the value, each read and written
// atomically. A reader compares a key only after checking the home
// group's count, since while a freed slot is refilled its two key words
// may come from two different strings.
type StrMap struct {
	_ [56]byte
	t atomic.Pointer[strTable]
	_ [56]byte
}

type strSlot struct {
	p unsafe.Pointer // key data, accessed atomically
	n atomic.Int64   // key length
	v atomic.Int64
}

const strSlots = 4

type strGroup struct {
	seq  atomic.Uint64
	ctrl atomic.Uint64 // bytes 0..3
	next atomic.Pointer[strGroup]
	mu   sync.Mutex
	s    [strSlots]strSlot
	_    [128 - 32 - strSlots*24]byte
}

const strUsed = 0x80808080

type strTable struct {
	groups []strGroup
	mask   uint64
	seed   maphash.Seed
}

// NewStr returns a string-keyed toy map with a group per two of n keys
// (four slots per group: about the memory of a presized xsync.Map, whose
// 64-byte buckets hold five pointers to 32-byte entries).
func NewStr(n int) *StrMap {
	g := 1
	for g*2 < n {
		g *= 2
	}
	m := &StrMap{}
	m.t.Store(&strTable{groups: make([]strGroup, g), mask: uint64(g - 1), seed: maphash.MakeSeed()})
	return m
}

func (g *strGroup) slot(i int) *strSlot {
	return (*strSlot)(unsafe.Add(unsafe.Pointer(&g.s[0]), uintptr(i)*unsafe.Sizeof(g.s[0])))
}

func (s *strSlot) key() string {
	return unsafe.String((*byte)(atomic.LoadPointer(&s.p)), int(s.n.Load()))
}

func (s *strSlot) setKey(k string) {
	atomic.StorePointer(&s.p, unsafe.Pointer(unsafe.StringData(k)))
	s.n.Store(int64(len(k)))
}

func (m *StrMap) at(k string) (*strGroup, uint64) {
	t := m.t.Load()
	h := maphash.String(t.seed, k)
	return &t.groups[h>>7&t.mask], lsbs * (0x80 | h&0x7f)
}

// Load returns k's value and whether k is present.
func (m *StrMap) Load(k string) (int, bool) {
	home, tag := m.at(k)
	for {
		seq := home.seq.Load()
		for g := home; g != nil; g = g.next.Load() {
			c := g.ctrl.Load()
			for w := matchZero(c^tag) & strUsed; w != 0; w &= w - 1 {
				s := g.slot(bits.TrailingZeros64(w) >> 3)
				key := s.key()
				v := s.v.Load()
				if home.seq.Load() != seq {
					goto retry
				}
				if key == k {
					return int(v), true
				}
			}
		}
		return 0, false
	retry:
	}
}

func strLocate(home *strGroup, k string, tag uint64) (s *strSlot, fg *strGroup, fi int) {
	fi = -1
	for g := home; g != nil; g = g.next.Load() {
		c := g.ctrl.Load()
		for w := matchZero(c^tag) & strUsed; w != 0; w &= w - 1 {
			i := bits.TrailingZeros64(w) >> 3
			if s := g.slot(i); s.key() == k {
				return s, g, i
			}
		}
		if fi < 0 {
			if f := ^c & strUsed; f != 0 {
				fg, fi = g, bits.TrailingZeros64(f)>>3
			}
		}
	}
	return nil, fg, fi
}

func strInsert(home, fg *strGroup, fi int, k string, v int, tag uint64) {
	if fi < 0 {
		fg, fi = &strGroup{}, 0
		fg.s[0].setKey(k)
		fg.s[0].v.Store(int64(v))
		fg.ctrl.Store(tag & 0xff)
		last := home
		for n := last.next.Load(); n != nil; n = last.next.Load() {
			last = n
		}
		last.next.Store(fg)
		return
	}
	s := fg.slot(fi)
	s.setKey(k)
	s.v.Store(int64(v))
	fg.ctrl.Store(fg.ctrl.Load() | (tag&0xff)<<(8*uint(fi)))
}

// Store sets k's value.
func (m *StrMap) Store(k string, v int) {
	home, tag := m.at(k)
	home.mu.Lock()
	if s, fg, fi := strLocate(home, k, tag); s != nil {
		s.v.Store(int64(v))
	} else {
		strInsert(home, fg, fi, k, v, tag)
	}
	home.mu.Unlock()
}

// Delete deletes k.
func (m *StrMap) Delete(k string) {
	if _, ok := m.Load(k); !ok {
		return
	}
	home, tag := m.at(k)
	home.mu.Lock()
	if s, g, i := strLocate(home, k, tag); s != nil {
		g.ctrl.Store(g.ctrl.Load() &^ (0xff << (8 * uint(i))))
		home.seq.Add(1)
	}
	home.mu.Unlock()
}

// Compute runs f on k's value under the home group's lock.
func (m *StrMap) Compute(k string, f func(old int, ok bool) (int, ComputeOp)) (int, bool) {
	home, tag := m.at(k)
	home.mu.Lock()
	defer home.mu.Unlock()
	s, g, i := strLocate(home, k, tag)
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
			strInsert(home, g, i, k, nv, tag)
		}
		return nv, true
	case Delete:
		if s != nil {
			g.ctrl.Store(g.ctrl.Load() &^ (0xff << (8 * uint(i))))
			home.seq.Add(1)
		}
		return 0, false
	}
	return old, s != nil
}
