//go:build !ftutils_window

package ftutils

// mapWindow, true only in builds with the ftutils_window tag, widens the
// window between a look-up's key match and its value load, and between
// two groups of a chain (a Gosched each), so that the stress tests can
// catch a look-up that skips its check of seq, or a chain cut while a
// reader walks it; a constant, so that normal builds carry no trace of
// it.
const mapWindow = false
