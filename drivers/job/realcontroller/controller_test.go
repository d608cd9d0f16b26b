package realcontroller_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/job"
	"github.com/dpsdk/dataprotection/internal/testkubelet"
)

// podsOf lists the pods the Job controller made for the Job id.
func (w *world) podsOf(t *testing.T, id string) []corev1.Pod {
	j, err := w.env.Client.BatchV1().Jobs(w.ns).Get(context.Background(), id, metav1.GetOptions{})
	require.NoError(t, err)
	pods, err := w.env.Client.CoreV1().Pods(w.ns).List(context.Background(), metav1.ListOptions{
		LabelSelector: labels.Set{batchv1.ControllerUidLabel: string(j.UID)}.String()})
	require.NoError(t, err)
	return pods.Items
}

func TestABackupRunsToSuccessUnderTheJobController(t *testing.T) {
	w := newWorld(t, job.Options{})
	task := w.task("rc-success", w.owner(t, "b-success"))
	node.set(task.ID, func(context.Context, *corev1.Pod) (testkubelet.Termination, error) {
		return testkubelet.Termination{Message: `{"v":1,"exitCode":0,"fileCount":1,"totalSize":5,"sha256":"ab",` +
			`"artifacts":[{"path":"data","size":5,"sha256":"ab"}]}`}, nil
	})
	require.NoError(t, w.d.Start(context.Background(), task))
	st, _ := waitStatus(t, w.d, task.ID, "it ends", terminal)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
	assert.Equal(t, int64(5), st.TotalSize, "the result from the pod's termination message")
	// The driver reads the pod's result as soon as the pod ends; the Job
	// controller counts the pod and completes the Job on its own time.
	waitStatus(t, w.d, task.ID, "the Job controller counted the pod", func(*drivers.TaskStatus, error) bool {
		j, err := w.env.Client.BatchV1().Jobs(w.ns).Get(context.Background(), task.ID, metav1.GetOptions{})
		require.NoError(t, err)
		return j.Status.Succeeded == 1
	})
	assert.Len(t, w.podsOf(t, task.ID), 1)
}

func TestAFailedPodFailsTheJobAtOnceWithBackoffLimitZero(t *testing.T) {
	w := newWorld(t, job.Options{})
	task := w.task("rc-fail", w.owner(t, "b-fail"))
	node.set(task.ID, func(context.Context, *corev1.Pod) (testkubelet.Termination, error) {
		return testkubelet.Termination{ExitCode: 3, Message: "tool: disk full"}, nil
	})
	require.NoError(t, w.d.Start(context.Background(), task))
	st, _ := waitStatus(t, w.d, task.ID, "it ends", terminal)
	require.Equal(t, drivers.Failed, st.Phase, "%+v", st)
	assert.Contains(t, st.Message, batchv1.JobReasonBackoffLimitExceeded, "the Job controller's reason")
	assert.Contains(t, st.Message, "exited with status 3")
	assert.Len(t, w.podsOf(t, task.ID), 1, "backoffLimit 0: no second pod")
}

func TestTheJobControllerEndsAJobPastItsActiveDeadline(t *testing.T) {
	w := newWorld(t, job.Options{})
	task := w.task("rc-deadline", w.owner(t, "b-deadline"))
	task.Deadline = time.Now().Add(2 * time.Second)
	node.set(task.ID, func(ctx context.Context, _ *corev1.Pod) (testkubelet.Termination, error) {
		<-ctx.Done() // runs until the Job controller deletes the pod
		return testkubelet.Termination{}, ctx.Err()
	})
	require.NoError(t, w.d.Start(context.Background(), task))
	waitStatus(t, w.d, task.ID, "the Job's condition is the Job controller's", func(st *drivers.TaskStatus, err error) bool {
		j, gerr := w.env.Client.BatchV1().Jobs(w.ns).Get(context.Background(), task.ID, metav1.GetOptions{})
		require.NoError(t, gerr)
		for _, c := range j.Status.Conditions {
			if c.Type == batchv1.JobFailed && c.Status == corev1.ConditionTrue {
				assert.Equal(t, batchv1.JobReasonDeadlineExceeded, c.Reason)
				return terminal(st, err)
			}
		}
		return false
	})
	st, err := w.d.Status(context.Background(), task.ID)
	require.NoError(t, err)
	assert.Equal(t, drivers.Failed, st.Phase)
	assert.Equal(t, drivers.DeadlineExceeded, st.ErrorCode, "%+v", st)
}

func TestDeletingTheOwnerGarbageCollectsTheJobAndItsPods(t *testing.T) {
	w := newWorld(t, job.Options{})
	owner := w.owner(t, "b-gc")
	task := w.task("rc-gc", owner)
	node.set(task.ID, func(ctx context.Context, _ *corev1.Pod) (testkubelet.Termination, error) {
		<-ctx.Done()
		return testkubelet.Termination{}, ctx.Err()
	})
	require.NoError(t, w.d.Start(context.Background(), task))
	waitStatus(t, w.d, task.ID, "it runs", func(st *drivers.TaskStatus, err error) bool {
		return err == nil && st.Phase == drivers.Running
	})
	cs := backups(t, w)
	background := metav1.DeletePropagationBackground
	require.NoError(t, cs.Delete(context.Background(), owner.Name, metav1.DeleteOptions{PropagationPolicy: &background}))
	waitStatus(t, w.d, task.ID, "the garbage collector deleted the Job", func(_ *drivers.TaskStatus, err error) bool {
		return drivers.IsNotFound(err)
	})
	waitStatus(t, w.d, task.ID, "and its pods", func(*drivers.TaskStatus, error) bool {
		pods, err := w.env.Client.CoreV1().Pods(w.ns).List(context.Background(), metav1.ListOptions{})
		require.NoError(t, err)
		return len(pods.Items) == 0
	})
}

func TestTheTTLControllerDeletesAFinishedJob(t *testing.T) {
	ttl := time.Second
	w := newWorld(t, job.Options{TTL: &ttl})
	task := w.task("rc-ttl", w.owner(t, "b-ttl"))
	require.NoError(t, w.d.Start(context.Background(), task))
	st, _ := waitStatus(t, w.d, task.ID, "it ends", terminal)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
	waitStatus(t, w.d, task.ID, "the TTL controller deleted the Job", func(_ *drivers.TaskStatus, err error) bool {
		return drivers.IsNotFound(err)
	})
}
