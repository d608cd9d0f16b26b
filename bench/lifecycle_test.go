package bench

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/internal/testenv"
)

func TestMain(m *testing.M) {
	if servePluginIfAsked() {
		return
	}
	os.Exit(testenv.RunMain(m))
}

// cluster returns the package's control plane with the CRDs installed.
func cluster(t *testing.T) *Cluster {
	env := testenv.Require(t)
	c, err := NewCluster(context.Background(), env.Config)
	require.NoError(t, err)
	return c
}

// clusterWithControllers is cluster with the real Job controller and
// garbage collector running (kube-controller-manager), which from then on
// run for the package's later tests too: the control plane is shared.
func clusterWithControllers(t *testing.T) *Cluster {
	testenv.RequireControllers(t)
	c := cluster(t)
	c.JobController = true
	return c
}

func TestLifecycleNeedsTheJobController(t *testing.T) {
	_, err := Lifecycle(context.Background(), &Cluster{}, LifecycleOptions{N: 1, Namespace: "lifecycle-none"})
	require.ErrorContains(t, err, "Job controller")
}

func TestLifecycleCompletesEveryBackupAndCountsRequests(t *testing.T) {
	c := clusterWithControllers(t)
	res, err := Lifecycle(context.Background(), c, LifecycleOptions{N: 10, Namespace: "lifecycle-test"})
	require.NoError(t, err)
	assert.Equal(t, 10, res.N)
	assert.Positive(t, res.Engine)
	assert.Positive(t, res.Raw)
	assert.GreaterOrEqual(t, res.EngineRequests.Writes, int64(10*3), "finalizer with the plan, InProgress, Completed (the Job is the driver's)")
	assert.Zero(t, res.EngineRequests.Reads(), "the store reads from its informers")
	assert.GreaterOrEqual(t, res.DriverRequests.Writes, int64(10), "a Job each")
	assert.Positive(t, res.DriverRequests.Reads(), "the Job driver reads its Jobs and pods")
	// Per pod: binding, running, terminated (again after a conflict when
	// the pod it had was stale); the Job's status is the Job controller's.
	assert.GreaterOrEqual(t, res.Kubelet.Writes, int64(10*3), "binding, running, terminated")
	assert.LessOrEqual(t, res.Kubelet.Writes, int64(10*5), "binding, running, terminated")
	assert.Equal(t, int64(10)+res.EngineRequests.Writes+res.DriverRequests.Writes, res.RawWrites)
	t.Logf("%+v", res)
}
