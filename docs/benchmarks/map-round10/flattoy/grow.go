package flattoy

import (
	"math/bits"
	"math/rand/v2"
	"sync/atomic"
	"unsafe"
)

// GMap is the toy with growth (int keys and values): Map's groups, plus a
// resize by cooperative migration, as in Java's ConcurrentHashMap (JDK 8,
// Doug Lea): the goroutine that finds the table full publishes a table of
// twice the groups in the old one's next field and moves old home groups,
// 16 at a time, claimed from a shared index; a writer that meets a resize
// moves one such range before it writes. Moving a group means: lock it,
// copy its chain's entries into its two new home groups (group i's keys go
// to groups i and i+n of the new table, which no other group feeds), set
// the moved bit of its count word, unlock. A Load or write that meets a
// moved group goes on in the new table; the map points to the new table
// once every group has moved. So no writer waits longer than one group's
// move (the migrators hold one group lock at a time), and a Load reads one
// word more than Map's only when it meets a moved group. No shrink.
type GMap struct {
	_ [56]byte
	t atomic.Pointer[gtable]
	_ [56]byte
}

const (
	movedBit = 1 << 63
	chunk    = 16
)

type stripe struct {
	n atomic.Int64
	_ [56]byte
}

type gtable struct {
	groups []group
	mask   uint64
	s0, s1 uint64
	count  []stripe               // live entries, by home group index
	grows  atomic.Bool            // a goroutine is sizing a resize (only one allocates the new table)
	next   atomic.Pointer[gtable] // set when a resize starts
	claim  atomic.Int64           // next old group to claim for a move
	moved  atomic.Int64           // old groups moved
}

func newGTable(groups int, s0, s1 uint64) *gtable {
	return &gtable{groups: make([]group, groups), mask: uint64(groups - 1), s0: s0, s1: s1,
		count: make([]stripe, min(groups, 32))}
}

// NewG returns a growing map with room for about n keys (at least 8
// groups).
func NewG(n int) *GMap {
	g := 8
	for g*4 < n {
		g *= 2
	}
	m := &GMap{}
	m.t.Store(newGTable(g, rand.Uint64(), rand.Uint64()|1))
	return m
}

func (t *gtable) hash(k int) uint64 { return mix64(uint64(k), t.s0, t.s1) }

func (t *gtable) stripe(h uint64) *atomic.Int64 {
	return &t.count[h>>7&t.mask&uint64(len(t.count)-1)].n
}

// Len sums the current table's stripes (exact when no resize and no write
// runs).
func (m *GMap) Len() int {
	t := m.t.Load()
	var n int64
	for i := range t.count {
		n += t.count[i].n.Load()
	}
	return int(n)
}

// Load returns k's value and whether k is present.
func (m *GMap) Load(k int) (int, bool) {
	t := m.t.Load()
	h := t.hash(k)
	tag := lsbs * (0x80 | h&0x7f)
	for {
		home := &t.groups[h>>7&t.mask]
		seq := home.seq.Load()
		if seq&movedBit != 0 {
			t = t.next.Load()
			continue
		}
		for g := home; g != nil; g = g.next.Load() {
			c := g.ctrl.Load()
			for w := matchZero(c^tag) & used; w != 0; w &= w - 1 {
				s := g.slot(bits.TrailingZeros64(w) >> 3)
				if s.k.Load() == int64(k) {
					v := s.v.Load()
					if home.seq.Load() != seq {
						goto retry
					}
					return int(v), true
				}
			}
		}
		return 0, false
	retry:
	}
}

// lock locks k's home group in the table that holds it, after helping a
// resize in progress, and returns that table and group.
func (m *GMap) lock(k int) (*gtable, *group, uint64) {
	t := m.t.Load()
	h := t.hash(k)
	for {
		if t.next.Load() != nil {
			t.help(helpAll)
		}
		home := &t.groups[h>>7&t.mask]
		home.mu.Lock()
		if home.seq.Load()&movedBit == 0 {
			return t, home, h
		}
		home.mu.Unlock()
		t = t.next.Load()
	}
}

// help moves claimed ranges of t's groups to t.next: one range, or all
// that are left if all is set (the goroutine that started the resize,
// which then publishes the new table: see grow).
func (t *gtable) help(all bool) {
	nt := t.next.Load()
	n := int64(len(t.groups))
	for {
		c := t.claim.Add(chunk) - chunk
		if c >= n {
			return
		}
		end := min(c+chunk, n)
		for i := c; i < end; i++ {
			t.move(nt, &t.groups[i])
		}
		t.moved.Add(end - c)
		if !all {
			return
		}
	}
}

// move copies home group g's chain into nt and marks g moved.
func (t *gtable) move(nt *gtable, g *group) {
	g.mu.Lock()
	for x := g; x != nil; x = x.next.Load() {
		for w := x.ctrl.Load() & used; w != 0; w &= w - 1 {
			s := x.slot(bits.TrailingZeros64(w) >> 3)
			k, v := s.k.Load(), s.v.Load()
			h := nt.hash(int(k))
			ng := &nt.groups[h>>7&nt.mask]
			tag := lsbs * (0x80 | h&0x7f)
			moveInsert(ng, k, v, tag)
			nt.stripe(h).Add(1)
		}
	}
	g.seq.Or(movedBit)
	g.mu.Unlock()
}

// grow starts a resize of t if t is the map's table, has no resize yet and
// is more than 3/4 full, and then moves all the groups it can claim; it
// publishes the new table when every group has moved. Called after an
// insert had to chain an overflow group.
func (m *GMap) grow(t *gtable) {
	if m.t.Load() != t || t.next.Load() != nil {
		return
	}
	var n int64
	for i := range t.count {
		n += t.count[i].n.Load()
	}
	if n*4 <= int64(len(t.groups)*slots*3) || !t.grows.CompareAndSwap(false, true) {
		return
	}
	t.next.Store(newGTable(2*len(t.groups), t.s0, t.s1))
	t.help(true)
	for t.moved.Load() < int64(len(t.groups)) {
		// Another migrator is moving its last range: one group's copy
		// at most per group of its range.
		runtimeGosched()
	}
	m.t.Store(t.next.Load())
}

// put stores v for k; it reports whether k was absent, and whether the
// insert chained a new overflow group. The caller holds home.mu.
func (t *gtable) put(home *group, k, v int, h uint64, onlyIfAbsent bool) (old int, loaded, chained bool) {
	tag := lsbs * (0x80 | h&0x7f)
	s, fg, fi := locate(home, k, tag)
	if s != nil {
		if !onlyIfAbsent {
			old = int(s.v.Load())
			s.v.Store(int64(v))
		} else {
			old = int(s.v.Load())
		}
		return old, true, false
	}
	insert(home, fg, fi, k, v, tag)
	t.stripe(h).Add(1)
	return 0, false, fi < 0
}

// Store sets k's value.
func (m *GMap) Store(k, v int) {
	t, home, h := m.lock(k)
	_, _, chained := t.put(home, k, v, h, false)
	home.mu.Unlock()
	if chained {
		m.grow(t)
	}
}

// LoadOrStore returns k's value if present, else stores v.
func (m *GMap) LoadOrStore(k, v int) (int, bool) {
	if old, ok := m.Load(k); ok {
		return old, true
	}
	t, home, h := m.lock(k)
	old, loaded, chained := t.put(home, k, v, h, true)
	home.mu.Unlock()
	if chained {
		m.grow(t)
	}
	if loaded {
		return old, true
	}
	return v, false
}

// Delete deletes k.
func (m *GMap) Delete(k int) {
	if _, ok := m.Load(k); !ok {
		return
	}
	t, home, h := m.lock(k)
	if s, g, i := locate(home, k, lsbs*(0x80|h&0x7f)); s != nil {
		remove(home, g, i)
		t.stripe(h).Add(-1)
	}
	home.mu.Unlock()
}

// Compute runs f on k's value under the home group's lock.
func (m *GMap) Compute(k int, f func(old int, ok bool) (int, ComputeOp)) (int, bool) {
	t, home, h := m.lock(k)
	tag := lsbs * (0x80 | h&0x7f)
	s, fg, fi := locate(home, k, tag)
	var old int
	if s != nil {
		old = int(s.v.Load())
	}
	nv, op := f(old, s != nil)
	chained := false
	switch op {
	case Update:
		if s != nil {
			s.v.Store(int64(nv))
		} else {
			insert(home, fg, fi, k, nv, tag)
			t.stripe(h).Add(1)
			chained = fi < 0
		}
	case Delete:
		if s != nil {
			remove(home, fg, fi) // locate returned s's group and index
			t.stripe(h).Add(-1)
		}
	}
	home.mu.Unlock()
	if chained {
		m.grow(t)
	}
	switch {
	case op == Update:
		return nv, true
	case op == Delete:
		return 0, false
	}
	return old, s != nil
}

// free returns the first free slot of home's chain (nil, -1 if none).
func free(home *group) (*group, int) {
	for g := home; g != nil; g = g.next.Load() {
		if f := ^g.ctrl.Load() & used; f != 0 {
			return g, bits.TrailingZeros64(f) >> 3
		}
	}
	return nil, -1
}

// helpAll says whether a writer that meets a resize moves every range
// left (as Java's ConcurrentHashMap does) instead of one.
var helpAll = false

// moveInsert inserts (k, v) into group ng of a table being filled by a
// move, with plain stores: nothing reads or writes ng until the move sets
// the moved bit of ng's one source group (an atomic read-modify-write that
// every later reader and writer of ng loads first), so the stores happen
// before any access to ng. Atomic stores would cost a locked exchange per
// word on amd64 (35 % of a growing map's time in a profile).
func moveInsert(ng *group, k, v int64, tag uint64) {
	g := ng
	for {
		c := plain64(&g.ctrl)
		if f := ^c & used; f != 0 {
			i := bits.TrailingZeros64(f) >> 3
			s := g.slot(i)
			*plainI64(&s.k) = k
			*plainI64(&s.v) = v
			*plainU64(&g.ctrl) = c | (tag&0xff)<<(8*uint(i))
			return
		}
		nx := g.next.Load()
		if nx == nil {
			nx = &group{}
			*plainI64(&nx.s[0].k) = k
			*plainI64(&nx.s[0].v) = v
			*plainU64(&nx.ctrl) = tag & 0xff
			*(*unsafe.Pointer)(unsafe.Pointer(&g.next)) = unsafe.Pointer(nx)
			return
		}
		g = nx
	}
}

func plain64(p *atomic.Uint64) uint64   { return *(*uint64)(unsafe.Pointer(p)) }
func plainU64(p *atomic.Uint64) *uint64 { return (*uint64)(unsafe.Pointer(p)) }
func plainI64(p *atomic.Int64) *int64   { return (*int64)(unsafe.Pointer(p)) }
