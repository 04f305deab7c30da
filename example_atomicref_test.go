package ftutils_test

import (
	"fmt"

	"github.com/ftutils-go/ftutils"
)

type refConfig struct {
	Name    string
	Retries int
}

// Publish an immutable configuration; readers load a consistent pointer and
// never see half of an update.
func ExampleAtomicRef() {
	var cfg ftutils.AtomicRef[refConfig]
	cfg.Store(&refConfig{Name: "default", Retries: 3})

	// An updater builds a new value instead of mutating the shared one.
	cfg.Update(func(old *refConfig) *refConfig {
		c := *old
		c.Retries++
		return &c
	})
	fmt.Printf("%+v\n", *cfg.Load())
	// Output: {Name:default Retries:4}
}

// CompareAndSwap compares identity, not equality, like ft_utils'
// compare_exchange.
func ExampleAtomicRef_CompareAndSwap() {
	var r ftutils.AtomicRef[string]
	a, b := new("same"), new("same")
	r.Store(a)
	fmt.Println(r.CompareAndSwap(b, nil), r.CompareAndSwap(a, nil))
	// Output: false true
}
