//go:build gc && !race && (amd64 || 386)

package ftutils

import (
	"sync/atomic"
	"unsafe"
)

// The locked stores of [Map] (map_table.go): the writes that a writer
// holding a home group's lock makes to words that lock-free readers load
// atomically, where the write is not itself a read-modify-write:
//   - insert's fills of a free slot (its hash bits, and in a reuse table
//     its key and value words), then the control word store that
//     publishes the slot;
//   - in a reuse table, a delete's control word store that frees the
//     slot, then (after the seq bump) the release of the slot's pointer
//     words;
//   - a value replaced in place (mapStoreVal: one word, an integer or an
//     interface's data word);
//   - a value of another dynamic type, both words written while the
//     group's seq is odd (mapStoreWords, which also does insert's fills).
//
// Every other write stays atomic: the seq adds and counts (locked
// read-modify-writes), chain links, and the append-only tables'
// tombstones.
//
// On amd64 and 386 the locked stores are plain stores. The argument:
//   - x86 makes one processor's stores visible to every other in program
//     order (total store order), never reorders a load with an older
//     load, and an aligned word store is never torn. A plain store is so
//     a release store, and a plain load an acquire load.
//   - The compiler keeps the stores in program order: stores and atomic
//     operations are all on one memory chain in its SSA, and each store
//     here is one aligned MOV (checked in Go 1.26.8's amd64 assembly of
//     insert, remove, release, setVal and mapStoreVal; re-check it when the
//     toolchain changes, as no test can catch a change: x86 cannot show
//     the failure, and -race builds the atomic variant).
//   - Publication (insert): a reader that sees the control byte sees the
//     fills before it, as with an atomic store.
//   - Stale readers (a look-up that loaded seq before a delete's seq bump,
//     or before the odd bump of a value's rewrite, and may still read the
//     slot): the bump is a locked instruction that comes before every
//     later store to the slot (in one goroutine's program order, or
//     through the lock between two), so a reader that sees any later word
//     (a released nil, a refill, a rewritten word) sees the bumped seq
//     when it loads seq again, and throws the words away. A reader that
//     loads the odd seq waits; one that loads the even seq after the
//     rewrite's second add sees both words. A stale reader dereferences
//     nothing it loaded before that check.
//   - Freeing (remove): the control word store is followed by the seq
//     bump, a locked instruction that drains the store buffer, so it is
//     ordered as the atomic store (an XCHG) was.
//   - In place (mapStoreVal): a reader loads the old word or the new one,
//     both values of the key during its look-up; a new interface data
//     word points to a value written before it (TSO again).
//
// The argument also needs the gc compiler's ordering (hence the build tag:
// gccgo or another compiler may order plain stores otherwise) and that no
// future rule combines two of these stores into one wider store. And it
// needs the hardware's ordering, which is stronger than what Go's memory
// model promises a racing plain store: it does not hold on arm64 (stores
// may become visible out of order; on ARMv8.0 without LSE a plain store
// may pass an earlier seq add). Every other platform and compiler, and
// any build with the race detector (which must see the stores
// synchronized with the readers' atomic loads), uses map_store_atomic.go.
//
// The gain: an atomic store is an XCHG on amd64, about 2.3 ns against 0.4
// for a MOV on the EPYC box. An insert into Map[any, any] made six, a
// delete three, an in-place Swap one (docs/benchmarks/map.md, rounds 12
// and 13).

func lockedStorePointer(p *unsafe.Pointer, v unsafe.Pointer) { *p = v }

// lockedStoreUint64 is atomic on 386, where a uint64 is two words: a
// plain store would be two 32-bit stores, and the control words stored
// here would tear (the 8-byte slot words never reach it there: they need
// 8-byte alignment, which 386 does not give them, so those maps are
// append-only).
func lockedStoreUint64(p *uint64, v uint64) {
	if unsafe.Sizeof(uintptr(0)) < 8 {
		atomic.StoreUint64(p, v)
		return
	}
	*p = v
}

func lockedStoreUintptr(p *uintptr, v uintptr) { *p = v }

func lockedStoreUint32(p *uint32, v uint32) { *p = v }
