package main

import (
	"bufio"
	"math/big"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ftutils-go/ftutils/internal/leakcheck"
)

// TestMain doubles as the worker process of the processes mode: that mode
// re-executes os.Executable(), which under `go test` is this test binary.
func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) == "1" {
		os.Exit(workerMain(os.Stdin, os.Stdout, os.Stderr))
	}
	leakcheck.Main(m)
}

// iterative returns F(n) by plain iteration, independent of fib.
func iterative(n int) *big.Int {
	a, b := big.NewInt(0), big.NewInt(1)
	for range n {
		a.Add(a, b)
		a, b = b, a
	}
	return a
}

func TestFib(t *testing.T) {
	m := plainMemo{}
	var hit, miss atomicTally
	for n := range 300 {
		got := fib(n, m, &hit, &miss)
		if want := iterative(n); got.f.Cmp(want) != 0 {
			t.Fatalf("fib(%d).f = %v; want %v", n, got.f, want)
		}
		if want := iterative(n + 1); got.f1.Cmp(want) != 0 {
			t.Fatalf("fib(%d).f1 = %v; want %v", n, got.f1, want)
		}
	}
	// Every n in 0..299 is computed once (a miss) and each n >= 3 looks up
	// n/2 (a hit, as n/2 < n was computed before).
	if h, ms := hit.Load(), miss.Load(); ms != 300 || h != 297 {
		t.Errorf("hits, misses = %d, %d; want 297, 300", h, ms)
	}
}

func TestModesAgreeWithReference(t *testing.T) {
	c := config{nth: 3000, size: 40, workers: 8, seed: 7}
	pos := positions(c, 0)
	want := reference(pos)
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			var st stats
			got, err := once(mode, pos, c.workers, &st)
			if err != nil {
				t.Fatalf("once(%s) = %v", mode, err)
			}
			for i := range want {
				if got[i] == nil || got[i].Cmp(want[i]) != 0 {
					t.Fatalf("%s: F(%d) wrong", mode, pos[i])
				}
			}
			if mode == "processes" {
				return
			}
			// Every task does at least one lookup, and the misses are at
			// least the distinct positions.
			distinct := map[int]bool{}
			for _, n := range pos {
				distinct[n] = true
			}
			if st.cached+st.missed < int64(len(pos)) || st.missed < int64(len(distinct)) {
				t.Errorf("%s: cached %d, missed %d for %d tasks (%d distinct)",
					mode, st.cached, st.missed, len(pos), len(distinct))
			}
		})
	}
}

func TestCheckRejectsMismatch(t *testing.T) {
	pos := []int{10, 20, 30}
	want := reference(pos)
	got := reference(pos)
	got[1] = big.NewInt(42)
	if err := check("test", 0, pos, got, want); err == nil {
		t.Error("check accepted F(20) = 42")
	}
	got[1] = nil
	if err := check("test", 0, pos, got, want); err == nil {
		t.Error("check accepted a missing result")
	}
	if err := check("test", 0, pos, reference(pos), want); err != nil {
		t.Errorf("check(reference) = %v", err)
	}
}

func TestRatio(t *testing.T) {
	for _, tt := range []struct {
		in   float64
		want string
	}{{1, "1.00"}, {1.666, "1.67"}, {0.1, "0.10"}, {0.0364, "0.0364"}, {0.00041234, "0.000412"}} {
		if got := ratio(tt.in); got != tt.want {
			t.Errorf("ratio(%v) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestPositions(t *testing.T) {
	c := config{nth: 100, size: 10, seed: 3}
	a, b := positions(c, 2), positions(c, 2)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("positions are not reproducible: %v vs %v", a, b)
		}
		if a[i] < c.nth || a[i] > c.nth+2*c.size {
			t.Errorf("position %d outside [%d, %d]", a[i], c.nth, c.nth+2*c.size)
		}
	}
}

var (
	fieldRE = regexp.MustCompile(`^- ([^:]+): (.+)$`)
	rowRE   = regexp.MustCompile(`^\s*(threads|fast_threads|processes)\s+(\d+\.\d{6})\s+(\S+)x\s+(\d+\.\d{6}|n/a)\s+(\S+x|n/a)$`)
)

// block is one parsed report.
type block map[string]string

func parseOutput(t *testing.T, out string) (blocks []block, rows map[string][2]float64) {
	t.Helper()
	rows = map[string][2]float64{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "Report:":
			blocks = append(blocks, block{})
		case line == "---------", line == "",
			strings.HasPrefix(line, "Comparison ("),
			strings.Contains(line, "Speedup vs threads"):
		case fieldRE.MatchString(line):
			m := fieldRE.FindStringSubmatch(line)
			if len(blocks) == 0 {
				t.Fatalf("field before Report: %q", line)
			}
			blocks[len(blocks)-1][m[1]] = m[2]
		case rowRE.MatchString(line):
			m := rowRE.FindStringSubmatch(line)
			avg, _ := strconv.ParseFloat(m[2], 64)
			sp, err := strconv.ParseFloat(m[3], 64)
			if err != nil {
				t.Fatalf("speedup %q in %q: %v", m[3], line, err)
			}
			rows[m[1]] = [2]float64{avg, sp}
		default:
			t.Fatalf("unexpected output line %q", line)
		}
	}
	return blocks, rows
}

func TestReportAll(t *testing.T) {
	var out, errOut strings.Builder
	args := []string{"--nth_element", "2000", "--run_size", "30", "--workers", "4", "--runs", "2", "--mode", "all"}
	if err := run(args, &out, &errOut); err != nil {
		t.Fatalf("run(%q) = %v; stderr %q", args, err, errOut.String())
	}
	blocks, rows := parseOutput(t, out.String())
	if len(blocks) != len(modes) {
		t.Fatalf("got %d reports; want %d:\n%s", len(blocks), len(modes), out.String())
	}
	secs := regexp.MustCompile(`^\d+\.\d{6} seconds$`)
	for i, mode := range modes {
		b := blocks[i]
		for k, want := range map[string]string{
			"nth Element": "2000", "Mode": mode, "Size": "30", "Workers": "4",
			"Verified": "90 of 90 results equal the single-threaded computation",
		} {
			if b[k] != want {
				t.Errorf("%s: %q = %q; want %q", mode, k, b[k], want)
			}
		}
		if !secs.MatchString(b["Average Execution Time"]) {
			t.Errorf("%s: Average Execution Time = %q", mode, b["Average Execution Time"])
		}
		if !secs.MatchString(b["Total Execution Time (2 runs)"]) {
			t.Errorf("%s: Total Execution Time (2 runs) = %q", mode, b["Total Execution Time (2 runs)"])
		}
		rate, hasRate := b["Cache rate"]
		if hasRate != (mode != "processes") {
			t.Errorf("%s: Cache rate present = %v", mode, hasRate)
		}
		if hasRate {
			if r, err := strconv.ParseFloat(rate, 64); err != nil || r <= 0 {
				t.Errorf("%s: Cache rate = %q; want a positive ratio", mode, rate)
			}
		}
		row, ok := rows[mode]
		if !ok {
			t.Errorf("no comparison row for %s", mode)
			continue
		}
		avg, _ := strconv.ParseFloat(strings.TrimSuffix(b["Average Execution Time"], " seconds"), 64)
		if row[0] != avg {
			t.Errorf("%s: table average %v; report says %v", mode, row[0], avg)
		}
		if row[1] <= 0 {
			t.Errorf("%s: speedup %v; want > 0", mode, row[1])
		}
	}
	if sp := rows["threads"][1]; sp != 1 {
		t.Errorf("threads speedup over itself = %v; want 1.00", sp)
	}
}

func TestReportSingleMode(t *testing.T) {
	var out, errOut strings.Builder
	args := []string{"--nth_element", "500", "--run_size", "10", "--mode", "fast_threads", "--runs", "1"}
	if err := run(args, &out, &errOut); err != nil {
		t.Fatalf("run(%q) = %v", args, err)
	}
	blocks, rows := parseOutput(t, out.String())
	if len(blocks) != 1 || blocks[0]["Mode"] != "fast_threads" || blocks[0]["Workers"] != "16" {
		t.Errorf("got %v; want one fast_threads report with the default 16 workers", blocks)
	}
	if len(rows) != 0 {
		t.Errorf("a single mode printed a comparison table: %v", rows)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--run_size", "10"},
		{"--nth_element", "10"},
		{"--nth_element", "10", "--run_size", "10", "--mode", "fibers"},
		{"--nth_element", "10", "--run_size", "10", "--workers", "0"},
		{"--nth_element", "10", "--run_size", "10", "--runs", "0"},
		{"--nth_element", "10", "--run_size", "10", "extra"},
	} {
		var out, errOut strings.Builder
		if err := run(args, &out, &errOut); err == nil {
			t.Errorf("run(%q) = nil; want an error", args)
		}
	}
}

func TestWorkerRejectsBadTask(t *testing.T) {
	var out, errOut strings.Builder
	if code := workerMain(strings.NewReader("12\nnope\n"), &out, &errOut); code == 0 {
		t.Errorf("workerMain accepted a bad task; output %q", out.String())
	}
	if got := strings.TrimSpace(out.String()); got != "90" { // F(12) = 144 = 0x90
		t.Errorf("workerMain answered %q for 12; want 90 (hex of 144)", got)
	}
	if !strings.Contains(errOut.String(), "bad task") {
		t.Errorf("workerMain's complaint = %q; want it to name the bad task", errOut.String())
	}
}
