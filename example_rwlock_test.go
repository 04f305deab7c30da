package ftutils_test

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/ftutils-go/ftutils"
)

// rwConfig is read by many goroutines and replaced now and then.
type rwConfig struct {
	mu      ftutils.RWLock
	version int               // guarded by mu
	values  map[string]string // guarded by mu
}

func (c *rwConfig) get(k string) (string, int) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.values[k], c.version
}

func (c *rwConfig) set(k, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.values[k] = v
	c.version++
}

// ExampleRWLock uses RWLock exactly like sync.RWMutex: readers share it,
// a writer excludes them.
func ExampleRWLock() {
	c := &rwConfig{values: map[string]string{"mode": "fast"}}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				c.get("mode")
			}
		})
	}
	c.set("mode", "safe")
	wg.Wait()
	fmt.Println(c.get("mode"))
	// Output: safe 1
}

// ExampleRWLock_Readers shows ft_utils' introspection: how many goroutines
// hold the lock for reading, wait to write, or hold it for writing.
func ExampleRWLock_Readers() {
	var rw ftutils.RWLock
	rw.RLock()
	rw.RLock()
	fmt.Println(rw.Readers(), rw.WritersWaiting(), rw.WriterLocked())

	wrote := make(chan struct{})
	go func() {
		rw.Lock() // waits for the two readers
		fmt.Println(rw.Readers(), rw.WritersWaiting(), rw.WriterLocked())
		rw.Unlock()
		close(wrote)
	}()
	for rw.WritersWaiting() == 0 {
		runtime.Gosched()
	}
	fmt.Println(rw.Readers(), rw.WritersWaiting(), rw.WriterLocked())
	fmt.Println("TryRLock with a writer waiting:", rw.TryRLock())
	rw.RUnlock()
	rw.RUnlock()
	<-wrote
	// Output:
	// 2 0 false
	// 2 1 false
	// TryRLock with a writer waiting: false
	// 0 0 true
}
