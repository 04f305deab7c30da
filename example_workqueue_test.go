package ftutils_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/ftutils-go/ftutils"
)

// A bounded work queue with task accounting: the producer blocks while the
// queue is full, and Join waits until every task is marked done.
func ExampleWorkQueue() {
	ctx := context.Background()
	q := ftutils.NewWorkQueue[int](2)
	var total atomic.Int64
	for range 2 {
		go func() {
			for {
				v, err := q.Get(ctx)
				if errors.Is(err, ftutils.ErrShutDown) {
					return
				}
				total.Add(int64(v))
				q.TaskDone()
			}
		}()
	}
	for v := 1; v <= 100; v++ {
		_ = q.Put(ctx, v) // waits for room
	}
	_ = q.Join(ctx) // every Put has had its TaskDone
	fmt.Println(total.Load())
	q.Shutdown(false) // the workers return
	// Output: 5050
}

// The non-blocking forms report a full or empty queue with sentinels.
func ExampleWorkQueue_TryPut() {
	q := ftutils.NewWorkQueue[string](1)
	fmt.Println(q.TryPut("a"))
	fmt.Println(q.TryPut("b"))
	v, err := q.TryGet()
	fmt.Println(v, err)
	_, err = q.TryGet()
	fmt.Println(err)
	// Output:
	// <nil>
	// ftutils: queue full
	// a <nil>
	// ftutils: queue empty
}
