//go:build !race

package main

// racyBuilt reports whether this binary contains the racy variants.
const racyBuilt = true

// The plain variables the racy demos share. Every access goes through a
// helper the compiler may not inline, so that it cannot keep the value in a
// register (it may assume there is no data race) or drop the writer's
// alternating stores as dead.
var (
	plainPair   pair
	plainString string
)

//go:noinline
func storePair(v int64) {
	// The compiler writes this as two one-word stores (MOVQ, MOVQ on
	// amd64), and loadPair reads it as two one-word loads.
	plainPair = pair{v, v}
}

//go:noinline
func loadPair() pair { return plainPair }

//go:noinline
func storeString(s string) { plainString = s }

//go:noinline
func loadString() string { return plainString }

// racyDemos share the values as plain variables: a data race, on purpose.
func racyDemos() []demo {
	return []demo{
		{"pair, plain variable (racy)", func(bud budget) seen {
			storePair(pairA.a)
			return race(bud,
				func(i int) {
					if i%2 == 0 {
						storePair(pairB.a)
					} else {
						storePair(pairA.a)
					}
				},
				func() int { return loadPair().which() })
		}},
		{"string, plain variable (racy)", func(bud budget) seen {
			storeString(strA)
			return race(bud,
				func(i int) {
					if i%2 == 0 {
						storeString(strB)
					} else {
						storeString(strA)
					}
				},
				func() int { return whichString(loadString()) })
		}},
	}
}
