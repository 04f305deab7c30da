// Command fibonacci is the Go version of ft_utils' examples/fibonacci.py: it
// computes a batch of large Fibonacci numbers with memoised fast doubling
// (math/big) in one of three ways and reports how long a batch takes.
//
//	go run ./examples/fibonacci --nth_element 10000 --run_size 100 --mode all
//
// Each run computes run_size numbers at positions nth_element + r, r drawn
// uniformly from [0, 2·run_size] (the seed's randint bounds), so the tasks
// share most of their recursion and the memo matters. The modes:
//
//   - threads: the naive Go port of a ThreadPoolExecutor with one task per
//     number: a goroutine per task, a semaphore of size workers, a memo map
//     behind one sync.Mutex, shared atomic hit/miss counters.
//   - fast_threads: the seed's optimised mode with ftutils types: workers
//     long-lived goroutines take tasks from a [ftutils.Queue], an
//     [ftutils.AtomicInt64] task counter keeps Pop from blocking forever,
//     the memo is an [ftutils.Map] and the hit/miss counts are
//     [ftutils.Counter]s.
//   - processes: workers OS processes (this program re-executed), tasks
//     and answers over pipes, one private memo per process.
//   - all: the three in turn, then a comparison table.
//
// The algorithm and the memo semantics are the same in every mode (look up,
// else compute and store; concurrent misses of one key both compute it).
// Every answer of every run is compared with a single-threaded computation
// and a mismatch is an error (exit status 1).
//
// Timing follows the seed's timeit(number=5): the report gives the average
// and the total of --runs timed runs (default 5). Each mode first does one
// untimed warm-up run (--warmup), so that the mode measured first does not
// pay for heap growth the others inherit; its memo hits and misses are not
// counted. As timeit does, each timed run runs with the garbage collector
// off, after an untimed collection of what the earlier runs left (a run
// allocates well under a megabyte at the README's sizes). With --mode all
// the modes take turns run by run, so a change in the machine's load hits
// all of them. Positions come from a PCG seeded with --seed, so every mode
// computes exactly the same numbers. The comparison table adds the CPU time
// per run, which other jobs on the machine disturb much less than the wall
// clock.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"text/tabwriter"
	"time"
)

func main() {
	if os.Getenv(workerEnv) == "1" {
		os.Exit(workerMain(os.Stdin, os.Stdout, os.Stderr))
	}
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "fibonacci:", err)
		}
		os.Exit(1)
	}
}

// config holds the parsed command line.
type config struct {
	nth, size, workers int
	mode               string
	runs, warmup       int
	seed               uint64
}

var modes = []string{"threads", "fast_threads", "processes"}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("fibonacci", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.nth, "nth_element", -1, "the position of the Fibonacci number to compute from (required)")
	fs.IntVar(&c.size, "run_size", -1, "how many numbers to compute per run (required)")
	fs.IntVar(&c.workers, "workers", 16, "the number of workers in the pool")
	fs.StringVar(&c.mode, "mode", "all", "operation mode: threads | fast_threads | processes | all")
	fs.IntVar(&c.runs, "runs", 5, "timed runs per mode (the seed's timeit number)")
	fs.IntVar(&c.warmup, "warmup", 1, "untimed warm-up runs per mode")
	fs.Uint64Var(&c.seed, "seed", 1, "seed for the positions")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	case c.nth < 0:
		return c, errors.New("--nth_element is required and must be >= 0")
	case c.size < 1:
		return c, errors.New("--run_size is required and must be >= 1")
	case c.workers < 1:
		return c, errors.New("--workers must be >= 1")
	case c.runs < 1:
		return c, errors.New("--runs must be >= 1")
	case c.warmup < 0:
		return c, errors.New("--warmup must be >= 0")
	}
	if c.mode != "all" && !contains(modes, c.mode) {
		return c, fmt.Errorf("--mode %q: want threads, fast_threads, processes or all", c.mode)
	}
	return c, nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// result is one mode's measurement.
type result struct {
	mode   string
	total  time.Duration // sum of the timed runs
	cpu    time.Duration // CPU time of the timed runs, all goroutines and worker processes
	hasCPU bool          // whether cpu could be measured
	st     stats
}

func run(args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	todo := []string{c.mode}
	if c.mode == "all" {
		todo = modes
	}
	all, err := measure(c, todo)
	if err != nil {
		return err
	}
	for i, r := range all {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		report(stdout, c, r)
	}
	if c.mode == "all" {
		fmt.Fprintln(stdout)
		compare(stdout, c, all)
	}
	return nil
}

// positions returns the task positions of run r: the same for every mode.
func positions(c config, r int) []int {
	rng := rand.New(rand.NewPCG(c.seed, uint64(r)))
	p := make([]int, c.size)
	for i := range p {
		p[i] = c.nth + rng.IntN(2*c.size+1)
	}
	return p
}

// measure does the warm-up and timed runs of the given modes, checking
// every answer against the single-threaded reference. With several modes
// the runs are interleaved (run 1 of each mode, then run 2 of each, …), so
// that a change in the machine's load during the measurement falls on all
// modes alike instead of on whichever was measured at the time.
func measure(c config, todo []string) ([]result, error) {
	res := make([]result, len(todo))
	for i, mode := range todo {
		res[i] = result{mode: mode, hasCPU: true}
	}
	for r := range c.warmup + c.runs {
		pos := positions(c, r)
		want := reference(pos)
		for i, mode := range todo {
			var st stats
			// As timeit does, time the run with the garbage collector
			// off, after collecting what earlier runs left (untimed).
			runtime.GC()
			gcPercent := debug.SetGCPercent(-1)
			cpu0, ok0 := cpuTime()
			start := time.Now()
			got, err := once(mode, pos, c.workers, &st)
			elapsed := time.Since(start)
			cpu1, ok1 := cpuTime()
			debug.SetGCPercent(gcPercent)
			if err != nil {
				return nil, err
			}
			if err := check(mode, r, pos, got, want); err != nil {
				return nil, err
			}
			if r < c.warmup {
				continue
			}
			res[i].total += elapsed
			res[i].cpu += cpu1 - cpu0
			res[i].hasCPU = res[i].hasCPU && ok0 && ok1
			res[i].st.cached += st.cached
			res[i].st.missed += st.missed
		}
	}
	return res, nil
}

func once(mode string, pos []int, workers int, st *stats) ([]*big.Int, error) {
	switch mode {
	case "threads":
		return runThreads(pos, workers, st), nil
	case "fast_threads":
		return runFastThreads(pos, workers, st)
	case "processes":
		return runProcesses(pos, workers)
	}
	panic("fibonacci: unknown mode " + mode)
}

// check compares a run's answers with want, the single-threaded
// computation of the same positions.
func check(mode string, run int, pos []int, got, want []*big.Int) error {
	for i := range want {
		if got[i] == nil || got[i].Cmp(want[i]) != 0 {
			return fmt.Errorf("%s run %d: F(%d) differs from the single-threaded result", mode, run, pos[i])
		}
	}
	return nil
}

// report prints the seed's report block.
func report(w io.Writer, c config, r result) {
	avg := r.total.Seconds() / float64(c.runs)
	fmt.Fprintf(w, "Report:\n")
	fmt.Fprintf(w, "---------\n")
	fmt.Fprintf(w, "- nth Element: %d\n", c.nth)
	fmt.Fprintf(w, "- Mode: %s\n", r.mode)
	fmt.Fprintf(w, "- Size: %d\n", c.size)
	fmt.Fprintf(w, "- Workers: %d\n", c.workers)
	fmt.Fprintf(w, "- Average Execution Time: %.6f seconds\n", avg)
	if r.mode != "processes" {
		fmt.Fprintf(w, "- Cache rate: %.6f\n", float64(r.st.cached)/float64(r.st.missed))
	}
	// Six decimals, not the seed's two: a Go run takes about a millisecond
	// at the README's sizes, and two would print 0.00.
	fmt.Fprintf(w, "- Total Execution Time (%d runs): %.6f seconds\n", c.runs, r.total.Seconds())
	fmt.Fprintf(w, "- Verified: %d of %d results equal the single-threaded computation\n",
		c.size*(c.runs+c.warmup), c.size*(c.runs+c.warmup))
}

// compare prints the --mode all table: each mode's average run time, its
// speed-up over the naive threads mode, and the CPU time a run used (all
// goroutines, and the worker processes) with threads' CPU time divided by
// it (above 1: the mode needs less CPU than threads for the same answers). CPU time is
// the steadier number on a shared machine: other jobs stretch the wall
// clock but not the work done.
func compare(w io.Writer, c config, all []result) {
	fmt.Fprintf(w, "Comparison (nth Element %d, Size %d, Workers %d, GOMAXPROCS %d, %d runs each):\n",
		c.nth, c.size, c.workers, runtime.GOMAXPROCS(0), c.runs)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "Mode\tAverage (s)\tSpeedup vs threads\tCPU per run (s)\tCPU saving vs threads\t\n")
	base := all[0].total.Seconds()
	for _, r := range all {
		fmt.Fprintf(tw, "%s\t%.6f\t%sx\t", r.mode, r.total.Seconds()/float64(c.runs), ratio(base/r.total.Seconds()))
		if r.hasCPU && all[0].hasCPU && r.cpu > 0 {
			fmt.Fprintf(tw, "%.6f\t%sx\t\n", r.cpu.Seconds()/float64(c.runs), ratio(all[0].cpu.Seconds()/r.cpu.Seconds()))
		} else {
			fmt.Fprintf(tw, "n/a\tn/a\t\n")
		}
	}
	tw.Flush()
}

// ratio formats a speed-up: two decimals, or three significant digits
// below 0.1 so that a much slower mode does not read "0.00x".
func ratio(x float64) string {
	if x < 0.1 {
		return fmt.Sprintf("%.3g", x)
	}
	return fmt.Sprintf("%.2f", x)
}
