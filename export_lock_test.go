package ftutils

// IntervalLockWaiters returns the number of goroutines queued on l, so tests
// can wait until a waiter is queued and check that Cede served it.
func IntervalLockWaiters(l *IntervalLock) int {
	return int(l.state.Load() / ilWaiterUnit)
}

// IntervalLockStride returns the number of polls between clock reads.
func IntervalLockStride(l *IntervalLock) int {
	return int(max(l.stride, 1))
}
