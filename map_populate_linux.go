//go:build linux && !ftutils_nopopulate

package ftutils

import (
	"syscall"
	"unsafe"
)

// mapPopulate asks the kernel to map the pages of the n bytes at p, a new
// table that a migration is about to fill, a chunk at a time
// (madvise(MADV_POPULATE_WRITE), Linux 5.14), and returns the first
// error (EINVAL from older kernels: the pages then fault in as before;
// callers ignore it). The range must hold only zeros, and nothing may
// write it until mapPopulate returns (a table before it is published;
// the collector may read it).
//
// Why: a doubling allocates the new table as one large object, usually
// of fresh memory, and that allocation usually starts a GC cycle, whose
// workers then scan the table while the migration's writes would fault
// its pages in one by one. At -cpu 2 faults cost about three times as
// much as at -cpu 1 (docs/benchmarks/map.md, rounds 12 and 14), so the
// pages are mapped here, before the migration, in a few calls.
//
// And the collector's reads: a page that the collector reads first is
// mapped to the kernel's shared zero page, and populating it then copies
// that page and flushes the TLBs of the other CPUs running the process,
// one page at a time, by inter-processor interrupts. On the 2-vCPU VM
// those copies were 8 to 24 % of the samples in profiles of Go's
// LoadOrStoreBalanced at -cpu 2, varying with how far the collector got
// first (docs/benchmarks/map.md, round 16). So when the table is fresh
// memory (its middle page, which the collector's scan of a large object
// reaches last, is not mapped: mapResident), each chunk is first dropped
// (MADV_DONTNEED: zero pages are unmapped, with one flush per chunk, and
// the contents stay zeros) and then populated, which maps a zeroed page
// per page without a copy.
// Memory the runtime recycled has every page mapped and written (it
// zeroes it on allocation) and is only populated, which then does
// nothing.
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
func mapPopulate(p unsafe.Pointer, n uintptr) error {
	const (
		madvDontneed      = 4  // MADV_DONTNEED
		madvPopulateWrite = 23 // MADV_POPULATE_WRITE, on every Linux architecture Go supports
		// chunk: 64 pages of 4 KiB, a multiple of every page size.
		chunk = 256 << 10
	)
	ps := uintptr(syscall.Getpagesize())
	start, end := mapPageRange(uintptr(p), n, ps)
	if end <= start {
		return nil
	}
	at := func(a, n uintptr) []byte { return unsafe.Slice((*byte)(unsafe.Add(p, a-uintptr(p))), n) }
	resident, ok := mapResident(at(start+(end-start)/2&^(ps-1), ps))
	fresh := ok && !resident
	for a := start; a < end; a += chunk {
		s := at(a, min(chunk, end-a))
		if fresh {
			if err := syscall.Madvise(s, madvDontneed); err != nil {
				return err
			}
		}
		if err := syscall.Madvise(s, madvPopulateWrite); err != nil {
			return err
		}
	}
	return nil
}

// mapResident reports whether the page b (one whole page) is mapped
// (mincore(2)), and ok false if the kernel could not tell.
func mapResident(b []byte) (resident, ok bool) {
	var vec [1]byte
	_, _, errno := syscall.Syscall(syscall.SYS_MINCORE, uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)), uintptr(unsafe.Pointer(&vec[0])))
	return vec[0]&1 != 0, errno == 0
}
