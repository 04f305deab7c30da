// Package bench holds what the ftutils library must not depend on: the
// comparisons with peer libraries (puzpuzpuz/xsync, sync.Map, channels), the
// porcupine linearizability checks, goleak, and the ftbench command. It is a
// separate module so the library's go.mod keeps no require lines.
package bench
