package main

import (
	"fmt"
	"math"
)

// validate checks a report against the benchmarks it was run for: every
// benchmark and implementation present in order, every point at every
// goroutine count, every number finite and positive, the baseline present
// with speed-up 1 and stdlib origin. CI relies on it through the -quick
// test; it is also a cheap guard before writing files.
func validate(r *Report, bs []*benchmark) error {
	if r.Schema != schema {
		return fmt.Errorf("schema %q, want %q", r.Schema, schema)
	}
	m := r.Machine
	if m.CPU == "" || m.Cores < 1 || m.GOMAXPROCS < 1 || m.Go == "" || m.OS == "" || m.Arch == "" {
		return fmt.Errorf("machine info incomplete: %+v", m)
	}
	if len(r.Config.Goroutines) == 0 || r.Config.Runs < 1 || r.Config.DurationNS <= 0 {
		return fmt.Errorf("config incomplete: %+v", r.Config)
	}
	if len(r.Benchmarks) != len(bs) {
		return fmt.Errorf("%d benchmarks, want %d", len(r.Benchmarks), len(bs))
	}
	pos := func(v float64) bool { return v > 0 && !math.IsInf(v, 0) && !math.IsNaN(v) }
	for i, b := range bs {
		br := r.Benchmarks[i]
		if br.Name != b.name {
			return fmt.Errorf("benchmark %d is %q, want %q", i, br.Name, b.name)
		}
		if br.Baseline != b.baselineOf() || br.Baseline == "" {
			return fmt.Errorf("%s: baseline %q, want %q", b.name, br.Baseline, b.baselineOf())
		}
		if len(br.Impls) != len(b.impls) {
			return fmt.Errorf("%s: %d impls, want %d", b.name, len(br.Impls), len(b.impls))
		}
		bases := 0
		for j, im := range b.impls {
			ir := br.Impls[j]
			if ir.Name != im.name || ir.Origin != string(im.origin) || ir.Baseline != im.baseline {
				return fmt.Errorf("%s: impl %d is %q/%s/%v, want %q/%s/%v", b.name, j,
					ir.Name, ir.Origin, ir.Baseline, im.name, im.origin, im.baseline)
			}
			if ir.Baseline {
				bases++
				if ir.Name != br.Baseline || ir.Origin != string(originStdlib) {
					return fmt.Errorf("%s: baseline impl %q (%s) is not the stdlib baseline %q", b.name, ir.Name, ir.Origin, br.Baseline)
				}
			}
			if len(ir.Points) != len(r.Config.Goroutines) {
				return fmt.Errorf("%s/%s: %d points, want %d", b.name, ir.Name, len(ir.Points), len(r.Config.Goroutines))
			}
			for k, p := range ir.Points {
				where := fmt.Sprintf("%s/%s g=%d", b.name, ir.Name, p.Goroutines)
				if p.Goroutines != r.Config.Goroutines[k] {
					return fmt.Errorf("%s: point %d has goroutines %d, want %d", where, k, p.Goroutines, r.Config.Goroutines[k])
				}
				if !pos(p.OpsPerSec) || !pos(p.NsPerOp) || !pos(p.Speedup) || !pos(p.Scaling) {
					return fmt.Errorf("%s: non-positive number in %+v", where, p)
				}
				if len(p.Runs) != r.Config.Runs {
					return fmt.Errorf("%s: %d runs, want %d", where, len(p.Runs), r.Config.Runs)
				}
				for _, v := range p.Runs {
					if !pos(v) {
						return fmt.Errorf("%s: run %v not positive", where, v)
					}
				}
				if ir.Baseline && math.Abs(p.Speedup-1) > 1e-9 {
					return fmt.Errorf("%s: baseline speed-up %v, want 1", where, p.Speedup)
				}
			}
		}
		if bases != 1 {
			return fmt.Errorf("%s: %d baseline impls, want 1", b.name, bases)
		}
	}
	return nil
}
