package ftutils_test

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/ftutils-go/ftutils"
)

// Per-goroutine statistics, combined on read.
func ExampleSharded() {
	type reqStats struct{ requests, bytes int64 }
	var s ftutils.Sharded[reqStats]
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for range 100 {
				s.Update(func(v *reqStats) { v.requests++; v.bytes += int64(w) })
			}
		})
	}
	wg.Wait()
	total := s.Reduce(func(acc, v *reqStats) {
		acc.requests += v.requests
		acc.bytes += v.bytes
	})
	fmt.Println(total.requests, total.bytes)
	// Output: 400 600
}

// A minimum needs slots that start at the neutral element.
func ExampleNewSharded() {
	s := ftutils.NewSharded(func(v *int64) { *v = math.MaxInt64 })
	var wg sync.WaitGroup
	for _, x := range []int64{42, 7, 19} {
		wg.Go(func() { s.Update(func(v *int64) { *v = min(*v, x) }) })
	}
	wg.Wait()
	fmt.Println(s.Reduce(func(acc, v *int64) { *acc = min(*acc, *v) }))
	// Output: 7
}

// Local suits a T that synchronizes itself, such as an atomic.
func ExampleSharded_Local() {
	var s ftutils.Sharded[atomic.Int64]
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 250 {
				s.Local().Add(1)
			}
		})
	}
	wg.Wait()
	var sum int64
	s.Range(func(v *atomic.Int64) bool { sum += v.Load(); return true })
	fmt.Println(sum)
	// Output: 1000
}
