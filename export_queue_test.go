package ftutils

import "unsafe"

// SetTestHookWake installs f to be called each time a parked Pop, Get, Put
// or Join returns from its wait, and returns a function that removes it.
// Tests that use it must not run in parallel with other queue tests.
func SetTestHookWake(f func()) (restore func()) {
	old := testHookWake
	testHookWake = f
	return func() { testHookWake = old }
}

// SetTestHookPark installs f to be called by a Queue.Pop that found the
// queue empty, just before it parks, and returns a function that removes it.
func SetTestHookPark(f func()) (restore func()) {
	old := testHookPark
	testHookPark = f
	return func() { testHookPark = old }
}

// SetTestHookPopGap installs f to be called by Queue.PopTimeout and
// Queue's waiting pops between their read of the shutdown flag and their
// TryPop (final: no wait follows), and returns a function that removes it.
func SetTestHookPopGap(f func(final bool)) (restore func()) {
	old := testHookPopGap
	testHookPopGap = f
	return func() { testHookPopGap = old }
}

// QueueLayout returns the offsets of the consumer, producer and shared
// groups of fields in a Queue, for the padding test.
func QueueLayout() (head, tail, shared uintptr) {
	var q Queue[int]
	return unsafe.Offsetof(q.headMu), unsafe.Offsetof(q.tailW), unsafe.Offsetof(q.shut)
}
