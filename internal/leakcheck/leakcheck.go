// Package leakcheck fails a test binary whose tests leave goroutines behind.
// It is the root module's stand-in for goleak (which lives only in bench/,
// since the root module has no dependencies).
package leakcheck

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Main runs the tests and then checks that the number of goroutines has
// returned to what it was before them. Goroutines that are still exiting get
// up to five seconds; runtime.Gosched-based retries are used, not sleeps,
// until the last second. Use it as `func TestMain(m *testing.M) {
// leakcheck.Main(m) }`.
func Main(m *testing.M) {
	base := runtime.NumGoroutine()
	code := m.Run()
	if code == 0 && !fuzzing() {
		if err := Check(base, 5*time.Second); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// Check waits up to timeout for the goroutine count to drop to base or
// below. It returns an error with the stacks of all goroutines if it does
// not.
func Check(base int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		n := runtime.NumGoroutine()
		if n <= base {
			return nil
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			return fmt.Errorf("leakcheck: %d goroutines leaked (baseline %d):\n%s",
				n-base, base, strings.TrimSpace(string(buf)))
		}
		// Exiting goroutines need the scheduler, not wall time: yield first,
		// and only back off to short timed waits once yielding is not enough.
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

// fuzzing reports whether the binary runs as a fuzzer (-test.fuzz) or one
// of its workers: the fuzzing engine keeps goroutines of its own (a signal
// watcher, worker pipes) that are not leaks of the code under test.
func fuzzing() bool {
	for _, name := range []string{"test.fuzz", "test.fuzzworker"} {
		if f := flag.Lookup(name); f != nil {
			if v := f.Value.String(); v != "" && v != "false" {
				return true
			}
		}
	}
	return false
}
