//go:build linux && !ftutils_nopopulate

package ftutils

import (
	"sync/atomic"
	"syscall"
	"unsafe"
)

// mapPopulate asks the kernel to map the pages of the n bytes at p, a new
// table that a migration is about to fill (madvise(MADV_POPULATE_WRITE),
// Linux 5.14), a chunk at a time. It reports whether it dropped the pages
// first (for the tests; see below) and returns the first error of the
// populate (EINVAL from older kernels: the pages then fault in as before;
// callers ignore it, and later calls return EINVAL at once). The range
// must hold only zeros, and nothing may write it until mapPopulate
// returns (a table before it is published; the collector may read it):
// mapPopulate may drop its pages, which reads them back as zeros.
//
// Why: a doubling allocates the new table as one large object, usually
// of fresh memory, and that allocation usually starts a GC cycle, whose
// workers then scan the table while the migration's writes would fault
// its pages in one by one. At -cpu 2 faults cost about three times as
// much as at -cpu 1 (docs/benchmarks/map.md, rounds 12 and 14), so the
// pages are mapped here, before the migration.
//
// And the collector's reads: a page that the collector reads first is
// mapped to the kernel's shared zero page, and populating it then copies
// that page and flushes the TLBs of the other CPUs running the process,
// one page at a time, by inter-processor interrupts. On the 2-vCPU VM
// those copies were 8 to 24 % of the samples in profiles of Go's
// LoadOrStoreBalanced at -cpu 2, varying with how far the collector got
// first (docs/benchmarks/map.md, round 16). So when the table is fresh
// memory (some page of it is not mapped yet: mapAnyUnmapped), each chunk
// is first dropped (MADV_DONTNEED: the zero pages are unmapped, with one
// flush per chunk) and then populated, which maps a zeroed page per page
// without a copy, unless the collector reads it again in between. Memory
// the runtime recycled has every page mapped and written (it zeroes a
// recycled object as a whole as it allocates it) and is only populated,
// which then does nothing; dropping it would throw away pages that need
// no copy. The chunks end at multiples of 2 MiB, so that dropping one
// never splits a transparent huge page that populating the one before
// mapped.
//
// Populating or dropping zeros changes neither their contents nor any
// policy of the kernel's for the range, and leaves nothing behind when
// the runtime frees or releases the memory. The range is rounded inward
// to whole pages (mapPageRange), so only the table's own pages are
// touched.
//
// Build with -tags ftutils_nopopulate to leave it out (map_populate_other.go),
// say under a seccomp filter that kills a process on madvise advice
// values it does not know.
func mapPopulate(p unsafe.Pointer, n uintptr) (dropped bool, err error) {
	const (
		madvDontneed      = 4  // MADV_DONTNEED
		madvPopulateWrite = 23 // MADV_POPULATE_WRITE, on every Linux architecture Go supports
		chunk             = 2 << 20
	)
	if mapNoPopulate.Load() {
		return false, syscall.EINVAL
	}
	ps := uintptr(syscall.Getpagesize())
	start, end := mapPageRange(uintptr(p), n, ps)
	if end <= start {
		return false, nil
	}
	fresh := mapAnyUnmapped(start, end, ps)
	step := max(chunk, ps) // a power of two either way
	for a := start; a < end; {
		b := min((a+step)&^(step-1), end)
		s := unsafe.Slice((*byte)(unsafe.Add(p, a-uintptr(p))), b-a)
		// A failed drop (say, of locked memory) leaves the pages as
		// they were: populate them all the same, and drop no more.
		fresh = fresh && syscall.Madvise(s, madvDontneed) == nil
		dropped = dropped || fresh
		if err := syscall.Madvise(s, madvPopulateWrite); err != nil {
			if err == syscall.EINVAL && a == start {
				mapNoPopulate.Store(true) // Linux before 5.14
			}
			return dropped, err
		}
		a = b
	}
	return dropped, nil
}

// mapNoPopulate is set once MADV_POPULATE_WRITE has failed with EINVAL on
// the first chunk of a range (a kernel that predates it), so that later
// resizes do not try again.
var mapNoPopulate atomic.Bool

// mapAnyUnmapped reports whether some page of [start, end) (whole pages
// of size ps) is not mapped (mincore(2)), and false if the kernel cannot
// tell. A page that anyone has read or written is mapped; the runtime
// zeroes (writes) a recycled object as a whole, so a table with an
// unmapped page is fresh memory that only the collector can have read.
func mapAnyUnmapped(start, end, ps uintptr) bool {
	var vec [256]byte
	for a := start; a < end; {
		np := min((end-a)/ps, uintptr(len(vec)))
		if _, _, errno := syscall.Syscall(syscall.SYS_MINCORE, a, np*ps, uintptr(unsafe.Pointer(&vec[0]))); errno != 0 {
			return false
		}
		for _, v := range vec[:np] {
			if v&1 == 0 {
				return true
			}
		}
		a += np * ps
	}
	return false
}
