package bench

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/ftutils-go/ftutils"
)

// Counter.Load is documented as weakly consistent, not linearizable: it
// returns the count with every Add that returned before it began, plus some
// subset of the Adds that overlap it. The check below verifies exactly
// that, on recorded histories, without porcupine: for each Load,
//
//	done + Σ(overlapping negative Adds) <= Load <= done + Σ(overlapping positive Adds)
//
// where done sums the Adds that returned before the Load was called. (A
// linearizable counter would satisfy it too; a Load that lost a completed
// Add, or counted one twice, would not.)

type counterIn struct {
	load bool
	d    int64
}

// checkCounterHistory returns an error describing the first Load outside
// its bounds.
func checkCounterHistory(h []porcupine.Operation) error {
	var adds []porcupine.Operation
	for _, op := range h {
		if !op.Input.(counterIn).load {
			adds = append(adds, op)
		}
	}
	sort.Slice(adds, func(i, j int) bool { return adds[i].Return < adds[j].Return })
	for _, op := range h {
		if !op.Input.(counterIn).load {
			continue
		}
		var done, lo, hi int64
		for _, a := range adds {
			d := a.Input.(counterIn).d
			switch {
			case a.Return < op.Call:
				done += d
			case a.Call < op.Return: // overlaps the Load
				if d < 0 {
					lo += d
				} else {
					hi += d
				}
			}
		}
		got := op.Output.(int64)
		if got < done+lo || got > done+hi {
			return fmt.Errorf("Load() = %d; want within [%d, %d] (completed Adds %d, overlapping -%d/+%d)",
				got, done+lo, done+hi, done, -lo, hi)
		}
	}
	return nil
}

// TestCounterLoadBounds records Counter histories (Add, Incr, Decr and
// Load) in every GOMAXPROCS and preemption mode and checks every Load
// against its bounds.
func TestCounterLoadBounds(t *testing.T) {
	size := linSizeFor(false)
	spec := linSpec[*ftutils.Counter]{
		fresh: func() (*ftutils.Counter, func()) { return new(ftutils.Counter), nil },
		gen: func(_ *ftutils.Counter, rng *rand.Rand, c, i int) any {
			switch r := rng.IntN(10); {
			case r < 3:
				return counterIn{load: true}
			case r < 5:
				return counterIn{d: 1}
			case r < 6:
				return counterIn{d: -1}
			default:
				return counterIn{d: rng.Int64N(201) - 100}
			}
		},
		apply: func(c *ftutils.Counter, input any, _ func()) any {
			in := input.(counterIn)
			switch {
			case in.load:
				return c.Load()
			case in.d == 1:
				c.Incr()
			case in.d == -1:
				c.Decr()
			default:
				c.Add(in.d)
			}
			return int64(0)
		},
	}
	var histories, loads int
	for _, procs := range linProcs() {
		for _, yieldP := range []float64{0, linYield} {
			t.Run(fmt.Sprintf("procs=%d/preempt=%v", procs, yieldP > 0), func(t *testing.T) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				for h := range size.histories {
					seed := uint64(time.Now().UnixNano()) ^ uint64(h)<<32
					hist := recordHistory(spec, size.clients, size.ops, yieldP, seed)
					histories++
					for _, op := range hist {
						if op.Input.(counterIn).load {
							loads++
						}
					}
					if err := checkCounterHistory(hist); err != nil {
						t.Fatalf("seed %d: %v", seed, err)
					}
				}
			})
		}
	}
	t.Logf("checked %d histories, %d Loads (%d clients × %d ops each)", histories, loads, size.clients, size.ops)
}

// TestCounterBoundsCheckCanFail feeds the check a Load that missed an Add
// which returned before it began.
func TestCounterBoundsCheckCanFail(t *testing.T) {
	h := []porcupine.Operation{
		{Input: counterIn{d: 5}, Call: 0, Return: 1, Output: int64(0)},
		{Input: counterIn{load: true}, Call: 2, Return: 3, Output: int64(0)},
	}
	if checkCounterHistory(h) == nil {
		t.Fatal("a Load that missed a completed Add passed the bounds check")
	}
}
