package ftutils

import (
	"sync/atomic"
	"unsafe"
)

// Counter is an int64 counter for many goroutines that add much more often
// than they read: statistics, hit/miss counts, sizes. It is a striped adder
// like Java's java.util.concurrent.atomic.LongAdder.
//
// The zero value is a counter at 0, ready to use. A Counter must not be
// copied after first use.
//
// Memory model and consistency: Add, Incr and Decr are atomic and never
// lost. [Counter.Load] sums the base and the cells one after another: it is
// not a snapshot. It returns the exact count when no Add runs concurrently
// with it; otherwise any value between the counts before and after the
// concurrent Adds, as if some of them had not happened yet (in particular,
// with concurrent additions and subtractions it may return a value the
// counter never held). An Add that returned before Load began is always
// included: it synchronizes before that Load. [Counter.Reset] likewise zeroes
// word by word, so Adds concurrent with it may or may not survive.
//
// Progress: every method is wait-free (no loops, no locks).
//
// Cost (AMD EPYC, 2 vCPUs, Go 1.26; docs/benchmarks/contention.md): an
// uncontended Add is a call, two loads and one atomic add on the base, about
// 1.08× an inlined [sync/atomic.Int64.Add] (2.37 against 2.18 ns); once
// spread, an Add is a hash, four dependent loads and an atomic add on a
// cache line the core already owns (about 4 ns without contention, against
// 4.5 ns for one atomic word shared by two busy cores). Load costs one atomic
// load per cell.
//
// Memory: 16 bytes while uncontended; once contended, 128 bytes per cell
// (each cell has a cache line pair to itself), an 8-byte pointer per cell
// and about 550 bytes of padded bookkeeping. Cells are never freed. Place a
// Counter away from fields that are written often: every Add reads the
// Counter's own words.
//
// Algorithm (Doug Lea's Striped64, behind LongAdder): a Counter starts as
// one atomic word, the base. Only when an Add sees that another goroutine
// changed the base between its load and its atomic add (the contention
// signal) does the Counter allocate padded cells, min(GOMAXPROCS, NumCPU)
// rounded up to a power of two; later Adds go to the calling goroutine's
// cell. A goroutine finds its cell by a sticky per-goroutine
// hint (see [Sharded] for how that works without goroutine-local storage)
// and moves to a random cell when it notices that another goroutine shares
// its cell. Where we deviate: Java CASes the base and the cells and retries
// after a failed CAS; Counter loads the word, adds with one atomic add (x86
// LOCK XADD) and compares the result with the load. That never retries:
// the add has landed either way, the comparison only tells Counter to
// spread out next time. Cells are added again if GOMAXPROCS grows.
//
// Why not load after the add (one instruction closer to a bare
// atomic.Int64.Add): the window between an atomic add and a following load
// is a few cycles, so it almost never sees the other core's write (57
// detections in 80 million contended adds on the 2-core box, against
// 378,688 with the load first, where the window spans the cache-line
// transfer).
type Counter struct {
	_ noCopy
	// base takes every Add until contention is seen, then only Reset.
	base atomic.Int64
	// cells is nil until the first contention, then an immutable cell
	// array, replaced (by CAS) only by a larger one that keeps the old
	// cells.
	cells atomic.Pointer[counterCells]
}

// counterCells is an immutable array of cells; len(c) is a power of two.
// Every Add on the cells path reads it, so it is padded on both sides, and
// c's backing array is too (see newCellPtrs): as small objects they would
// otherwise share size-class spans, and cache lines, with whatever the
// program allocates next, and a hot neighbour would cost a miss per Add.
type counterCells struct {
	_    [cacheLinePad]byte
	mask uint32 // len(c) - 1
	c    []*counterCell
	_    [cacheLinePad]byte
}

// newCellPtrs returns n nil cell pointers in a backing array with
// cacheLinePad bytes of unused slots on each side.
func newCellPtrs(n int) []*counterCell {
	const pad = cacheLinePad / int(unsafe.Sizeof((*counterCell)(nil)))
	return make([]*counterCell, n+2*pad)[pad : pad+n : pad+n]
}

// counterCell is one stripe, padded to a full cacheLinePad so that two
// cells never share a cache line (or an adjacent-line prefetch pair). It is
// allocated on its own; the 128-byte size class keeps it 128-byte aligned.
type counterCell struct {
	v atomic.Int64
	_ [cacheLinePad - unsafe.Sizeof(atomic.Int64{})]byte
}

// Add adds d to the counter.
//
// Add does not inline: no variant with a contention check fits the
// inliner's budget (the smallest, load + add + compare + call, costs 81 of
// 80). So the uncontended path is kept as short as a call can be: the
// cells path lives in its own function, so Add's frame is minimal and the
// base path falls through, and go:nosplit drops the stack-bound check from
// the prologue (safe: Add's frame is 16 bytes and everything it calls
// checks its own stack). Together these took an uncontended Add from 1.21×
// to 1.08× an inlined atomic.Int64.Add (2.37 against 2.18 ns, 15 runs on
// a quiet machine, docs/benchmarks/contention.md).
//
//go:nosplit
func (c *Counter) Add(d int64) {
	if cs := c.cells.Load(); cs != nil {
		c.addCell(cs, d)
		return
	}
	old := c.base.Load()
	if c.base.Add(d) != old+d {
		// Someone else changed base between our load and our add.
		// Our add has landed; spread out for next time.
		c.grow(nil)
	}
}

// addCell is Add once the counter has spread to the cells cs: it adds d
// to the calling goroutine's cell.
//
//go:noinline
func (c *Counter) addCell(cs *counterCells, d int64) {
	h := stackHash()
	cell := cs.c[probe(h)&cs.mask]
	if old := cell.v.Load(); cell.v.Add(d) != old+d {
		c.collide(cs, h)
	}
}

// Incr adds 1 to the counter.
func (c *Counter) Incr() { c.Add(1) }

// Decr subtracts 1 from the counter.
func (c *Counter) Decr() { c.Add(-1) }

// collide handles a cell that another goroutine also uses: it moves the
// goroutine with stack hash h to another cell for next time, and adds cells
// if GOMAXPROCS has grown since cs was made.
func (c *Counter) collide(cs *counterCells, h uint32) {
	reprobe(h)
	// Check the cheap bound first: GOMAXPROCS(0) takes a runtime lock.
	if len(cs.c) < maxShards && len(cs.c) < shardCount() {
		c.grow(cs)
	}
}

// grow replaces the cell array old (nil: none yet) by one with
// shardCount() cells that keeps old's cells. It does nothing if another
// goroutine replaced old first, or if there is no parallelism to spread
// over (a single cell would only add a hop).
func (c *Counter) grow(old *counterCells) {
	n := shardCount()
	if n < 2 || (old != nil && len(old.c) >= n) {
		return
	}
	cs := &counterCells{mask: uint32(n - 1), c: newCellPtrs(n)}
	if old != nil {
		copy(cs.c, old.c)
	}
	for i := range cs.c {
		if cs.c[i] == nil {
			cs.c[i] = new(counterCell)
		}
	}
	c.cells.CompareAndSwap(old, cs)
}

// Load returns the sum of the base and all cells. It is not a snapshot; see
// [Counter] for what it returns while Adds run concurrently.
func (c *Counter) Load() int64 {
	sum := c.base.Load()
	if cs := c.cells.Load(); cs != nil {
		for _, cell := range cs.c {
			sum += cell.v.Load()
		}
	}
	return sum
}

// Reset sets the counter to zero, word by word. Adds that run concurrently
// with it may or may not survive; the cells stay allocated.
func (c *Counter) Reset() {
	c.base.Store(0)
	if cs := c.cells.Load(); cs != nil {
		for _, cell := range cs.c {
			cell.v.Store(0)
		}
	}
}

// LoadAndReset sets the counter to zero and returns what it held, like
// Java's LongAdder.sumThenReset. Each word is swapped atomically, so an Add
// concurrent with it is counted either in the result or in the counter
// afterwards, never lost and never twice; but the result is not a snapshot.
func (c *Counter) LoadAndReset() int64 {
	sum := c.base.Swap(0)
	if cs := c.cells.Load(); cs != nil {
		for _, cell := range cs.c {
			sum += cell.v.Swap(0)
		}
	}
	return sum
}
