package ftutils

import "unsafe"

// Hooks for the contention helpers' black-box tests.

// StackHash exposes stackHash.
func StackHash() uint32 { return stackHash() }

// RoundUpPow2 exposes roundUpPow2.
func RoundUpPow2(n int) int { return roundUpPow2(n) }

// CounterCells returns the number of cells of c (0 while uncontended).
func CounterCells(c *Counter) int {
	if cs := c.cells.Load(); cs != nil {
		return len(cs.c)
	}
	return 0
}

// SpreadCounter makes c use cells, as the first contention would.
func SpreadCounter(c *Counter) { c.grow(nil) }

// CounterCellSize is the size of one counter cell.
const CounterCellSize = unsafe.Sizeof(counterCell{})

// ShardedStride returns the distance between the values of two
// neighbouring slots, and the size of T.
func ShardedStride[T any]() (stride, size uintptr) {
	var s [2]shardSlot[T]
	return uintptr(unsafe.Pointer(&s[1].v)) - uintptr(unsafe.Pointer(&s[0].v)), unsafe.Sizeof(s[0].v)
}
