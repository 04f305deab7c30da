package flattoy

import (
	"runtime"
	"unsafe"
)

// slot returns &g.s[i] without a bounds check: i comes from a control
// byte masked by used, so it is below slots.
func (g *group) slot(i int) *slot {
	return (*slot)(unsafe.Add(unsafe.Pointer(&g.s[0]), uintptr(i)*unsafe.Sizeof(g.s[0])))
}

func runtimeGosched() { runtime.Gosched() }
