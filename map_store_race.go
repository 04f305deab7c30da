//go:build race

package ftutils

import (
	"sync/atomic"
	"unsafe"
)

// Under the race detector the slot word stores are atomic, so that it
// sees them as synchronized with the readers' atomic loads (see
// map_store.go).

func slotStorePointer(p *unsafe.Pointer, v unsafe.Pointer) { atomic.StorePointer(p, v) }

func slotStoreUint64(p *uint64, v uint64) { atomic.StoreUint64(p, v) }

func slotStoreUintptr(p *uintptr, v uintptr) { atomic.StoreUintptr(p, v) }

func slotStoreUint32(p *uint32, v uint32) { atomic.StoreUint32(p, v) }
