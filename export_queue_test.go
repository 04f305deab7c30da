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

// SetTestHookPark installs f to be called by a pop of q that found it
// empty, just before it parks, and returns a function that removes it. Pops
// of other queues (a goroutine a previous test left behind) do not call f.
func SetTestHookPark[T any](q *Queue[T], f func()) (restore func()) {
	old := testHookPark
	testHookPark = func(x any) {
		if x == any(q) {
			f()
		}
	}
	return func() { testHookPark = old }
}

// SetTestHookPopGap installs f to be called by PopTimeout and the waiting
// pops of q between their read of the shutdown flag and their TryPop
// (final: no wait follows), and returns a function that removes it.
func SetTestHookPopGap[T any](q *Queue[T], f func(final bool)) (restore func()) {
	old := testHookPopGap
	testHookPopGap = func(x any, final bool) {
		if x == any(q) {
			f(final)
		}
	}
	return func() { testHookPopGap = old }
}

// QueueLayout returns the offsets of the consumer, producer and shared
// groups of fields in a Queue, for the padding test.
func QueueLayout() (head, tail, shared uintptr) {
	var q Queue[int]
	return unsafe.Offsetof(q.headMu), unsafe.Offsetof(q.tailW), unsafe.Offsetof(q.shut)
}
