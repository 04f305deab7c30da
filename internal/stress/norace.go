//go:build !race

package stress

// RaceEnabled reports whether the binary was built with -race.
const RaceEnabled = false
