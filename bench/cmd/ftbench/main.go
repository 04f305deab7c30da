// Command ftbench is ftutils' benchmark suite: Go ports of ft_utils'
// benchmarks, each run against its standard-library baselines and, where
// one exists, the puzpuzpuz/xsync peer, at a sweep of goroutine counts.
//
// It writes a table with operations per second and the speed-up against the
// stdlib baseline (stdout and ftbench.txt), the same as Markdown
// (ftbench.md), JSON for machines (ftbench.json) and one chart per
// benchmark group (ftbench-<group>.svg) into -out:
//
//	cd bench && go run ./cmd/ftbench            # full report, a few minutes
//	cd bench && go run ./cmd/ftbench -quick     # smoke run, seconds
//	go run ./cmd/ftbench -filter '^map/' -goroutines 1,2,4,8
//	go run ./cmd/ftbench -mode ft --operations 1000 --threads 16
//
// Each point runs for a fixed duration (-duration) after a start barrier;
// see [timed]. -mode ft instead prints ft_utils' own line format: per
// benchmark and implementation, --threads goroutines each time 5
// consecutive calls of --operations operations, pooled into Max/Mean/Min
// seconds per call.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
)

// options are the command-line settings.
type options struct {
	quick      bool
	filter     string
	implFilter string
	out        string
	goroutines []int
	duration   time.Duration
	runs       int
	charts     bool
	png        bool
	progress   bool // a progress bar on stderr (only shown on a terminal)
	mode       string
	operations int
	threads    int
	list       bool
	command    string
}

func main() {
	o, err := parseFlags(os.Args[1:], flag.CommandLine)
	if err == nil {
		err = run(o, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ftbench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, fs *flag.FlagSet) (options, error) {
	var o options
	var gs string
	fs.BoolVar(&o.quick, "quick", false, "smoke run: short points, one run each, goroutines 1 and GOMAXPROCS (well under a minute)")
	fs.StringVar(&o.filter, "filter", "", "regexp: run only the benchmarks whose name (group/case) matches")
	fs.StringVar(&o.implFilter, "impl", "", "regexp: run only the implementations whose name matches (the baseline always runs)")
	fs.StringVar(&o.out, "out", "ftbench-out", "directory for ftbench.txt, ftbench.json, ftbench.md and the charts")
	fs.StringVar(&gs, "goroutines", "", "comma-separated goroutine counts (default 1,2,4,… up to GOMAXPROCS, and GOMAXPROCS)")
	fs.DurationVar(&o.duration, "duration", 0, "time per point and run (default 100ms, -quick 10ms)")
	fs.IntVar(&o.runs, "runs", 0, "runs per point; the median is reported (default 5, -quick 1)")
	fs.BoolVar(&o.charts, "charts", true, "draw the SVG charts")
	fs.BoolVar(&o.png, "png", false, "also draw every chart as PNG")
	fs.BoolVar(&o.progress, "progress", true, "show a progress bar on stderr when stdout and stderr are terminals")
	fs.StringVar(&o.mode, "mode", "report", "report: table, JSON and charts; ft: ft_utils' Max/Mean/Min lines")
	fs.IntVar(&o.operations, "operations", 1000, "-mode ft: operations per timed call (ft_utils --operations)")
	fs.IntVar(&o.threads, "threads", 16, "-mode ft: goroutines (ft_utils --threads)")
	fs.BoolVar(&o.list, "list", false, "list the benchmarks and implementations, then exit")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	o.command = strings.Join(append([]string{"ftbench"}, args...), " ")
	switch {
	case gs != "":
		for f := range strings.SplitSeq(gs, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 || n > 1024 {
				return o, fmt.Errorf("-goroutines: bad count %q (1 to 1024)", f)
			}
			o.goroutines = append(o.goroutines, n)
		}
	case o.quick:
		o.goroutines = []int{1}
		if p := runtime.GOMAXPROCS(0); p > 1 {
			o.goroutines = append(o.goroutines, p)
		}
	default:
		o.goroutines = defaultSweep(runtime.GOMAXPROCS(0))
	}
	if o.duration == 0 {
		o.duration = 100 * time.Millisecond
		if o.quick {
			o.duration = 10 * time.Millisecond
		}
	}
	if o.runs == 0 {
		o.runs = 5
		if o.quick {
			o.runs = 1
		}
	}
	switch {
	case o.duration < 0:
		return o, errors.New("-duration must be positive")
	case o.runs < 1:
		return o, errors.New("-runs must be at least 1")
	case o.operations < 1 || o.threads < 1:
		return o, errors.New("--operations and --threads must be at least 1")
	case o.mode != "report" && o.mode != "ft":
		return o, fmt.Errorf("-mode %q: want report or ft", o.mode)
	}
	return o, nil
}

// defaultSweep is 1, 2, 4, … below procs, then procs.
func defaultSweep(procs int) []int {
	var s []int
	for g := 1; g < procs; g *= 2 {
		s = append(s, g)
	}
	return append(s, procs)
}

func run(o options, stdout io.Writer) error {
	if err := check(registry); err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	bs, err := selectBenchmarks(ordered(registry), o.filter, o.implFilter)
	if err != nil {
		return err
	}
	switch {
	case o.list:
		for _, b := range bs {
			fmt.Fprintf(stdout, "%s: %s\n", b.name, b.desc)
			for _, im := range b.impls {
				fmt.Fprintf(stdout, "  %-28s %s%s\n", im.name, im.origin, map[bool]string{true: " (baseline)"}[im.baseline])
			}
		}
		return nil
	case o.mode == "ft":
		return runFT(o, bs, stdout)
	}
	rep, err := measureAll(o, bs)
	if err != nil {
		return err
	}
	return rep.write(o, stdout)
}

// measureAll times every point. The loops run the implementations of a
// benchmark side by side (run, then goroutines, then impl innermost), so
// drifting background load hits every contender alike.
func measureAll(o options, bs []*benchmark) (*Report, error) {
	rep := &Report{
		Schema:  schema,
		Machine: machine(),
		Config: Config{
			Quick: o.quick, DurationNS: int64(o.duration), Runs: o.runs,
			Goroutines: o.goroutines, Filter: o.filter, Impl: o.implFilter, Command: o.command,
		},
		Started: time.Now(),
	}
	total := 0
	for _, b := range bs {
		total += o.runs * len(o.goroutines) * len(b.impls)
	}
	bar := newBar(o, total)
	for _, b := range bs {
		br := BenchResult{Name: b.name, Port: b.port, Description: b.desc, Baseline: b.baselineOf()}
		for _, im := range b.impls {
			ir := ImplResult{Name: im.name, Origin: string(im.origin), Baseline: im.baseline}
			for _, g := range o.goroutines {
				ir.Points = append(ir.Points, Point{Goroutines: g})
			}
			br.Impls = append(br.Impls, ir)
		}
		for range o.runs {
			for gi, g := range o.goroutines {
				for ii, im := range b.impls {
					if bar != nil {
						bar.Describe(fmt.Sprintf("%-18.18s g=%-3d %-24.24s", b.name, g, im.name))
					}
					v := timed(b, im, g, o.duration)
					if !(v > 0) {
						return nil, fmt.Errorf("%s %s g=%d: no operation completed in %v", b.name, im.name, g, o.duration)
					}
					p := &br.Impls[ii].Points[gi]
					p.Runs = append(p.Runs, v)
					if bar != nil {
						_ = bar.Add(1)
					}
				}
			}
		}
		rep.Benchmarks = append(rep.Benchmarks, br)
	}
	if bar != nil {
		_ = bar.Finish()
		_ = bar.Clear()
	}
	rep.WallSeconds = time.Since(rep.Started).Seconds()
	rep.finish()
	if err := validate(rep, bs); err != nil {
		return nil, fmt.Errorf("report invalid: %w", err)
	}
	return rep, nil
}

// newBar returns a progress bar on stderr, or nil when it should stay
// quiet: -progress=false, or stdout or stderr not a terminal (CI, pipes).
func newBar(o options, total int) *progressbar.ProgressBar {
	if !o.progress || !isTerminal(os.Stdout) || !isTerminal(os.Stderr) {
		return nil
	}
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetWidth(30),
	)
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// write prints the table and writes every output file into o.out.
func (r *Report) write(o options, stdout io.Writer) error {
	r.writeTable(stdout)
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	var written []string
	for _, f := range []struct {
		name string
		fn   func(io.Writer) error
	}{
		{"ftbench.txt", func(w io.Writer) error { r.writeTable(w); return nil }},
		{"ftbench.md", func(w io.Writer) error { r.writeMarkdown(w); return nil }},
		{"ftbench.json", r.writeJSON},
	} {
		name := filepath.Join(o.out, f.name)
		if err := writeFile(name, f.fn); err != nil {
			return err
		}
		written = append(written, name)
	}
	if o.charts {
		files, err := r.writeCharts(o.out, o.png)
		if err != nil {
			return err
		}
		written = append(written, files...)
	}
	fmt.Fprintf(stdout, "\nwrote %s (%.1fs)\n", strings.Join(written, ", "), r.WallSeconds)
	return nil
}

func writeFile(name string, fn func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", name, err)
	}
	return f.Close()
}

// runFT prints ft_utils' format: the banner, then one line per benchmark
// and implementation with Max/Mean/Min seconds per call.
func runFT(o options, bs []*benchmark, stdout io.Writer) error {
	cmd := "Command line: " + o.command
	stars := strings.Repeat("*", len(cmd))
	fmt.Fprintf(stdout, "%s\nBenchmark for multi-threaded operation\n%s\n%s\n", stars, cmd, stars)
	fmt.Fprintf(stdout, "Machine: %s\n", machine())
	for _, b := range bs {
		for _, im := range b.impls {
			hi, mean, lo := maxMeanMin(ftSamples(im, o.threads, o.operations, 5))
			fmt.Fprintf(stdout, "    %-32s Max: %.6f Mean: %.6f Min: %.6f\n", b.name+"/"+im.name, hi, mean, lo)
		}
	}
	return nil
}
