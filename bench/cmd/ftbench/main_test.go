package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// tinyQuick is the -quick path shrunk for tests: every benchmark and
// implementation, two goroutine counts, 1 ms per point.
func tinyQuick(t *testing.T) options {
	t.Helper()
	o, err := parseFlags([]string{"-quick", "-goroutines", "1,2", "-duration", "1ms", "-out", t.TempDir()},
		flag.NewFlagSet("ftbench", flag.ContinueOnError))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestQuickReport runs the quick path in-process and validates what it
// wrote: the JSON (every registered benchmark and implementation present,
// every number positive, baselines present, xsync peers present), the
// table, the Markdown and one chart per group.
func TestQuickReport(t *testing.T) {
	defer goleak.VerifyNone(t)
	o := tinyQuick(t)
	var stdout bytes.Buffer
	start := time.Now()
	if err := run(o, &stdout); err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Logf("quick run took %v", time.Since(start))

	raw, err := os.ReadFile(filepath.Join(o.out, "ftbench.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("decode ftbench.json: %v", err)
	}
	all := ordered(registry)
	if err := validate(&rep, all); err != nil {
		t.Fatalf("validate(ftbench.json) = %v; want nil", err)
	}
	// Independent of validate: the raw JSON names every benchmark, every
	// peer, and no number in it is zero or negative.
	for _, b := range all {
		if !bytes.Contains(raw, []byte(`"name": "`+b.name+`"`)) {
			t.Errorf("ftbench.json lacks benchmark %s", b.name)
		}
		for _, im := range b.impls {
			if !bytes.Contains(raw, []byte(`"name": "`+im.name+`"`)) {
				t.Errorf("ftbench.json lacks %s impl %s", b.name, im.name)
			}
		}
	}
	for _, m := range regexp.MustCompile(`"(ops_per_sec|ns_per_op|speedup|scaling)": (-?[0-9.e+-]+)`).FindAllSubmatch(raw, -1) {
		if v := string(m[2]); v == "0" || strings.HasPrefix(v, "-") {
			t.Errorf("ftbench.json: %s = %s; want > 0", m[1], v)
		}
	}

	table, err := os.ReadFile(filepath.Join(o.out, "ftbench.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(table, stdout.Bytes()[:len(table)]) {
		t.Errorf("stdout does not start with ftbench.txt")
	}
	for _, want := range []string{"machine: " + machine().String(), "(base)", "x "} {
		if !bytes.Contains(table, []byte(want)) {
			t.Errorf("ftbench.txt lacks %q", want)
		}
	}
	md, err := os.ReadFile(filepath.Join(o.out, "ftbench.md"))
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string]bool{}
	for _, b := range all {
		g, _, _ := strings.Cut(b.name, "/")
		groups[g] = true
		if !bytes.Contains(md, []byte("**"+b.name+"**")) {
			t.Errorf("ftbench.md lacks %s", b.name)
		}
	}
	for g := range groups {
		svg, err := os.ReadFile(filepath.Join(o.out, "ftbench-"+g+".svg"))
		if err != nil {
			t.Errorf("chart for group %s: %v", g, err)
			continue
		}
		if !bytes.HasPrefix(svg, []byte("<?xml")) || !bytes.Contains(svg, []byte("</svg>")) {
			t.Errorf("ftbench-%s.svg is not a complete SVG", g)
		}
	}
}

// TestValidateCatches makes sure validate can fail: each mutation of a good
// report must be reported.
func TestValidateCatches(t *testing.T) {
	bs, err := selectBenchmarks(ordered(registry), "^atomic/ref-get$|^map/read$", "")
	if err != nil {
		t.Fatal(err)
	}
	o := tinyQuick(t)
	o.goroutines = []int{1}
	good, err := measureAll(o, bs)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(good, bs); err != nil {
		t.Fatalf("validate(good) = %v; want nil", err)
	}
	mutations := map[string]func(r *Report){
		"zero ops":         func(r *Report) { r.Benchmarks[1].Impls[1].Points[0].OpsPerSec = 0 },
		"negative speedup": func(r *Report) { r.Benchmarks[0].Impls[0].Points[0].Speedup = -1 },
		"missing bench":    func(r *Report) { r.Benchmarks = r.Benchmarks[:1] },
		"missing impl":     func(r *Report) { r.Benchmarks[1].Impls = r.Benchmarks[1].Impls[:2] },
		"no baseline": func(r *Report) {
			for i := range r.Benchmarks[0].Impls {
				r.Benchmarks[0].Impls[i].Baseline = false
			}
		},
		"missing point": func(r *Report) { r.Benchmarks[0].Impls[0].Points = nil },
		"no cpu":        func(r *Report) { r.Machine.CPU = "" },
		"zero run":      func(r *Report) { r.Benchmarks[0].Impls[0].Points[0].Runs[0] = 0 },
	}
	for name, mutate := range mutations {
		t.Run(name, func(t *testing.T) {
			raw, _ := json.Marshal(good)
			var r Report
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			mutate(&r)
			if err := validate(&r, bs); err == nil {
				t.Errorf("validate(%s) = nil; want an error", name)
			}
		})
	}
}

// TestRegistry checks every benchmark's table: one stdlib baseline, unique
// names, and at least one ftutils or peer contender next to it; and that
// check rejects broken tables.
func TestRegistry(t *testing.T) {
	if err := check(registry); err != nil {
		t.Fatalf("check(registry) = %v; want nil", err)
	}
	for _, b := range registry {
		if len(b.impls) < 2 {
			t.Errorf("%s has %d impls; want a baseline and at least one contender", b.name, len(b.impls))
		}
	}
	setup := func(int) instance { return body(func(g, n int) {}) }
	bad := map[string][]*benchmark{
		"no baseline":    {{name: "a/b", chunk: 1, impls: []impl{std("x", setup)}}},
		"two baselines":  {{name: "a/b", chunk: 1, impls: []impl{base("x", setup), base("y", setup)}}},
		"peer baseline":  {{name: "a/b", chunk: 1, impls: []impl{{name: "x", origin: originPeer, baseline: true, setup: setup}}}},
		"duplicate impl": {{name: "a/b", chunk: 1, impls: []impl{base("x", setup), std("x", setup)}}},
		"zero chunk":     {{name: "a/b", impls: []impl{base("x", setup)}}},
		"no group":       {{name: "ab", chunk: 1, impls: []impl{base("x", setup)}}},
		"duplicate benchmark": {
			{name: "a/b", chunk: 1, impls: []impl{base("x", setup)}},
			{name: "a/b", chunk: 1, impls: []impl{base("x", setup)}},
		},
	}
	for name, reg := range bad {
		if err := check(reg); err == nil {
			t.Errorf("check(%s) = nil; want an error", name)
		}
	}
}

func TestSelectKeepsBaseline(t *testing.T) {
	bs, err := selectBenchmarks(ordered(registry), "^map/", "xsync")
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) == 0 {
		t.Fatal("selectBenchmarks(^map/) = none")
	}
	for _, b := range bs {
		if !strings.HasPrefix(b.name, "map/") {
			t.Errorf("selected %s; want only map/*", b.name)
		}
		var names []string
		for _, im := range b.impls {
			names = append(names, im.name)
		}
		if want := []string{"sync.Map", "xsync.Map"}; !slices.Equal(names, want) {
			t.Errorf("%s impls = %v; want %v", b.name, names, want)
		}
	}
	if _, err := selectBenchmarks(registry, "^nothing$", ""); err == nil {
		t.Error("selectBenchmarks(^nothing$) = nil error; want one")
	}
}

func TestDefaultSweep(t *testing.T) {
	for _, c := range []struct {
		procs int
		want  []int
	}{
		{1, []int{1}}, {2, []int{1, 2}}, {6, []int{1, 2, 4, 6}}, {16, []int{1, 2, 4, 8, 16}},
	} {
		if got := defaultSweep(c.procs); !slices.Equal(got, c.want) {
			t.Errorf("defaultSweep(%d) = %v; want %v", c.procs, got, c.want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	parse := func(args ...string) (options, error) {
		return parseFlags(args, flag.NewFlagSet("ftbench", flag.ContinueOnError))
	}
	o, err := parse("--operations", "50", "--threads", "3", "-mode", "ft")
	if err != nil || o.operations != 50 || o.threads != 3 || o.mode != "ft" {
		t.Errorf("parse(--operations 50 --threads 3 -mode ft) = %+v, %v", o, err)
	}
	o, err = parse("-quick")
	if err != nil || o.runs != 1 || o.duration != 10*time.Millisecond || o.goroutines[0] != 1 {
		t.Errorf("parse(-quick) = %+v, %v; want 1 run of 10ms from 1 goroutine", o, err)
	}
	for _, bad := range [][]string{{"-goroutines", "0"}, {"-goroutines", "1025"}, {"-goroutines", "x"}, {"-runs", "-1"}, {"-mode", "csv"}, {"extra"}, {"--threads", "0"}} {
		if _, err := parse(bad...); err == nil {
			t.Errorf("parse(%q) = nil error; want one", bad)
		}
	}
}

// TestFTMode checks ft_utils' line format: the banner and one
// Max/Mean/Min line per benchmark and implementation, Max >= Mean >= Min.
func TestFTMode(t *testing.T) {
	defer goleak.VerifyNone(t)
	o, err := parseFlags([]string{"-mode", "ft", "--operations", "20", "--threads", "3", "-filter", "^(atomic/ref-cas|queue/putget|random/randint)$"},
		flag.NewFlagSet("ftbench", flag.ContinueOnError))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(o, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 5 || lines[1] != "Benchmark for multi-threaded operation" ||
		!strings.HasPrefix(lines[2], "Command line: ") || len(lines[0]) != len(lines[2]) ||
		strings.Trim(lines[0], "*") != "" || lines[3] != lines[0] {
		t.Fatalf("banner = %q", lines[:min(4, len(lines))])
	}
	re := regexp.MustCompile(`^    (\S.*?) +Max: (\d+\.\d{6}) Mean: (\d+\.\d{6}) Min: (\d+\.\d{6})$`)
	n := 0
	for _, l := range lines[5:] {
		m := re.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("line %q is not ft_utils' format", l)
			continue
		}
		if !(m[2] >= m[3] && m[3] >= m[4]) { // same width: string order is numeric order
			t.Errorf("line %q: want Max >= Mean >= Min", l)
		}
		n++
	}
	bs, _ := selectBenchmarks(ordered(registry), o.filter, "")
	want := 0
	for _, b := range bs {
		want += len(b.impls)
	}
	if n != want {
		t.Errorf("%d result lines; want %d", n, want)
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{[]float64{3}, 3}, {[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(slices.Clone(c.in)); got != c.want {
			t.Errorf("median(%v) = %v; want %v", c.in, got, c.want)
		}
	}
}
