package ftutils

// noCopy makes go vet's copylocks check report a copy of any struct that
// embeds it. It has no size and no behaviour.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// cacheLinePad is the padding unit for hot per-shard fields: 128 bytes,
// because Intel's adjacent-line prefetcher pulls cache lines in pairs.
const cacheLinePad = 128
