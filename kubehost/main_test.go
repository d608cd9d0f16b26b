package kubehost_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"

	"github.com/dpsdk/dataprotection/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.RunMain(m)) }

// fromCache returns what build makes from a factory of namespace ns's
// informers (registering those it uses), once the factory is started and
// its caches synced. The factory stops when the test ends.
func fromCache[T any](t *testing.T, c kubernetes.Interface, ns string, build func(informers.SharedInformerFactory) T) T {
	t.Helper()
	factory := informers.NewSharedInformerFactoryWithOptions(c, 0, informers.WithNamespace(ns))
	out := build(factory)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(func() { cancel(); factory.Shutdown() })
	factory.StartWithContext(ctx)
	require.NoError(t, factory.WaitForCacheSyncWithContext(ctx).AsError())
	return out
}
