//go:build linux && !ftutils_nopopulate

package ftutils

import (
	"syscall"
	"unsafe"
)

// mapPopulate asks the kernel to map the pages of the n bytes at p, a new
// table that a migration is about to fill, in one system call
// (madvise(MADV_POPULATE_WRITE), Linux 5.14), and returns its error
// (EINVAL from older kernels: the pages then fault in as before; callers
// ignore it).
//
// Why: a doubling allocates the new table as one large object of fresh
// memory, and that allocation usually starts a GC cycle, whose workers
// scan the table before the migration writes it. Each page is then
// faulted twice, read (mapped to the shared zero page) and then written
// (copied), and at -cpu 2 faults cost about three times as much as at
// -cpu 1 (docs/benchmarks/map.md, rounds 12 and 14). Populating a range
// changes neither its contents (a page already mapped is left as it is)
// nor any policy of the kernel's for it, and leaves nothing behind when
// the runtime frees or releases the memory: it only does now, in one
// call, the faults the migration's stores would take one by one. The
// range is rounded inward to whole pages (mapPageRange), so only the
// table's own pages are touched.
//
// Build with -tags ftutils_nopopulate to leave it out (map_populate_other.go),
// say under a seccomp filter that kills a process on madvise advice
// values it does not know.
func mapPopulate(p unsafe.Pointer, n uintptr) error {
	const madvPopulateWrite = 23 // MADV_POPULATE_WRITE, on every Linux architecture Go supports
	start, end := mapPageRange(uintptr(p), n, uintptr(syscall.Getpagesize()))
	if end <= start {
		return nil
	}
	return syscall.Madvise(unsafe.Slice((*byte)(unsafe.Add(p, start-uintptr(p))), end-start), madvPopulateWrite)
}
