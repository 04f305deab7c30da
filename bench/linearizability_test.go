package bench

// Linearizability checks. Each TestLin* test records concurrent histories of
// one ftutils type (N goroutines behind a start barrier, each running a
// random mix of operations, every call and return stamped with one shared
// monotonic clock) and checks them against a sequential model with
// porcupine (Horn & Kroening's P-compositionality plus Lowe's
// Wing-and-Gong search; https://github.com/anishathalye/porcupine).
//
// Every history is recorded over several independent instances of the type
// and the model partitions by instance (and, for Map, by key): by the
// locality of linearizability (Herlihy & Wing 1990, §3.2) the whole history
// is linearizable iff every partition is, and the checker's exponential
// search stays within small windows.
//
// Each test sweeps the GOMAXPROCS values {1, 2, 2×NumCPU} and, at each,
// records histories with and without forced preemption points (a
// runtime.Gosched between steps, and inside the critical sections of the
// lock tests, taken with probability linYield).
//
// Modes (see docs/RELIABILITY.md):
//   - go test -short (CI): a few small histories per mode; a check that
//     porcupine cannot finish within linShortTimeout is logged, not failed.
//   - go test: more and larger histories.
//   - FTUTILS_LONG=1 go test -run '^TestLin' -v -timeout 60m: thousands of
//     operations per history, many histories per mode; Unknown (timeout)
//     fails. FTUTILS_LIN_HISTORIES=n overrides the histories per mode.

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"go.uber.org/goleak"

	"github.com/ftutils-go/ftutils/internal/stress"
)

// TestMain fails the bench module's test binary if any test leaves a
// goroutine behind (a blocked Pop, Join or gatherer, or a recorder worker).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// linYield is the probability of a forced preemption point between two
// steps of a client (and inside a lock test's critical section) in the
// "preempt" histories.
const linYield = 0.3

// linLong reports whether the long, documented run was asked for.
func linLong() bool { return os.Getenv("FTUTILS_LONG") != "" }

// linSize is the size of one test's run: histories recorded per
// (GOMAXPROCS, preemption) mode, clients per history and operations per
// client, and how long porcupine may take per history.
type linSize struct {
	histories int
	clients   int
	ops       int
	timeout   time.Duration
}

// linSizeFor returns the size for the current mode. heavy marks models
// whose state is a sequence (queues), whose search costs more per step.
func linSizeFor(heavy bool) linSize {
	var s linSize
	switch {
	case linLong():
		s = linSize{histories: 50, clients: 8, ops: 2000, timeout: 2 * time.Minute}
		if heavy {
			// Queue states are sequences and blocking pops overlap
			// many operations: at 500 ops per client porcupine gave no
			// verdict on 3 of 248 Queue histories within 2 minutes.
			s.ops = 250
		}
	case testing.Short():
		s = linSize{histories: 2, clients: 4, ops: 100, timeout: time.Second}
		if stress.RaceEnabled {
			s.ops = 50
		}
	default:
		s = linSize{histories: 4, clients: 6, ops: 300, timeout: 10 * time.Second}
	}
	if n, err := strconv.Atoi(os.Getenv("FTUTILS_LIN_HISTORIES")); err == nil && n > 0 {
		s.histories = n
	}
	return s
}

// linProcs returns the GOMAXPROCS values each test sweeps.
func linProcs() []int {
	p := []int{1, 2}
	if n := 2 * runtime.NumCPU(); n > 2 {
		p = append(p, n)
	}
	return p
}

// linSpec describes one linearizability test: how to build a fresh set of
// objects for a history, how a client picks its next input and how an input
// is applied. S holds the objects under test (usually a slice of
// instances); inputs must name the instance so the model can partition.
type linSpec[S any] struct {
	model porcupine.Model
	heavy bool
	// fresh returns new objects for one history and a func, run after the
	// history is recorded, that releases them (nil if nothing to release).
	fresh func() (S, func())
	// gen picks client c's i-th input. It may read state that client c's
	// earlier applies left in s (only client c's own part of it).
	gen func(s S, rng *rand.Rand, c, i int) any
	// apply performs in on s and returns the output to record. yield is
	// called at points inside the operation where a forced preemption may
	// be placed (critical sections of the lock tests).
	apply func(s S, in any, yield func()) any
}

// linClock is the shared monotonic clock. Stamps come from one process-wide
// monotonic source, so an operation that returned before another was called
// always has the smaller stamp; equal stamps count as overlapping, which is
// conservative.
type linClock struct{ base time.Time }

func (c linClock) now() int64 { return int64(time.Since(c.base)) }

// recordHistory runs clients goroutines behind a start barrier, each doing
// ops operations picked by spec.gen, and returns the history. With yieldP >
// 0 a client calls runtime.Gosched before a step, and at each yield point
// inside one, with that probability.
func recordHistory[S any](spec linSpec[S], clients, ops int, yieldP float64, seed uint64) []porcupine.Operation {
	objs, release := spec.fresh()
	if release != nil {
		defer release()
	}
	clock := linClock{base: time.Now()}
	per := make([][]porcupine.Operation, clients)
	var start, done sync.WaitGroup
	start.Add(1)
	for c := range clients {
		done.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(c)))
			yield := func() {
				if yieldP > 0 && rng.Float64() < yieldP {
					runtime.Gosched()
				}
			}
			hist := make([]porcupine.Operation, 0, ops)
			start.Wait()
			for i := range ops {
				in := spec.gen(objs, rng, c, i)
				yield()
				call := clock.now()
				out := spec.apply(objs, in, yield)
				ret := clock.now()
				hist = append(hist, porcupine.Operation{ClientId: c, Input: in, Call: call, Output: out, Return: ret})
			}
			per[c] = hist
		})
	}
	start.Done()
	done.Wait()
	var all []porcupine.Operation
	for _, h := range per {
		all = append(all, h...)
	}
	return all
}

// linStats counts what the long run reports.
type linStats struct {
	histories, ops, unknown atomic.Int64
}

// checkHistory checks one history and reports an Illegal result with a
// porcupine visualization written to a file whose path is logged. Unknown
// (the checker ran out of time) fails only in long mode.
func checkHistory(t *testing.T, model porcupine.Model, hist []porcupine.Operation, timeout time.Duration, st *linStats) {
	t.Helper()
	res := porcupine.CheckOperationsTimeout(model, hist, timeout)
	st.histories.Add(1)
	st.ops.Add(int64(len(hist)))
	switch res {
	case porcupine.Ok:
	case porcupine.Unknown:
		st.unknown.Add(1)
		if linLong() {
			t.Errorf("porcupine: no verdict within %v for a history of %d operations", timeout, len(hist))
		} else {
			t.Logf("porcupine: no verdict within %v for a history of %d operations (not a failure outside FTUTILS_LONG)", timeout, len(hist))
		}
	case porcupine.Illegal:
		_, info := porcupine.CheckOperationsVerbose(model, hist, timeout)
		path := filepath.Join(os.TempDir(), fmt.Sprintf("ftutils-lin-%s-%d.html", sanitize(t.Name()), time.Now().UnixNano()))
		if err := porcupine.VisualizePath(model, info, path); err != nil {
			t.Logf("visualization: %v", err)
			path = "(not written)"
		}
		t.Errorf("history of %d operations is not linearizable; visualization: %s", len(hist), path)
		if dump := dumpIllegalPartition(model, hist, timeout); dump != "" {
			t.Logf("%s", dump)
		}
	}
}

// dumpIllegalPartition finds the first partition porcupine rejects and
// returns its operations, ordered by call time, as text: inline when
// short, else in a file whose path is returned.
func dumpIllegalPartition(model porcupine.Model, hist []porcupine.Operation, timeout time.Duration) string {
	parts := [][]porcupine.Operation{hist}
	if model.Partition != nil {
		parts = model.Partition(hist)
	}
	for _, p := range parts {
		if porcupine.CheckOperationsTimeout(model, p, timeout) != porcupine.Illegal {
			continue
		}
		p = slices.Clone(p)
		slices.SortFunc(p, func(a, b porcupine.Operation) int { return cmp.Compare(a.Call, b.Call) })
		var b strings.Builder
		describe := model.DescribeOperation
		if describe == nil {
			describe = func(in, out any) string { return fmt.Sprintf("%v -> %v", in, out) }
		}
		for _, op := range p {
			fmt.Fprintf(&b, "client %d [%d, %d] %s\n", op.ClientId, op.Call, op.Return, describe(op.Input, op.Output))
		}
		if len(p) <= 60 {
			return "rejected partition:\n" + b.String()
		}
		path := filepath.Join(os.TempDir(), fmt.Sprintf("ftutils-lin-partition-%d.txt", time.Now().UnixNano()))
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			return "rejected partition not written: " + err.Error()
		}
		return fmt.Sprintf("rejected partition (%d operations): %s", len(p), path)
	}
	return ""
}

func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			b[i] = '_'
		}
	}
	return string(b)
}

// runLin records and checks spec's histories in every mode: one subtest per
// GOMAXPROCS value and preemption setting.
func runLin[S any](t *testing.T, spec linSpec[S]) {
	size := linSizeFor(spec.heavy)
	var st linStats
	for _, procs := range linProcs() {
		for _, yieldP := range []float64{0, linYield} {
			name := fmt.Sprintf("procs=%d/preempt=%v", procs, yieldP > 0)
			t.Run(name, func(t *testing.T) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				for h := range size.histories {
					seed := uint64(time.Now().UnixNano()) ^ uint64(h)<<32
					hist := recordHistory(spec, size.clients, size.ops, yieldP, seed)
					checkHistory(t, spec.model, hist, size.timeout, &st)
					if t.Failed() {
						t.Logf("seed %d", seed)
						return
					}
				}
			})
		}
	}
	t.Logf("checked %d histories, %d operations (%d clients × %d ops each), %d without verdict",
		st.histories.Load(), st.ops.Load(), size.clients, size.ops, st.unknown.Load())
}

// partitionBy returns a porcupine Partition func that groups operations by
// the key that key extracts from their input.
func partitionBy[K comparable](key func(in any) K) func([]porcupine.Operation) [][]porcupine.Operation {
	return func(h []porcupine.Operation) [][]porcupine.Operation {
		idx := map[K]int{}
		var out [][]porcupine.Operation
		for _, op := range h {
			k := key(op.Input)
			i, ok := idx[k]
			if !ok {
				i = len(out)
				idx[k] = i
				out = append(out, nil)
			}
			out[i] = append(out[i], op)
		}
		return out
	}
}

// TestGoleakCatchesBlockedGoroutine shows that this module's leak check can
// fail: a goroutine parked on a channel is reported by goleak.Find until it
// is released.
func TestGoleakCatchesBlockedGoroutine(t *testing.T) {
	release := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		<-release
	}()
	if err := goleak.Find(); err == nil {
		t.Error("goleak.Find() = nil with a goroutine parked on a channel; want a leak report")
	}
	close(release)
	<-exited
	if err := goleak.Find(); err != nil {
		t.Errorf("goleak.Find() after the goroutine exited: %v", err)
	}
}
