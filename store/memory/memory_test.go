package memory_test

import (
	"testing"

	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/memory"
	"github.com/dpsdk/dataprotection/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.RunConformanceTests(t, func(t *testing.T) store.Store {
		return memory.New(memory.Options{})
	})
}
