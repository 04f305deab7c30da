module flattoy

go 1.26

require (
	github.com/ftutils-go/ftutils v0.0.0
	github.com/puzpuzpuz/xsync/v4 v4.5.0
)

replace github.com/ftutils-go/ftutils => ../../../..
