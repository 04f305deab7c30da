package ftutils_test

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ftutils-go/ftutils"
)

// ExampleIntervalLock is the GIL-style long computation from ft_utils'
// consistent_counter example: each goroutine holds the lock across a long
// read-modify-write loop on shared state, so no update is lost or
// interleaved mid-step, and calls Poll so that the others still get a turn
// every 5 ms instead of waiting for the whole loop.
func ExampleIntervalLock() {
	const workers, base = 10, 3.14
	var (
		lock   ftutils.IntervalLock
		result = 1.0 // guarded by lock
		inside atomic.Int32
		peak   atomic.Int32
		wg     sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			lock.Lock()
			defer lock.Unlock()
			for range 20_000 {
				peak.Store(max(peak.Load(), inside.Add(1)))
				for range 10 {
					result *= base
				}
				for range 10 {
					result /= base
				}
				inside.Add(-1)
				lock.Poll() // cedes to the other workers every 5 ms
			}
			result *= base
		})
	}
	wg.Wait()
	fmt.Printf("result %.6f, reference %.6f\n", result, math.Pow(base, workers))
	fmt.Println("peak goroutines inside:", peak.Load())
	// Output:
	// result 93174.373387, reference 93174.373387
	// peak goroutines inside: 1
}

// ExampleIntervalLock_Cede shows the hand-off: Cede lets a waiting goroutine
// run its whole critical section before the caller continues.
func ExampleIntervalLock_Cede() {
	lock := ftutils.NewIntervalLock(time.Millisecond)
	var log []string // guarded by lock
	lock.Lock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		lock.Lock()
		log = append(log, "worker")
		lock.Unlock()
	}()
	// Cede until the worker has queued and had its turn. Each Cede with a
	// waiter returns only after the waiter ran.
	for len(log) == 0 {
		lock.Cede()
	}
	log = append(log, "main")
	lock.Unlock()
	<-done
	fmt.Println(log)
	// Output: [worker main]
}
