package ftutils

import (
	"math/bits"
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
