package drivertest_test

import (
	"context"
	"testing"

	"github.com/dpsdk/dataprotection/drivers/drivertest"
)

// The package documentation's test, with ExampleRunConformanceTests's
// harness: the suite through plugin.TestDriver, restart case included.
func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, func(ctx context.Context, t testing.TB) (drivertest.Harness, error) {
		return newHarness(t) // the driver, plus what its backend needs
	})
}
