//go:build ftutils_window

package ftutils

const mapWindow = true
