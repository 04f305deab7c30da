// Package ftutils is a library of scalable concurrent data structures and
// synchronization primitives for Go: a port, and an extension, of Meta's
// ft_utils for free-threaded Python.
//
// Free-threaded Python needed ft_utils because removing the GIL made shared
// state truly parallel. Go has always been there: goroutines run in
// parallel on every P, and a read-modify-write such as x++ or m[k] += 1 is
// never atomic. This package gives Go the same toolbox, in Go's own idiom
// (sync/atomic vocabulary, zero values ready to use, context-aware blocking,
// iter.Seq iterators):
//
//   - Atomics: [AtomicInt64] (the sync/atomic operations plus Mul, Div, Xor,
//     Not, StoreMax, StoreMin, Update), [AtomicRef] (pointer identity
//     compare-and-swap) and [AtomicFlag] (a flag that can be waited on).
//   - [Map]: a concurrent hash map with the complete sync.Map method set,
//     typed, with O(1) Len, atomic per-key Compute and weakly consistent
//     iterators.
//   - Queues: [Queue] (unbounded MPMC FIFO with blocking Pop, timeouts and
//     drain-or-immediate shutdown), [WorkQueue] (Python's queue.Queue:
//     maxsize, TaskDone and Join) and [Deque].
//   - Locks: [IntervalLock] (a mutex whose holder cedes it to waiters every
//     interval, like the GIL's switch interval) and [RWLock] (a
//     writer-preferring drop-in for sync.RWMutex with introspection).
//   - Contention helpers: [Sharded] (per-goroutine-hinted slots combined
//     on read), [Counter] (a LongAdder-style striped counter),
//     [BatchExecutor] and [BatchLocal] (one goroutine refills a batch that
//     many consume) and [Gatherer] (results from many producers read back
//     in key order).
//
// # From ft_utils
//
// Python context managers become defer: ft_utils' RWReadContext and
// RWWriteContext are l.RLock(); defer l.RUnlock() and l.Lock(); defer
// l.Unlock(). LocalWrapper exists in ft_utils to keep reference-count
// traffic off shared objects; Go has no reference counts, so what ftutils
// keeps private is the hot shared word itself ([Sharded], [Counter],
// [BatchLocal]). Go has no goroutine identity, so [IntervalLock] cannot
// check that Unlock comes from the holder; like sync.Mutex it allows
// another goroutine to unlock, and it panics on an unlock of an unlocked
// lock. ft_utils' ConcurrentQueue lock_free flag has no meaning in Go:
// waiting goroutines park, they never poll.
//
// # Conventions
//
// Every type's zero value is ready to use unless its documentation names a
// constructor, and no value may be copied after first use (go vet's
// copylocks check reports copies). Blocking operations take a
// [context.Context] and return ctx.Err() with the structure unchanged when
// it is done. Expected outcomes are reported with a bool or one of the
// sentinel errors [ErrShutDown], [ErrEmpty], [ErrFull] and [ErrClosed]
// (compare with [errors.Is]); programmer mistakes — a negative size, an
// Unlock of an unlocked lock, a TaskDone too many — panic with a message
// that starts with "ftutils: ".
//
// Each type's documentation states its memory-model edges ("synchronizes
// before"), its progress guarantee, which operations are linearizable and
// which are weakly consistent, its cost measured on named hardware, and the
// algorithm it follows. docs/concepts.md maps the lessons of the GIL onto
// Go; docs/BENCHMARKS.md and docs/RELIABILITY.md hold the evidence.
package ftutils
