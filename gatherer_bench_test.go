package ftutils_test

import (
	"context"
	"sync"
	"testing"

	"github.com/ftutils-go/ftutils"
)

// BenchmarkGatherer_Transfer moves b.N values from producers to one
// consumer: with the Gatherer (producer p inserts keys p, p+P, p+2P, …, so
// keys arrive slightly out of order, and the consumer reads them in order),
// and with a buffered channel of capacity 1024 (no ordering). It models
// fanning work out to goroutines and gathering results in order. It runs a
// fixed number of items (b.N) through goroutines, so it uses the classic
// b.N loop rather than b.Loop or RunParallel.
func BenchmarkGatherer_Transfer(b *testing.B) {
	for _, producers := range []int{1, 4} {
		b.Run(paramName("producers", producers, "impl=Gatherer"), func(b *testing.B) {
			b.ReportAllocs()
			var g ftutils.Gatherer[int]
			n := b.N
			var wg sync.WaitGroup
			for p := range producers {
				wg.Go(func() {
					for k := p; k < n; k += producers {
						if err := g.Insert(k, k); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			want := 0
			for v, err := range g.Iter(context.Background(), n-1, true) {
				if err != nil || v != want {
					b.Fatalf("Iter yielded (%d, %v); want (%d, nil)", v, err, want)
				}
				want++
			}
			wg.Wait()
		})
		b.Run(paramName("producers", producers, "impl=chan"), func(b *testing.B) {
			b.ReportAllocs()
			ch := make(chan int, 1024)
			n := b.N
			var wg sync.WaitGroup
			for p := range producers {
				wg.Go(func() {
					for k := p; k < n; k += producers {
						ch <- k
					}
				})
			}
			sum := 0
			for range n {
				sum += <-ch
			}
			wg.Wait()
			if want := n * (n - 1) / 2; sum != want {
				b.Fatalf("sum = %d; want %d", sum, want)
			}
		})
	}
}
