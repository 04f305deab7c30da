package ftutils_test

import "fmt"

func paramName(k string, v int, rest string) string {
	return fmt.Sprintf("%s=%d/%s", k, v, rest)
}
