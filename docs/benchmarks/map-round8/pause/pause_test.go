// Package pause measures PAUSE: sync.Mutex spins in rounds of 30 PAUSE
// instructions (runtime.procyield), and under KVM on the 2-vCPU EPYC one
// round took about 780 ns (docs/benchmarks/map.md, round 8).
package pause

import "testing"

func pause30()

func BenchmarkPause30(b *testing.B) {
	for range b.N {
		pause30()
	}
}
