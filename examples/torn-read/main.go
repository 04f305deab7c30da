// Command torn-read shows the one lesson of the GIL article that does not
// carry over to Go unchanged. The article notes that Python object pointers
// are never torn: a reader sees the old object or the new one, never half
// of each. In Go a single pointer or machine word is not torn either, but
// a value of several words (a two-field struct, a string or slice header,
// an interface) is written and read one word at a time, so a reader racing
// a writer can see the first word of one value and the second of another.
//
//	go run ./examples/torn-read
//
// One goroutine writes two values alternately; another reads and counts the
// values that are neither (torn reads). Each kind of value is shared twice:
// as a plain variable (a data race: the torn reads appear) and through an
// ftutils.AtomicRef holding a pointer to an immutable value (no torn reads,
// ever: the pointer is one word, swapped atomically). The reader goes on
// until it has seen the value change -changes times or for -time, and the
// report gives both counts: on a busy machine, or with GOMAXPROCS=1, the
// writer runs during the reads only now and then. With one P a torn value
// needs the writer to be preempted between its two stores, which is rare,
// but then every read until the writer runs again sees it.
//
// The plain variant is a data race, which Go leaves undefined and the race
// detector rightly rejects, so it lives in racy.go, built only without
// -race (`//go:build !race`). The demo keeps it harmless: the struct holds
// two ints, and both strings are slices of one backing array so that a torn
// header (one string's pointer, the other's length) still points inside
// that array. Tearing an interface or a slice of different arrays can
// instead read or write out of bounds and crash the program.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ftutils-go/ftutils"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "torn-read:", err)
		}
		os.Exit(1)
	}
}

// pair is a two-word value. The writer only ever writes pairA or pairB,
// whose fields are equal, so a read with unequal fields is torn.
type pair struct{ a, b int64 }

var (
	pairA = pair{1, 1}
	pairB = pair{-1, -1}
)

func (p pair) torn() bool { return p.a != p.b }

// which classifies a read pair: 0 for pairA, 1 for pairB, -1 for torn.
func (p pair) which() int {
	switch p {
	case pairA:
		return 0
	case pairB:
		return 1
	}
	return -1
}

// backing holds both strings the writer alternates between, so that any
// pointer/length combination still lies inside it.
const backing = "AAAAAAAABBBBBBBBBBBBBBBB"

var (
	strA = backing[:8] // "AAAAAAAA"
	strB = backing[8:] // "BBBBBBBBBBBBBBBB"
)

// tornString reports whether s is neither strA nor strB: one's data pointer
// with the other's length.
func tornString(s string) bool { return s != strA && s != strB }

// whichString classifies a read string: 0 for strA, 1 for strB, -1 for
// torn.
func whichString(s string) int {
	switch s {
	case strA:
		return 0
	case strB:
		return 1
	}
	return -1
}

// demo is one line of the report: a kind of value shared one way.
type demo struct {
	name string
	// run has a writer alternate the two values while the reader reads,
	// and returns what the reader saw.
	run func(b budget) seen
}

// budget says how long a reader goes on: until it has seen the value
// change changes times, or for at most d.
type budget struct {
	changes int
	d       time.Duration
}

// seen is what a reader saw: how many reads it made, how many were torn,
// and how many times a whole value differed from the previous whole value.
// The changes show how much the writer really ran while the reader was
// reading: on a busy machine, or with one P, the two goroutines overlap
// only now and then.
type seen struct{ reads, torn, changes int }

// race runs write in a loop on a second goroutine while read is called on
// this one until b is used up. read returns 0 or 1 for the first or second
// value and -1 for a torn one.
func race(b budget, write func(i int), read func() int) seen {
	var stop, started atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; !stop.Load(); i++ {
			write(i)
			if i == 0 {
				started.Store(true)
			}
		}
	})
	// Read only once the writer is running.
	for !started.Load() {
		runtime.Gosched()
	}
	var s seen
	last := -1
	deadline := time.Now().Add(b.d)
	for s.changes < b.changes && (s.reads%4096 != 0 || time.Now().Before(deadline)) {
		s.reads++
		switch w := read(); {
		case w < 0:
			s.torn++
		case w != last:
			if last >= 0 {
				s.changes++
			}
			last = w
		}
	}
	stop.Store(true)
	wg.Wait()
	return s
}

// atomicDemos share the values through ftutils.AtomicRef: the writer
// publishes a pointer to one of two immutable values, the reader loads the
// pointer and reads the value it points to.
func atomicDemos() []demo {
	return []demo{
		atomicDemo("pair via AtomicRef[pair]", &pairA, &pairB, pair.which),
		atomicDemo("string via AtomicRef[string]", &strA, &strB, whichString),
	}
}

// atomicDemo races a writer that alternately publishes a and b through an
// AtomicRef[T] against a reader that classifies what it loads.
func atomicDemo[T any](name string, a, b *T, which func(T) int) demo {
	return demo{name, func(bud budget) seen {
		var ref ftutils.AtomicRef[T]
		ref.Store(a)
		return race(bud,
			func(i int) {
				if i%2 == 0 {
					ref.Store(b)
				} else {
					ref.Store(a)
				}
			},
			func() int { return which(*ref.Load()) })
	}}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("torn-read", flag.ContinueOnError)
	fs.SetOutput(stderr)
	changes := fs.Int("changes", 200_000, "per demo, read until the value has changed this many times")
	limit := fs.Duration("time", 2*time.Second, "per demo, read for at most this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	case *changes < 1:
		return errors.New("-changes must be >= 1")
	case *limit <= 0:
		return errors.New("-time must be > 0")
	}
	b := budget{*changes, *limit}
	fmt.Fprintf(stdout, "GOMAXPROCS=%d, one writer alternating two values, one reader reading until %d changes or %v\n",
		runtime.GOMAXPROCS(0), b.changes, b.d)
	if !racyBuilt {
		fmt.Fprintln(stdout, "(built with -race: the plain, racy variants are left out)")
	}
	for _, d := range append(racyDemos(), atomicDemos()...) {
		s := d.run(b)
		fmt.Fprintf(stdout, "    %-30s torn reads: %d of %d (value changed %d times)\n",
			d.name, s.torn, s.reads, s.changes)
	}
	return nil
}
