package ftutils_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/ftutils-go/ftutils"
)

// A queue feeds work to a pool of goroutines; a normal Shutdown lets them
// drain what is queued and then stop.
func ExampleQueue() {
	var q ftutils.Queue[int]
	for v := range 10 {
		_ = q.Push(v)
	}
	q.Shutdown(false) // no more work: workers drain, then see ErrShutDown

	var mu sync.Mutex
	sum := 0
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for {
				v, err := q.Pop(context.Background())
				if err != nil { // ftutils.ErrShutDown once drained
					return
				}
				mu.Lock()
				sum += v * v
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	fmt.Println(sum)
	// Output: 285
}

// An immediate shutdown hands back what no consumer took, so nothing is
// lost.
func ExampleQueue_Shutdown() {
	var q ftutils.Queue[string]
	_ = q.Push("a")
	_ = q.Push("b")
	_ = q.Push("c")
	first, _ := q.TryPop()
	left := q.Shutdown(true)
	_, err := q.Pop(context.Background())
	fmt.Println(first, left, err)
	// Output: a [b c] ftutils: queue shut down
}
