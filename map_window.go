//go:build !ftutils_window

package ftutils

// mapWindow, true only in builds with the ftutils_window tag, widens the
// window between a look-up's key match and its value load (a Gosched), so
// that the stress tests can catch a look-up that skips its check of seq;
// a constant, so that normal builds carry no trace of it.
const mapWindow = false
