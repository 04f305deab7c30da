package ftutils_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/ftutils-go/ftutils"
)

// Fan work out to goroutines and read the results back in order.
func ExampleGatherer() {
	words := []string{"gather", "in", "key", "order"}
	var g ftutils.Gatherer[string]
	for i, w := range words {
		go func() {
			if err := g.Insert(i, strings.ToUpper(w)); err != nil {
				g.Fail(err)
			}
		}()
	}
	for v, err := range g.Iter(context.Background(), len(words)-1, true) {
		if err != nil {
			fmt.Println("error:", err)
			break
		}
		fmt.Println(v)
	}
	// Output:
	// GATHER
	// IN
	// KEY
	// ORDER
}

// A producer that cannot deliver calls Fail; the consumer gets the values
// before the gap, then the error, instead of waiting forever.
func ExampleGatherer_Fail() {
	var g ftutils.Gatherer[int]
	g.Insert(0, 10)
	g.Insert(2, 30)
	g.Fail(fmt.Errorf("worker 1 failed"))
	for v, err := range g.Iter(context.Background(), 2, true) {
		if err != nil {
			fmt.Println("error:", err)
			break
		}
		fmt.Println(v)
	}
	// Output:
	// 10
	// error: ftutils: closed: Gatherer failed: worker 1 failed
}
