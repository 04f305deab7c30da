#!/bin/bash
# mkab.sh OLDREV : /tmp/abmod with old (git rev) and new (working tree) copies of
# the package and Go's sync.Map workloads run on both, row by row (-count N
# keeps each row's old and new runs adjacent in time).
set -e
rev=${1:-HEAD}
rm -rf /tmp/abmod && mkdir -p /tmp/abmod/old /tmp/abmod/new
cd /work/main
if [ -d "$rev" ]; then cp $rev/*.go /tmp/abmod/old/; else
for f in $(git ls-tree --name-only $rev | grep '\.go$' | grep -v _test.go); do git show $rev:$f > /tmp/abmod/old/$f; done
fi
for f in $(ls *.go | grep -v _test.go); do cp $f /tmp/abmod/new/$f; done
printf 'module abmod\n\ngo 1.26\n' > /tmp/abmod/go.mod
end=$(grep -n '^// BenchmarkMap_LoadReadOnly' map_bench_test.go | cut -d: -f1)
head -n $((end-1)) map_bench_test.go | sed -e 's/^package ftutils_test/package abmod/' \
    -e 's#"github.com/ftutils-go/ftutils"#oldm "abmod/old"\n\tnewm "abmod/new"#' \
    -e '/internal\/cputime/d' -e '/internal\/stress/d' -e '/clk := cputime/d' -e '/defer clk.Stop/d' \
    -e 's#{"sync.Map", func() syncMapLike { return new(sync.Map) }},#{"old", func() syncMapLike { return new(oldm.Map[any, any]) }},#' \
    -e 's#{"ftutils.Map", func() syncMapLike { return new(ftutils.Map\[any, any\]) }},#{"new", func() syncMapLike { return new(newm.Map[any, any]) }},#' \
    > /tmp/abmod/ab_test.go
cd /tmp/abmod && sed -i -e "s/^\t\"sync\"$/\t_ \"sync\"/" ab_test.go && cat >> ab_test.go <<'EOT'

type abIntMap interface {
	Load(int) (int, bool)
	Store(int, int)
}

type abStrMap interface {
	Load(string) (int, bool)
	Store(string, int)
}

// BenchmarkTyped: serial Loads of 1K present keys, Map[int, int] and
// Map[string, int], old and new back to back.
func BenchmarkTyped(b *testing.B) {
	ints := []struct {
		name string
		m    abIntMap
	}{{"old", new(oldm.Map[int, int])}, {"new", new(newm.Map[int, int])}}
	strs := []struct {
		name string
		m    abStrMap
	}{{"old", new(oldm.Map[string, int])}, {"new", new(newm.Map[string, int])}}
	if os.Getenv("ABSWAP") != "" {
		ints[0], ints[1] = ints[1], ints[0]
		strs[0], strs[1] = strs[1], strs[0]
	}
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = "key-" + strconv.Itoa(i)
	}
	idx := make([]uint16, 1<<16)
	x := uint64(7)
	for i := range idx {
		x = x*6364136223846793005 + 1442695040888963407
		idx[i] = uint16(x >> 54)
	}
	for i := range 2 {
		b.Run("op=IntLoad/impl="+ints[i].name, func(b *testing.B) {
			m := ints[i].m
			for k := range 1024 {
				m.Store(k, k)
			}
			b.ResetTimer()
			s := 0
			for j := 0; j < b.N; j++ {
				v, _ := m.Load(int(idx[j&0xffff]))
				s += v
			}
			abSink = s
		})
		b.Run("op=StrLoad/impl="+strs[i].name, func(b *testing.B) {
			m := strs[i].m
			for k := range 1024 {
				m.Store(keys[k], k)
			}
			b.ResetTimer()
			s := 0
			for j := 0; j < b.N; j++ {
				v, _ := m.Load(keys[idx[j&0xffff]])
				s += v
			}
			abSink = s
		})
	}
}

var abSink int

func init() {
	if os.Getenv("ABSWAP") != "" {
		syncMapLikeImpls[0], syncMapLikeImpls[1] = syncMapLikeImpls[1], syncMapLikeImpls[0]
	}
}
EOT
sed -i 's/^import (/import (\n\t"os"/' ab_test.go && gofmt -w ab_test.go && go vet . && go test -c -o /tmp/ab.test .
