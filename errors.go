package ftutils

import "errors"

// Sentinel errors shared by every queue type. Compare with [errors.Is]: the
// library may wrap them to add detail.
var (
	// ErrShutDown is returned by a queue operation that can no longer
	// succeed because the queue was shut down (Python's queue.ShutDown).
	ErrShutDown = errors.New("ftutils: queue shut down")
	// ErrEmpty is returned by a non-blocking or timed-out removal from an
	// empty queue (Python's queue.Empty).
	ErrEmpty = errors.New("ftutils: queue empty")
	// ErrFull is returned by a non-blocking or timed-out insertion into a
	// full bounded queue (Python's queue.Full).
	ErrFull = errors.New("ftutils: queue full")
	// ErrClosed is returned by an executor or gatherer that was closed,
	// usually because an earlier call failed; the error that closed it is
	// wrapped alongside.
	ErrClosed = errors.New("ftutils: closed")
)
