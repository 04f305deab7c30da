//go:build race

package main

// racyBuilt reports whether this binary contains the racy variants: not
// under -race, where a deliberate data race would (rightly) be reported.
const racyBuilt = false

func racyDemos() []demo { return nil }
