package main

import (
	"bufio"
	"math"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftutils-go/ftutils"
	"github.com/ftutils-go/ftutils/internal/leakcheck"
	"github.com/ftutils-go/ftutils/internal/stress"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

func TestPyFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{1, "1.0"},
		{93174.3733866435, "93174.3733866435"},
		{93174.37338664355, "93174.37338664355"},
		{math.Inf(1), "inf"},
		{math.Inf(-1), "-inf"},
		{math.NaN(), "nan"},
		{0, "0.0"},
		{1e16, "1e+16"},
		{1234567, "1234567.0"},
		{0.0001, "0.0001"},
		{0.00001, "1e-05"},
		{-2.5, "-2.5"},
	}
	for _, tt := range tests {
		if got := pyFloat(tt.in); got != tt.want {
			t.Errorf("pyFloat(%v) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// The seed's reference results: 3.14 multiplied in ten times, and the long
// load's serial result (its rounds leave 3.14^k at a value a little off the
// plain product).
const (
	wantShortRef = "93174.3733866435"
	wantLongRef  = "93174.37338664355"
)

// report is one scenario's block, parsed.
type report struct {
	threaded, reference string
	peak                int // -1 when the block has no peak line
}

// summary is one line of the -runs summary, parsed.
type summary struct {
	inconsistent, runs int
	peak               int // -1 when absent
}

var (
	headerRE  = regexp.MustCompile(`^Results from a (.+) example$`)
	threadRE  = regexp.MustCompile(`^    Threaded  Result = (\S+)$`)
	refRE     = regexp.MustCompile(`^    Reference Result = (\S+)$`)
	peakRE    = regexp.MustCompile(`^Peak threads is (\d+)$`)
	summaryRE = regexp.MustCompile(`^    (.+?)\s+(\d+) of (\d+)(?:  \(highest peak (\d+)\))?$`)
	procsRE   = regexp.MustCompile(`^GOMAXPROCS=(\d+),`)
)

// parse reads the program's output strictly: every line must be one it
// knows.
func parse(t *testing.T, out string) (procs int, reps map[string]report, sums map[string]summary) {
	t.Helper()
	reps = map[string]report{}
	sums = map[string]summary{}
	var cur string
	sc := bufio.NewScanner(strings.NewReader(out))
	inSummary := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
		case procsRE.MatchString(line):
			procs, _ = strconv.Atoi(procsRE.FindStringSubmatch(line)[1])
		case strings.HasPrefix(line, "Inconsistent runs"):
			inSummary = true
		case inSummary:
			m := summaryRE.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("unparsable summary line %q", line)
			}
			s := summary{peak: -1}
			s.inconsistent, _ = strconv.Atoi(m[2])
			s.runs, _ = strconv.Atoi(m[3])
			if m[4] != "" {
				s.peak, _ = strconv.Atoi(m[4])
			}
			sums[m[1]] = s
		case headerRE.MatchString(line):
			cur = headerRE.FindStringSubmatch(line)[1]
			reps[cur] = report{peak: -1}
		case threadRE.MatchString(line):
			r := reps[cur]
			r.threaded = threadRE.FindStringSubmatch(line)[1]
			reps[cur] = r
		case refRE.MatchString(line):
			r := reps[cur]
			r.reference = refRE.FindStringSubmatch(line)[1]
			reps[cur] = r
		case peakRE.MatchString(line):
			r := reps[cur]
			r.peak, _ = strconv.Atoi(peakRE.FindStringSubmatch(line)[1])
			reps[cur] = r
		default:
			t.Fatalf("unexpected output line %q", line)
		}
	}
	return procs, reps, sums
}

func runProgram(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut strings.Builder
	if err := run(args, &out, &errOut); err != nil {
		t.Fatalf("run(%q) = %v; stderr %q", args, err, errOut.String())
	}
	return out.String()
}

// check verifies the four blocks and the summary of one invocation.
func check(t *testing.T, out string, runs int) {
	t.Helper()
	_, reps, sums := parse(t, out)
	want := []struct {
		descr, ref string
		peak       bool
	}{
		{"simple", wantShortRef, false},
		{"threads tracked", wantShortRef, true},
		{"very long load", wantLongRef, true},
		{"fully consistent", wantLongRef, true},
	}
	if len(reps) != len(want) {
		t.Fatalf("got %d report blocks; want %d:\n%s", len(reps), len(want), out)
	}
	for _, w := range want {
		r, ok := reps[w.descr]
		if !ok {
			t.Fatalf("no %q block in:\n%s", w.descr, out)
		}
		if r.reference != w.ref {
			t.Errorf("%s: Reference Result = %s; want %s", w.descr, r.reference, w.ref)
		}
		if r.threaded == "" {
			t.Errorf("%s: no Threaded Result line", w.descr)
		}
		if w.peak != (r.peak >= 0) {
			t.Errorf("%s: peak line present = %v; want %v", w.descr, r.peak >= 0, w.peak)
		}
		if w.peak && (r.peak < 1 || r.peak > power) {
			t.Errorf("%s: Peak threads is %d; want 1..%d", w.descr, r.peak, power)
		}
	}
	if r := reps["fully consistent"]; r.threaded != r.reference {
		t.Errorf("fully consistent: Threaded Result = %s; want the reference %s", r.threaded, r.reference)
	}
	if runs == 1 {
		if len(sums) != 0 {
			t.Errorf("one run printed a summary: %v", sums)
		}
		return
	}
	if len(sums) != len(want) {
		t.Fatalf("got %d summary lines; want %d:\n%s", len(sums), len(want), out)
	}
	for _, w := range want {
		s := sums[w.descr]
		if s.runs != runs || s.inconsistent < 0 || s.inconsistent > runs {
			t.Errorf("%s: summary %d of %d; want 0..%d of %d", w.descr, s.inconsistent, s.runs, runs, runs)
		}
	}
	if s := sums["fully consistent"]; s.inconsistent != 0 {
		t.Errorf("fully consistent was inconsistent in %d of %d runs; want 0", s.inconsistent, s.runs)
	}
}

func TestOneRun(t *testing.T) {
	check(t, runProgram(t, "-rounds", "200"), 1)
}

// TestFullyConsistentEveryRun is the bar: the IntervalLock scenario equals
// the reference in every run. A 20µs interval makes Poll cede many times
// per body, so rounds of different goroutines really interleave.
func TestFullyConsistentEveryRun(t *testing.T) {
	for _, interval := range []string{"5ms", "20us"} {
		t.Run("interval="+interval, func(t *testing.T) {
			runs := stress.Scale(200)
			check(t, runProgram(t, "-runs", strconv.Itoa(runs), "-rounds", "500", "-interval", interval), runs)
		})
	}
}

func TestGIL(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	out := runProgram(t, "-gil", "-runs", "2", "-rounds", "200")
	procs, _, _ := parse(t, out)
	if procs != 1 {
		t.Errorf("-gil ran with GOMAXPROCS=%d; want 1", procs)
	}
	if after := runtime.GOMAXPROCS(0); after != before {
		t.Errorf("GOMAXPROCS after -gil = %d; want it restored to %d", after, before)
	}
	check(t, out, 2)
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-runs", "0"},
		{"-rounds", "1"},
		{"-interval", "0s"},
		{"extra"},
		{"-nosuchflag"},
	} {
		var out, errOut strings.Builder
		if err := run(args, &out, &errOut); err == nil {
			t.Errorf("run(%q) = nil; want an error", args)
		}
	}
}

// TestRacyUpdateLosesUpdates shows the load–compute–store window is real:
// with goroutines overlapping, a long-load run must differ from the
// reference. It needs two Ps to overlap reliably, and retries for up to a
// few seconds in case the machine is too busy to run both at once.
func TestRacyUpdateLosesUpdates(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 || runtime.NumCPU() < 2 {
		t.Skip("needs two Ps on two CPUs for the goroutines to overlap")
	}
	deadline := time.Now().Add(5 * time.Second)
	for attempt := 0; attempt < 20 || time.Now().Before(deadline); attempt++ {
		c := &counter{rounds: 5000, ilock: ftutils.NewIntervalLock(5 * time.Millisecond)}
		o := runScenario(c, (*counter).long)
		if o.threaded != o.reference {
			t.Logf("attempt %d: threaded %s, reference %s, peak %d",
				attempt, pyFloat(o.threaded), pyFloat(o.reference), o.peak)
			return
		}
	}
	t.Errorf("the long load matched the reference in every attempt for 5s; the racy update lost nothing")
}
