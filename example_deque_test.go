package ftutils_test

import (
	"fmt"

	"github.com/ftutils-go/ftutils"
)

func ExampleDeque() {
	var d ftutils.Deque[int]
	d.ExtendBack(1, 2)
	d.ExtendFront(3, 4, 5) // pushed one by one at the front: reversed
	fmt.Println(d.Snapshot())
	d.Rotate(1) // the back element moves to the front
	fmt.Println(d.Snapshot())
	last, _ := d.At(-1)
	fmt.Println(last, d.Len())
	// Output:
	// [5 4 3 1 2]
	// [2 5 4 3 1]
	// 1 5
}

// A bounded deque keeps the most recent elements.
func ExampleNewDeque() {
	d := ftutils.NewDeque[string](3)
	for _, s := range []string{"a", "b", "c", "d", "e"} {
		d.PushBack(s)
	}
	for s := range d.All() {
		fmt.Print(s, " ")
	}
	fmt.Println()
	// Output: c d e
}
