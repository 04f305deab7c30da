module github.com/ftutils-go/ftutils/bench

go 1.26

replace github.com/ftutils-go/ftutils => ../

require (
	github.com/anishathalye/porcupine v1.3.1
	github.com/ftutils-go/ftutils v0.0.0-00010101000000-000000000000
	github.com/puzpuzpuz/xsync/v4 v4.5.0
	go.uber.org/goleak v1.3.0
)

require github.com/stretchr/testify v1.9.0 // indirect
