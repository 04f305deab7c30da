package layouttoy

import "sync/atomic"

type atomicPtrA = atomic.Pointer[A]
