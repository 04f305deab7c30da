package ftutils_test

import (
	"context"
	"fmt"

	"github.com/ftutils-go/ftutils"
)

// A flag as a "ready" signal: the waiter parks (no spinning) until another
// goroutine sets it.
func ExampleAtomicFlag() {
	var ready ftutils.AtomicFlag
	var result string
	go func() {
		result = "loaded"
		ready.Store(true) // synchronizes before Wait's return
	}()
	if err := ready.Wait(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(result, ready.Load())
	// Output: loaded true
}
