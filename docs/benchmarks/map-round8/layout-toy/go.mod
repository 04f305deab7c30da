module layouttoy
go 1.26
