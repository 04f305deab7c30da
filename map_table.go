package ftutils

import (
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// This file holds the machinery behind [Map]: one table per map behind
// one pointer; chained groups, each home group with its own lock and
// sequence count; inline slots; growth and shrink by cooperative
// migration, group by group (Java's ConcurrentHashMap, JDK 8 transfer,
// Doug Lea). docs/benchmarks/map.md (rounds 10 and 11) measured it against
// the sharded design it replaced. The key and value types whose every word
// can be accessed atomically (mapReusable: 8-byte integer, string and
// interface keys; pointer-free 8-byte integer or float, and interface
// values) get reuse tables, whose slot words are read atomically and
// written under the group's lock by atomic or locked stores (plain where
// x86's store order allows, map_store.go), so that a delete frees its
// slot for the next insert and a value is replaced in place; every other
// type gets append-only tables (a slot is written once, before its
// control byte, or a new overflow group's link, publishes it, and read
// plainly; deletes and replacements leave tombstones, which a migration
// into a table of the same size drops).
//
// Layout:
//
//	Map.t ──► mapTable{groups[], mask, hasher, count stripes, next (during a resize)}
//	                         │  home group = bits 7..38 of the hash & mask
//	                         ▼
//	              mapGroup{seq, ctrl, next (overflow chain), mu, slots[8], hb[8]}
//
// Protocol, per home group (its chain shares the home group's seq and mu):
//
//   - Writers hold mu. A slot is free (control byte 0) or full (0x80 | hash
//     bits 0..6). An insert writes a free slot's key and value words,
//     then publishes it by a store of the control word; a delete clears
//     the control byte, then adds 2 to seq, then clears the slot's
//     pointer words (release); a value of the same dynamic type (or a word
//     value) is replaced by one word store. Those stores are locked
//     stores: plain on amd64 and 386, atomic elsewhere (map_store.go
//     argues it), as are the two words of an interface value of another
//     dynamic type, written while seq is odd (add 1 before, 1 after). An
//     overflow group that a delete empties may be dropped from the chain
//     (unlink; its own next pointer stays, for readers inside it).
//   - Readers load seq (retrying while it is odd), scan the chain with
//     atomic loads, and use a matched slot's words only if seq is unchanged
//     afterwards: a freed slot may have been refilled with another key
//     meanwhile. A one-word key is compared before that check, a two-word
//     key (string, interface) after it.
//   - Append-only tables (types not made of atomic words) differ: an
//     insert takes a never-used slot (0x00) and writes it plainly before
//     publishing it; a delete leaves a tombstone (0x01) and adds 2 to seq
//     (only for Range: the key may come back later on the chain); a value
//     that cannot be replaced in place goes to a never-used slot later on
//     the chain and the old slot becomes a tombstone (seq odd in between if
//     they are in different groups, so that Range does not see the key
//     twice); readers read keys plainly, and word values atomically (they
//     are replaced in place). When tombstones fill a quarter of the slots
//     the table is moved into one of the same size.
//   - Range copies a chain's entries between two loads of seq and uses the
//     copy only if seq was even and unchanged (so a key deleted and
//     inserted again meanwhile is not reported twice), then calls its
//     callback without any lock.
//   - Moving a group to a new table (resize): lock it, copy its chain's
//     entries into the new table's groups (plain stores: nothing reads them
//     before the moved bit, seq's bit 63, is set), set the moved bit, unlock.
//     Readers and writers that meet a moved group go on in the new table.

const (
	mapGroupSlots = 8
	mapUsed       = 0x8080_8080_8080_8080 // control bytes of slots 0..7
	mapMoved      = 1 << 63               // seq: the group's chain was moved to the next table
	// mapChunk is the number of units (old groups when growing, new
	// groups when shrinking) that a migrator claims at a time.
	mapChunk = 16
	// mapMinGroups is the smallest table.
	mapMinGroups = 8
	// mapStripes caps the count stripes of a table.
	mapStripes = 32
	// A table grows (doubles) when an insert chains an overflow group and
	// its entries fill more than mapGrowNum/mapGrowDen of its slots, and
	// shrinks (halves) when they fill less than 1/mapShrinkDen.
	mapGrowNum, mapGrowDen = 7, 8
	mapShrinkDen           = 16
	// An append-only table is compacted (moved to a new table of the
	// same size, which drops its tombstones) when they fill more than
	// 1/mapDeadDen of its slots.
	mapDeadDen = 4
	// mapPopulateMin is the size in bytes of the smallest new table
	// whose pages a resize maps before the migration (mapPopulate).
	mapPopulateMin = 1 << 20
)

// mapGroup is a home group (groups[i] of a table) or an overflow group
// chained from one; seq and mu of an overflow group are unused.
type mapGroup[K comparable, V any] struct {
	seq  atomic.Uint64
	ctrl atomic.Uint64
	next atomic.Pointer[mapGroup[K, V]]
	mu   sync.Mutex
	// The first slots share the first cache line with the words above,
	// which every look-up reads.
	slots [mapGroupSlots]mapSlot[K, V]
	// hb[i] is bits 7..38 of slot i's hash, written under mu: a move and
	// Range find a key's group in another table without hashing the key
	// again (which would read memory the key points to).
	hb [mapGroupSlots]uint32
}

type mapStripe struct {
	n    atomic.Int64 // live entries
	dead atomic.Int64 // tombstones (append-only tables)
	_    [cacheLinePad - 16]byte
}

// mapHasher is the per-map hash: the same seeds in every table of a map,
// so a key's hash never changes.
type mapHasher struct {
	word   mapKeyWord
	s0, s1 uint64
	seed   maphash.Seed
}

func mapHash[K comparable](hs *mapHasher, k K) uint64 {
	switch hs.word {
	case mapKey64:
		return mapMix(*(*uint64)(unsafe.Pointer(&k)), hs.s0, hs.s1)
	case mapKey32:
		return mapMix(uint64(*(*uint32)(unsafe.Pointer(&k))), hs.s0, hs.s1)
	case mapKeyString:
		return mapHashString(hs, *(*string)(unsafe.Pointer(&k)))
	case mapKeyAny:
		return maphash.Comparable(hs.seed, k)
	}
	// An interface key: hashed by its dynamic type. Equal interface keys
	// have the same dynamic type, so this is consistent; int(1) and
	// int64(1) may share a hash, which costs a key comparison.
	switch d := any(k).(type) {
	case int:
		return mapMix(uint64(d), hs.s0, hs.s1)
	case string:
		return mapHashString(hs, d)
	}
	return maphash.Comparable(hs.seed, k)
}

// mapHashString hashes a string key: up to mapShortStr bytes by
// mapHashShort, longer ones by maphash.String (the runtime's AES hash on
// x86 and arm64). Load's string path computes the same hash inline, by
// mapShortWords and mapHashWords.
func mapHashString(hs *mapHasher, s string) uint64 {
	if n := len(s); mapShortStrLoads && n <= mapShortStr {
		return mapHashShort(unsafe.Pointer(unsafe.StringData(s)), n, hs.s0, hs.s1)
	}
	return maphash.String(hs.seed, s)
}

// mapShortStr is the longest string hashed by mapHashShort.
const mapShortStr = 16

// mapShortStrLoads: mapHashShort reads a short string as two possibly
// unaligned 4- or 8-byte words, which these platforms allow (and do in one
// load each); elsewhere every string goes to maphash.String.
const mapShortStrLoads = runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64"

// mapHashShort hashes the n <= 16 bytes at p with the map's seeds. Most
// keys of string-keyed maps are this short, and maphash.String's call
// chain into the runtime's AES hash takes about 5 ns for them on the EPYC
// box, a third of a whole Load. The bytes are read as two words a and b
// that together cover them (the first and last 8 bytes, the first and last
// 4, or the first, middle and last byte), so two strings of one length
// that differ anywhere differ in a or b; the words are folded by wyhash's
// "mum" step (a 64x64->128-bit multiply of the seeded words, its halves
// XORed; github.com/wangyi-fudan/wyhash, the construction of Go's own
// fallback hash on machines without AES), and the result, with the length,
// goes through mapMix. The seeds are random per map, as for integers
// (TestMapStringHashSpread checks the spread of similar keys).
func mapHashShort(p unsafe.Pointer, n int, s0, s1 uint64) uint64 {
	a, b := mapShortWords(p, n)
	return mapHashWords(a, b, n, s0, s1)
}

// mapHashWords is mapHashShort given the words of a string of n bytes
// (Load's string path calls it with the words it keeps).
func mapHashWords(a, b uint64, n int, s0, s1 uint64) uint64 {
	hi, lo := bits.Mul64(a^s0, b^s1)
	return mapMix(hi^lo^uint64(n), s0, s1)
}

// mapShortWords returns the words a and b that cover the n <= 16 bytes at
// p (see mapHashShort): two strings of length n are equal if and only if
// their words are.
func mapShortWords(p unsafe.Pointer, n int) (a, b uint64) {
	switch {
	case n >= 8:
		return *(*uint64)(p), *(*uint64)(unsafe.Add(p, n-8))
	case n >= 4:
		return uint64(*(*uint32)(p)), uint64(*(*uint32)(unsafe.Add(p, n-4)))
	case n > 0:
		return uint64(*(*byte)(p))<<16 | uint64(*(*byte)(unsafe.Add(p, n>>1)))<<8 | uint64(*(*byte)(unsafe.Add(p, n-1))), 0
	}
	return 0, 0
}

type mapTable[K comparable, V any] struct {
	groups []mapGroup[K, V]
	mask   uint64
	// By value: one dependent load fewer per look-up.
	mapParams
	count []mapStripe
	// A resize: resizing is won by the one goroutine that sizes it; next
	// is the new table; claim (see claimChunk) and moved count units
	// (see mapChunk).
	resizing atomic.Bool
	next     atomic.Pointer[mapTable[K, V]]
	claim    atomic.Int64
	moved    atomic.Int64
	// dirty says something was inserted since the table was made (Clear
	// of a never-written table does nothing).
	dirty atomic.Bool
	// cmpType is the type (or itab) word of the last interface value
	// that mapCheckComparable found comparable.
	cmpType atomic.Pointer[byte]
}

// mapParams is what every table of a map shares: the hash, and what K, V
// and the options decide, worked out once per map (by NewMap, or the
// first write to a zero Map) and copied into each new table, so that
// resizes and Clear need no reflection.
type mapParams struct {
	hs    mapHasher
	vmode mapValMode
	// reuse is the slot policy: freed slots reused and read under seq
	// (mapReusable types), or append-only (see the top of this file).
	reuse bool
	// intWord and strWord: 8-byte integer or string keys with one-word
	// values in a reuse table; anyKey: K is the empty interface, in a
	// reuse table (Load's fast paths).
	intWord, strWord, anyKey bool
	vcmp                     mapValCmp
	// floor is the fewest groups a shrink leaves (WithMapShards).
	floor int
}

// newMapParams returns the parameters of a new map of K and V that never
// shrinks below floor groups, with fresh hash seeds.
func newMapParams[K comparable, V any](floor int) mapParams {
	word, vmode, reuse := mapKeyWordOf[K](), mapValModeOf[V](), mapReusable[K, V]()
	return mapParams{
		hs:      mapHasher{word: word, s0: rand.Uint64(), s1: rand.Uint64() | 1, seed: maphash.MakeSeed()},
		vmode:   vmode,
		reuse:   reuse,
		intWord: word == mapKey64 && vmode == mapValWord && reuse,
		strWord: word == mapKeyString && vmode == mapValWord && reuse,
		anyKey:  reuse && reflect.TypeFor[K]() == reflect.TypeFor[any](),
		vcmp:    mapValCmpOf[V](),
		floor:   floor,
	}
}

// mapSmallTable is a table of mapMinGroups groups in one allocation (Clear
// allocates one of these).
type mapSmallTable[K comparable, V any] struct {
	t      mapTable[K, V]
	groups [mapMinGroups]mapGroup[K, V]
	count  [min(mapMinGroups, mapStripes)]mapStripe
}

// newMapTable returns an empty table of groups groups (a power of two, at
// least mapMinGroups) for a map with parameters p.
func newMapTable[K comparable, V any](groups int, p mapParams) *mapTable[K, V] {
	var t *mapTable[K, V]
	if groups == mapMinGroups {
		st := new(mapSmallTable[K, V])
		t = &st.t
		t.groups, t.count = st.groups[:], st.count[:]
	} else {
		t = &mapTable[K, V]{groups: make([]mapGroup[K, V], groups), count: make([]mapStripe, min(groups, mapStripes))}
	}
	t.mask, t.mapParams = uint64(groups-1), p
	return t
}

func (t *mapTable[K, V]) home(h uint64) *mapGroup[K, V] {
	return &t.groups[h>>7&t.mask]
}

func (t *mapTable[K, V]) stripe(h uint64) *mapStripe {
	return &t.count[h>>7&t.mask&uint64(len(t.count)-1)]
}

func (t *mapTable[K, V]) len() int64 {
	var n int64
	for i := range t.count {
		n += t.count[i].n.Load()
	}
	return n
}

func (t *mapTable[K, V]) dead() int64 {
	var n int64
	for i := range t.count {
		n += t.count[i].dead.Load()
	}
	return n
}

func (g *mapGroup[K, V]) slot(i int) *mapSlot[K, V] {
	return (*mapSlot[K, V])(unsafe.Add(unsafe.Pointer(&g.slots[0]), uintptr(i)*unsafe.Sizeof(g.slots[0])))
}

// loadKey reads a published slot's key: in a reuse table word by word (it
// may mix two keys' words until the caller has checked the home group's
// seq), in an append-only table plainly (it is immutable).
func (t *mapTable[K, V]) loadKey(s *mapSlot[K, V]) K {
	if !t.reuse {
		return s.key
	}
	switch t.hs.word {
	case mapKey64:
		return mapLoadVal(mapValWord, &s.key)
	case mapKeyString:
		return mapLoadString(&s.key)
	}
	return mapLoadVal(mapValTyped, &s.key)
}

// lock locks k's home group in the table that holds k's entries, after
// helping a resize in progress with one chunk, and returns the table, the
// group and k's hash.
func (m *Map[K, V]) lock(k K) (*mapTable[K, V], *mapGroup[K, V], uint64) {
	t := m.t.Load()
	if t == nil {
		t = m.table()
	}
	// The integer keys' hash inline, and table()'s fast path: calls the
	// compiler does not inline (with written in place of unlock, a Swap
	// of a present key in Go's workloads got 1.19x faster;
	// docs/benchmarks/map.md, round 14). mapHash has the same cases; it
	// stays a call, as Load's generic path calls it too.
	var h uint64
	if t.hs.word == mapKey64 {
		h = mapMix(*(*uint64)(unsafe.Pointer(&k)), t.hs.s0, t.hs.s1)
	} else if d, isInt := t.anyInt(k); isInt {
		h = mapMix(uint64(d), t.hs.s0, t.hs.s1)
	} else {
		h = mapHash(&t.hs, k)
	}
	for {
		if t.next.Load() != nil {
			t.help(false)
		}
		home := t.home(h)
		home.mu.Lock()
		if home.seq.Load()&mapMoved == 0 {
			return t, home, h
		}
		home.mu.Unlock()
		t = t.next.Load()
	}
}

// anyInt returns the int in k if K is the empty interface (in a reuse
// table: anyKey) and k holds an int: the keys of lock's and locate's fast
// paths for Map[any, V] used like sync.Map.
func (t *mapTable[K, V]) anyInt(k K) (int, bool) {
	if !t.anyKey {
		return 0, false
	}
	d, ok := any(k).(int)
	return d, ok
}

// locate finds k in home's chain: its slot, group and index, or the first
// free slot (fg, fi; fi < 0 if none). The caller holds home.mu, so keys
// are stable and read plainly. For Map[any, V] and an int key d, slot keys
// are compared by their type word and then their data word (the same box)
// or the int it points to, as in loadAnyInt, instead of by interface
// equality (runtime.efaceeq and a call through the type's equal function,
// per candidate slot).
func (t *mapTable[K, V]) locate(home *mapGroup[K, V], k K, h uint64) (s *mapSlot[K, V], fg *mapGroup[K, V], fi int) {
	d, anyInt := t.anyInt(k)
	var kp unsafe.Pointer
	if anyInt {
		kp = *mapDataWord(&k) // K is an interface: two words
	}
	tag := mapLSBs * (mapMetaFull | h&0x7f)
	fi = -1
	for g := home; g != nil; g = g.next.Load() {
		c := g.ctrl.Load()
		for w := mapMatchZero(c^tag) & mapUsed; w != 0; w &= w - 1 {
			i := bits.TrailingZeros64(w) >> 3
			s := g.slot(i)
			if anyInt {
				if p := *mapDataWord(&s.key); *mapTypeWord(&s.key) == mapIntType && (p == kp || *(*int)(p) == d) {
					return s, g, i
				}
			} else if s.key == k {
				return s, g, i
			}
		}
		if fi < 0 {
			if f := t.free(c); f != 0 {
				fg, fi = g, bits.TrailingZeros64(f)>>3
			}
		}
	}
	return nil, fg, fi
}

// free returns the bits of control word c that mark slots an insert may
// take: free ones (0x00) in a reuse table, never-used ones (0x00, not
// tombstones, 0x01) in an append-only table. Either way the lowest set bit
// is exact (see mapMatchZero), which is the one callers use.
func (t *mapTable[K, V]) free(c uint64) uint64 {
	if t.reuse {
		return ^c & mapUsed
	}
	return mapMatchZero(c) & mapUsed
}

// setVal replaces the value of k's slot i of group g of home's chain: in
// place if one word store can (mapStoreVal); else in a reuse table while
// seq is odd, and in an append-only table by inserting (k, v) into a
// never-used slot and then making the old one a tombstone (one control
// word store if both are in one group; otherwise two, while seq is odd).
// It
// reports whether it chained a new group. The caller holds home.mu.
func (t *mapTable[K, V]) setVal(home, g *mapGroup[K, V], i int, k K, v V, h uint64) bool {
	s := g.slot(i)
	if mapStoreVal(t.vmode, &s.val, v) {
		return false
	}
	if t.reuse {
		home.seq.Add(1)
		mapStoreWords(t.vmode, &s.val, v)
		home.seq.Add(1)
		return false
	}
	var fg *mapGroup[K, V]
	fi := -1
	for x := g; x != nil && fi < 0; x = x.next.Load() {
		if f := t.free(x.ctrl.Load()); f != 0 {
			fg, fi = x, bits.TrailingZeros64(f)>>3
		}
	}
	st := t.stripe(h)
	st.dead.Add(1)
	if fg == g {
		ns := g.slot(fi)
		g.hb[fi] = g.hb[i]
		ns.key, ns.val = k, v
		c := g.ctrl.Load()
		g.ctrl.Store(mapSetByte(mapSetByte(c, fi, mapMetaFull|h&0x7f), i, mapMetaDel))
		return false
	}
	// Between the two control word stores k has two full slots: seq is
	// odd meanwhile, so that a Range does not report k twice (and Loads
	// wait, as for a reuse table's two-word value).
	st.n.Add(-1) // insert counts the new slot
	home.seq.Add(1)
	chained := t.insert(home, fg, fi, k, v, h)
	g.ctrl.Store(mapSetByte(g.ctrl.Load(), i, mapMetaDel))
	home.seq.Add(1)
	return chained
}

// insert puts the absent k into the free slot (fg, fi), or into a new
// overflow group if fi < 0, counts it and reports whether it chained a new
// group. The caller holds home.mu.
func (t *mapTable[K, V]) insert(home, fg *mapGroup[K, V], fi int, k K, v V, h uint64) bool {
	t.stripe(h).n.Add(1)
	if !t.dirty.Load() {
		t.dirty.Store(true)
	}
	chained := fi < 0
	if chained {
		fg, fi = mapNewGroup[K, V](h), 0
	}
	s := fg.slot(fi)
	lockedStoreUint32(&fg.hb[fi], uint32(h>>7)) // Range reads it lock-free
	if t.reuse {
		mapFillKey(t.hs.word, &s.key, k)
		mapStoreWords(t.vmode, &s.val, v)
	} else {
		// Never used in this table: nobody reads it before the
		// control word store below (or, in a new overflow group, whose
		// control word mapNewGroup wrote, the link) publishes it.
		s.key, s.val = k, v
	}
	lockedStoreUint64((*uint64)(unsafe.Pointer(&fg.ctrl)), fg.ctrl.Load()|(mapMetaFull|h&0x7f)<<(8*uint(fi)))
	if chained {
		last := home
		for n := last.next.Load(); n != nil; n = last.next.Load() {
			last = n
		}
		last.next.Store(fg)
	}
	return chained
}

// remove deletes slot i of group g of home's chain: frees it (reuse) or
// makes it a tombstone (append-only). The caller holds home.mu.
func (t *mapTable[K, V]) remove(home, g *mapGroup[K, V], i int, h uint64) {
	st := t.stripe(h)
	if t.reuse {
		c := g.ctrl.Load() &^ (0xff << (8 * uint(i)))
		lockedStoreUint64((*uint64)(unsafe.Pointer(&g.ctrl)), c)
		if c == 0 && g != home {
			t.unlink(home, g)
		}
		home.seq.Add(2)
		t.release(g.slot(i))
	} else {
		g.ctrl.Store(mapSetByte(g.ctrl.Load(), i, mapMetaDel))
		st.dead.Add(1)
		// Not for readers (an append-only slot is never rewritten) but
		// for Range: the key may be inserted again, later on the chain,
		// while a Range copies the chain, which would then report it
		// twice without this bump.
		home.seq.Add(2)
	}
	st.n.Add(-1)
}

// release clears the pointer words of the freed slot s of a reuse table
// (a string key's data pointer, an interface key's or value's data word),
// so that a deleted entry does not keep what its key and value reference
// alive until the slot is reused. The stores are locked stores
// (map_store.go), as readers may be reading the slot, and come after the
// delete's seq bump, as any later write to the slot does: a reader that
// loaded seq before the bump fails its check, one that loaded it after
// saw the slot free.
func (t *mapTable[K, V]) release(s *mapSlot[K, V]) {
	switch t.hs.word {
	case mapKeyString:
		lockedStorePointer(&(*mapWord2)(unsafe.Pointer(&s.key)).p, nil)
	case mapKeyIface:
		lockedStorePointer(mapDataWord(&s.key), nil)
	}
	if t.vmode == mapValTyped {
		lockedStorePointer(mapDataWord(&s.val), nil)
	}
}

// unlink drops the empty overflow group g from home's chain (reuse tables)
// if the rest of the chain has half a group's slots free, so that a chain
// does not keep every group it ever needed (a sliding window of keys
// churning through a map otherwise held on to them until the next resize:
// 65 rather than 36 bytes per entry after 32n inserts of a 100K window),
// and so that one insert more and one delete less than a group's worth do
// not allocate and drop a group each time. g.next is left as it is: a
// reader inside g goes on to the rest of the chain. The caller holds
// home.mu and bumps home.seq after (a Range then reads the chain again).
func (t *mapTable[K, V]) unlink(home, g *mapGroup[K, V]) {
	free, prev := 0, (*mapGroup[K, V])(nil)
	for x := home; x != nil; x = x.next.Load() {
		if x.next.Load() == g {
			prev = x
		}
		if x != g {
			free += bits.OnesCount64(^x.ctrl.Load() & mapUsed)
		}
	}
	if free >= mapGroupSlots/2 {
		prev.next.Store(g.next.Load())
	}
}

// written considers a resize after a write, which the caller has made
// and then released home for: if an insert chained a new group (grow),
// or if a delete (removed) or replacement (removed in an append-only
// table, which keeps a tombstone) may have left the table mostly empty or
// full of tombstones. It is small enough for the compiler to inline (the
// write methods release home.mu themselves for the same reason:
// sync.Mutex.Unlock's inlined body is too big to share a helper with it),
// so that most writes call nothing here.
func (m *Map[K, V]) written(t *mapTable[K, V], h uint64, chained, removed bool) {
	if chained || removed {
		m.hint(t, h, chained)
	}
}

// hint is written's resize check. The hints look at one stripe, its share
// of the thresholds; resize sums them all.
func (m *Map[K, V]) hint(t *mapTable[K, V], h uint64, chained bool) {
	if chained {
		m.resize(t, true)
		return
	}
	st, share := t.stripe(h), int64(len(t.groups)*mapGroupSlots)
	if len(t.groups) > t.floor && st.n.Load()*mapShrinkDen*int64(len(t.count)) < share ||
		!t.reuse && st.dead.Load()*mapDeadDen*int64(len(t.count)) > share {
		m.resize(t, false)
	}
}

// resize starts a resize of t, if t is the map's table and has none yet,
// and its count calls for one: doubling if grow (an insert chained an
// overflow group), halving otherwise. The goroutine that starts it moves
// every chunk left, then publishes the new table (unless Clear replaced t
// meanwhile); writers that meet the resize move one chunk each first.
func (m *Map[K, V]) resize(t *mapTable[K, V], grow bool) {
	if m.t.Load() != t || t.next.Load() != nil {
		return
	}
	n, slots := t.len(), int64(len(t.groups)*mapGroupSlots)
	size := len(t.groups)
	switch {
	case grow && n*mapGrowDen > slots*mapGrowNum:
		size *= 2
	case !grow && size > t.floor && n*mapShrinkDen < slots:
		size /= 2
	case !t.reuse && t.dead()*mapDeadDen > slots:
		// Compaction: same size, tombstones dropped.
	default:
		return
	}
	if !t.resizing.CompareAndSwap(false, true) {
		return
	}
	nt := newMapTable[K, V](size, t.mapParams)
	// Only for groups of up to 1 KiB, a quarter of the smallest page:
	// every page of the new table then gets entries (even a halved
	// table, the sparsest, about one per group), so none is mapped for
	// nothing.
	if sz := uintptr(size) * unsafe.Sizeof(nt.groups[0]); sz >= mapPopulateMin && unsafe.Sizeof(nt.groups[0]) <= 1024 {
		// Before the migration writes it, and before the collector
		// scans it if it can: see mapPopulate. Its precondition holds:
		// the groups are zeros, and nobody else can reach nt yet.
		_, _ = mapPopulate(unsafe.Pointer(&nt.groups[0]), sz)
	}
	t.next.Store(nt)
	t.help(true)
	for t.moved.Load() < t.units() {
		runtime.Gosched() // another migrator is finishing its chunk
	}
	m.t.CompareAndSwap(t, t.next.Load())
}

// units is the number of migration units of t's resize: old groups when
// growing (each feeds two new groups), new groups when shrinking (each fed
// by two old groups).
func (t *mapTable[K, V]) units() int64 {
	return int64(min(len(t.groups), len(t.next.Load().groups)))
}

// help claims chunks of t's resize and moves them: one chunk, or all that
// are left if all is set.
func (t *mapTable[K, V]) help(all bool) {
	nt := t.next.Load()
	n := t.units()
	for {
		c, end, ok := t.claimChunk(n, !all)
		if !ok {
			return
		}
		for u := c; u < end; u++ {
			if len(nt.groups) >= len(t.groups) {
				// Growing (or compacting): group u feeds new groups u
				// and u+len(t.groups) (or u alone).
				g := &t.groups[u]
				g.mu.Lock()
				t.moveLocked(nt, int(u))
				g.seq.Or(mapMoved)
				g.mu.Unlock()
				continue
			}
			// Halving: new group u is fed by old groups u and u+n.
			// Hold both locks until both are copied (writers hold one
			// group lock at a time and migrators of other units other
			// groups, so locking in index order cannot deadlock), and
			// mark the higher one moved first, so that a Range that
			// sees u moved finds u+n moved too.
			a, b := &t.groups[u], &t.groups[u+n]
			a.mu.Lock()
			b.mu.Lock()
			t.moveLocked(nt, int(u))
			t.moveLocked(nt, int(u+n))
			b.seq.Or(mapMoved)
			a.seq.Or(mapMoved)
			b.mu.Unlock()
			a.mu.Unlock()
		}
		t.moved.Add(end - c)
		if !all {
			return
		}
	}
}

// mapClaimHalf splits a resize's claim word: units claimed upward from
// the first (low half) and downward from the last (high half), for
// resizes of fewer units than it; a larger one (2^31 groups: 160 GB or
// more) claims upward only, and the word is a plain count.
const mapClaimHalf = 1 << 31

// claimChunk claims the next chunk (mapChunk units or what is left) of
// t's resize of n units and returns it as [c, end), or ok false if every
// unit is claimed. The goroutine that started the resize claims upward
// from unit 0 and writers that help claim downward from the last, so
// that they fill distant parts of the new table: on the 2-vCPU VM an
// ever-growing map's resizes then took 12 % fewer page faults and 5 to
// 10 % less time than with both claiming upward, side by side
// (docs/benchmarks/map.md, round 12; two threads faulting in the same
// pages' page table wait for each other, which is the likely reason).
func (t *mapTable[K, V]) claimChunk(n int64, down bool) (c, end int64, ok bool) {
	if n >= mapClaimHalf {
		c = t.claim.Add(mapChunk) - mapChunk
		return c, min(c+mapChunk, n), c < n
	}
	for {
		w := t.claim.Load()
		up, dn := w%mapClaimHalf, w/mapClaimHalf
		if up+dn >= n {
			return 0, 0, false
		}
		take := min(mapChunk, n-up-dn)
		if down {
			if t.claim.CompareAndSwap(w, w+take*mapClaimHalf) {
				return n - dn - take, n - dn, true
			}
		} else if t.claim.CompareAndSwap(w, w+take) {
			return up, up + take, true
		}
	}
}

// claimed is the number of units of t's resize (n of them) claimed so far.
func (t *mapTable[K, V]) claimed(n int64) int64 {
	w := t.claim.Load()
	if n >= mapClaimHalf {
		return min(w, n)
	}
	return w%mapClaimHalf + w/mapClaimHalf
}

// moveLocked copies the chain of t's home group u into nt; the caller
// holds its lock and then marks it moved. The new groups are written with
// plain stores: no goroutine reads or writes them before it has seen the
// moved bits of their source groups (set after the copy by an atomic
// read-modify-write), so the stores happen before every other access (and
// atomic stores would cost a locked instruction per word on amd64).
// (Counting the entries into nt's stripes a run at a time instead of one
// add each measured no faster: round 12 of docs/benchmarks/map.md.)
func (t *mapTable[K, V]) moveLocked(nt *mapTable[K, V], u int) {
	var moved int64
	for x := &t.groups[u]; x != nil; x = x.next.Load() {
		c := x.ctrl.Load()
		for w := c & mapUsed; w != 0; w &= w - 1 {
			i := bits.TrailingZeros64(w) >> 3
			h := uint64(x.hb[i])<<7 | c>>(8*uint(i))&0x7f
			nt.stripe(h).n.Add(1)
			mapPlainInsert(nt.home(h), &x.slots[i], h)
			moved++
		}
	}
	if moved != 0 {
		t.count[u&(len(t.count)-1)].n.Add(-moved)
		nt.dirty.Store(true)
	}
}

// mapPlainInsert copies slot s (hash h) into the first free slot of
// home's chain in a table being filled by a move (see moveLocked).
func mapPlainInsert[K comparable, V any](home *mapGroup[K, V], s *mapSlot[K, V], h uint64) {
	g := home
	for {
		c := *(*uint64)(unsafe.Pointer(&g.ctrl))
		if f := ^c & mapUsed; f != 0 {
			i := bits.TrailingZeros64(f) >> 3
			g.slots[i] = *s
			g.hb[i] = uint32(h >> 7)
			*(*uint64)(unsafe.Pointer(&g.ctrl)) = c | (mapMetaFull|h&0x7f)<<(8*uint(i))
			return
		}
		nx := g.next.Load()
		if nx == nil {
			nx = mapNewGroup[K, V](h)
			nx.slots[0] = *s
			*(*unsafe.Pointer)(unsafe.Pointer(&g.next)) = unsafe.Pointer(nx)
			return
		}
		g = nx
	}
}

// mapNewGroup allocates an overflow group for an entry of hash h in its
// slot 0, and writes that slot's hash bits and control byte before
// anything else touches the group (plain stores: nobody can reach the
// group before the caller links it into a chain).
//
// Why first, and stores: a small allocation often lies in a page nobody
// has touched yet. If the first access to such a page reads (the nil
// check of a pointer the compiler cannot prove non-nil, or, while the
// collector marks, the write barrier's read of the pointer a store
// replaces), the kernel maps its shared zero page, and the store that
// follows faults again to copy it. Replacing a mapped page flushes the
// TLBs of the other CPUs running the process, by inter-processor
// interrupts. With the control word and hb written first (non-pointer
// words near the group's two ends: a group of at most a page spans at
// most two pages), each new page takes one fault that maps a zeroed page
// (the pages inside a larger group may still be read first). In
// Go's LoadOrStoreBalanced at -cpu 2, in a fresh process, those copies
// and flushes under insert were 11 % of the samples with the collector
// off and about 3 % with it on (docs/benchmarks/map.md, round 16).
func mapNewGroup[K comparable, V any](h uint64) *mapGroup[K, V] {
	g := new(mapGroup[K, V])
	*(*uint64)(unsafe.Pointer(&g.ctrl)) = mapMetaFull | h&0x7f
	g.hb[0] = uint32(h >> 7)
	return g
}

// mapRangeBuf is the number of entries Range copies out of one chain
// into its stack buffer; a longer chain is copied into a slice
// (rangeLocked). Home groups hold at most 7 entries on average before the
// table doubles, and with seeded hashing their counts are about Poisson
// distributed: a chain holds more than 32 entries with probability below
// 1e-11 (more than 16: 1e-3, about a hundred allocations per Range of a
// million entries).
const mapRangeBuf = 4 * mapGroupSlots

// mapEntry is one entry copied out for Range.
type mapEntry[K comparable, V any] struct {
	k K
	v V
}

// rangeClass visits the keys whose hash bits 7.. masked by cmask equal
// class (a home group of the table Range started on, refined as the map
// grew since): in t, the groups that can hold them.
func (t *mapTable[K, V]) rangeClass(class, cmask uint32, f func(K, V) bool, buf *[mapRangeBuf]mapEntry[K, V]) bool {
	if extra := uint32(t.mask) &^ cmask; extra != 0 {
		// t's groups are finer than the class: visit both halves.
		b := extra & -extra
		return t.rangeClass(class, cmask|b, f, buf) && t.rangeClass(class|b, cmask|b, f, buf)
	}
	// Every key of the class is in group class&mask (which may hold
	// other classes' keys too if t is coarser: filtered by hb).
	home := &t.groups[uint64(class)&t.mask]
	for try := 0; ; try++ {
		if try == mapRangeTries {
			// Writes to this chain keep invalidating the copy.
			return t.rangeLocked(home, class, cmask, f, buf)
		}
		seq := home.seq.Load()
		if seq&mapMoved != 0 {
			return t.next.Load().rangeClass(class, cmask, f, buf)
		}
		if seq&1 != 0 {
			runtime.Gosched()
			continue
		}
		n, all := t.copyChain(home, class, cmask, buf, nil)
		if !all {
			return t.rangeLocked(home, class, cmask, f, buf)
		}
		if home.seq.Load() != seq {
			continue
		}
		return mapCallRange(f, buf[:n], nil)
	}
}

// copyChain copies the entries of home's chain whose hash class (hb
// masked by cmask) is class into buf, and those past its end into *more,
// or, if more is nil, stops there and reports all false. Without the lock
// the copy may mix slot words until the caller has checked seq.
func (t *mapTable[K, V]) copyChain(home *mapGroup[K, V], class, cmask uint32, buf *[mapRangeBuf]mapEntry[K, V], more *[]mapEntry[K, V]) (n int, all bool) {
	// exact: the class is the group's own (no resize since Range began,
	// or a finer class split in rangeClass): every key of the chain is in
	// it, and hb need not be read.
	exact := cmask == uint32(t.mask)
	kw := t.hs.word
	if !t.reuse {
		kw = mapKeyAny // keys are immutable: read plainly
	}
	for g := home; g != nil; g = g.next.Load() {
		for w := g.ctrl.Load() & mapUsed; w != 0; w &= w - 1 {
			j := bits.TrailingZeros64(w) >> 3
			// hb is stored before the control byte that publishes the
			// slot; a refilled slot's is checked with the rest by seq.
			if !exact && atomic.LoadUint32(&g.hb[j])&cmask != class {
				continue
			}
			var spill mapEntry[K, V]
			e := &spill
			if n < len(buf) {
				e = &buf[n]
			} else if more == nil {
				return n, false
			}
			s := g.slot(j)
			// loadKey, written out: as a call it cost Range a fifth.
			switch kw {
			case mapKey64:
				e.k = mapLoadVal(mapValWord, &s.key)
			case mapKeyString:
				e.k = mapLoadString(&s.key)
			case mapKeyIface:
				e.k = mapLoadVal(mapValTyped, &s.key)
			default:
				e.k = s.key
			}
			e.v = mapLoadVal(t.vmode, &s.val)
			if n < len(buf) {
				n++
			} else {
				*more = append(*more, spill)
			}
		}
	}
	return n, true
}

// mapCallRange calls f on the entries of a and then b until it returns
// false, and reports whether it never did.
func mapCallRange[K comparable, V any](f func(K, V) bool, a, b []mapEntry[K, V]) bool {
	for _, e := range a {
		if !f(e.k, e.v) {
			return false
		}
	}
	for _, e := range b {
		if !f(e.k, e.v) {
			return false
		}
	}
	return true
}

// mapRangeTries is the number of times Range copies a chain without its
// lock before it takes the lock: a chain that writers keep changing (each
// delete bumps seq) would otherwise hold Range up indefinitely.
const mapRangeTries = 4

// rangeLocked visits the class's entries of home's chain under its lock,
// or in the next table if it moved: for a chain whose lock-free copy
// keeps failing its check of seq, or that is too long for buf (the
// entries beyond it go to a slice, which allocates). f is called after
// the lock is released.
func (t *mapTable[K, V]) rangeLocked(home *mapGroup[K, V], class, cmask uint32, f func(K, V) bool, buf *[mapRangeBuf]mapEntry[K, V]) bool {
	home.mu.Lock()
	if home.seq.Load()&mapMoved != 0 {
		home.mu.Unlock()
		return t.next.Load().rangeClass(class, cmask, f, buf)
	}
	var more []mapEntry[K, V]
	n, _ := t.copyChain(home, class, cmask, buf, &more)
	home.mu.Unlock()
	return mapCallRange(f, buf[:n], more)
}

const (
	mapMetaDel  = 0x01
	mapMetaFull = 0x80
	mapLSBs     = 0x0101010101010101
	mapMSBs     = 0x8080808080808080
)

// mapMatchZero returns a word with bit 7 of byte i set if byte i of x is zero.
// The lowest set bit is always exact. A higher one can be a false positive,
// but only for a byte equal to 0x01 sitting above a true zero byte (the
// borrow). Callers rely on that: matching x = meta ^ broadcast(0x80|h7) can
// only falsely flag a byte equal to (0x80|h7)^1, which is a full slot whose
// key the caller then compares; matching meta itself for empty bytes only
// uses the lowest bit or "any bit set".
func mapMatchZero(x uint64) uint64 { return (x - mapLSBs) &^ x & mapMSBs }

// mapSlot is one key-value pair: in an append-only table written once
// before it is published, in a reuse table read word by word atomically
// and written word by word under the lock (see the top of this file).
type mapSlot[K comparable, V any] struct {
	key K
	val V
}

// mapValMode says how a slot holds its value.
type mapValMode uint8

const (
	// mapValInline: the value is written once, before the slot is
	// published, and is then immutable; replacing it appends a slot.
	mapValInline mapValMode = iota
	// mapValWord: V is a pointer-free 8-byte, 8-aligned integer or float
	// type. The value is overwritten in place by one 64-bit store (a
	// locked store, map_store.go), and always read by an atomic load.
	mapValWord
	// mapValTyped: V is an interface type, two words: a type (or itab)
	// word and a data word (the value itself if it is pointer-shaped, else
	// a pointer to an immutable copy). A replacement by a value of the same
	// dynamic type (the usual case: a Map[K, any] of ints, a Map[K,
	// error] of one error type) overwrites only the data word, by one
	// locked store, and readers load both words atomically. A
	// replacement by a value of another dynamic type writes both words
	// while the group's seq is odd (reuse tables) or appends a slot
	// (append-only tables).
	mapValTyped
)

// mapValModeOf picks the value mode for V (see mapValMode).
func mapValModeOf[V any]() mapValMode {
	typ := reflect.TypeFor[V]()
	switch typ.Kind() {
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint64, reflect.Uintptr, reflect.Float64:
		if typ.Size() == 8 && typ.Align() == 8 {
			return mapValWord
		}
	case reflect.Interface:
		if typ.Size() == 2*unsafe.Sizeof(uintptr(0)) {
			return mapValTyped
		}
	}
	return mapValInline
}

// mapIntType is the type word of an int in an empty interface (Load's
// fast path for Map[any, V] compares slot keys' type words with it).
var mapIntType = func() unsafe.Pointer {
	var x any = 0
	return *mapTypeWord(&x)
}()

// mapTypeWord and mapDataWord return the addresses of the two words of an
// interface value *p: its type (or itab) word and its data word.
//
// Safe: they are called with mapValTyped for an interface type (V, or K
// when mapKeyWord is mapKeyIface), whose two words are both pointers to
// the garbage collector (the compiler's and runtime's interface layout,
// eface and iface); an interface value is exactly its two words, and two
// values with the same type word may exchange data words: the result is
// the other value. After publication a slot's words are written only
// under the home group's lock, each by one word store: the data word by
// mapStoreVal, both words by mapStoreWords when the dynamic type changes,
// the data word by release when the entry is deleted; a freed slot is
// filled again by insert before it is published again (atomic or locked
// stores, map_store.go); so lock-free readers load both atomically
// (mapLoadVal).
func mapTypeWord[V any](p *V) *unsafe.Pointer { return (*unsafe.Pointer)(unsafe.Pointer(p)) }

func mapDataWord[V any](p *V) *unsafe.Pointer {
	return (*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(p), unsafe.Sizeof(uintptr(0))))
}

// mapLoadVal reads the value of a published slot: in mapValWord mode by
// one atomic load, in mapValTyped mode by two (type word and data word),
// else plainly (it is immutable). A table with slot reuse reads keys with
// it too (mapValWord for an 8-byte integer key, mapValTyped for an
// interface key; see mapTable.loadKey).
//
// Safe: mapValWord means V is an 8-byte, 8-aligned integer or float type
// (or K an 8-aligned 8-byte integer, mapReusable), so p points at 8
// aligned bytes that hold no pointers, and every write to them after
// publication is one word store (atomic, or locked: map_store.go), under
// the home group's lock (mapStoreVal, mapStoreWords). For mapValTyped see
// mapTypeWord.
func mapLoadVal[V any](mode mapValMode, p *V) V {
	switch mode {
	case mapValWord:
		x := (*atomic.Uint64)(unsafe.Pointer(p)).Load()
		return *(*V)(unsafe.Pointer(&x))
	case mapValTyped:
		w := [2]unsafe.Pointer{atomic.LoadPointer(mapTypeWord(p)), atomic.LoadPointer(mapDataWord(p))}
		return *(*V)(unsafe.Pointer(&w))
	}
	return *p
}

// mapStoreWords writes v's words into the value or key at p, by locked
// stores (map_store.go), the caller holding the home group's lock: insert
// filling a free slot before the control word store that publishes it,
// and setVal rewriting a published value of another dynamic type while
// the group's seq is odd. The layouts are mapLoadVal's: one word in
// mapValWord mode, the type and data words in mapValTyped mode.
func mapStoreWords[T any](mode mapValMode, p *T, v T) {
	switch mode {
	case mapValWord:
		lockedStoreUint64((*uint64)(unsafe.Pointer(p)), *(*uint64)(unsafe.Pointer(&v)))
	case mapValTyped:
		lockedStorePointer(mapTypeWord(p), *mapTypeWord(&v))
		lockedStorePointer(mapDataWord(p), *mapDataWord(&v))
	default:
		panic("ftutils: internal error: mapStoreWords on an inline layout")
	}
}

// mapStoreVal overwrites the value of a published slot with v in place and
// reports whether it could: always in mapValWord mode, in mapValTyped mode
// if v has the dynamic type of the value it replaces, never in
// mapValInline mode, by one locked store (map_store.go). The caller holds
// the home group's lock.
func mapStoreVal[V any](mode mapValMode, p *V, v V) bool {
	switch mode {
	case mapValWord:
		lockedStoreUint64((*uint64)(unsafe.Pointer(p)), *(*uint64)(unsafe.Pointer(&v)))
		return true
	case mapValTyped:
		if *mapTypeWord(p) != *mapTypeWord(&v) {
			return false
		}
		lockedStorePointer(mapDataWord(p), *mapDataWord(&v))
		return true
	}
	return false
}

// mapReusable reports whether a map's deleted slots may be overwritten by
// later inserts: whether every word of a slot can be written and read by
// single-word atomic operations (or, on amd64 and 386, the plain word
// stores of map_store.go), so that a reader racing with the overwrite
// reads a mix of old and new words but never a torn word, and detects the
// mix by the group's sequence count before it uses any of them. Keys:
// 8-byte integers, strings and interfaces; values: the in-place modes
// (one pointer-free word, or an interface).
func mapReusable[K comparable, V any]() bool {
	if mapValModeOf[V]() == mapValInline {
		return false
	}
	switch mapKeyWordOf[K]() {
	case mapKey64:
		return reflect.TypeFor[K]().Align() == 8
	case mapKeyString, mapKeyIface:
		return true
	}
	return false
}

// mapWord2 is the two-word layout of a string: data pointer, length.
type mapWord2 struct {
	p unsafe.Pointer
	n uintptr
}

// mapLoadString reads the string key at p of a published slot by two
// atomic word loads (data pointer, length), in a table with reuse
// (mapTable.reuse), where the slot may be overwritten meanwhile; an 8-byte integer
// key and an interface key are read by mapLoadVal in mapValWord and
// mapValTyped mode. The result may mix two keys' words until the caller
// has validated it against the group's sequence count; it is safe to hold
// (the pointer word points at a live object or is nil), not to use.
//
// Safe: the caller checked that the table's hs.word is mapKeyString.
func mapLoadString[K comparable](p *K) K {
	var k K
	w := (*mapWord2)(unsafe.Pointer(p))
	*(*mapWord2)(unsafe.Pointer(&k)) = mapWord2{atomic.LoadPointer(&w.p), atomic.LoadUintptr(&w.n)}
	return k
}

// mapFillKey writes k into the key at p of a free slot that insert is
// filling, by locked stores (map_store.go; the layouts of mapLoadString and
// mapLoadVal). The caller holds the home group's lock and has checked
// mapReusable.
func mapFillKey[K comparable](word mapKeyWord, p *K, k K) {
	switch word {
	case mapKey64:
		mapStoreWords(mapValWord, p, k)
	case mapKeyString:
		w, src := (*mapWord2)(unsafe.Pointer(p)), (*mapWord2)(unsafe.Pointer(&k))
		lockedStorePointer(&w.p, src.p)
		lockedStoreUintptr(&w.n, src.n)
	case mapKeyIface:
		mapStoreWords(mapValTyped, p, k)
	default:
		panic("ftutils: internal error: mapFillKey on a key type that cannot be reused")
	}
}

// mapKeyWord says how hash reads a key type: plain integers as one word
// instead of calling maphash.Comparable (an indirect call to the runtime's
// hasher, about 3 ns of a 6 ns Load on the EPYC box), strings by
// mapHashString, interfaces by their dynamic type.
type mapKeyWord uint8

const (
	mapKeyAny    mapKeyWord = iota // hash/maphash.Comparable
	mapKey64                       // 8-byte integer kinds
	mapKey32                       // 4-byte integer kinds
	mapKeyString                   // strings: mapHashString
	mapKeyIface                    // interfaces: by dynamic type, as above or maphash
)

func mapKeyWordOf[K comparable]() mapKeyWord {
	switch reflect.TypeFor[K]().Kind() {
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint64, reflect.Uintptr:
		if unsafe.Sizeof(*new(K)) == 8 {
			return mapKey64
		}
		return mapKey32
	case reflect.Int32, reflect.Uint32:
		return mapKey32
	case reflect.String:
		return mapKeyString
	case reflect.Interface:
		return mapKeyIface
	}
	return mapKeyAny
}

// mapMix hashes the integer x with the per-map seeds s0 and s1 (odd): the
// "mum" step of wyhash (github.com/wangyi-fudan/wyhash), a 64x64->128-bit
// multiply folded to 64 bits by XOR, then a plain 64-bit multiply by
// another odd seed, then the high half XORed into the low half. The mum
// fold alone was not enough: its low half moves by a fixed step as x
// counts up, so keys in arithmetic progression (0, 1, 2, ... or multiples
// of 1024) fell on a lattice of home groups for an unlucky seed. The
// multiply carries every bit of the fold into the high bits; the tables
// pick home groups and control tags from the low bits (7 and up, and 0..6),
// so the last step brings high bits down: without it, for about 0.3 % of
// seeds the fullest of 256 home groups got 21 to 37 of 1000 sequential
// keys, where random hashing keeps it under 18 (TestMapHashSpread).
func mapMix(x, s0, s1 uint64) uint64 {
	hi, lo := bits.Mul64(x^s0, s1)
	h := (hi ^ lo) * (s0 | 1)
	return h ^ h>>32
}

// mapPageRange returns the whole pages of size ps (a power of two) that lie
// within the n bytes at address p: [start, end), empty if end <= start.
func mapPageRange(p, n, ps uintptr) (start, end uintptr) {
	return (p + ps - 1) &^ (ps - 1), (p + n) &^ (ps - 1)
}

// mapSetByte returns the control word meta of slot p's group with slot p's
// byte replaced by b.
func mapSetByte(meta uint64, p int, b uint64) uint64 {
	sh := 8 * uint(p%mapGroupSlots)
	return meta&^(0xff<<sh) | b<<sh
}
