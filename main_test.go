package ftutils_test

import (
	"testing"

	"github.com/ftutils-go/ftutils/internal/leakcheck"
)

// TestMain fails the run if any test leaves a goroutine behind: a blocked
// Pop, Join or gatherer that never returns shows up here.
func TestMain(m *testing.M) { leakcheck.Main(m) }
