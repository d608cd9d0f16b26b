//go:build unix

package job

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/utils/ptr"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/testkubelet"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestStartIsIdempotent(t *testing.T) {
	w := newWorld(t, Options{})
	task := backupTask(w.ns, w.id("main"))
	require.NoError(t, w.d.Start(w.ctx, task))
	first := waitForJob(t, w.env.Client, w.ns, task.ID)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { assert.NoError(t, w.d.Start(w.ctx, task), "a concurrent Start adopts the Job") })
	}
	wg.Wait()
	require.NoError(t, mustNew(t, w.env.Client, Options{}).Start(w.ctx, task), "a Start by another process (after a restart) adopts it")
	jobs := jobsOf(t, w, task.ID)
	require.Len(t, jobs, 1, "one Job per task")
	assert.Equal(t, first.UID, jobs[0].UID, "the same Job")
}

func TestStartDoesNotAdoptAForeignJob(t *testing.T) {
	w := newWorld(t, Options{})
	task := backupTask(w.ns, w.id("main"))
	foreign := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: task.ID, Namespace: w.ns}, Spec: batchv1.JobSpec{
		Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever,
			Containers: []corev1.Container{{Name: "x", Image: "x"}}}}}}
	_, err := w.env.Client.BatchV1().Jobs(w.ns).Create(w.ctx, foreign, metav1.CreateOptions{})
	require.NoError(t, err)
	requireCode(t, drivers.AlreadyExists, w.d.Start(w.ctx, task))
}

func TestAnotherDriverFindsTheJobOfATaskInAnyNamespace(t *testing.T) {
	w := newWorld(t, Options{})
	task := backupTask(w.ns, w.id("main"))
	require.NoError(t, w.d.Start(w.ctx, task))
	restarted := mustNew(t, w.env.Client, Options{}) // knows nothing of the task
	st, err := restarted.Status(w.ctx, task.ID)
	require.NoError(t, err, "found by its label in any namespace")
	assert.Equal(t, drivers.Pending, st.Phase)
	require.NoError(t, mustNew(t, w.env.Client, Options{}).Cleanup(w.ctx, task.ID))
	_, err = restarted.Status(w.ctx, task.ID)
	requireCode(t, drivers.NotFound, err)
}

func TestStatusOfAnUnknownTaskIsNotFound(t *testing.T) {
	w := newWorld(t, Options{})
	_, err := w.status(t, "no-such-task")
	requireCode(t, drivers.NotFound, err)
	w = newWorld(t, Options{Namespace: "default"})
	_, err = w.status(t, "no-such-task")
	requireCode(t, drivers.NotFound, err)
}

// resultMessage is a termination message such as the script writes.
func resultMessage(t *testing.T, r scriptResult) string {
	t.Helper()
	r.Version = 1
	data, err := jsonMarshal(r)
	require.NoError(t, err)
	return string(data)
}

func TestStatusFollowsTheJobToSuccess(t *testing.T) {
	for _, shuffled := range []bool{false, true} {
		t.Run(fmt.Sprintf("conditions shuffled %v", shuffled), func(t *testing.T) {
			w := newWorld(t, Options{})
			c := w.env.Client
			task := backupTask(w.ns, w.id("main"))
			require.NoError(t, w.d.Start(w.ctx, task))
			job := waitForJob(t, c, w.ns, task.ID)

			st, err := w.status(t, task.ID)
			require.NoError(t, err)
			assert.Equal(t, drivers.Pending, st.Phase, "no pod runs yet")

			pod, err := testkubelet.CreatePod(w.ctx, c, job)
			require.NoError(t, err)
			require.NoError(t, testkubelet.MarkRunning(w.ctx, c, job))
			st, err = w.status(t, task.ID)
			require.NoError(t, err)
			assert.Equal(t, drivers.Running, st.Phase)
			assert.False(t, st.StartTime.IsZero())

			count := 2
			msg := resultMessage(t, scriptResult{FileCount: &count, TotalSize: 7, SHA256: "ab",
				Artifacts: []scriptArtifact{{Path: "z.tar", Size: 4, SHA256: "02"}, {Path: "a.tar", Size: 3, SHA256: "01"}},
				Output:    `{"backupTool":{"CheckPoint":"0/1"}}`})
			require.NoError(t, testkubelet.TerminatePod(w.ctx, c, pod, testkubelet.Termination{ExitCode: 0, Message: msg}))
			require.NoError(t, testkubelet.FinishJob(w.ctx, c, job, testkubelet.Outcome{Succeeded: true, Shuffled: shuffled}))

			st, err = w.status(t, task.ID)
			require.NoError(t, err)
			require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
			assert.Equal(t, []drivers.Artifact{{Path: "a.tar", Size: 3, Checksum: "sha256:01"}, {Path: "z.tar", Size: 4, Checksum: "sha256:02"}},
				st.Artifacts, "sorted by path")
			assert.Equal(t, int64(7), st.TotalSize)
			assert.JSONEq(t, `{"backupTool":{"CheckPoint":"0/1"}}`, string(st.Output))
			assert.False(t, st.CompletionTime.IsZero())
			assert.Equal(t, drivers.Unknown, st.ErrorCode)
		})
	}
}

func TestStatusOfAFailedJob(t *testing.T) {
	for name, tc := range map[string]struct {
		outcome testkubelet.Outcome
		message string
		code    drivers.Code
		want    []string
		log     string
	}{
		"a command failed": {
			outcome: testkubelet.Outcome{Reason: "BackoffLimitExceeded", Message: "Job has reached the specified backoff limit"},
			message: `{"v":1,"exitCode":3,"failed":"step 1 (\"backup\") command 2","logTail":"pg_basebackup: error: connection refused"}`,
			code:    drivers.Unknown,
			want:    []string{"BackoffLimitExceeded", "backoff limit", `step 1 ("backup") command 2 failed with exit status 3`},
			log:     "pg_basebackup: error: connection refused",
		},
		"the deadline passed": {
			outcome: testkubelet.Outcome{Reason: batchv1.JobReasonDeadlineExceeded, Message: "Job was active longer than specified deadline", Shuffled: true},
			code:    drivers.DeadlineExceeded,
			want:    []string{"DeadlineExceeded", "longer than specified deadline"},
		},
		"the script never wrote its result": {
			outcome: testkubelet.Outcome{Reason: "BackoffLimitExceeded"},
			message: "sh: exec format error\n",
			code:    drivers.Unknown,
			want:    []string{"container exited with status 126"},
			log:     "sh: exec format error",
		},
	} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, Options{})
			c := w.env.Client
			task := backupTask(w.ns, w.id("main"))
			require.NoError(t, w.d.Start(w.ctx, task))
			job := waitForJob(t, c, w.ns, task.ID)
			pod, err := testkubelet.CreatePod(w.ctx, c, job)
			require.NoError(t, err)
			require.NoError(t, testkubelet.MarkRunning(w.ctx, c, job))
			if tc.message != "" {
				code := int32(3)
				if name == "the script never wrote its result" {
					code = 126
				}
				require.NoError(t, testkubelet.TerminatePod(w.ctx, c, pod, testkubelet.Termination{ExitCode: code, Message: tc.message}))
			}
			require.NoError(t, testkubelet.FinishJob(w.ctx, c, job, tc.outcome))

			st, err := w.status(t, task.ID)
			require.NoError(t, err)
			require.Equal(t, drivers.Failed, st.Phase)
			assert.Equal(t, tc.code, st.ErrorCode)
			for _, s := range tc.want {
				assert.Contains(t, st.Message, s)
			}
			assert.Equal(t, tc.log, st.LogTail)
			assert.False(t, st.CompletionTime.IsZero())
			again, err := w.status(t, task.ID)
			require.NoError(t, err)
			assert.Equal(t, st, again, "the status of a finished task does not change")
		})
	}
}

func TestStatusPastTheDeadlineIsDeadlineExceeded(t *testing.T) {
	clock := &fixedClock{t0}
	w := newWorld(t, Options{Clock: clock})
	task := backupTask(w.ns, w.id("main"))
	task.Deadline = t0.Add(time.Minute)
	require.NoError(t, w.d.Start(w.ctx, task))
	require.NoError(t, testkubelet.MarkRunning(w.ctx, w.env.Client, waitForJob(t, w.env.Client, w.ns, task.ID)))
	st, err := w.status(t, task.ID)
	require.NoError(t, err)
	assert.Equal(t, drivers.Running, st.Phase)

	late := mustNew(t, w.env.Client, Options{Clock: fixedClock{t0.Add(time.Minute + time.Millisecond)}})
	st, err = late.Status(w.ctx, task.ID)
	require.NoError(t, err)
	assert.Equal(t, drivers.Failed, st.Phase, "even where no Job controller enforces activeDeadlineSeconds")
	assert.Equal(t, drivers.DeadlineExceeded, st.ErrorCode)
	assert.Contains(t, st.Message, "deadline")
}

func TestCancelStopsTheJobAndIsIdempotent(t *testing.T) {
	w := newWorld(t, Options{})
	c := w.env.Client
	task := backupTask(w.ns, w.id("main"))
	require.NoError(t, w.d.Start(w.ctx, task))
	job := waitForJob(t, c, w.ns, task.ID)
	_, err := testkubelet.CreatePod(w.ctx, c, job)
	require.NoError(t, err)
	require.NoError(t, testkubelet.MarkRunning(w.ctx, c, job))

	require.NoError(t, w.d.Cancel(w.ctx, task.ID))
	job = waitForJob(t, c, w.ns, task.ID)
	assert.Equal(t, ptr.To(true), job.Spec.Suspend, "the Job is suspended")
	assert.NotEmpty(t, job.Annotations[v1alpha1.AnnotationTaskCanceled], "and marked")
	assert.Empty(t, podsOf(t, w, task.ID), "its pods are deleted")
	st, err := w.status(t, task.ID)
	require.NoError(t, err)
	assert.Equal(t, drivers.Failed, st.Phase)
	assert.Equal(t, drivers.Canceled, st.ErrorCode)

	mark := job.Annotations[v1alpha1.AnnotationTaskCanceled]
	require.NoError(t, w.d.Cancel(w.ctx, task.ID), "a second Cancel")
	job = waitForJob(t, c, w.ns, task.ID)
	assert.Equal(t, mark, job.Annotations[v1alpha1.AnnotationTaskCanceled], "changes nothing")
	require.NoError(t, w.d.Cancel(w.ctx, "unknown-task"), "Cancel of an unknown task")
}

func TestCancelOfAFinishedJobChangesNothing(t *testing.T) {
	w := newWorld(t, Options{})
	c := w.env.Client
	task := backupTask(w.ns, w.id("main"))
	require.NoError(t, w.d.Start(w.ctx, task))
	job := waitForJob(t, c, w.ns, task.ID)
	pod, err := testkubelet.CreatePod(w.ctx, c, job)
	require.NoError(t, err)
	require.NoError(t, testkubelet.TerminatePod(w.ctx, c, pod, testkubelet.Termination{Message: `{"v":1,"exitCode":0}`}))
	require.NoError(t, testkubelet.FinishJob(w.ctx, c, job, testkubelet.Outcome{Succeeded: true}))
	require.NoError(t, w.d.Cancel(w.ctx, task.ID))
	st, err := w.status(t, task.ID)
	require.NoError(t, err)
	assert.Equal(t, drivers.Succeeded, st.Phase)
	job = waitForJob(t, c, w.ns, task.ID)
	assert.Empty(t, job.Annotations[v1alpha1.AnnotationTaskCanceled])
	assert.False(t, ptr.Deref(job.Spec.Suspend, false))
	assert.Len(t, podsOf(t, w, task.ID), 1, "the pod with the result stays")
}

func TestCleanupDeletesTheJobAndItsPodsAndIsIdempotent(t *testing.T) {
	w := newWorld(t, Options{})
	c := w.env.Client
	task := backupTask(w.ns, w.id("main"))
	require.NoError(t, w.d.Start(w.ctx, task))
	job := waitForJob(t, c, w.ns, task.ID)
	_, err := testkubelet.CreatePod(w.ctx, c, job)
	require.NoError(t, err)
	for i := range 2 {
		require.NoError(t, w.d.Cleanup(w.ctx, task.ID), "Cleanup %d", i+1)
		_, err = w.status(t, task.ID)
		requireCode(t, drivers.NotFound, err)
		assert.Empty(t, jobsOf(t, w, task.ID))
		assert.Empty(t, podsOf(t, w, task.ID))
	}
	_, err = c.CoreV1().PersistentVolumeClaims(w.ns).Get(w.ctx, "backup-pvc", metav1.GetOptions{})
	require.NoError(t, err, "the backup claim stays")
	require.NoError(t, w.d.Cleanup(w.ctx, "unknown-task"))
}

func podsOf(t *testing.T, w *world, id string) []corev1.Pod {
	list, err := w.env.Client.CoreV1().Pods(w.ns).List(w.ctx, metav1.ListOptions{LabelSelector: labels.Set{v1alpha1.LabelTaskID: id}.String()})
	require.NoError(t, err)
	var live []corev1.Pod
	for _, p := range list.Items {
		if p.DeletionTimestamp == nil {
			live = append(live, p)
		}
	}
	return live
}
