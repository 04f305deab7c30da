//go:build !race && (amd64 || 386)

package ftutils

import (
	"sync/atomic"
	"unsafe"
)

// The fill stores of [Map] (map_table.go): insert writes a free slot's
// hash bits with them, and in a reuse table its key and value words,
// under the home group's lock, before the atomic store of the control
// word that publishes the slot. Every other write to a reuse table's slot
// word (a value replaced in place, a value of another dynamic type
// written while seq is odd, the release of a deleted slot's pointers
// after its seq bump) stays atomic.
//
// On amd64 and 386 the fill stores are plain stores. A reader that finds
// the slot through the published control word reads the words after it,
// in happens-before order. The only readers that can race with a fill
// store are stale ones, still inside a look-up that began before the
// slot was last freed: the delete that freed it added 2 to seq with a
// locked instruction, which comes before any fill of the slot (in one
// goroutine's program order, or through the lock between two), and x86
// makes stores visible in that order (total store order) and does not
// reorder loads with loads, so a reader that sees a filled word sees the
// bumped seq afterwards and throws the word away. An aligned word store
// is never torn, and the compiler emits each fill as one aligned MOV
// before the control word's XCHG (checked in Go 1.26.8's amd64 assembly
// of insert; no test can catch a change there, as x86 cannot show the
// failure and -race builds the atomic variant, so re-check it when the
// toolchain changes). That argument needs the hardware's ordering, which
// is stronger than what Go's memory model promises a racing plain store;
// it does not hold on arm64, whose stores may become visible out of
// order, so every other platform, and any build with the race detector
// (which must see the stores as synchronized with the readers' atomic
// loads), uses map_store_atomic.go.
// The gain: an atomic store is an XCHG on amd64, about 2.3 ns against 0.4
// for a MOV on the EPYC box, and an insert made up to five of them
// besides the control word's (docs/benchmarks/map.md, round 12).

func fillStorePointer(p *unsafe.Pointer, v unsafe.Pointer) { *p = v }

// fillStoreUint64 is atomic on 386, where a uint64 is two words (it is
// not reached there: the reuse tables' 8-byte words need 8-byte
// alignment, which 386 does not give them).
func fillStoreUint64(p *uint64, v uint64) {
	if unsafe.Sizeof(uintptr(0)) < 8 {
		atomic.StoreUint64(p, v)
		return
	}
	*p = v
}

func fillStoreUintptr(p *uintptr, v uintptr) { *p = v }

func fillStoreUint32(p *uint32, v uint32) { *p = v }
