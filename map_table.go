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

	"github.com/ftutils-go/ftutils/internal/testhook"
)

// This file holds the machinery behind [Map]: the root (seed and shards),
// the per-shard append-only tables and the SWAR group probing.
//
// Layout, from the Map down:
//
//	Map.root ──► mapRoot{hash seeds, smask, tables[], shards[]}
//	                         │  shard = h >> 40 & smask (bits 40..63 of the hash)
//	                         ▼
//	             tables[shard] (atomic pointer; 8 bytes per shard, dense)
//	             shards[shard] = mapShard{mu, count, &tables[shard], used, copying}  (128 bytes, padded; writers only)
//	                         │
//	                         ▼
//	             mapTable{groups[], n, limit, frozen}
//	                         │  first group g = home(h), then
//	                         ▼  linear probing over groups
//	             groups[g] = {ctrl (8 control bytes), slots[8] ({key, val})}
//
// A group's control word holds one control byte per slot, slot i in byte i:
//
//	0x00          empty: never written in this table
//	0x01          deleted (tombstone): written once, then deleted
//	0x80 | h&0x7f full: key and value are valid (key immutable)
//
// Slots of a published table are append-only: a slot is written once while
// its byte is empty, then published by an atomic store of the control word,
// and (but for the last exception below) its key is never written again
// while the table is live. Readers atomically load the control word and only
// then read the slots it marks full, so every plain slot read happens after
// the store that published it (race-detector clean without any racy loads).
// Replacing a value appends a new slot later on the key's probe path and
// then tombstones the old one; deleting tombstones. The exceptions
// (mapValMode) are a V that is one pointer-free 8-byte word (Map[K, int] and
// the like), whose value is overwritten in place by an atomic store and
// always read by an atomic load (mapLoadVal), and an interface V, whose data
// word is overwritten in place by an atomic pointer store when the new value
// has the same dynamic type (the type word, written once, tells which), so
// such updates of present keys cost no slot. One more exception (mapReuse):
// in a table with a sequence count per group (vers, given to the tables of
// churned shards in maps whose keys and values are words that can be read
// and written atomically one by one), an insert may overwrite a deleted slot
// on its path, word by word inside the group's sequence lock, and readers
// use what they read from a slot only if the count was even and unchanged
// around it (reuseSlot, Map.findReused). When a table runs out of fresh
// slots, the shard's writer rebuilds it (copying the live entries into a new
// table sized for them, which is how the map grows and shrinks) and
// publishes the new table with one atomic pointer store; while the new table
// is unpublished, its control words and slots are filled without that
// per-slot protocol (plain stores, or a CAS per slot when helpers copy too;
// see rebuild and mapCopy), and the table pointer's store publishes them
// all. Readers that still hold the old table see it frozen at the moment of
// the swap.
//
// Why not the obvious way (xsync's CLHT buckets holding pointers to immutable
// heap entries)? That layout allocates on every Store and adds a pointer hop to
// every Load (the 1M-key loss measured in PEERS.md §4.1). Inline append-only
// slots allocate nothing per write (a rebuild allocates one table per about
// cap/2 writes) and read key and value from the group that holds the control
// word, like Go's own Swiss tables.
//
// Why shards rather than one table with a cooperative resize? A rebuild holds
// one shard's lock while it copies that shard, so the longest pause a writer
// can see is one shard's copy, and readers never wait. Shards make that
// bound a small, configurable fraction of the map without a multi-phase
// migration protocol, and the shard lock doubles as the write lock. A large
// shard's copy is still cooperative in one limited sense (mapCopy): the
// writers that arrive while it runs help copy it before they wait, so that
// on many cores a growing map's pauses do not leave most of them idle. The
// copy stays under the shard's lock: no writer ever sees two tables.

const (
	mapGroupSlots = 8
	mapMetaEmpty  = 0x00
	mapMetaDel    = 0x01
	mapMetaFull   = 0x80
	mapLSBs       = 0x0101010101010101
	mapMSBs       = 0x8080808080808080

	// mapMinShards is the default shard floor: it bounds a rebuild pause to
	// about 1/16 of the map even on one CPU.
	mapMinShards = 16
	// mapMaxShards caps the shard count an option can ask for.
	mapMaxShards = 1 << 16
	// mapMinGroups is the smallest table: 32 slots, so a shard holding a
	// few hot keys that are rewritten all the time (a counter, a flag)
	// rebuilds once per 23 to 28 writes rather than once per 5 or 6.
	mapMinGroups = 4
	// mapShardHint is the number of entries per shard that WithMapCapacity
	// aims for when it raises the shard count.
	mapShardHint = 4096
)

// mapMatchZero returns a word with bit 7 of byte i set if byte i of x is zero.
// The lowest set bit is always exact. A higher one can be a false positive,
// but only for a byte equal to 0x01 sitting above a true zero byte (the
// borrow). Callers rely on that: matching x = meta ^ broadcast(0x80|h7) can
// only falsely flag a byte equal to (0x80|h7)^1, which is a full slot whose
// key the caller then compares; matching meta itself for empty bytes only
// uses the lowest bit or "any bit set".
func mapMatchZero(x uint64) uint64 { return (x - mapLSBs) &^ x & mapMSBs }

// mapSlot is one key-value pair, written once before it is published.
type mapSlot[K comparable, V any] struct {
	key K
	val V
}

// mapGroup is eight slots and their control word (slot j in byte j), kept
// together as in Go's own Swiss tables: a probe that matches a control
// byte usually finds the slot in the same or the adjacent cache line, so
// a Load of a large, uncached map takes one memory miss rather than two
// (one for a separate control-word array, one for the slot).
type mapGroup[K comparable, V any] struct {
	ctrl  atomic.Uint64 // in a published table: written under the shard's mu, read by anyone (see rebuild for unpublished ones)
	slots [mapGroupSlots]mapSlot[K, V]
}

// mapTable is one shard's hash table: len(groups) groups of eight slots;
// slot p is groups[p/8].slots[p%8]. groups and n never change; the other
// fields are owned by the shard's mu. The count of used slots, which every
// write changes, lives in the shard: here it would share a cache line with
// groups and n, which every Load reads, and each write on one core would
// evict that line from the others.
type mapTable[K comparable, V any] struct {
	groups []mapGroup[K, V]
	n      uint64 // len(groups) (any positive number)
	limit  int    // mapShard.used may not exceed this (3/4 or 7/8 of the slots)
	// frozen is set (under mu) when an iterator takes the table: from then on
	// the table is immutable and the next writer rebuilds the shard first.
	frozen atomic.Bool
	// vers is nil unless inserts may overwrite this table's deleted slots
	// (see mapReuse): then vers[i] is group i's sequence count, odd while
	// a writer overwrites one of its slots (reuseSlot; Map.findReused
	// validates what it reads against it). It is a separate array so that
	// tables without reuse, and their readers, pay nothing for it.
	vers []atomic.Uint64
}

// mapShard is one independently locked and resized part of a Map. Its size is
// exactly cacheLinePad so neighbouring shards' locks do not share lines.
type mapShard[K comparable, V any] struct {
	mu    sync.Mutex                      // serializes writers and rebuilds of this shard
	count atomic.Int64                    // live entries; written under mu
	table *atomic.Pointer[mapTable[K, V]] // this shard's entry of mapRoot.tables
	used  int                             // full + deleted slots of *table; owned by mu
	// copying is the rebuild in progress while the holder of mu copies a
	// large table, so that writers who arrive meanwhile help (mapCopy).
	copying atomic.Pointer[mapCopy[K, V]]
	// lastDel is 1 + the slot of *table that the shard's last delete
	// tombstoned, 0 if none since the table was built or since that slot
	// was revived (so a slot it names is always deleted): an insert of the
	// same key with the same value revives it (see put). Owned by mu.
	lastDel int
	_       [cacheLinePad - unsafe.Sizeof(sync.Mutex{}) - unsafe.Sizeof(atomic.Int64{}) - 4*unsafe.Sizeof(uintptr(0))]byte
}

// mapRoot is initialized once per Map (lazily for the zero value) and never
// changes; only the shards' tables do. The fields a Load reads come first,
// in one cache line: the hash parameters and the table pointers, which sit
// in their own dense array (8 bytes per shard, nil until the shard's first
// insert, swapped under the shard's mu) rather than in the padded shards,
// so that the pointers of a 16-shard map take two cache lines, not sixteen.
type mapRoot[K comparable, V any] struct {
	word mapKeyWord // how hash reads K: through maphash, or as one machine word
	vcmp mapValCmp  // whether V's values can be compared, for CompareAndSwap
	// vmode says how a slot holds its value: inline and immutable, or
	// updatable in place with one atomic store (a pointer-free word, or
	// the data word of an interface value), so that a write to a present
	// key costs no slot (see mapValMode).
	vmode mapValMode
	// manyProcs says the map was created with mapManyProcs or more Ps
	// (GOMAXPROCS, capped at the CPU count): then Store looks k up before
	// it locks, and the rebuild of a large table takes helpers.
	manyProcs bool
	// reuse says which of the shards' tables let inserts overwrite
	// deleted slots (mapReuse).
	reuse  mapReuse
	s0, s1 uint64 // random seeds of the word hash; s1 is odd
	hmask  uint64 // ANDed into every hash: all ones, except in tests that force collisions
	smask  uint64 // len(shards) - 1; shard = h >> 40 & smask
	tables []atomic.Pointer[mapTable[K, V]]
	seed   maphash.Seed
	shards []mapShard[K, V]
}

// mapConfig collects the options of NewMap.
type mapConfig struct {
	capacity int
	shards   int
}

func mapNextPow2(n int) int {
	if n <= 1 {
		return 1
	}
	return 1 << bits.Len(uint(n-1))
}

func newMapRoot[K comparable, V any](c mapConfig) *mapRoot[K, V] {
	n := c.shards
	if n == 0 {
		n = max(mapMinShards, 4*min(runtime.GOMAXPROCS(0), runtime.NumCPU()), c.capacity/mapShardHint)
	}
	n = mapNextPow2(min(n, mapMaxShards))
	r := &mapRoot[K, V]{
		seed:  maphash.MakeSeed(),
		word:  mapKeyWordOf[K](),
		vcmp:  mapValCmpOf[V](),
		vmode: mapValModeOf[V](),
		// A heuristic only: a later change of GOMAXPROCS leaves it as it was.
		manyProcs: min(runtime.GOMAXPROCS(0), runtime.NumCPU()) >= mapManyProcs,
		s0:        rand.Uint64(),
		s1:        rand.Uint64() | 1,
		hmask:     ^uint64(0),
		smask:     uint64(n - 1),
		tables:    make([]atomic.Pointer[mapTable[K, V]], n),
		shards:    make([]mapShard[K, V], n),
	}
	r.reuse = mapReuseOf[K, V](r.manyProcs)
	for i := range r.shards {
		r.shards[i].table = &r.tables[i]
	}
	if c.capacity > 0 {
		per := (c.capacity + n - 1) / n
		for i := range r.shards {
			r.shards[i].table.Store(newMapTable[K, V](per, r.vmode == mapValWord, r.reuse == mapReuseAlways))
		}
	}
	return r
}

// mapValMode says how a slot holds its value.
type mapValMode uint8

const (
	// mapValInline: the value is written once, before the slot is
	// published, and is then immutable; replacing it appends a slot.
	mapValInline mapValMode = iota
	// mapValWord: V is a pointer-free 8-byte, 8-aligned integer or float
	// type. The value is overwritten in place by one atomic 64-bit store,
	// and always read by an atomic load.
	mapValWord
	// mapValTyped: V is an interface type, two words: a type (or itab)
	// word and a data word (the value itself if it is pointer-shaped, else
	// a pointer to an immutable copy). The type word is written once,
	// before the slot is published; a replacement by a value of the same
	// dynamic type (the usual case: a Map[K, any] of ints, a Map[K,
	// error] of one error type) overwrites only the data word, by one
	// atomic pointer store, and readers load the data word atomically. A
	// replacement by a value of another dynamic type appends a slot.
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

// mapTypeWord and mapDataWord return the addresses of the two words of an
// interface value *p: its type (or itab) word and its data word.
//
// Safe: they are called with mapValTyped for an interface type (V, or K
// when mapKeyWord is mapKeyIface), whose two words are both pointers to
// the garbage collector (the compiler's and runtime's interface layout,
// eface and iface); an interface value is exactly its two words, and two
// values with the same type word may exchange data words: the result is
// the other value. After publication a slot's words are written only
// atomically, under the shard's lock, on a table that is not frozen: the
// data word by mapStoreVal, both words by mapStoreWords when the slot is
// reused; so lock-free readers load both atomically (mapLoadVal).
func mapTypeWord[V any](p *V) *unsafe.Pointer { return (*unsafe.Pointer)(unsafe.Pointer(p)) }

func mapDataWord[V any](p *V) *unsafe.Pointer {
	return (*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(p), unsafe.Sizeof(uintptr(0))))
}

// mapLoadVal reads the value of a published slot: in mapValWord mode by
// one atomic load, in mapValTyped mode by two (type word and data word),
// else plainly (it is immutable). A table with slot reuse reads keys with
// it too (mapValWord for an 8-byte integer key, mapValTyped for an
// interface key; see Map.findReused).
//
// Safe: mapValWord means V is an 8-byte, 8-aligned integer or float type
// (or K an 8-aligned 8-byte integer, mapReusable), so p points at 8
// aligned bytes that hold no pointers, and every write to them after
// publication is atomic, under the shard's lock (mapStoreVal,
// mapStoreWords). For mapValTyped see mapTypeWord.
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

// mapStoreWords writes v into the value or key at p of a slot being
// reused, every word atomically: one word in mapValWord mode, the type and
// data words in mapValTyped mode (see mapLoadVal for the layouts). The
// caller holds the shard's lock.
func mapStoreWords[T any](mode mapValMode, p *T, v T) {
	switch mode {
	case mapValWord:
		(*atomic.Uint64)(unsafe.Pointer(p)).Store(*(*uint64)(unsafe.Pointer(&v)))
	case mapValTyped:
		atomic.StorePointer(mapTypeWord(p), *mapTypeWord(&v))
		atomic.StorePointer(mapDataWord(p), *mapDataWord(&v))
	default:
		panic("ftutils: internal error: mapStoreWords on an inline layout")
	}
}

// mapStoreVal overwrites the value of a published slot with v in place and
// reports whether it could: always in mapValWord mode, in mapValTyped mode
// if v has the dynamic type of the value it replaces, never in
// mapValInline mode. The caller holds the shard's lock and the table is
// not frozen.
func mapStoreVal[V any](mode mapValMode, p *V, v V) bool {
	switch mode {
	case mapValWord:
		(*atomic.Uint64)(unsafe.Pointer(p)).Store(*(*uint64)(unsafe.Pointer(&v)))
		return true
	case mapValTyped:
		if *mapTypeWord(p) != *mapTypeWord(&v) {
			return false
		}
		atomic.StorePointer(mapDataWord(p), *mapDataWord(&v))
		return true
	}
	return false
}

// mapReuse says which tables of a map let an insert overwrite a deleted
// slot (reuseSlot) instead of consuming a fresh one. Reuse spares churned
// shards (keys deleted and others inserted) most of their rebuilds, but a
// table that allows it costs its readers a sequence-count check on another
// cache line (Map.findReused), so it is switched on per table, for shards
// that churn, and only in maps created with many Ps (mapManyProcs): on 16
// cores it made the typed mixed rows with 50 % writes 1.3 to 2.1 times
// faster at -cpu 16, while on the 2-vCPU box the read-mostly churned rows
// (90 and 99 % reads) lost 10 to 20 % at -cpu 1 and 2 to the check
// (docs/benchmarks/map.md, round 7).
type mapReuse uint8

const (
	// mapReuseNever: K or V does not allow reuse (mapReusable).
	mapReuseNever mapReuse = iota
	// mapReuseChurn: a rebuild gives the new table reuse if the old one
	// had it or if at least a fifth of the old table's used slots were
	// tombstones (see mapShard.rebuild). The default where allowed, in
	// maps created with many Ps.
	mapReuseChurn
	// mapReuseAlways: every table (tests).
	mapReuseAlways
)

// mapReuseOf is the policy of a map created with or without many Ps, or
// with the tests' switch testhook.MapReuse set.
func mapReuseOf[K comparable, V any](manyProcs bool) mapReuse {
	switch {
	case !mapReusable[K, V]():
		return mapReuseNever
	case testhook.MapReuse.Load():
		return mapReuseAlways
	case manyProcs:
		return mapReuseChurn
	}
	return mapReuseNever
}

// mapReusable reports whether a map's deleted slots may be overwritten by
// later inserts: whether every word of a slot can be written and read by
// single-word atomic operations, so that a reader racing with the
// overwrite reads a mix of old and new words but never a torn word, and
// detects the mix by the group's sequence count before it uses any of
// them. Keys: 8-byte integers, strings and interfaces; values: the
// in-place modes (one pointer-free word, or an interface).
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
// (t.vers), where the slot may be overwritten meanwhile; an 8-byte integer
// key and an interface key are read by mapLoadVal in mapValWord and
// mapValTyped mode. The result may mix two keys' words until the caller
// has validated it against the group's sequence count; it is safe to hold
// (the pointer word points at a live object or is nil), not to use.
//
// Safe: the caller checked that mapRoot.word is mapKeyString.
func mapLoadString[K comparable](p *K) K {
	var k K
	w := (*mapWord2)(unsafe.Pointer(p))
	*(*mapWord2)(unsafe.Pointer(&k)) = mapWord2{atomic.LoadPointer(&w.p), atomic.LoadUintptr(&w.n)}
	return k
}

// mapStoreKey writes k into the key at p by atomic word stores (the
// layouts of mapLoadString and mapLoadVal). The caller holds the shard's
// lock and has checked mapReusable.
func mapStoreKey[K comparable](word mapKeyWord, p *K, k K) {
	switch word {
	case mapKey64:
		mapStoreWords(mapValWord, p, k)
	case mapKeyString:
		w, src := (*mapWord2)(unsafe.Pointer(p)), (*mapWord2)(unsafe.Pointer(&k))
		atomic.StorePointer(&w.p, src.p)
		atomic.StoreUintptr(&w.n, src.n)
	case mapKeyIface:
		mapStoreWords(mapValTyped, p, k)
	default:
		panic("ftutils: internal error: mapStoreKey on a key type that cannot be reused")
	}
}

// mapKeyWord says how hash reads a key type: plain integers as one word
// instead of calling maphash.Comparable (an indirect call to the runtime's
// hasher, about 3 ns of a 6 ns Load on the EPYC box), strings through the
// direct maphash.String, interfaces by their dynamic type.
type mapKeyWord uint8

const (
	mapKeyAny    mapKeyWord = iota // hash/maphash.Comparable
	mapKey64                       // 8-byte integer kinds
	mapKey32                       // 4-byte integer kinds
	mapKeyString                   // strings: maphash.String, a direct call
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

// hash returns k's hash: bits 40..63 pick the shard, bits 7..38 the home
// group and bits 0..6 the control byte. The 8-byte integer case is kept
// small enough to inline into Load.
//
// Integer keys skip maphash: they are mixed with the per-map random seeds
// by mapMix, which an attacker who cannot see the seeds cannot steer into
// collisions any more than maphash's.
func (r *mapRoot[K, V]) hash(k K) uint64 {
	if r.word == mapKey64 {
		// Safe: mapKeyWordOf checked that K is an 8-byte integer kind.
		return mapMix(*(*uint64)(unsafe.Pointer(&k)), r.s0, r.s1) & r.hmask
	}
	return r.hashSlow(k)
}

// mapMix hashes the integer x with the per-map seeds s0 and s1 (odd): the
// "mum" step of wyhash (github.com/wangyi-fudan/wyhash), a 64x64->128-bit
// multiply folded to 64 bits by XOR, then a plain 64-bit multiply by
// another odd seed. The fold alone was not enough: its low half moves by a
// fixed step as x counts up, so keys in arithmetic progression (0, 1, 2,
// ... or multiples of 1024) fell on a lattice of home groups and shards,
// for an unlucky seed on a few of them (1000 sequential keys, 3000 seeds:
// the fullest of 334 home groups held 23 keys or more for 1 % of seeds
// and up to 112; the fullest of 16 shards up to 758 keys with stride
// 1024, where random hashing keeps them under 16 and 100). The last
// multiply carries every bit of the fold into the high bits, which pick
// the home group and the shard, and spreads such keys like random ones
// (fullest group at most 16, shard at most 99; TestMapHashSpread), for one
// 3-cycle multiply where a second 128-bit round costs more.
func mapMix(x, s0, s1 uint64) uint64 {
	hi, lo := bits.Mul64(x^s0, s1)
	return (hi ^ lo) * (s0 | 1)
}

// hashSlow is hash for every key type but 8-byte integers.
func (r *mapRoot[K, V]) hashSlow(k K) uint64 {
	var x uint64
	switch r.word {
	case mapKey32:
		// Safe: mapKeyWordOf checked that K is a 4-byte integer kind.
		x = uint64(*(*uint32)(unsafe.Pointer(&k)))
	case mapKeyString:
		// Safe: mapKeyWordOf checked that K's kind is string.
		return maphash.String(r.seed, *(*string)(unsafe.Pointer(&k))) & r.hmask
	case mapKeyIface:
		// Equal interface keys have the same dynamic type, so hashing by
		// dynamic type is consistent; int(1) and int64(1) may collide, which
		// costs a key comparison, nothing more.
		switch d := any(k).(type) {
		case int:
			x = uint64(d)
		case string:
			return maphash.String(r.seed, d) & r.hmask
		default:
			return maphash.Comparable(r.seed, k) & r.hmask
		}
	default:
		return maphash.Comparable(r.seed, k) & r.hmask
	}
	return mapMix(x, r.s0, r.s1) & r.hmask
}

func (r *mapRoot[K, V]) shard(h uint64) *mapShard[K, V] { return &r.shards[h>>40&r.smask] }

// newMapTable returns an empty table with room for live entries plus at least
// as many fresh slots again as it holds: live fills at most 3/8 of it (8
// slots per 3 entries, so about 3 slots per entry after a rebuild). Live plus
// deleted slots may then fill 3/4 of it before the next rebuild if the map
// updates word values in place (mapValWord), else 7/8. A probe for an absent
// key stops only at a group with an empty slot, so the lower limit keeps
// misses short in tables full of tombstones (measured: the mixed read/write
// rows of Map[K, int] gained 4 to 8 %); where every replaced value consumes a
// slot, the extra rebuilds cost more than that (sync.Map's LoadOrStore and
// Swap workloads on Map[any, any] lost 5 to 30 %).
func newMapTable[K comparable, V any](live int, inPlace, reuse bool) *mapTable[K, V] {
	groups := max(mapMinGroups, (live+2)/3) // 8*groups >= 8*live/3
	n := groups * mapGroupSlots
	limit := n - n/8
	if inPlace {
		limit = n - n/4
	}
	t := &mapTable[K, V]{
		groups: make([]mapGroup[K, V], groups),
		n:      uint64(groups),
		limit:  limit,
	}
	if reuse {
		t.vers = make([]atomic.Uint64, groups)
	}
	return t
}

// ver returns &t.vers[i] without a bounds check, for the lock-free
// look-ups; t.vers is not nil. Safe as for group: i < t.n == len(t.vers).
func (t *mapTable[K, V]) ver(i uint64) *atomic.Uint64 {
	return (*atomic.Uint64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(t.vers)), uintptr(i)*unsafe.Sizeof(atomic.Uint64{})))
}

// slot returns slot p (group p/8, index p%8).
func (t *mapTable[K, V]) slot(p int) *mapSlot[K, V] {
	return &t.groups[p/mapGroupSlots].slots[p%mapGroupSlots]
}

// group returns &t.groups[i] without a bounds check, for the lock-free
// look-ups. Safe: every caller's i comes from home or next, which return
// values below t.n == len(t.groups), so the address is inside the groups
// array (checkptr verifies this under -race, and every Load test runs
// there).
func (t *mapTable[K, V]) group(i uint64) *mapGroup[K, V] {
	return (*mapGroup[K, V])(unsafe.Add(unsafe.Pointer(unsafe.SliceData(t.groups)), uintptr(i)*unsafe.Sizeof(mapGroup[K, V]{})))
}

// home returns the first group of the probe path of hash h: bits 7..38 of h
// scaled to [0, t.n) by a multiply-shift (Lemire, "Fast Random Integer
// Generation in an Interval", 2019), so tables need not have a power-of-two
// size and can be sized to their contents.
func (t *mapTable[K, V]) home(h uint64) uint64 { return (h >> 7 & 0xffffffff) * t.n >> 32 }

// next returns the group after i on a probe path: linear probing over
// groups, wrapping around.
func (t *mapTable[K, V]) next(i uint64) uint64 {
	if i++; i == t.n {
		return 0
	}
	return i
}

// locate finds k's live slot (fp; -1 if k is absent) and the first group on
// k's probe path with an empty slot (eg), where an append goes. An old slot
// always precedes eg on the path: the groups before eg had no empty slot
// when the old slot was appended, and slots never become empty again. The
// caller holds the shard's mu.
func (t *mapTable[K, V]) locate(k K, h uint64) (fp int, eg uint64) {
	tag := mapLSBs * (mapMetaFull | h&0x7f)
	i := t.home(h)
	fp = -1
	for {
		meta := t.groups[i].ctrl.Load()
		if fp < 0 {
			for m := mapMatchZero(meta ^ tag); m != 0; m &= m - 1 {
				p := int(i)*mapGroupSlots + bits.TrailingZeros64(m)>>3
				if t.slot(p).key == k {
					fp = p
					break
				}
			}
		}
		if mapMatchZero(meta) != 0 {
			return fp, i
		}
		i = t.next(i)
	}
}

// appendSlot writes (k, v) into group eg's first empty slot and publishes
// it; if fp >= 0 it then tombstones k's old slot fp. When both are in one
// group a single control-word store does both, so no reader sees two live
// slots for k in one group. The caller holds the shard's mu, the table is
// not frozen and has a fresh slot left (mapShard.used < t.limit); the caller
// counts the slot.
func (t *mapTable[K, V]) appendSlot(eg uint64, k K, v V, h uint64, fp int) {
	meta := t.groups[eg].ctrl.Load()
	j := uint(bits.TrailingZeros64(mapMatchZero(meta)) >> 3)
	t.groups[eg].slots[j] = mapSlot[K, V]{key: k, val: v}
	meta |= (mapMetaFull | h&0x7f) << (8 * j)
	if fp >= 0 && uint64(fp/mapGroupSlots) == eg {
		meta = mapSetByte(meta, fp, mapMetaDel)
		fp = -1
	}
	t.groups[eg].ctrl.Store(meta)
	if fp >= 0 {
		t.tombstone(fp)
	}
}

// tombstone marks slot p deleted. The caller holds the shard's mu.
func (t *mapTable[K, V]) tombstone(p int) { t.setCtrl(p, mapMetaDel) }

// setCtrl stores b as slot p's control byte. The caller holds the shard's mu.
func (t *mapTable[K, V]) setCtrl(p int, b uint64) {
	w := &t.groups[p/mapGroupSlots].ctrl
	w.Store(mapSetByte(w.Load(), p, b))
}

// mapSetByte returns the control word meta of slot p's group with slot p's
// byte replaced by b.
func mapSetByte(meta uint64, p int, b uint64) uint64 {
	sh := 8 * uint(p%mapGroupSlots)
	return meta&^(0xff<<sh) | b<<sh
}

// writable returns the shard's table, first rebuilding it if it is missing
// or frozen. The caller holds s.mu.
func (s *mapShard[K, V]) writable(r *mapRoot[K, V]) *mapTable[K, V] {
	t := s.table.Load()
	if t == nil || t.frozen.Load() {
		t = s.rebuild(r, t)
	}
	return t
}

// rebuild copies the live entries of old (nil: none) into a new table sized
// for them (growing or shrinking) and publishes it. Readers keep using old
// until they next load the shard's table. The caller holds s.mu.
//
// A rebuild is bound by memory latency (see copyGroups). A small one fills
// the new table with plain stores, which are safe because no other
// goroutine can see the table before s.table.Store publishes it (an atomic
// store on amd64 is a locked exchange, which would drain the store buffer
// once per entry); a large one, in a map with many Ps (mapRoot.manyProcs),
// lets other writers help (mapCopy).
func (s *mapShard[K, V]) rebuild(r *mapRoot[K, V], old *mapTable[K, V]) *mapTable[K, V] {
	live := int(s.count.Load())
	// Reuse (mapReuse) for a shard that churns: the old table's
	// tombstones (used slots that are not live) were a fifth or more of
	// its used slots, or it had reuse already.
	reuse := r.reuse == mapReuseAlways || r.reuse == mapReuseChurn && old != nil && (old.vers != nil || 4*(s.used-live) >= live)
	t := newMapTable[K, V](live+1, r.vmode == mapValWord, reuse)
	switch {
	case old == nil:
	case r.manyProcs && len(old.groups) >= mapCopyMinGroups:
		c := &mapCopy[K, V]{r: r, old: old, t: t, chunks: (int64(len(old.groups)) + mapCopyChunk - 1) / mapCopyChunk}
		s.copying.Store(c)
		c.help()
		for c.done.Load() < c.chunks {
			runtime.Gosched() // a helper is finishing its last chunk
		}
		s.copying.Store(nil)
	default:
		t.copyGroups(r, old, 0, len(old.groups), false)
	}
	s.used = live
	s.lastDel = 0
	s.table.Store(t)
	return t
}

// lock takes s.mu, first helping with the rebuild that holds it, if any.
func (s *mapShard[K, V]) lock() {
	if c := s.copying.Load(); c != nil {
		c.help()
	}
	s.mu.Lock()
}

const (
	// mapCopyMinGroups is the smallest table (8192 slots) whose rebuild
	// other writers help with (in a map with many Ps); below it, one
	// goroutine copies.
	mapCopyMinGroups = 1024
	// mapCopyChunk is the number of groups a helper claims at a time.
	mapCopyChunk = 128
	// mapManyProcs is the least number of Ps (GOMAXPROCS capped at the
	// CPU count, when the map is created) at which three things that pay
	// only when many cores write at once are switched on
	// (docs/benchmarks/map.md, round 5):
	//
	//   - Rebuilds of large tables take helpers. A helper claims each slot
	//     of the new table with a CAS, which waits for the slot's cache
	//     line where the serial copy's plain stores let several misses
	//     overlap; with two Ps a second copier does not make up for that
	//     (2 vCPUs: growth rows 10 to 20 % slower at -cpu 2), with four it
	//     does (16-vCPU Xeon: LoadOrStoreUnique and LoadOrStoreBalanced
	//     1.2 to 1.3x faster at -cpu 4, 1.75x at -cpu 16).
	//   - Store looks k up before it locks: Store-heavy rows 9 to 16 %
	//     faster at -cpu 4 and 16 on the Xeon; on one core a Store about
	//     11 % slower (18.4 -> 20.4 ns, Map[int, int]), on two even.
	//   - Churned shards reuse deleted slots (mapReuse): typed mixed rows
	//     with 50 % writes 1.3 to 2.1 times faster at -cpu 16 on the Xeon;
	//     on the 2-vCPU box the read-mostly churned rows lost 10 to 20 %
	//     at -cpu 1 and 2 (round 7).
	mapManyProcs = 4
)

// mapCopy is a rebuild of a large table that other goroutines can help with.
// Without help, a rebuild is a pause for everyone: the writer that holds the
// shard's lock copies the shard (memory-latency bound: milliseconds for a
// shard of 100K entries), and every other writer soon picks a key of that
// shard and waits, so on 16 cores a growing map kept half the CPUs idle. With
// it, writers that find the copy under way claim chunks of the old table and
// copy them too, in the manner of Java's ConcurrentHashMap transfer (Doug
// Lea, java.util.concurrent, "transfer" and "helpTransfer"), so waiting turns
// into copying and the pause shrinks with the number of writers.
//
// The old table is immutable during the copy (its shard's lock is held
// throughout), and the new one is unpublished: helpers claim free slots of
// it with a CAS on the group's control word, then write the slot plainly;
// nobody reads a slot of the new table until the rebuilder has seen every
// chunk done (done, which orders the helpers' writes before it) and
// publishes it.
type mapCopy[K comparable, V any] struct {
	r      *mapRoot[K, V]
	old, t *mapTable[K, V]
	chunks int64
	next   atomic.Int64 // next chunk to claim
	done   atomic.Int64 // chunks copied
}

// help copies chunks of the old table into the new one until none is left
// to claim.
func (c *mapCopy[K, V]) help() {
	for {
		i := c.next.Add(1) - 1
		if i >= c.chunks {
			return
		}
		end := min(int(i+1)*mapCopyChunk, len(c.old.groups))
		c.t.copyGroups(c.r, c.old, int(i)*mapCopyChunk, end, true)
		c.done.Add(1)
	}
}

// copyGroups copies the live entries of old.groups[from:to] into t, which is
// not yet published: by insertShared if several helpers of a mapCopy fill t
// at once (shared), else by insertFresh. A copy is bound by memory latency.
// The new table is written nearly in order (home preserves the order of the
// hash bits it scales, so entries read group by group from old land group by
// group in t), but hashing a string or an interface key reads memory that
// the key points to, in no useful order: a string's bytes, the box of an int
// in an interface. So, for a large table, copyGroups works in blocks of
// mapTouchAhead groups and, before it copies a block, touches that memory
// for the keys of the next block (mapTouchKey): a burst of loads that depend
// on nothing in flight, so the CPU overlaps their cache misses, and the next
// block's hashing finds its keys in the cache (group prefetching, as in
// Chen, Ailamaki, Gibbons and Mowry, "Improving Hash Join Performance through
// Prefetching", ICDE 2004, with plain loads for prefetches, which Go lacks).
// Touching one group ahead of each group copied measured slower than not
// touching at all (Map[string, int], 512K entries: 135 against 93 ns per
// entry): a load that misses holds up the retirement of every instruction
// after it, so each group's copy waited for its own touches. Within a group,
// all live keys are hashed before any is inserted, for the same overlap.
// (Touching each key's home group in t, as round 5 tried, measured no
// better: those writes are in order already.)
func (t *mapTable[K, V]) copyGroups(r *mapRoot[K, V], old *mapTable[K, V], from, to int, shared bool) {
	if r.word != mapKeyString && r.word != mapKeyIface || uintptr(len(old.groups))*unsafe.Sizeof(old.groups[0]) < mapTouchMinBytes {
		t.copyRange(r, old, from, to, shared)
		return
	}
	sum := old.touchKeys(r.word, from, min(from+mapTouchAhead, to))
	for b := from; b < to; b += mapTouchAhead {
		end := min(b+mapTouchAhead, to)
		sum += old.touchKeys(r.word, end, min(end+mapTouchAhead, to))
		t.copyRange(r, old, b, end, shared)
	}
	if sum == 1 {
		// Never mind the value: using it keeps the compiler from
		// dropping the touching loads as dead code.
		mapTouchSink.Store(sum)
	}
}

// copyRange is copyGroups without the touching.
func (t *mapTable[K, V]) copyRange(r *mapRoot[K, V], old *mapTable[K, V], from, to int, shared bool) {
	var hs [mapGroupSlots]uint64
	for gi := from; gi < to; gi++ {
		g := &old.groups[gi]
		full := g.ctrl.Load() & mapMSBs
		for m := full; m != 0; m &= m - 1 {
			j := bits.TrailingZeros64(m) >> 3 & (mapGroupSlots - 1)
			hs[j] = r.hash(g.slots[j].key)
		}
		for m := full; m != 0; m &= m - 1 {
			j := bits.TrailingZeros64(m) >> 3 & (mapGroupSlots - 1)
			if shared {
				t.insertShared(&g.slots[j], hs[j])
			} else {
				t.insertFresh(&g.slots[j], hs[j])
			}
		}
	}
}

// mapTouchAhead is the number of groups in one of copyGroups' blocks:
// enough for 20 to 60 touching loads in flight (measured on the 2-vCPU
// EPYC, 512K entries of Map[string, int]: 97 ns per entry copied without
// touching, 72 with blocks of 8 groups, 69 with 16 or 32; Map[any, any]
// with int keys 122, 103, 99, 100).
const mapTouchAhead = 16

// mapTouchMinBytes is the size of the smallest table whose copy touches
// keys ahead (a variable for tests). Below it, the table and what its keys
// point to mostly fit in the caches, where touching costs more than it
// saves; measured on the 2-vCPU EPYC (32 MB of L3; BenchmarkMap_Rebuild,
// medians of 5 runs, ns per entry copied without and with touching):
// Map[string, int] 57 and 60 at 64K entries (a 4.4 MB table), 61 and 63 at
// 128K (8.7 MB), 98 and 73 at 512K (35 MB); Map[any, any] 72 and 77
// (5.8 MB), 80 and 77 (11.5 MB), 108 and 86 (46 MB).
var mapTouchMinBytes uintptr = 8 << 20

// mapTouchSink receives copyGroups' sum of touched bytes, when it is 1.
var mapTouchSink atomic.Uintptr

// touchKeys loads a word of the memory that the live keys of groups
// [from, to) point to (mapTouchKey) and returns their sum. The table is
// being copied: its shard's lock is held.
func (t *mapTable[K, V]) touchKeys(word mapKeyWord, from, to int) (sum uintptr) {
	for gi := from; gi < to; gi++ {
		g := &t.groups[gi]
		for m := g.ctrl.Load() & mapMSBs; m != 0; m &= m - 1 {
			sum += mapTouchKey(word, &g.slots[bits.TrailingZeros64(m)>>3&(mapGroupSlots-1)].key)
		}
	}
	return sum
}

// mapTouchKey loads the first byte of a string key, or the value of an int
// or the first byte of a string in an interface key, so that hashing the
// key later finds it in the cache. Other keys are not touched (0): their
// memory may not be immutable, and a read of it could race with the
// program's writes. Safe: the caller checked that K's kind is string
// (mapKeyString) or that K is an interface type.
func mapTouchKey[K comparable](word mapKeyWord, p *K) uintptr {
	if word == mapKeyString {
		if s := *(*string)(unsafe.Pointer(p)); len(s) > 0 {
			return uintptr(s[0])
		}
		return 0
	}
	switch x := any(*p).(type) {
	case int:
		return uintptr(x)
	case string:
		if len(x) > 0 {
			return uintptr(x[0])
		}
	}
	return 0
}

// insertShared is insertFresh for a table that several helpers of one
// mapCopy fill at once: a CAS on the control word claims the slot, which
// the claimer then writes; the others only read control words.
func (t *mapTable[K, V]) insertShared(sl *mapSlot[K, V], h uint64) {
	i := t.home(h)
	for {
		g := &t.groups[i]
		meta := g.ctrl.Load()
		e := mapMatchZero(meta)
		if e == 0 {
			i = t.next(i)
			continue
		}
		j := uint(bits.TrailingZeros64(e) >> 3)
		if g.ctrl.CompareAndSwap(meta, meta|(mapMetaFull|h&0x7f)<<(8*j)) {
			g.slots[j&(mapGroupSlots-1)] = *sl
			return
		}
	}
}

// insertFresh copies sl into a table nobody else can see yet; sl's key is
// known to be absent. Called only by rebuild.
func (t *mapTable[K, V]) insertFresh(sl *mapSlot[K, V], h uint64) {
	i := t.home(h)
	for {
		g := &t.groups[i]
		// Safe: the table is not yet published (see rebuild), so plain
		// accesses to its control words race with nothing; the atomic
		// store that publishes it orders them before every reader's load.
		ctrl := (*uint64)(unsafe.Pointer(&g.ctrl))
		if e := mapMatchZero(*ctrl); e != 0 {
			j := uint(bits.TrailingZeros64(e) >> 3)
			g.slots[j&(mapGroupSlots-1)] = *sl
			*ctrl |= (mapMetaFull | h&0x7f) << (8 * j)
			return
		}
		i = t.next(i)
	}
}

// put stores (k, v) for the caller that already located k in t (fp, eg):
// in place where the value mode allows it (see mapStoreVal), else in a
// fresh slot. The caller holds s.mu and t is writable.
func (s *mapShard[K, V]) put(r *mapRoot[K, V], t *mapTable[K, V], k K, v V, h uint64, fp int, eg uint64) {
	if fp >= 0 {
		sl := t.slot(fp)
		if mapStoreVal(r.vmode, &sl.val, v) {
			return
		}
		if r.vmode == mapValInline && mapSameBytes(&sl.val, &v) && mapSameKey(r.word, sl.key, k) {
			// The entry is already (k, v), as when a set re-adds a
			// member: nothing to change, and no fresh slot spent on it.
			// The control word is stored again (same value) so that the
			// write still synchronizes before the Loads that read it,
			// as a Store that changed something would.
			w := &t.groups[fp/mapGroupSlots].ctrl
			w.Store(w.Load())
			return
		}
	}
	if fp < 0 && s.lastDel != 0 && s.revive(r, t, k, v, h) {
		return
	}
	if fp < 0 && t.vers != nil && s.reuse(r, t, k, v, h, eg) {
		return
	}
	if s.used >= t.limit {
		t = s.rebuild(r, t)
		fp, eg = t.locate(k, h)
	}
	if fp < 0 {
		// Count the new key before publishing it: frozenTable skips a shard
		// whose count reads 0 without locking, so a key that readers can
		// already see must never sit in a shard that still counts 0 (a
		// Range that started after a Load saw the key would miss it).
		s.count.Add(1)
	}
	t.appendSlot(eg, k, v, h, fp)
	s.used++
}

// reuse inserts the absent key k with value v into the first deleted slot
// on its path up to group eg (from locate), if there is one, and reports
// whether it did (see reuseSlot). The caller holds s.mu and t has reuse
// (t.vers).
func (s *mapShard[K, V]) reuse(r *mapRoot[K, V], t *mapTable[K, V], k K, v V, h, eg uint64) bool {
	p := t.firstDeleted(h, eg)
	if p < 0 {
		return false
	}
	if p == s.lastDel-1 {
		s.lastDel = 0 // the slot will no longer be deleted
	}
	s.count.Add(1) // before the key is visible (see put)
	t.reuseSlot(r, p, k, v, h)
	return true
}

// firstDeleted returns the first deleted slot on hash h's probe path up to
// and including group eg (the first group with an empty slot, from
// locate), or -1 if there is none. The caller holds the shard's mu.
func (t *mapTable[K, V]) firstDeleted(h, eg uint64) int {
	for i := t.home(h); ; i = t.next(i) {
		// The lowest flagged byte of mapMatchZero is exact: the first
		// byte equal to mapMetaDel.
		if d := mapMatchZero(t.groups[i].ctrl.Load() ^ mapLSBs*mapMetaDel); d != 0 {
			return int(i)*mapGroupSlots + bits.TrailingZeros64(d)>>3
		}
		if i == eg {
			return -1
		}
	}
}

// reuseSlot inserts (k, v) into the deleted slot p, which is on k's probe
// path before the first group with an empty slot, so look-ups of k find it.
// Unlike an append, the slot may be read at this moment by a lock-free
// reader that loaded its group's control word while the slot still held the
// entry that was deleted: so every word is written atomically, between two
// increments of the group's sequence count (t.vers, odd meanwhile), and
// Map.findReused discards whatever it read from the group if the count was
// odd or changed (a sequence lock: Lameter, "Effective Synchronization on
// Linux/NUMA Systems", 2005; Boehm, "Can Seqlocks Get Along with Programming
// Language Memory Models?", MSPC 2012 — here with sequentially consistent
// atomics for every access, so no fences are needed). The slot is then
// published as full by a control-word store, like an appended one. The
// caller holds the shard's mu, t is writable, k is absent and counted.
func (t *mapTable[K, V]) reuseSlot(r *mapRoot[K, V], p int, k K, v V, h uint64) {
	sl := t.slot(p)
	ver := &t.vers[p/mapGroupSlots]
	ver.Add(1)
	mapStoreKey(r.word, &sl.key, k)
	mapStoreWords(r.vmode, &sl.val, v)
	ver.Add(1)
	t.setCtrl(p, mapMetaFull|h&0x7f)
}

// revive inserts the absent key k with value v by bringing back the slot
// that the shard's last delete tombstoned, if that slot holds k and v
// already (mapSameKey, mapSameVal): it flips the slot's control byte from
// deleted to full again, without consuming a fresh slot, so that a key
// deleted and stored again with the same value (a set's member removed and
// added back, a token passed through the map) does not bring the shard's
// next rebuild closer. It reports whether it did.
//
// Why this is safe with lock-free readers: the slot's key and value are
// not written. A reader that loaded the control word while the slot was
// full before the delete reads the very same key and value that the
// revived entry has; one that loaded it while it was deleted skips it, as
// it would skip a key stored a moment later; one that loads it now sees
// the entry. So each reader sees the map as it was at its load of the
// control word, as with a fresh slot. The slot is on k's probe path before
// the first group with an empty slot, where k was appended, so every
// look-up of k still finds it. The caller holds s.mu, t is writable and k
// is absent from it.
func (s *mapShard[K, V]) revive(r *mapRoot[K, V], t *mapTable[K, V], k K, v V, h uint64) bool {
	p := s.lastDel - 1
	sl := t.slot(p)
	if !mapSameKey(r.word, sl.key, k) || !mapSameVal(r.vmode, &sl.val, v) {
		return false
	}
	s.lastDel = 0
	s.count.Add(1) // before the key is visible (see put)
	t.setCtrl(p, mapMetaFull|h&0x7f)
	return true
}

// mapSameKey reports whether a and b are equal keys that no program
// without unsafe can tell apart: equal integers or strings (also inside an
// interface), else equal and the same bytes (so that, say, the float keys
// -0 and +0, equal but distinguishable, are not taken for each other).
func mapSameKey[K comparable](word mapKeyWord, a, b K) bool {
	if a != b {
		return false
	}
	switch word {
	case mapKey64, mapKey32, mapKeyString:
		return true
	case mapKeyIface:
		if mapPlainDynamic(any(b)) {
			return true
		}
	}
	return mapSameBytes(&a, &b)
}

// mapPlainDynamic reports whether x holds an int or a string, whose equal
// values no program without unsafe can tell apart (unlike, say, float
// zeros of opposite sign, or pointers into equal but distinct objects).
func mapPlainDynamic(x any) bool {
	switch x.(type) {
	case int, string:
		return true
	}
	return false
}

// mapSameVal reports whether the value at p (of a slot under the caller's
// lock) and v are the same value: the same bits, or, for an interface
// value, the same dynamic type and either the same data word or equal
// ints or strings.
func mapSameVal[V any](mode mapValMode, p *V, v V) bool {
	switch mode {
	case mapValWord:
		old := mapLoadVal(mapValWord, p)
		return mapSameBytes(&old, &v)
	case mapValTyped:
		if *mapTypeWord(p) != *mapTypeWord(&v) {
			return false
		}
		old := mapLoadVal(mapValTyped, p)
		return *mapDataWord(&old) == *mapDataWord(&v) || mapPlainDynamic(any(v)) && any(old) == any(v)
	}
	return mapSameBytes(p, &v)
}

// mapSameBytes reports whether *a and *b have the same bytes.
func mapSameBytes[T any](a, b *T) bool {
	n := unsafe.Sizeof(*a)
	return n == 0 || string(unsafe.Slice((*byte)(unsafe.Pointer(a)), n)) == string(unsafe.Slice((*byte)(unsafe.Pointer(b)), n))
}

// remove deletes k's live slot fp. It may shrink the shard when fewer than
// 1/16 of a large table's slots stay live. The caller holds s.mu and t is
// writable.
func (s *mapShard[K, V]) remove(r *mapRoot[K, V], t *mapTable[K, V], fp int) {
	t.tombstone(fp)
	s.lastDel = fp + 1
	live := s.count.Add(-1)
	if n := len(t.groups) * mapGroupSlots; n >= 256 && int(live)*16 < n {
		s.rebuild(r, t)
	}
}

// frozenTable returns the shard's table made immutable for an iterator, or
// nil if the shard is empty.
func (s *mapShard[K, V]) frozenTable() *mapTable[K, V] {
	if s.count.Load() == 0 {
		return nil
	}
	if t := s.table.Load(); t != nil && t.frozen.Load() {
		return t
	}
	s.lock()
	t := s.table.Load()
	if t != nil {
		t.frozen.Store(true)
	}
	s.mu.Unlock()
	return t
}

// each calls f on every live entry of the frozen table t until f returns
// false; it reports whether f always returned true.
func (t *mapTable[K, V]) each(f func(K, V) bool) bool {
	// A frozen table is immutable: values updated in place (mapValWord,
	// mapValTyped) were written before the table froze, so they can be
	// read plainly.
	for gi := range t.groups {
		for m := t.groups[gi].ctrl.Load() & mapMSBs; m != 0; m &= m - 1 {
			sl := &t.groups[gi].slots[bits.TrailingZeros64(m)>>3]
			if !f(sl.key, sl.val) {
				return false
			}
		}
	}
	return true
}
