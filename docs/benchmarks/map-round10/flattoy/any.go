package flattoy

import (
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// AnyMap is the growing toy for keys and values of type any, with the
// sync.Map method set, so that Go's sync.Map workloads can run on it.
// Each slot holds the two words of its key and of its value, read and
// written atomically one by one. Besides GMap's protocol:
//
//   - a key's two words may come from two keys while its slot is refilled,
//     so a reader checks the home group's count before it compares a key;
//   - a value replaced by one of the same dynamic type has only its data
//     word overwritten (one atomic store); one of another type is written
//     while the count is odd (a writer adds 1 before and after), and
//     readers retry on an odd or changed count; deletes add 2;
//   - Range visits home groups one by one, copying each chain under its
//     count (under its lock if it outgrows a fixed buffer) and calling f
//     outside; a moved group is visited in its two new groups instead, so
//     no key is reported twice;
//   - Clear publishes an empty table (nothing if the table was never
//     written).
type AnyMap struct {
	_ [56]byte
	t atomic.Pointer[atable]
	_ [56]byte
}

const (
	aslots = 4
	aused  = 0x80808080
)

type aslot struct{ kt, kd, vt, vd unsafe.Pointer }

type agroup struct {
	seq  atomic.Uint64 // home group: odd while a value's two words change; +2 per delete; movedBit
	ctrl atomic.Uint64 // bytes 0..3
	next atomic.Pointer[agroup]
	mu   sync.Mutex
	// hb holds bits 7..38 of each slot's hash (the control byte has bits
	// 0..6), written and read only under the home group's lock, so that
	// a move finds a key's new group without hashing it again: hashing
	// an int in an interface reads the int's box, a cache miss per entry
	// once the map outgrows the caches.
	hb [aslots]uint32
	s  [aslots]aslot
}

type atable struct {
	groups []agroup
	mask   uint64
	s0, s1 uint64
	seed   maphash.Seed
	count  []stripe
	dirty  atomic.Bool // written since made
	grows  atomic.Bool // a goroutine is sizing a resize (only one allocates the new table)
	next   atomic.Pointer[atable]
	claim  atomic.Int64
	moved  atomic.Int64
}

var intType, _ = words(any(0))

func words(x any) (t, d unsafe.Pointer) {
	w := (*[2]unsafe.Pointer)(unsafe.Pointer(&x))
	return w[0], w[1]
}

func eface(t, d unsafe.Pointer) any {
	w := [2]unsafe.Pointer{t, d}
	return *(*any)(unsafe.Pointer(&w))
}

func ld(p *unsafe.Pointer) unsafe.Pointer    { return atomic.LoadPointer(p) }
func st(p *unsafe.Pointer, v unsafe.Pointer) { atomic.StorePointer(p, v) }
func (g *agroup) slot(i int) *aslot {
	return (*aslot)(unsafe.Add(unsafe.Pointer(&g.s[0]), uintptr(i)*unsafe.Sizeof(g.s[0])))
}

func newATable(groups int, s0, s1 uint64, seed maphash.Seed) *atable {
	return &atable{groups: make([]agroup, groups), mask: uint64(groups - 1), s0: s0, s1: s1, seed: seed,
		count: make([]stripe, min(groups, 32))}
}

// NewAny returns an empty AnyMap (8 groups).
func NewAny() *AnyMap {
	m := &AnyMap{}
	m.t.Store(newATable(8, rand.Uint64(), rand.Uint64()|1, maphash.MakeSeed()))
	return m
}

func (t *atable) hash(k any) uint64 {
	if kt, kd := words(k); kt == intType {
		return mix64(uint64(*(*int)(kd)), t.s0, t.s1)
	}
	return maphash.Comparable(t.seed, k)
}

func (t *atable) stripe(h uint64) *atomic.Int64 {
	return &t.count[h>>7&t.mask&uint64(len(t.count)-1)].n
}

// keyIs reports whether the key words (kt, kd), read under a validated
// count, are k.
func keyIs(kt, kd unsafe.Pointer, k any) bool {
	if t, d := words(k); t == intType {
		return kt == intType && *(*int)(kd) == *(*int)(d)
	}
	return eface(kt, kd) == k
}

// Load returns k's value and whether k is present.
func (m *AnyMap) Load(k any) (any, bool) {
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
		if seq&1 != 0 {
			runtime.Gosched()
			continue
		}
		for g := home; g != nil; g = g.next.Load() {
			c := g.ctrl.Load()
			for w := matchZero(c^tag) & aused; w != 0; w &= w - 1 {
				s := g.slot(bits.TrailingZeros64(w) >> 3)
				kt, kd, vt, vd := ld(&s.kt), ld(&s.kd), ld(&s.vt), ld(&s.vd)
				if home.seq.Load() != seq {
					goto retry
				}
				if keyIs(kt, kd, k) {
					return eface(vt, vd), true
				}
			}
		}
		return nil, false
	retry:
	}
}

// lock locks k's home group in the table that holds it (after helping a
// resize in progress with one range).
func (m *AnyMap) lock(k any) (*atable, *agroup, uint64) {
	t := m.t.Load()
	h := t.hash(k)
	for {
		if t.next.Load() != nil {
			t.help(false)
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

// alocate finds k in home's chain (the caller holds home.mu): its slot and
// group, or the first free slot (fg, fi; fi < 0 if none).
func alocate(home *agroup, k any, tag uint64) (s *aslot, fg *agroup, fi int) {
	fi = -1
	for g := home; g != nil; g = g.next.Load() {
		c := g.ctrl.Load()
		for w := matchZero(c^tag) & aused; w != 0; w &= w - 1 {
			i := bits.TrailingZeros64(w) >> 3
			if s := g.slot(i); keyIs(ld(&s.kt), ld(&s.kd), k) {
				return s, g, i
			}
		}
		if fi < 0 {
			if f := ^c & aused; f != 0 {
				fg, fi = g, bits.TrailingZeros64(f)>>3
			}
		}
	}
	return nil, fg, fi
}

// setVal replaces s's value (the caller holds home.mu).
func setVal(home *agroup, s *aslot, v any) {
	vt, vd := words(v)
	if ld(&s.vt) == vt {
		st(&s.vd, vd)
		return
	}
	home.seq.Add(1)
	st(&s.vt, vt)
	st(&s.vd, vd)
	home.seq.Add(1)
}

// ainsert puts the absent k into (fg, fi) or a new overflow group and
// counts it; it reports whether it chained a new group.
func (t *atable) ainsert(home, fg *agroup, fi int, k, v any, h uint64) bool {
	tag := lsbs * (0x80 | h&0x7f)
	kt, kd := words(k)
	vt, vd := words(v)
	t.stripe(h).Add(1)
	if !t.dirty.Load() {
		t.dirty.Store(true)
	}
	if fi < 0 {
		ng := &agroup{}
		ng.hb[0] = uint32(h >> 7)
		s := &ng.s[0]
		st(&s.kt, kt)
		st(&s.kd, kd)
		st(&s.vt, vt)
		st(&s.vd, vd)
		ng.ctrl.Store(tag & 0xff)
		last := home
		for n := last.next.Load(); n != nil; n = last.next.Load() {
			last = n
		}
		last.next.Store(ng)
		return true
	}
	s := fg.slot(fi)
	fg.hb[fi] = uint32(h >> 7)
	st(&s.kt, kt)
	st(&s.kd, kd)
	st(&s.vt, vt)
	st(&s.vd, vd)
	fg.ctrl.Store(fg.ctrl.Load() | (tag&0xff)<<(8*uint(fi)))
	return false
}

// aremove deletes slot fi of group g (k's), under home.mu.
func (t *atable) aremove(home, g *agroup, fi int, h uint64) {
	g.ctrl.Store(g.ctrl.Load() &^ (0xff << (8 * uint(fi))))
	home.seq.Add(2)
	t.stripe(h).Add(-1)
}

func (m *AnyMap) unlock(t *atable, home *agroup, chained bool) {
	home.mu.Unlock()
	if chained {
		m.grow(t)
	}
}

// Store sets k's value.
func (m *AnyMap) Store(k, v any) { m.Swap(k, v) }

// Swap stores v and returns the previous value, if any.
func (m *AnyMap) Swap(k, v any) (any, bool) {
	t, home, h := m.lock(k)
	s, fg, fi := alocate(home, k, lsbs*(0x80|h&0x7f))
	if s != nil {
		prev := eface(ld(&s.vt), ld(&s.vd))
		setVal(home, s, v)
		home.mu.Unlock()
		return prev, true
	}
	m.unlock(t, home, t.ainsert(home, fg, fi, k, v, h))
	return nil, false
}

// LoadOrStore returns k's value if present, else stores v.
func (m *AnyMap) LoadOrStore(k, v any) (any, bool) {
	if old, ok := m.Load(k); ok {
		return old, true
	}
	t, home, h := m.lock(k)
	s, fg, fi := alocate(home, k, lsbs*(0x80|h&0x7f))
	if s != nil {
		old := eface(ld(&s.vt), ld(&s.vd))
		home.mu.Unlock()
		return old, true
	}
	m.unlock(t, home, t.ainsert(home, fg, fi, k, v, h))
	return v, false
}

// LoadAndDelete deletes k, returning its value if it was present.
func (m *AnyMap) LoadAndDelete(k any) (any, bool) {
	if _, ok := m.Load(k); !ok {
		return nil, false
	}
	t, home, h := m.lock(k)
	defer home.mu.Unlock()
	s, g, i := alocate(home, k, lsbs*(0x80|h&0x7f))
	if s == nil {
		return nil, false
	}
	v := eface(ld(&s.vt), ld(&s.vd))
	t.aremove(home, g, i, h)
	return v, true
}

// Delete deletes k.
func (m *AnyMap) Delete(k any) { m.LoadAndDelete(k) }

// CompareAndSwap stores new if k's value is old.
func (m *AnyMap) CompareAndSwap(k, old, new any) bool {
	if cur, ok := m.Load(k); !ok || cur != old {
		return false
	}
	_, home, h := m.lock(k)
	defer home.mu.Unlock()
	s, _, _ := alocate(home, k, lsbs*(0x80|h&0x7f))
	if s == nil || eface(ld(&s.vt), ld(&s.vd)) != old {
		return false
	}
	setVal(home, s, new)
	return true
}

// CompareAndDelete deletes k if its value is old.
func (m *AnyMap) CompareAndDelete(k, old any) bool {
	if cur, ok := m.Load(k); !ok || cur != old {
		return false
	}
	t, home, h := m.lock(k)
	defer home.mu.Unlock()
	s, g, i := alocate(home, k, lsbs*(0x80|h&0x7f))
	if s == nil || eface(ld(&s.vt), ld(&s.vd)) != old {
		return false
	}
	t.aremove(home, g, i, h)
	return true
}

// Clear empties the map.
func (m *AnyMap) Clear() {
	t := m.t.Load()
	if !t.dirty.Load() && t.next.Load() == nil {
		return
	}
	m.t.Store(newATable(8, t.s0, t.s1, t.seed))
}

// Len sums the current table's stripes.
func (m *AnyMap) Len() int {
	t := m.t.Load()
	var n int64
	for i := range t.count {
		n += t.count[i].n.Load()
	}
	return int(n)
}

type kv struct{ k, v any }

// Range calls f on every entry until f returns false (see AnyMap).
func (m *AnyMap) Range(f func(k, v any) bool) {
	t := m.t.Load()
	// One buffer for the whole Range: zeroing one per group (its
	// pointers must be) took a third of a Range's time.
	var buf [16]kv
	for i := range t.groups {
		if !t.rangeGroup(i, f, &buf) {
			return
		}
	}
}

func (t *atable) rangeGroup(i int, f func(k, v any) bool, buf *[16]kv) bool {
	home := &t.groups[i]
	var n int
	for {
		seq := home.seq.Load()
		if seq&movedBit != 0 {
			nt := t.next.Load()
			return nt.rangeGroup(i, f, buf) && nt.rangeGroup(i+len(t.groups), f, buf)
		}
		if seq&1 != 0 {
			runtime.Gosched()
			continue
		}
		n = 0
		for g := home; g != nil; g = g.next.Load() {
			for w := g.ctrl.Load() & aused; w != 0; w &= w - 1 {
				s := g.slot(bits.TrailingZeros64(w) >> 3)
				if n == len(buf) {
					return t.rangeLocked(home, f)
				}
				kt, kd, vt, vd := ld(&s.kt), ld(&s.kd), ld(&s.vt), ld(&s.vd)
				buf[n] = kv{eface(kt, kd), eface(vt, vd)}
				n++
			}
		}
		if home.seq.Load() == seq {
			break
		}
	}
	for _, e := range buf[:n] {
		if !f(e.k, e.v) {
			return false
		}
	}
	return true
}

// rangeLocked copies a long chain under its lock (allocating) and then
// calls f, or visits the new table if the group moved meanwhile.
func (t *atable) rangeLocked(home *agroup, f func(k, v any) bool) bool {
	home.mu.Lock()
	if home.seq.Load()&movedBit != 0 {
		home.mu.Unlock()
		i := int((uintptr(unsafe.Pointer(home)) - uintptr(unsafe.Pointer(&t.groups[0]))) / unsafe.Sizeof(*home))
		var buf [16]kv
		return t.rangeGroup(i, f, &buf)
	}
	var es []kv
	for g := home; g != nil; g = g.next.Load() {
		for w := g.ctrl.Load() & aused; w != 0; w &= w - 1 {
			s := g.slot(bits.TrailingZeros64(w) >> 3)
			es = append(es, kv{eface(ld(&s.kt), ld(&s.kd)), eface(ld(&s.vt), ld(&s.vd))})
		}
	}
	home.mu.Unlock()
	for _, e := range es {
		if !f(e.k, e.v) {
			return false
		}
	}
	return true
}

// help moves claimed ranges of t's groups to t.next (one, or all left).
func (t *atable) help(all bool) {
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

// move copies home group g's chain into nt (plain stores: see moveInsert)
// and marks g moved.
func (t *atable) move(nt *atable, g *agroup) {
	g.mu.Lock()
	for x := g; x != nil; x = x.next.Load() {
		c := x.ctrl.Load()
		for w := c & aused; w != 0; w &= w - 1 {
			i := bits.TrailingZeros64(w) >> 3
			s := x.slot(i)
			kt, kd, vt, vd := ld(&s.kt), ld(&s.kd), ld(&s.vt), ld(&s.vd)
			h := uint64(x.hb[i])<<7 | c>>(8*uint(i))&0x7f
			amoveInsert(&nt.groups[h>>7&nt.mask], kt, kd, vt, vd, h)
			nt.stripe(h).Add(1)
		}
	}
	nt.dirty.Store(true)
	g.seq.Or(movedBit)
	g.mu.Unlock()
}

func amoveInsert(ng *agroup, kt, kd, vt, vd unsafe.Pointer, h uint64) {
	tag := 0x80 | h&0x7f
	g := ng
	for {
		c := plain64(&g.ctrl)
		if f := ^c & aused; f != 0 {
			i := bits.TrailingZeros64(f) >> 3
			*g.slot(i) = aslot{kt, kd, vt, vd}
			g.hb[i] = uint32(h >> 7)
			*plainU64(&g.ctrl) = c | tag<<(8*uint(i))
			return
		}
		nx := g.next.Load()
		if nx == nil {
			nx = &agroup{}
			nx.s[0] = aslot{kt, kd, vt, vd}
			nx.hb[0] = uint32(h >> 7)
			*plainU64(&nx.ctrl) = tag
			*(*unsafe.Pointer)(unsafe.Pointer(&g.next)) = unsafe.Pointer(nx)
			return
		}
		g = nx
	}
}

// grow starts and runs a resize of t if t is the map's table, has none yet
// and is more than growNum/growDen full; it publishes the new table (unless Clear
// replaced t meanwhile).
func (m *AnyMap) grow(t *atable) {
	if m.t.Load() != t || t.next.Load() != nil {
		return
	}
	var n int64
	for i := range t.count {
		n += t.count[i].n.Load()
	}
	if n*growDen <= int64(len(t.groups)*aslots)*growNum || !t.grows.CompareAndSwap(false, true) {
		return
	}
	t.next.Store(newATable(2*len(t.groups), t.s0, t.s1, t.seed))
	t.help(true)
	for t.moved.Load() < int64(len(t.groups)) {
		runtime.Gosched()
	}
	m.t.CompareAndSwap(t, t.next.Load())
}

// A table grows when an insert chains an overflow group and its entries
// fill more than growNum/growDen of its slots.
var growNum, growDen int64 = 5, 8
