package ftutils

import (
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ftutils-go/ftutils/internal/stress"
)

// TestMapInsertSharedConcurrent fills small tables from several goroutines
// at once through insertShared, the insert of a helped rebuild, so that
// they often claim slots of the same group at the same moment. Every entry
// must land in exactly one slot: a claim that overwrote another's (a plain
// store instead of the CAS) loses an entry, which the count of full
// control bytes and the key scan catch.
func TestMapInsertSharedConcurrent(t *testing.T) {
	stress.Sweep(t, func(t *testing.T, procs int) {
		const workers, per = 4, 20 // 80 entries in 32 groups (256 slots)
		r := newMapRoot[int, int](mapConfig{shards: 1})
		for round := range stress.Scale(2000) {
			tb := newMapTable[int, int](96, false)
			src := make([]mapSlot[int, int], workers*per)
			for i := range src {
				src[i] = mapSlot[int, int]{key: round*1000 + i, val: i}
			}
			stress.Run(workers, func(w int) {
				for i := w * per; i < (w+1)*per; i++ {
					tb.insertShared(&src[i], r.hash(src[i].key))
				}
			})
			full := 0
			seen := make([]bool, len(src))
			for gi := range tb.groups {
				m := tb.groups[gi].ctrl.Load() & mapMSBs
				full += bits.OnesCount64(m)
				for ; m != 0; m &= m - 1 {
					sl := tb.groups[gi].slots[bits.TrailingZeros64(m)>>3]
					if i := sl.key - round*1000; i < 0 || i >= len(src) || seen[i] || sl.val != i {
						t.Fatalf("round %d: slot holds %d: %d (duplicate or foreign)", round, sl.key, sl.val)
					} else {
						seen[i] = true
					}
				}
			}
			if full != len(src) {
				t.Fatalf("round %d: %d full slots after %d inserts", round, full, len(src))
			}
		}
	})
}

// TestMapHelpedRebuildProtocol drives the helpers of a rebuild directly: it
// rebuilds one large shard over and over while other goroutines keep
// calling the shard's lock (so that they arrive during the copy and help)
// and a reader keeps loading keys from whichever table is published. After
// every rebuild the new table must hold each key exactly once with its
// value; a rebuilder that published before the last chunk was copied, a
// helper that counted its chunk done before copying it, or helpers that
// claimed slots without a CAS, each lose entries here.
func TestMapHelpedRebuildProtocol(t *testing.T) {
	// Enough Ps for the rebuilder, three lockers and a reader to overlap.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(mapManyProcs, runtime.GOMAXPROCS(0))))
	const keys = 12000 // 4000 groups after a rebuild: well above mapCopyMinGroups
	m := NewMap[int, int](WithMapShards(1))
	m.rootForWrite().manyProcs = true // helpers join whatever the CPU count
	for k := range keys {
		m.Store(k, -k)
	}
	r := m.root.Load()
	s := &r.shards[0]
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for !stop.Load() {
				s.lock()
				s.mu.Unlock()
			}
		})
	}
	var bad atomic.Int64
	wg.Go(func() {
		for i := 0; !stop.Load(); i++ {
			k := i % keys * 7919 % keys // no overflow of a 32-bit int
			if v, ok := m.Load(k); !ok || v != -k {
				bad.Add(1)
			}
		}
	})
	defer func() {
		stop.Store(true)
		wg.Wait()
	}()
	for round := range stress.Scale(300) {
		s.mu.Lock()
		tb := s.rebuild(r, s.table.Load())
		s.mu.Unlock()
		seen := make([]bool, keys)
		for gi := range tb.groups {
			for mk := tb.groups[gi].ctrl.Load() & mapMSBs; mk != 0; mk &= mk - 1 {
				sl := tb.groups[gi].slots[bits.TrailingZeros64(mk)>>3]
				if sl.key < 0 || sl.key >= keys || seen[sl.key] || sl.val != -sl.key {
					t.Fatalf("rebuild %d: slot holds %d: %d (duplicate or wrong)", round, sl.key, sl.val)
				}
				seen[sl.key] = true
			}
		}
		for k, ok := range seen {
			if !ok {
				t.Fatalf("rebuild %d lost key %d", round, k)
			}
		}
	}
	if n := bad.Load(); n != 0 {
		t.Errorf("%d concurrent Loads missed a key or saw a wrong value", n)
	}
}
