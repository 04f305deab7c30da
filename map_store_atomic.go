//go:build race || !(amd64 || 386)

package ftutils

import (
	"sync/atomic"
	"unsafe"
)

// The fill stores of the Map are atomic on every platform but amd64 and
// 386, and under the race detector (see map_store.go).

func fillStorePointer(p *unsafe.Pointer, v unsafe.Pointer) { atomic.StorePointer(p, v) }

func fillStoreUint64(p *uint64, v uint64) { atomic.StoreUint64(p, v) }

func fillStoreUintptr(p *uintptr, v uintptr) { atomic.StoreUintptr(p, v) }

func fillStoreUint32(p *uint32, v uint32) { atomic.StoreUint32(p, v) }
