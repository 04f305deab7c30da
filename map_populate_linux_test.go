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
	_, err := mapPopulate(unsafe.Pointer(&buf[0]), n)
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

// mapMmap returns n bytes of fresh anonymous memory and the function
// that unmaps them.
func mapMmap(t *testing.T, n int) (b []byte, unmap func()) {
	t.Helper()
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	return b, func() {
		if err := syscall.Munmap(b); err != nil {
			t.Errorf("munmap: %v", err)
		}
	}
}

// TestMapAnyUnmapped: mincore finds the fresh page of a range whose other
// pages were read (mapped to the zero page) or written, and finds none
// once that page is touched too.
func TestMapAnyUnmapped(t *testing.T) {
	ps := syscall.Getpagesize()
	b, unmap := mapMmap(t, 3*ps)
	defer unmap()
	base := uintptr(unsafe.Pointer(&b[0]))
	if !mapAnyUnmapped(base, base+3*uintptr(ps), uintptr(ps)) {
		t.Skip("mincore reports fresh pages as mapped here")
	}
	var sink byte
	sink += b[0]
	b[ps] = 1
	if !mapAnyUnmapped(base, base+3*uintptr(ps), uintptr(ps)) {
		t.Errorf("pages read, written, fresh: mapAnyUnmapped = false; want true")
	}
	sink += b[2*ps]
	if mapAnyUnmapped(base, base+3*uintptr(ps), uintptr(ps)) {
		t.Errorf("pages read, written, read: mapAnyUnmapped = true; want false")
	}
	runtime.KeepAlive(sink)
}

// TestMapPopulateStates: for memory whose pages are fresh, were read in
// part (mapped to the zero page, as when the collector scans part of a
// new table before the populate) or all, or were written, populating
// ranges of zeros leaves them zeros, changes no byte around them, drops
// the pages first exactly when some whole page of the range was fresh,
// and leaves the whole pages mapped: writing them afterwards takes almost
// no faults (not checked under -race).
func TestMapPopulateStates(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	faults := func() int64 { return mapThreadFaults(t) }
	ps := syscall.Getpagesize()
	const words = 1 << 20
	for _, state := range []string{"fresh", "read-half", "read", "written"} {
		for _, r := range mapPopulateRanges(words) {
			b, unmap := mapMmap(t, words*8)
			buf := unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), words)
			base := uintptr(unsafe.Pointer(&buf[0]))
			// The range's whole pages, as word indices [lo, hi).
			start, end := mapPageRange(base+uintptr(r[0])*8, uintptr(r[1]-r[0])*8, uintptr(ps))
			lo, hi, pw := int(start-base)/8, int(end-base)/8, ps/8
			var sink uint64
			switch state {
			case "read-half": // the first half of the whole pages
				for i := lo; i < lo+(hi-lo)/pw/2*pw; i += pw {
					sink += buf[i]
				}
			case "read":
				for i := lo; i < hi; i += pw {
					sink += buf[i]
				}
			case "written":
				for i := r[0]; i < r[1]; i++ {
					buf[i] = 0
				}
			}
			mapMarkAround(buf, r)
			dropped, err := mapPopulate(unsafe.Pointer(&buf[r[0]]), uintptr(r[1]-r[0])*8)
			if errors.Is(err, syscall.EINVAL) {
				unmap()
				t.Skip("madvise(MADV_POPULATE_WRITE): EINVAL (Linux before 5.14)")
			}
			if err != nil {
				t.Fatalf("%s, range %v: mapPopulate = %v; want nil", state, r, err)
			}
			if want := end > start && (state == "fresh" || state == "read-half"); dropped != want {
				t.Errorf("%s, range %v: mapPopulate dropped the pages: %v; want %v", state, r, dropped, want)
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
			mapCheckPopulated(t, state+", ", buf, r)
			runtime.KeepAlive(sink)
			unmap()
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
