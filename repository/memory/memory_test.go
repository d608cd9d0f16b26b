package memory_test

import (
	"testing"

	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/memory"
	"github.com/dpsdk/dataprotection/repository/repotest"
)

func TestConformance(t *testing.T) {
	repotest.RunConformanceTests(t, repotest.Harness{
		NewBackend: func(t *testing.T) repository.Backend { return memory.New() },
	})
}
