//go:build !race

package ftutils

import (
	"sync/atomic"
	"unsafe"
)

// The slot word stores of [Map]'s reuse tables (map_table.go). Every
// such store is made under the home group's lock, and lock-free readers
// load the words atomically, after an atomic load of the control word
// (which an atomic store publishes after the slot's words) and before
// they check the home group's seq (which a rewrite of a published slot
// makes odd, or bumps after a delete). So the stores need to be neither
// ordered nor made visible by themselves: the control word store or the
// seq add that follows them in program order does that (both are
// read-modify-write or sequentially consistent atomics; the compiler does
// not move a store past them, and amd64 and arm64 do not either). What
// the stores must be is untorn: a reader racing with the rewrite of a
// reused slot must read each word whole, old or new, never a mix of its
// bytes; Go's memory model guarantees that of a word-sized access that
// races (https://go.dev/ref/mem, "Implementation Restrictions for
// Programs Containing Data Races"), and the seq check then throws the
// mix of words away.
//
// So these are plain stores: an atomic store is an XCHG on amd64, about
// 2 ns against 0.4 for a MOV on the EPYC box, and an insert made six of
// them (docs/benchmarks/map.md, round 12). Under the race detector, which
// reports any unsynchronized pair of accesses whatever its size,
// map_store_race.go makes them atomic.

func slotStorePointer(p *unsafe.Pointer, v unsafe.Pointer) { *p = v }

// slotStoreUint64 is a plain store only where a uint64 is one machine
// word: the reuse tables' 8-byte words (mapValWord values, mapKey64 keys)
// require 8-byte alignment, which 32-bit platforms do not give them, so
// the atomic branch is not taken in practice; it is there so that a
// future caller cannot tear a word on those platforms.
func slotStoreUint64(p *uint64, v uint64) {
	if unsafe.Sizeof(uintptr(0)) < 8 {
		atomic.StoreUint64(p, v)
		return
	}
	*p = v
}

func slotStoreUintptr(p *uintptr, v uintptr) { *p = v }

func slotStoreUint32(p *uint32, v uint32) { *p = v }
