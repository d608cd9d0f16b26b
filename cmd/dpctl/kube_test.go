package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/internal/testenv"
	"github.com/dpsdk/dataprotection/store/kube"
	"github.com/dpsdk/dataprotection/targets"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
	"github.com/dpsdk/dataprotection/types/v1alpha1/crds"
)

// cluster is the real API server with the CRDs, a namespace of the test's,
// and an engine in the test process playing the operator (with the
// in-memory driver: tasks succeed without running anything).
type cluster struct {
	env *testenv.Env
	ns  string
	st  *kube.Store
	// flags select the cluster and the namespace for dpctl.
	flags []string
}

func newCluster(t *testing.T) *cluster {
	env := testenv.Require(t)
	ctx := t.Context()
	ext, err := apiextensionsclient.NewForConfig(env.Config)
	require.NoError(t, err)
	require.NoError(t, crds.Install(ctx, ext.ApiextensionsV1(), nil))
	st, err := kube.New(env.Config, kube.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	ns := env.NewNamespace(t)
	return &cluster{env: env, ns: ns, st: st, flags: []string{"--kubeconfig", env.Kubeconfig(), "-n", ns}}
}

// runOperator runs an engine over the cluster until the test ends.
func (c *cluster) runOperator(t *testing.T) {
	eng, err := dataprotection.New(dataprotection.Config{
		Store:   c.st,
		Drivers: drivers.Registry{"job": memdriver.New(nil)},
		Targets: targets.Static{
			{Name: "db-0", Labels: map[string]string{"app": "db"}},
			{Name: "copy-0", Labels: map[string]string{"app": "copy"}},
		},
		Options: dataprotection.Options{PollInterval: 100 * time.Millisecond},
	})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = eng.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// run runs dpctl on the cluster's namespace.
func (c *cluster) run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return dpctl(t, nil, stdin, append(append([]string{}, c.flags...), args...)...)
}

func (c *cluster) must(t *testing.T, args ...string) result {
	t.Helper()
	r := c.run(t, "", args...)
	require.Equal(t, 0, r.code, "dpctl %q: %s", args, r.stderr)
	return r
}

// TestKubeObjects: get, describe, create and delete custom resources on a
// real API server, with an operator running them.
func TestKubeObjects(t *testing.T) {
	c := newCluster(t)
	c.runOperator(t)
	out := c.run(t, toolManifest+"---\n"+policyManifest, "apply", "-f", "-").stdout
	assert.Contains(t, out, "backuppolicy.dataprotection.kubeblocks.io/db created")
	assert.Contains(t, c.must(t, "wait", "policy", "db", "--timeout", "1m").stdout, "backuppolicy "+c.ns+"/db Available")

	checkKubeYAML(t, c)

	r := c.must(t, "create", "backup", "--policy", "db", "--name", "b1", "--wait", "--timeout", "1m")
	assert.Contains(t, r.stdout, "backup "+c.ns+"/b1 Completed")
	rows := table(t, c.must(t, "get", "backups").stdout)
	require.Len(t, rows, 1)
	assert.Equal(t, map[string]string{"NAME": "b1", "POLICY": "db", "TYPE": "datafile", "STATUS": "Completed"},
		map[string]string{"NAME": rows[0]["NAME"], "POLICY": rows[0]["POLICY"], "TYPE": rows[0]["TYPE"], "STATUS": rows[0]["STATUS"]})
	rows = table(t, c.must(t, "get", "backups", "-A").stdout)
	assert.Contains(t, rows, map[string]string{"NAMESPACE": c.ns, "NAME": "b1", "POLICY": "db", "TYPE": "datafile",
		"STATUS": "Completed", "TOTAL-SIZE": rows[0]["TOTAL-SIZE"], "DURATION": rows[0]["DURATION"],
		"CREATION-TIME": rows[0]["CREATION-TIME"], "COMPLETION-TIME": rows[0]["COMPLETION-TIME"]})

	checkKubeDescribe(t, c)
	r = c.run(t, "", "logs", "b1")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "no pods of backup "+c.ns+"/b1 in namespace "+c.ns)

	r = c.must(t, "restore", "b1", "--target-selector", "app=copy", "--name", "r1", "--wait", "--timeout", "1m")
	assert.Contains(t, r.stdout, "restorejob "+c.ns+"/r1 Completed")
	assert.Contains(t, c.must(t, "get", "restorejobs").stdout, "r1")

	r = c.must(t, "delete", "backup", "b1", "--wait", "--timeout", "1m")
	assert.Contains(t, r.stdout, "backup.dataprotection.kubeblocks.io/b1 deleted")
	assert.Equal(t, "backuppolicy.dataprotection.kubeblocks.io/db deleted\n", c.must(t, "delete", "policy/db").stdout)
	r = c.run(t, "", "get", "backup", "b1")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, `Backup "b1" not found in namespace "`+c.ns+`"`)
}

// checkKubeYAML: get -o yaml prints the object as the API server has it.
func checkKubeYAML(t *testing.T, c *cluster) {
	obj, err := v1alpha1.Decode([]byte(c.must(t, "get", "policy", "db", "-o", "yaml").stdout))
	require.NoError(t, err)
	stored, err := c.st.BackupPolicies().Get(t.Context(), c.ns, "db")
	require.NoError(t, err)
	want, err := json.Marshal(stored)
	require.NoError(t, err)
	got, err := json.Marshal(obj)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))
}

// checkKubeDescribe: describe shows the Events of the object.
func checkKubeDescribe(t *testing.T, c *cluster) {
	b, err := c.st.Backups().Get(t.Context(), c.ns, "b1")
	require.NoError(t, err)
	_, err = c.env.Client.CoreV1().Events(c.ns).Create(t.Context(), &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{GenerateName: "b1-"},
		InvolvedObject: corev1.ObjectReference{Kind: "Backup", Namespace: c.ns, Name: "b1", UID: b.UID},
		Type:           corev1.EventTypeNormal, Reason: "Inspected", Message: "an operator's event", Count: 1,
		LastTimestamp: metav1.Now(),
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	out := c.must(t, "describe", "backup", "b1").stdout
	for _, want := range []string{"Namespace:", c.ns, "Phase:", "Completed", "Events:", "Inspected", "an operator's event"} {
		assert.Contains(t, out, want)
	}
}

// TestKubeErrors: errors name the cluster's objects and namespaces.
func TestKubeErrors(t *testing.T) {
	c := newCluster(t)
	r := c.run(t, "", "describe", "restorejob", "nope")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, `RestoreJob "nope" not found in namespace "`+c.ns+`"`)
	r = c.run(t, "", "get", "tools", "nope")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, `BackupTool "nope" not found`)
	r = c.run(t, "", "get", "backups")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stderr, "No backups found in namespace "+c.ns+".")
}
