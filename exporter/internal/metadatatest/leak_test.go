package metadatatest

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks, as in every package of this module, that the tests leave
// no goroutine behind. mdatagen generates no TestMain for this package.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
