package ftutils_test

import (
	"fmt"
	"sync"

	"github.com/ftutils-go/ftutils"
)

// Ten goroutines increment a shared counter 1000 times each. With a plain
// int64 and x++ some increments would be lost; with AtomicInt64 none are.
func ExampleAtomicInt64() {
	var n ftutils.AtomicInt64
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			for range 1000 {
				n.Incr()
			}
		})
	}
	wg.Wait()
	fmt.Println(n.Load())
	// Output: 10000
}

// StoreMax tracks a peak without the race of "if v > peak { peak = v }".
func ExampleAtomicInt64_StoreMax() {
	var inside, peak ftutils.AtomicInt64
	enter := func() { peak.StoreMax(inside.Incr()) }
	leave := func() { inside.Decr() }
	enter()
	enter()
	leave()
	enter()
	leave()
	leave()
	fmt.Println("inside:", inside.Load(), "peak:", peak.Load())
	// Output: inside: 0 peak: 2
}

// Div truncates toward zero, like Go's / and ft_utils' C code.
func ExampleAtomicInt64_Div() {
	var a ftutils.AtomicInt64
	a.Store(-7)
	fmt.Println(a.Div(2))
	// Output: -3
}

// Update applies any pure function in one atomic step.
func ExampleAtomicInt64_Update() {
	var a ftutils.AtomicInt64
	a.Store(5)
	old, n := a.Update(func(x int64) int64 { return x*x - 1 })
	fmt.Println(old, n)
	// Output: 5 24
}
