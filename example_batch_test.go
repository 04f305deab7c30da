package ftutils_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/ftutils-go/ftutils"
)

// An ID allocator whose source is called in batches of 16: goroutines draw
// IDs with one atomic add each, and every ID is handed out once.
func ExampleBatchExecutor() {
	next := 0
	ids := ftutils.NewBatchExecutor(func() int { next++; return next }, 16)
	var mu sync.Mutex
	var got []int
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 8 {
				id, err := ids.Load()
				if err != nil {
					panic(err)
				}
				mu.Lock()
				got = append(got, id)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(got)
	fmt.Println(len(got), got[0], got[len(got)-1], next)
	// Output: 32 1 32 32
}

// A source error closes the executor for good.
func ExampleNewBatchExecutorErr() {
	n := 0
	e := ftutils.NewBatchExecutorErr(func() (int, error) {
		n++
		if n > 3 {
			return 0, errors.New("source ran dry")
		}
		return n, nil
	}, 3)
	for {
		v, err := e.Load()
		if err != nil {
			fmt.Println(err, errors.Is(err, ftutils.ErrClosed))
			break
		}
		fmt.Println(v)
	}
	// Output:
	// 1
	// 2
	// 3
	// ftutils: closed: BatchExecutor source failed: source ran dry true
}

// Each worker takes values in chunks through its own handle, with no
// synchronization per value (ft_utils' as_local()).
func ExampleBatchExecutor_Local() {
	next := 0
	e := ftutils.NewBatchExecutor(func() int { next++; return next }, 64)
	l := e.Local(4)
	var vals []int
	for range 6 {
		v, _ := l.Load()
		vals = append(vals, v)
	}
	fmt.Println(vals)
	// The handle claimed two chunks of 4; the executor goes on after them.
	v, _ := e.Load()
	fmt.Println(v)
	// Output:
	// [1 2 3 4 5 6]
	// 9
}
