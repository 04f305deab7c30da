//go:build linux && !ftutils_nopopulate

package ftutils

import (
	"errors"
	"runtime"
	"syscall"
	"testing"
	"unsafe"
)

// TestMapPopulateMaps: mapPopulate succeeds (or the kernel predates the
// call: EINVAL, skipped), and afterwards writing every page of the range
// takes almost no page faults on this thread, where fresh pages take one
// each: a call that did nothing fails it. (Where the pages were mapped
// already, as recycled heap memory is, or come in huge pages, writing
// them takes few faults either way, and the test passes without showing
// anything.)
func TestMapPopulateMaps(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const rusageThread = 1 // RUSAGE_THREAD
	faults := func() int64 {
		var ru syscall.Rusage
		if err := syscall.Getrusage(rusageThread, &ru); err != nil {
			t.Skipf("getrusage(RUSAGE_THREAD): %v", err)
		}
		return int64(ru.Minflt)
	}
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
