package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// origin says where an implementation comes from. The report colours and
// orders implementations by it, and the JSON carries it so a reader can tell
// the library's numbers from its baselines and peers.
type origin string

const (
	originStdlib  origin = "stdlib"  // the standard library (sync, sync/atomic, channels)
	originPeer    origin = "peer"    // github.com/puzpuzpuz/xsync/v4
	originFTUtils origin = "ftutils" // this library
)

// instance is one implementation set up for one measurement point: a fresh
// shared object (a map, a queue, a lock) and the per-goroutine body that
// hammers it.
type instance struct {
	// run performs n operations as goroutine g, 0 <= g < goroutines. For a
	// given g it is called by one goroutine at a time, so per-g state (a
	// random stream, a sink) needs no synchronisation.
	run func(g, n int)
	// close, when not nil, stops what setup started (consumer goroutines)
	// after the last run has returned.
	close func()
}

// impl is one contender in a benchmark: a row of the table, a line of the
// chart.
type impl struct {
	name     string
	origin   origin
	baseline bool // the stdlib implementation that speed-ups are relative to
	// setup builds a fresh instance for a point with this many goroutines.
	setup func(goroutines int) instance
}

// benchmark is one workload (one ft_utils benchmark_* function, ported) and
// every implementation it is run against.
type benchmark struct {
	name  string // "group/case", e.g. "map/read"
	port  string // the ft_utils benchmark it ports, or "" for a Go-only one
	desc  string // what one operation is
	chunk int    // operations per run call between stop checks (timed mode)
	impls []impl
}

// registry holds every benchmark in report order. The workload files add
// to it from their init functions; adding a primitive to an existing
// benchmark is one more entry in that benchmark's impls table.
var registry []*benchmark

func register(bs ...*benchmark) { registry = append(registry, bs...) }

// Constructors for the impls tables, so each entry reads as one line.

func base(name string, setup func(int) instance) impl {
	return impl{name: name, origin: originStdlib, baseline: true, setup: setup}
}

func std(name string, setup func(int) instance) impl {
	return impl{name: name, origin: originStdlib, setup: setup}
}

func ft(name string, setup func(int) instance) impl {
	return impl{name: name, origin: originFTUtils, setup: setup}
}

// body adapts a setup that needs no per-goroutine state and nothing to
// close.
func body(run func(g, n int)) instance { return instance{run: run} }

// baselineOf returns the name of b's baseline implementation.
func (b *benchmark) baselineOf() string {
	for _, im := range b.impls {
		if im.baseline {
			return im.name
		}
	}
	return ""
}

// check reports registry mistakes: a missing or extra baseline, a
// baseline outside the stdlib, a duplicate name, a non-positive chunk.
func check(reg []*benchmark) error {
	seen := map[string]bool{}
	for _, b := range reg {
		if seen[b.name] {
			return fmt.Errorf("benchmark %s registered twice", b.name)
		}
		seen[b.name] = true
		if b.chunk <= 0 {
			return fmt.Errorf("benchmark %s: chunk %d <= 0", b.name, b.chunk)
		}
		if !strings.Contains(b.name, "/") {
			return fmt.Errorf("benchmark %s: name is not group/case", b.name)
		}
		nbase := 0
		names := map[string]bool{}
		for _, im := range b.impls {
			if names[im.name] {
				return fmt.Errorf("benchmark %s: impl %s twice", b.name, im.name)
			}
			names[im.name] = true
			if im.baseline {
				nbase++
				if im.origin != originStdlib {
					return fmt.Errorf("benchmark %s: baseline %s is not stdlib", b.name, im.name)
				}
			}
		}
		if nbase != 1 {
			return fmt.Errorf("benchmark %s: %d baselines, want 1", b.name, nbase)
		}
	}
	return nil
}

// selectBenchmarks returns the benchmarks whose name matches filter and,
// within each, the implementations whose name matches implFilter plus the
// baseline (always kept, since every speed-up needs it).
func selectBenchmarks(reg []*benchmark, filter, implFilter string) ([]*benchmark, error) {
	fre, err := regexp.Compile(filter)
	if err != nil {
		return nil, fmt.Errorf("-filter: %w", err)
	}
	ire, err := regexp.Compile(implFilter)
	if err != nil {
		return nil, fmt.Errorf("-impl: %w", err)
	}
	var out []*benchmark
	for _, b := range reg {
		if !fre.MatchString(b.name) {
			continue
		}
		nb := *b
		nb.impls = slices.DeleteFunc(slices.Clone(b.impls), func(im impl) bool {
			return !im.baseline && !ire.MatchString(im.name)
		})
		out = append(out, &nb)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("-filter %q matches no benchmark", filter)
	}
	return out, nil
}

// pad128 keeps per-goroutine words on their own cache lines (128 bytes
// covers the adjacent-line prefetcher on x86), so the harness itself adds
// no false sharing between goroutines.
type pad128 struct {
	v uint64
	_ [120]byte
}

// rngs is one splitmix64 stream per goroutine. The harness must not
// contend on a shared source (math/rand/v2's top-level functions are cheap
// but still cost more than the operations some workloads time), and each
// stream must continue across run calls rather than restart.
type rngs []pad128

func newRNGs(goroutines int) rngs {
	r := make(rngs, goroutines)
	for i := range r {
		r[i].v = uint64(i+1) * 0x9e3779b97f4a7c15
	}
	return r
}

// next returns goroutine g's next pseudo-random word (splitmix64, Steele,
// Lea and Flood, "Fast splittable pseudorandom number generators", 2014).
func (r rngs) next(g int) uint64 {
	r[g].v += 0x9e3779b97f4a7c15
	z := r[g].v
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// sinks keeps results alive so the compiler cannot drop the work that
// produced them; goroutine g writes only sinks[g].
type sinks []pad128

func newSinks(goroutines int) sinks { return make(sinks, goroutines) }

func (s sinks) keep(g int, v uint64) { s[g].v += v }

// groupOrder is the report order: ft_utils' own features first, the
// compute demos last. A group missing here sorts after these.
var groupOrder = []string{"atomic", "counter", "map", "queue", "deque", "lock", "random", "gather", "mapreduce", "mergesort", "tsp"}

// ordered returns reg sorted by group (stable within a group, so a
// group's benchmarks keep their registration order).
func ordered(reg []*benchmark) []*benchmark {
	rank := func(b *benchmark) int {
		g, _, _ := strings.Cut(b.name, "/")
		if i := slices.Index(groupOrder, g); i >= 0 {
			return i
		}
		return len(groupOrder)
	}
	out := slices.Clone(reg)
	slices.SortStableFunc(out, func(a, b *benchmark) int { return rank(a) - rank(b) })
	return out
}
