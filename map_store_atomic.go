//go:build !gc || race || !(amd64 || 386)

package ftutils

import (
	"sync/atomic"
	"unsafe"
)

// The locked stores of the Map are atomic on every platform but amd64 and
// 386, and under the race detector (see map_store.go).

func lockedStorePointer(p *unsafe.Pointer, v unsafe.Pointer) { atomic.StorePointer(p, v) }

func lockedStoreUint64(p *uint64, v uint64) { atomic.StoreUint64(p, v) }

func lockedStoreUintptr(p *uintptr, v uintptr) { atomic.StoreUintptr(p, v) }

func lockedStoreUint32(p *uint32, v uint32) { atomic.StoreUint32(p, v) }
