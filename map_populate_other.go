//go:build !linux || ftutils_nopopulate

package ftutils

import "unsafe"

// mapPopulate does nothing here: see map_populate_linux.go.
func mapPopulate(p unsafe.Pointer, n uintptr) (dropped bool, err error) { return false, nil }
