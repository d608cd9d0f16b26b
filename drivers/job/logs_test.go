package job

import (
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Logs finds the Job's pod by the task's label and reads its log through
// the clientset (the fake one answers "fake logs"); LogLocation says how a
// person reads it.
func TestLogsReadTheTaskPodsLog(t *testing.T) {
	ctx := context.Background()
	client := newFakeClient()
	d := mustNew(t, client, Options{})
	task := backupTask("ns", "b1-main")
	task.EnvFrom = nil
	job := d.buildJob(task, jobPlan{namespace: "ns", now: t0})
	_, err := client.BatchV1().Jobs("ns").Create(ctx, job, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = client.CoreV1().Secrets("ns").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "db-secret"},
		Data: map[string][]byte{"username": []byte("fake"), "password": []byte("pw")}}, metav1.CreateOptions{})
	require.NoError(t, err)

	_, err = d.Logs(ctx, "b1-main")
	assert.True(t, drivers.IsNotFound(err), "no pod yet: %v", err)

	_, err = client.CoreV1().Pods("ns").Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "b1-main-x",
		Labels: map[string]string{v1alpha1.LabelTaskID: "b1-main"}}, Spec: job.Spec.Template.Spec}, metav1.CreateOptions{})
	require.NoError(t, err)
	rc, err := d.Logs(ctx, "b1-main")
	require.NoError(t, err)
	out, err := io.ReadAll(rc)
	require.NoError(t, err)
	assert.Equal(t, "[REDACTED] logs", string(out), "the secret's values are redacted (the username here is \"fake\")")
	assert.Equal(t, "pod log: kubectl logs -n ns job/b1-main -c "+ContainerName, d.LogLocation(task))
}
