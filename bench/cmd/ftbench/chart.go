package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// writeCharts draws, for every benchmark group, one SVG with a panel per
// benchmark: throughput (millions of operations per second) against
// goroutines, a line per implementation. It returns the files written.
//
// With png set it also writes ftbench-<group>.png next to each SVG.
func (r *Report) writeCharts(dir string, png bool) ([]string, error) {
	var groups []string
	byGroup := map[string][]BenchResult{}
	for _, b := range r.Benchmarks {
		g, _, _ := strings.Cut(b.Name, "/")
		if _, ok := byGroup[g]; !ok {
			groups = append(groups, g)
		}
		byGroup[g] = append(byGroup[g], b)
	}
	var files []string
	for _, g := range groups {
		exts := []string{".svg"}
		if png {
			exts = append(exts, ".png")
		}
		for _, ext := range exts {
			name := filepath.Join(dir, "ftbench-"+g+ext)
			if err := r.writeGroupChart(name, byGroup[g]); err != nil {
				return files, fmt.Errorf("chart %s: %w", g, err)
			}
			files = append(files, name)
		}
	}
	return files, nil
}

const chartCols = 2

func (r *Report) writeGroupChart(name string, bs []BenchResult) error {
	rows := (len(bs) + chartCols - 1) / chartCols
	cols := min(chartCols, len(bs))
	plots := make([][]*plot.Plot, rows)
	for i := range plots {
		plots[i] = make([]*plot.Plot, cols)
	}
	// One style per implementation across the group's panels, so a
	// contender keeps its colour from panel to panel.
	style := map[string]int{}
	for _, b := range bs {
		for _, im := range b.Impls {
			if _, ok := style[im.Name]; !ok {
				style[im.Name] = len(style)
			}
		}
	}
	for i, b := range bs {
		p, err := r.panel(b, style)
		if err != nil {
			return err
		}
		plots[i/cols][i%cols] = p
	}
	const tileW, tileH = 9 * vg.Centimeter, 7 * vg.Centimeter
	title := 1 * vg.Centimeter
	w, h := vg.Length(cols)*tileW, vg.Length(rows)*tileH+title
	var c interface {
		vg.CanvasSizer
		io.WriterTo
	}
	if strings.HasSuffix(name, ".png") {
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(110))}
	} else {
		c = vgsvg.NewWith(vgsvg.UseWH(w, h), vgsvg.EmbedFonts(false))
	}
	dc := draw.New(c)
	// The machine line on top: a chart read alone still says where it
	// was measured.
	sty := plot.New().Title.TextStyle
	sty.Font.Size = vg.Points(9)
	sty.YAlign = draw.YTop
	dc.FillText(sty, vg.Point{X: w / 2, Y: h - vg.Points(4)}, "ftbench "+r.Machine.String())
	dc.Max.Y -= title
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 2, PadY: vg.Millimeter * 2,
		PadTop: vg.Millimeter, PadBottom: vg.Millimeter, PadLeft: vg.Millimeter, PadRight: vg.Millimeter}
	canvases := plot.Align(plots, tiles, dc)
	for i := range plots {
		for j := range plots[i] {
			if plots[i][j] != nil {
				plots[i][j].Draw(canvases[i][j])
			}
		}
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if _, err := c.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// panel is one benchmark's plot.
func (r *Report) panel(b BenchResult, style map[string]int) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = b.Name
	p.X.Label.Text = "goroutines"
	p.Y.Label.Text = "M ops/s"
	p.Y.Min = 0
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.TextStyle.Font.Size = vg.Points(7)
	var ticks []plot.Tick
	for _, g := range r.Config.Goroutines {
		ticks = append(ticks, plot.Tick{Value: float64(g), Label: strconv.Itoa(g)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	if len(r.Config.Goroutines) > 2 {
		p.X.Scale = plot.LogScale{}
	}
	p.Title.TextStyle.Font.Size = vg.Points(11)
	p.X.Label.TextStyle.Font.Size = vg.Points(9)
	p.Y.Label.TextStyle.Font.Size = vg.Points(9)
	top := 0.0
	for _, im := range b.Impls {
		xys := make(plotter.XYs, len(im.Points))
		for i, pt := range im.Points {
			xys[i] = plotter.XY{X: float64(pt.Goroutines), Y: pt.OpsPerSec / 1e6}
			top = max(top, xys[i].Y)
		}
		label := im.Name
		if im.Baseline {
			label += " (base)"
		}
		l, pts, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, err
		}
		st := style[im.Name]
		l.Color = plotutil.Color(st)
		l.Dashes = plotutil.Dashes(st)
		pts.Color = plotutil.Color(st)
		pts.Shape = plotutil.Shape(st)
		p.Add(l, pts)
		p.Legend.Add(label, l, pts)
	}
	// Head room for the legend, a line per implementation, above the data.
	p.Y.Max = top * (1.1 + 0.1*float64(len(b.Impls)))
	return p, nil
}
