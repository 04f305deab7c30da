package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// schema names the JSON layout; bump it when a field changes meaning.
const schema = "ftbench/1"

// Report is everything one timed run measured; it is written as JSON
// verbatim and rendered as the table, the Markdown and the charts.
type Report struct {
	Schema      string        `json:"schema"`
	Machine     Machine       `json:"machine"`
	Config      Config        `json:"config"`
	Started     time.Time     `json:"started"`
	WallSeconds float64       `json:"wall_seconds"`
	Benchmarks  []BenchResult `json:"benchmarks"`
}

// Config is how the report was measured.
type Config struct {
	Quick      bool   `json:"quick"`
	DurationNS int64  `json:"duration_ns"` // per point and run
	Runs       int    `json:"runs"`        // runs per point; the median is reported
	Goroutines []int  `json:"goroutines"`
	Filter     string `json:"filter"`
	Impl       string `json:"impl"`
	Command    string `json:"command"`
}

// BenchResult is one benchmark: every implementation at every point.
type BenchResult struct {
	Name        string       `json:"name"`
	Port        string       `json:"port,omitempty"`
	Description string       `json:"description"`
	Baseline    string       `json:"baseline"`
	Impls       []ImplResult `json:"impls"`
}

// ImplResult is one implementation's line of a benchmark.
type ImplResult struct {
	Name     string  `json:"name"`
	Origin   string  `json:"origin"`
	Baseline bool    `json:"baseline"`
	Points   []Point `json:"points"`
}

// Point is one goroutine count.
type Point struct {
	Goroutines int       `json:"goroutines"`
	OpsPerSec  float64   `json:"ops_per_sec"` // median of the runs, all goroutines together
	NsPerOp    float64   `json:"ns_per_op"`   // 1e9 / ops_per_sec: wall time per operation
	Speedup    float64   `json:"speedup"`     // ops_per_sec / the baseline's at the same goroutines
	Scaling    float64   `json:"scaling"`     // ops_per_sec / this impl's at the first goroutine count
	Runs       []float64 `json:"runs_ops_per_sec"`
}

// finish fills the derived fields (median, ns/op, speed-up, scaling) from
// the raw runs.
func (r *Report) finish() {
	for bi := range r.Benchmarks {
		b := &r.Benchmarks[bi]
		var basePts []Point
		for ii := range b.Impls {
			im := &b.Impls[ii]
			for pi := range im.Points {
				p := &im.Points[pi]
				p.OpsPerSec = median(append([]float64(nil), p.Runs...))
				p.NsPerOp = 1e9 / p.OpsPerSec
			}
			if im.Baseline {
				basePts = im.Points
			}
		}
		for ii := range b.Impls {
			im := &b.Impls[ii]
			for pi := range im.Points {
				p := &im.Points[pi]
				p.Speedup = p.OpsPerSec / basePts[pi].OpsPerSec
				p.Scaling = p.OpsPerSec / im.Points[0].OpsPerSec
			}
		}
	}
}

func (r *Report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// si formats a rate with an SI prefix: 12.3M.
func si(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.2fG", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.2fk", v/1e3)
	default:
		return fmt.Sprintf("%.1f", v)
	}
}

func (r *Report) header() []string {
	return []string{
		"ftbench " + r.Started.UTC().Format(time.RFC3339),
		"machine: " + r.Machine.String(),
		fmt.Sprintf("method: %v per point, median of %d run(s), goroutines %v; ops/s (speed-up vs the stdlib baseline at the same goroutine count)",
			time.Duration(r.Config.DurationNS), r.Config.Runs, r.Config.Goroutines),
	}
}

// writeTable writes the human-readable table.
func (r *Report) writeTable(w io.Writer) {
	for _, l := range r.header() {
		fmt.Fprintln(w, l)
	}
	nameW := 0
	for _, b := range r.Benchmarks {
		for _, im := range b.Impls {
			nameW = max(nameW, len(im.Name)+len(" (base)"))
		}
	}
	for _, b := range r.Benchmarks {
		fmt.Fprintf(w, "\n%s: %s\n", b.Name, b.Description)
		if b.Port != "" {
			fmt.Fprintf(w, "  ported from ft_utils %s\n", b.Port)
		}
		fmt.Fprintf(w, "  %-*s %-8s", nameW, "impl", "origin")
		for _, g := range r.Config.Goroutines {
			fmt.Fprintf(w, " %18s", fmt.Sprintf("g=%d", g))
		}
		fmt.Fprintln(w)
		for _, im := range b.Impls {
			name := im.Name
			if im.Baseline {
				name += " (base)"
			}
			fmt.Fprintf(w, "  %-*s %-8s", nameW, name, im.Origin)
			for _, p := range im.Points {
				fmt.Fprintf(w, " %18s", fmt.Sprintf("%s %5.2fx", si(p.OpsPerSec), p.Speedup))
			}
			fmt.Fprintln(w)
		}
	}
	r.writeSummary(w, false)
}

// writeMarkdown writes the report as Markdown tables, one per benchmark
// group, for docs/benchmarks/ftbench.md.
func (r *Report) writeMarkdown(w io.Writer) {
	for _, l := range r.header() {
		fmt.Fprintf(w, "%s  \n", l)
	}
	r.writeSummary(w, true)
	group := ""
	for _, b := range r.Benchmarks {
		g, _, _ := strings.Cut(b.Name, "/")
		if g != group {
			group = g
			fmt.Fprintf(w, "\n### %s\n\n![%s](../charts/ftbench-%s.svg)\n", g, g, g)
		}
		fmt.Fprintf(w, "\n**%s**: %s", b.Name, b.Description)
		if b.Port != "" {
			fmt.Fprintf(w, " (ft_utils `%s`)", b.Port)
		}
		fmt.Fprint(w, "\n\n")
		fmt.Fprint(w, "| impl | origin |")
		for _, g := range r.Config.Goroutines {
			fmt.Fprintf(w, " g=%d |", g)
		}
		fmt.Fprint(w, "\n|---|---|")
		for range r.Config.Goroutines {
			fmt.Fprint(w, "---:|")
		}
		fmt.Fprintln(w)
		for _, im := range b.Impls {
			name := "`" + im.Name + "`"
			if im.Baseline {
				name += " (baseline)"
			}
			fmt.Fprintf(w, "| %s | %s |", name, im.Origin)
			for _, p := range im.Points {
				fmt.Fprintf(w, " %s/s (%.2fx) |", si(p.OpsPerSec), p.Speedup)
			}
			fmt.Fprintln(w)
		}
	}
}

// summaryRow is one ftutils implementation in one benchmark: its speed-up
// against the stdlib baseline and its ratio to the best xsync peer, per
// goroutine count (0 where there is no peer).
type summaryRow struct {
	bench, impl string
	vsBase      []float64
	vsPeer      []float64
	peer        string
}

// summary collects a row per ftutils implementation, in report order.
func (r *Report) summary() []summaryRow {
	var rows []summaryRow
	for _, b := range r.Benchmarks {
		var peers []ImplResult
		for _, im := range b.Impls {
			if im.Origin == string(originPeer) {
				peers = append(peers, im)
			}
		}
		for _, im := range b.Impls {
			if im.Origin != string(originFTUtils) {
				continue
			}
			row := summaryRow{bench: b.Name, impl: im.Name}
			for pi, p := range im.Points {
				row.vsBase = append(row.vsBase, p.Speedup)
				best := 0.0
				for _, pe := range peers {
					if v := pe.Points[pi].OpsPerSec; v > best {
						best, row.peer = v, pe.Name
					}
				}
				if best > 0 {
					row.vsPeer = append(row.vsPeer, p.OpsPerSec/best)
				}
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// writeSummary writes the summary as text (md false) or a Markdown table.
func (r *Report) writeSummary(w io.Writer, md bool) {
	rows := r.summary()
	if len(rows) == 0 {
		return
	}
	gs := r.Config.Goroutines
	cell := func(v []float64, i int) string {
		if i >= len(v) {
			return "-"
		}
		return fmt.Sprintf("%.2fx", v[i])
	}
	if md {
		fmt.Fprint(w, "\n### Summary: ftutils against the stdlib baseline and the xsync peer\n\n| benchmark | ftutils | ")
		for _, g := range gs {
			fmt.Fprintf(w, "vs base g=%d | ", g)
		}
		for _, g := range gs {
			fmt.Fprintf(w, "vs xsync g=%d | ", g)
		}
		fmt.Fprint(w, "\n|---|---|")
		for range 2 * len(gs) {
			fmt.Fprint(w, "---:|")
		}
		fmt.Fprintln(w)
		for _, row := range rows {
			fmt.Fprintf(w, "| %s | `%s` |", row.bench, row.impl)
			for i := range gs {
				fmt.Fprintf(w, " %s |", cell(row.vsBase, i))
			}
			for i := range gs {
				fmt.Fprintf(w, " %s |", cell(row.vsPeer, i))
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintln(w, "\nsummary: ftutils ops/s divided by the stdlib baseline's (vs base) and by the best xsync peer's (vs xsync)")
	bw, iw := len("benchmark"), len("ftutils")
	for _, row := range rows {
		bw, iw = max(bw, len(row.bench)), max(iw, len(row.impl))
	}
	fmt.Fprintf(w, "  %-*s %-*s", bw, "benchmark", iw, "ftutils")
	for _, g := range gs {
		fmt.Fprintf(w, " %9s", fmt.Sprintf("base g=%d", g))
	}
	for _, g := range gs {
		fmt.Fprintf(w, " %10s", fmt.Sprintf("xsync g=%d", g))
	}
	fmt.Fprintln(w)
	for _, row := range rows {
		fmt.Fprintf(w, "  %-*s %-*s", bw, row.bench, iw, row.impl)
		for i := range gs {
			fmt.Fprintf(w, " %9s", cell(row.vsBase, i))
		}
		for i := range gs {
			fmt.Fprintf(w, " %10s", cell(row.vsPeer, i))
		}
		fmt.Fprintln(w)
	}
}
