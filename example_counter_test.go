package ftutils_test

import (
	"fmt"
	"sync"

	"github.com/ftutils-go/ftutils"
)

// Counting cache hits and misses from many goroutines, as ft_utils'
// fibonacci example does with AtomicInt64.
func ExampleCounter() {
	var hits, misses ftutils.Counter
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				if (w+i)%4 == 0 {
					misses.Incr()
				} else {
					hits.Incr()
				}
			}
		})
	}
	wg.Wait()
	fmt.Println(hits.Load(), misses.Load())
	// Output: 6000 2000
}

// LoadAndReset drains a counter, for example once per reporting interval.
func ExampleCounter_LoadAndReset() {
	var requests ftutils.Counter
	requests.Add(41)
	requests.Incr()
	fmt.Println(requests.LoadAndReset(), requests.Load())
	// Output: 42 0
}
