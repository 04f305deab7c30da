package ftutils_test

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/ftutils-go/ftutils"
)

// The source in these benchmarks is a *rand.Rand, which is not safe for
// concurrent use: the shape of ft_utils' random_bench (random.randint
// behind the random module's lock). The baseline guards it with a mutex;
// the executor needs none, since it never calls its source concurrently.

func newRandSource() func() uint64 {
	r := rand.New(rand.NewPCG(1, 2))
	return r.Uint64
}

// newSeqSource is the cheapest possible source, to show the executor's
// own cost: an unsynchronized sequence.
func newSeqSource() func() uint64 {
	var n uint64
	return func() uint64 { n++; return n }
}

var batchSources = []struct {
	name string
	make func() func() uint64
}{{"seq", newSeqSource}, {"rand", newRandSource}}

type lockedSource struct {
	mu  sync.Mutex
	src func() uint64
}

func (m *lockedSource) Load() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.src()
}

var batchSizes = []int{16, 1024}

// BenchmarkBatchExecutor_Load: one goroutine drawing values.
func BenchmarkBatchExecutor_Load(b *testing.B) {
	for _, src := range batchSources {
		for _, size := range batchSizes {
			b.Run("src="+src.name+"/"+paramName("size", size, "impl=BatchExecutor"), func(b *testing.B) {
				b.ReportAllocs()
				e := ftutils.NewBatchExecutor(src.make(), size)
				for b.Loop() {
					if _, err := e.Load(); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("src="+src.name+"/"+paramName("size", size, "impl=BatchLocal"), func(b *testing.B) {
				b.ReportAllocs()
				l := ftutils.NewBatchExecutor(src.make(), size).Local(64)
				for b.Loop() {
					if _, err := l.Load(); err != nil {
						b.Fatal(err)
					}
				}
			})
			// The baseline ignores size; it sits under each size so
			// that benchstat -col /impl shows the ratio.
			b.Run("src="+src.name+"/"+paramName("size", size, "impl=Mutex"), func(b *testing.B) {
				b.ReportAllocs()
				m := &lockedSource{src: src.make()}
				for b.Loop() {
					_ = m.Load()
				}
			})
		}
	}
}

// BenchmarkBatchExecutor_LoadParallel: every goroutine draws values from
// one shared source (IDs, random numbers).
func BenchmarkBatchExecutor_LoadParallel(b *testing.B) {
	for _, src := range batchSources {
		for _, size := range batchSizes {
			b.Run("src="+src.name+"/"+paramName("size", size, "impl=BatchExecutor"), func(b *testing.B) {
				b.ReportAllocs()
				e := ftutils.NewBatchExecutor(src.make(), size)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := e.Load(); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
			b.Run("src="+src.name+"/"+paramName("size", size, "impl=BatchLocal"), func(b *testing.B) {
				b.ReportAllocs()
				e := ftutils.NewBatchExecutor(src.make(), size)
				b.RunParallel(func(pb *testing.PB) {
					l := e.Local(64)
					for pb.Next() {
						if _, err := l.Load(); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
			b.Run("src="+src.name+"/"+paramName("size", size, "impl=Mutex"), func(b *testing.B) {
				b.ReportAllocs()
				m := &lockedSource{src: src.make()}
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						_ = m.Load()
					}
				})
			})
		}
	}
}

// BenchmarkBatchExecutor_LoadOversubscribed: 8 goroutines per P draw from
// one shared source, the shape of a server whose request goroutines all
// take IDs or random numbers from one place. A mutex with more waiters
// than Ps parks and wakes goroutines; the executor's Loads do not wait
// except while a refill runs.
func BenchmarkBatchExecutor_LoadOversubscribed(b *testing.B) {
	for _, src := range batchSources {
		const size = 1024
		b.Run("src="+src.name+"/"+paramName("size", size, "impl=BatchExecutor"), func(b *testing.B) {
			b.ReportAllocs()
			e := ftutils.NewBatchExecutor(src.make(), size)
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := e.Load(); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
		b.Run("src="+src.name+"/"+paramName("size", size, "impl=Mutex"), func(b *testing.B) {
			b.ReportAllocs()
			m := &lockedSource{src: src.make()}
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					_ = m.Load()
				}
			})
		})
	}
}
