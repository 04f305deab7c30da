//go:build linux && !ftutils_nopopulate

package ftutils

import (
	"errors"
	"runtime"
	"syscall"
	"testing"
	"unsafe"

	"github.com/ftutils-go/ftutils/internal/stress"
)

// TestMapPopulateMaps: mapPopulate succeeds (or the kernel predates the
// call: EINVAL, skipped), and afterwards writing every page of the range
// takes almost no page faults on this thread, where fresh pages take one
// each: a call that did nothing fails it. (Where the pages were mapped
// already, as recycled heap memory is, or come in huge pages, writing
// them takes few faults either way, and the test passes without showing
// anything.)
func TestMapPopulateMaps(t *testing.T) {
	if stress.RaceEnabled {
		// The race detector's shadow memory faults in as the test writes
		// the range (two faults per page here), and the counts include
		// them. TestMapPopulateStates still checks the contents.
		t.Skip("page fault counts include the race detector's shadow memory")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	faults := func() int64 { return mapThreadFaults(t) }
	ps := syscall.Getpagesize()
	const n = 16 << 20
	buf := make([]byte, n)
	err := mapPopulate(unsafe.Pointer(&buf[0]), n)
	if errors.Is(err, syscall.EINVAL) {
		t.Skip("madvise(MADV_POPULATE_WRITE): EINVAL (Linux before 5.14)")
	}
	if err != nil {
		t.Fatalf("mapPopulate = %v; want nil", err)
	}
	before := faults()
	for i := 0; i < n; i += ps {
		buf[i] = 1
	}
	pages := int64(n / ps)
	if got := faults() - before; got > pages/16 {
		t.Errorf("writing %d populated pages took %d page faults; want at most %d", pages, got, pages/16)
	}
	runtime.KeepAlive(buf)
}

// mapMmap returns n bytes of fresh anonymous memory, unmapped at the end
// of the test.
func mapMmap(t *testing.T, n int) []byte {
	t.Helper()
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Munmap(b) })
	return b
}

// TestMapResident: mincore sees a fresh page unmapped, and a page mapped
// once read (the zero page) or written.
func TestMapResident(t *testing.T) {
	ps := syscall.Getpagesize()
	b := mapMmap(t, 3*ps)
	var sink byte
	sink += b[ps]
	b[2*ps] = 1
	for i, want := range []bool{false, true, true} {
		resident, ok := mapResident(b[i*ps : (i+1)*ps])
		if !ok {
			t.Skip("mincore failed")
		}
		if resident != want {
			t.Errorf("page %d (fresh, read, written): resident = %v; want %v", i, resident, want)
		}
	}
	runtime.KeepAlive(sink)
}

// TestMapPopulateStates: for memory whose pages are fresh, were read
// first (mapped to the zero page, as when the collector scans a new table
// before the populate; mapPopulate then drops and maps them) or were
// written, populating ranges of zeros leaves them zeros, changes no byte
// around them, and leaves the range's whole pages mapped: writing them
// afterwards takes almost no faults (not checked under -race).
func TestMapPopulateStates(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	faults := func() int64 { return mapThreadFaults(t) }
	ps := syscall.Getpagesize()
	const words = 1 << 20
	mark := func(i int) uint64 { return uint64(i)*0x9E3779B97F4A7C15 | 1 }
	for _, state := range []string{"fresh", "read", "written"} {
		for _, r := range mapPopulateRanges(words) {
			b := mapMmap(t, words*8)
			buf := unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), words)
			var sink uint64
			for i := r[0]; i < r[1]; i++ {
				switch {
				case state == "read" && i%(ps/8) == 0:
					sink += buf[i]
				case state == "written":
					buf[i] = 0
				}
			}
			for i := range buf {
				if i < r[0] || i >= r[1] {
					buf[i] = mark(i)
				}
			}
			err := mapPopulate(unsafe.Pointer(&buf[r[0]]), uintptr(r[1]-r[0])*8)
			if errors.Is(err, syscall.EINVAL) {
				t.Skip("madvise(MADV_POPULATE_WRITE): EINVAL (Linux before 5.14)")
			}
			if err != nil {
				t.Fatalf("%s, range %v: mapPopulate = %v; want nil", state, r, err)
			}
			before := faults()
			for i := r[0]; i < r[1]; i += ps / 8 {
				buf[i] = 0
			}
			pages := int64(r[1]-r[0]) * 8 / int64(ps)
			// Under -race the counts include the shadow memory's faults.
			if got := faults() - before; !stress.RaceEnabled && got > pages/16+2 { // +2: the partial pages at the ends
				t.Errorf("%s, range %v: writing %d populated pages took %d page faults; want at most %d", state, r, pages, got, pages/16+2)
			}
			for i, x := range buf {
				want := mark(i)
				if i >= r[0] && i < r[1] {
					want = 0
				}
				if x != want {
					t.Fatalf("%s, range %v: buf[%d] = %#x after mapPopulate; want %#x", state, r, i, x, want)
				}
			}
			runtime.KeepAlive(sink)
		}
	}
}

// mapThreadFaults returns the minor page faults of the calling thread so
// far (the caller has locked itself to its thread), or skips the test if
// the kernel cannot tell.
func mapThreadFaults(t *testing.T) int64 {
	t.Helper()
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		t.Skipf("getrusage(RUSAGE_THREAD): %v", err)
	}
	return int64(ru.Minflt)
}
