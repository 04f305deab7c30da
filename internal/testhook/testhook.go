// Package testhook holds switches that tests outside the ftutils package
// (the bench module's linearizability checks) flip to reach code paths a
// small machine would not take on its own. The library reads each switch
// once, when it creates the object the switch concerns; none is set
// outside tests.
package testhook

import "sync/atomic"

// MapReuse, while set, makes the Maps created meanwhile let every table
// overwrite deleted slots (where the key and value types allow it), as
// tables of churned shards do in maps created with 4 or more Ps.
var MapReuse atomic.Bool
