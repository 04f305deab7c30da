module github.com/ftutils-go/ftutils

go 1.26
