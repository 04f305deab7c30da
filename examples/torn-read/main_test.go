package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ftutils-go/ftutils/internal/leakcheck"
	"github.com/ftutils-go/ftutils/internal/stress"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// TestDetectors checks that the torn-read tests can see a torn value at
// all: values made of one value's first word and the other's second.
func TestDetectors(t *testing.T) {
	pairs := []struct {
		p    pair
		torn bool
	}{
		{pairA, false},
		{pairB, false},
		{pair{pairA.a, pairB.b}, true},
		{pair{pairB.a, pairA.b}, true},
	}
	for _, tt := range pairs {
		if got := tt.p.torn(); got != tt.torn {
			t.Errorf("%v.torn() = %v; want %v", tt.p, got, tt.torn)
		}
		if got := tt.p.which(); (got < 0) != tt.torn {
			t.Errorf("%v.which() = %d; want torn = %v", tt.p, got, tt.torn)
		}
	}
	strs := []struct {
		s    string
		torn bool
	}{
		{strA, false},
		{strB, false},
		{backing[:len(strB)], true},      // strA's pointer, strB's length
		{backing[8 : 8+len(strA)], true}, // strB's pointer, strA's length
	}
	for _, tt := range strs {
		if got := tornString(tt.s); got != tt.torn {
			t.Errorf("tornString(%q) = %v; want %v", tt.s, got, tt.torn)
		}
		if got := whichString(tt.s); (got < 0) != tt.torn {
			t.Errorf("whichString(%q) = %d; want torn = %v", tt.s, got, tt.torn)
		}
	}
}

var lineRE = regexp.MustCompile(`^    (.+?)\s+torn reads: (\d+) of (\d+) \(value changed (\d+) times\)$`)

// TestReport runs the program and checks its report: every demo is listed
// once with consistent counts, the AtomicRef demos never see a
// torn value, and the racy demos are present exactly when the binary is
// built without -race.
func TestReport(t *testing.T) {
	changes := stress.Scale(20_000)
	var out, errOut strings.Builder
	if err := run([]string{"-changes", strconv.Itoa(changes), "-time", "300ms"}, &out, &errOut); err != nil {
		t.Fatalf("run = %v; stderr %q", err, errOut.String())
	}
	got := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		m := lineRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		torn, _ := strconv.Atoi(m[2])
		n, _ := strconv.Atoi(m[3])
		c, _ := strconv.Atoi(m[4])
		if n < 1 || torn < 0 || c < 0 || c > changes || torn+c > n {
			t.Errorf("%q: torn %d of %d reads, %d changes; want torn+changes <= reads, changes <= %d",
				m[1], torn, n, c, changes)
		}
		if _, dup := got[m[1]]; dup {
			t.Errorf("demo %q listed twice", m[1])
		}
		got[m[1]] = torn
	}
	want := []string{"pair via AtomicRef[pair]", "string via AtomicRef[string]"}
	racy := []string{"pair, plain variable (racy)", "string, plain variable (racy)"}
	if racyBuilt {
		want = append(want, racy...)
	} else {
		for _, name := range racy {
			if _, ok := got[name]; ok {
				t.Errorf("a -race build ran the racy demo %q", name)
			}
		}
		if !strings.Contains(out.String(), "left out") {
			t.Errorf("a -race build does not say the racy demos are left out:\n%s", out.String())
		}
	}
	for _, name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("no line for %q in:\n%s", name, out.String())
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d demo lines; want %d:\n%s", len(got), len(want), out.String())
	}
	for _, name := range want[:2] {
		if got[name] != 0 {
			t.Errorf("%s: %d torn reads; want 0", name, got[name])
		}
	}
	for _, name := range racy {
		if n, ok := got[name]; ok {
			t.Logf("%s: %d torn reads", name, n)
		}
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-changes", "0"}, {"-time", "0s"}, {"x"}, {"-nosuchflag"}} {
		var out, errOut strings.Builder
		if err := run(args, &out, &errOut); err == nil {
			t.Errorf("run(%q) = nil; want an error", args)
		}
	}
}
