//go:build unix

package job

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"

	"github.com/dpsdk/dataprotection/internal/envvar"
)

// The helpers in this file play the kubelet and the Job controller, which
// do not run in the test environment: they create a Job's pod, mark it
// running, terminated with a termination message, and write the Job's
// status through its status subresource, as those components would.

// createPod creates the pod of job, as the Job controller would: the pod
// template's labels (with the controller-uid the API server added) and
// spec, controlled by the Job.
func createPod(ctx context.Context, c kubernetes.Interface, job *batchv1.Job) (*corev1.Pod, error) {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			GenerateName: job.Name + "-",
			Namespace:    job.Namespace,
			Labels:       job.Spec.Template.Labels,
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "Job", Name: job.Name, UID: job.UID,
				Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}},
		},
		Spec: *job.Spec.Template.Spec.DeepCopy(),
	}
	return c.CoreV1().Pods(job.Namespace).Create(ctx, pod, metav1.CreateOptions{})
}

// markRunning sets the Job's startTime and one active pod.
func markRunning(ctx context.Context, c kubernetes.Interface, ns, name string) error {
	return updateJobStatus(ctx, c, ns, name, func(s *batchv1.JobStatus) {
		now := metav1.Now()
		s.StartTime, s.Active, s.Ready = &now, 1, ptr.To[int32](1)
	})
}

// terminatePod marks the pod's task container terminated with exitCode and
// message.
func terminatePod(ctx context.Context, c kubernetes.Interface, pod *corev1.Pod, exitCode int32, message, reason string) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		p, err := c.CoreV1().Pods(pod.Namespace).Get(ctx, pod.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		now := metav1.Now()
		p.Status.Phase = corev1.PodSucceeded
		if exitCode != 0 {
			p.Status.Phase = corev1.PodFailed
		}
		if reason == "" {
			reason = map[bool]string{true: "Completed", false: "Error"}[exitCode == 0]
		}
		p.Status.ContainerStatuses = []corev1.ContainerStatus{{
			Name: ContainerName, Image: p.Spec.Containers[0].Image, ImageID: "docker.io/library/test@sha256:00",
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: exitCode, Reason: reason, Message: message, StartedAt: now, FinishedAt: now,
			}},
		}}
		_, err = c.CoreV1().Pods(pod.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{})
		return err
	})
}

// jobOutcome is how finishJob ends a Job.
type jobOutcome struct {
	// succeeded: SuccessCriteriaMet and Complete; else FailureTarget and
	// Failed with reason and message.
	succeeded bool
	reason    string
	message   string
	// shuffled writes the terminal condition first and an unrelated
	// condition before everything, to prove conditions are read by type.
	shuffled bool
}

// finishJob writes a finished Job's status as the Job controller does, in
// the combinations the API server accepts.
func finishJob(ctx context.Context, c kubernetes.Interface, ns, name string, o jobOutcome) error {
	return updateJobStatus(ctx, c, ns, name, func(s *batchv1.JobStatus) {
		now := metav1.Now()
		if s.StartTime == nil {
			s.StartTime = &now
		}
		s.Active, s.Ready = 0, ptr.To[int32](0)
		var conds []batchv1.JobCondition
		cond := func(t batchv1.JobConditionType, reason, msg string) batchv1.JobCondition {
			return batchv1.JobCondition{Type: t, Status: corev1.ConditionTrue, Reason: reason, Message: msg,
				LastProbeTime: now, LastTransitionTime: now}
		}
		if o.succeeded {
			s.Succeeded, s.CompletionTime = 1, &now
			conds = []batchv1.JobCondition{cond(batchv1.JobSuccessCriteriaMet, "CompletionsReached", "Reached expected number of succeeded pods"),
				cond(batchv1.JobComplete, "CompletionsReached", "Reached expected number of succeeded pods")}
		} else {
			s.Failed = 1
			conds = []batchv1.JobCondition{cond(batchv1.JobFailureTarget, o.reason, o.message), cond(batchv1.JobFailed, o.reason, o.message)}
		}
		if o.shuffled {
			conds = []batchv1.JobCondition{
				{Type: batchv1.JobSuspended, Status: corev1.ConditionFalse, Reason: "JobResumed", LastProbeTime: now, LastTransitionTime: now},
				conds[1], conds[0]}
		}
		s.Conditions = append(s.Conditions, conds...)
	})
}

func updateJobStatus(ctx context.Context, c kubernetes.Interface, ns, name string, mutate func(*batchv1.JobStatus)) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		job, err := c.BatchV1().Jobs(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		mutate(&job.Status)
		_, err = c.BatchV1().Jobs(ns).UpdateStatus(ctx, job, metav1.UpdateOptions{})
		return err
	})
}

// kubelet runs the Jobs of one namespace on this machine: for each new Job
// it creates the pod, marks the Job running, runs the container's script
// with `sh -c` (the claims mapped to directories under root, the
// termination message to a file), and writes the pod's and the Job's final
// status. A Job that is suspended or deleted has its process killed, and
// one that runs past activeDeadlineSeconds fails with DeadlineExceeded, as
// the Job controller would do. Retries (backoffLimit) are not played.
type kubelet struct {
	t      testing.TB
	client kubernetes.Interface
	ns     string
	root   string

	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	runs   map[types.UID]*localRun
	closed bool
}

// localRun is one Job's process.
type localRun struct {
	kill     context.CancelFunc
	canceled bool
}

// startKubelet starts playing the kubelet for the Jobs of ns; it stops when
// the test ends.
func startKubelet(t testing.TB, client kubernetes.Interface, ns, root string) *kubelet {
	ctx, cancel := context.WithCancel(context.Background())
	k := &kubelet{t: t, client: client, ns: ns, root: root, cancel: cancel, runs: map[types.UID]*localRun{}}
	factory := informers.NewSharedInformerFactoryWithOptions(client, 0, informers.WithNamespace(ns))
	inf := factory.Batch().V1().Jobs().Informer()
	_, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { k.sync(ctx, obj.(*batchv1.Job)) },
		UpdateFunc: func(_, obj any) { k.sync(ctx, obj.(*batchv1.Job)) },
		DeleteFunc: func(obj any) {
			if job, ok := obj.(*batchv1.Job); ok {
				k.stop(job.UID)
			}
		},
	})
	if err != nil {
		t.Fatalf("kubelet: %v", err)
	}
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	t.Cleanup(k.close)
	return k
}

func (k *kubelet) close() {
	k.mu.Lock()
	k.closed = true
	for _, r := range k.runs {
		r.canceled = true
		r.kill()
	}
	k.mu.Unlock()
	k.cancel()
	k.wg.Wait()
}

func (k *kubelet) logf(format string, args ...any) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.closed {
		k.t.Logf("kubelet: "+format, args...)
	}
}

// sync starts a new Job and stops a suspended one.
func (k *kubelet) sync(ctx context.Context, job *batchv1.Job) {
	if ptr.Deref(job.Spec.Suspend, false) || job.DeletionTimestamp != nil {
		k.stop(job.UID)
		return
	}
	if finished(job) {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, seen := k.runs[job.UID]; seen || k.closed {
		return
	}
	runCtx, kill := context.WithCancel(ctx)
	r := &localRun{kill: kill}
	k.runs[job.UID] = r
	k.wg.Add(1)
	go func() {
		defer k.wg.Done()
		defer kill()
		if err := k.run(runCtx, job.DeepCopy(), r); err != nil && !k.wasCanceled(r) {
			k.logf("Job %s: %v", job.Name, err)
		}
	}()
}

func (k *kubelet) stop(uid types.UID) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if r, ok := k.runs[uid]; ok {
		r.canceled = true
		r.kill()
	}
}

func (k *kubelet) wasCanceled(r *localRun) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return r.canceled
}

// run plays one Job to its end.
func (k *kubelet) run(ctx context.Context, job *batchv1.Job, r *localRun) error {
	pod, err := createPod(ctx, k.client, job)
	if err != nil {
		return err
	}
	if err := markRunning(ctx, k.client, job.Namespace, job.Name); err != nil {
		return err
	}
	runCtx := ctx
	if s := job.Spec.ActiveDeadlineSeconds; s != nil {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, time.Duration(*s)*time.Second)
		defer cancel()
	}
	code, message, err := k.execute(runCtx, job)
	if err != nil {
		return err
	}
	if k.wasCanceled(r) {
		return nil
	}
	wctx := context.WithoutCancel(ctx)
	if errors.Is(runCtx.Err(), context.DeadlineExceeded) {
		if err := terminatePod(wctx, k.client, pod, 137, "", "DeadlineExceeded"); err != nil {
			return err
		}
		return finishJob(wctx, k.client, job.Namespace, job.Name, jobOutcome{reason: batchv1.JobReasonDeadlineExceeded,
			message: "Job was active longer than specified deadline"})
	}
	if err := terminatePod(wctx, k.client, pod, int32(code), message, ""); err != nil {
		return err
	}
	return finishJob(wctx, k.client, job.Namespace, job.Name, jobOutcome{succeeded: code == 0,
		reason: batchv1.JobReasonBackoffLimitExceeded, message: "Job has reached the specified backoff limit"})
}

// execute runs the Job's container script locally and returns its exit
// status and termination message (FallbackToLogsOnError: the end of the
// log when the script wrote none and failed).
func (k *kubelet) execute(ctx context.Context, job *batchv1.Job) (int, string, error) {
	c := job.Spec.Template.Spec.Containers[0]
	if len(c.Command) != 2 || c.Command[0] != "sh" || c.Command[1] != "-c" || len(c.Args) != 1 {
		return 0, "", fmt.Errorf("unexpected command %q %q", c.Command, c.Args)
	}
	dir, err := os.MkdirTemp("", "kubelet-")
	if err != nil {
		return 0, "", err
	}
	defer os.RemoveAll(dir)
	msgFile := filepath.Join(dir, "termination-log")
	mounts := k.mounts(job, c)
	script := strings.ReplaceAll(c.Args[0], c.TerminationMessagePath, msgFile)
	for from, to := range mounts {
		script = strings.ReplaceAll(script, from, to)
	}
	env, err := k.containerEnv(ctx, c, mounts)
	if err != nil {
		return 0, "", err
	}
	var log bytes.Buffer
	code, err := runShell(ctx, []string{"sh", "-c", script}, env, nil, &log, &log)
	if err != nil {
		return 0, "", err
	}
	msg, _ := os.ReadFile(msgFile)
	if len(msg) > 4096 {
		msg = msg[:4096]
	}
	if len(bytes.TrimSpace(msg)) == 0 && code != 0 {
		msg = log.Bytes()[max(0, log.Len()-2048):]
	}
	return code, string(msg), nil
}

// mounts maps the container's claim mounts to directories under root
// (root/<claim name>).
func (k *kubelet) mounts(job *batchv1.Job, c corev1.Container) map[string]string {
	claims := map[string]string{}
	for _, v := range job.Spec.Template.Spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			claims[v.Name] = v.PersistentVolumeClaim.ClaimName
		}
	}
	out := map[string]string{}
	for _, m := range c.VolumeMounts {
		if claim, ok := claims[m.Name]; ok {
			out[m.MountPath] = filepath.Join(k.root, claim)
			_ = os.MkdirAll(out[m.MountPath], 0o755)
		}
	}
	return out
}

// containerEnv resolves the container's environment as the kubelet does:
// envFrom, then env in order with $(VAR) expansion and values from secrets
// and config maps; mount paths in values are mapped like the script's.
func (k *kubelet) containerEnv(ctx context.Context, c corev1.Container, mounts map[string]string) ([]string, error) {
	values := map[string]string{}
	var order []string
	set := func(name, value string) {
		if _, ok := values[name]; !ok {
			order = append(order, name)
		}
		for from, to := range mounts {
			value = strings.ReplaceAll(value, from, to)
		}
		values[name] = value
	}
	for _, src := range c.EnvFrom {
		data, err := k.sourceData(ctx, src)
		if err != nil {
			return nil, err
		}
		for key, v := range data {
			set(src.Prefix+key, v)
		}
	}
	for _, v := range c.Env {
		value := envvar.Expand(v.Value, func(n string) (string, bool) { s, ok := values[n]; return s, ok })
		if v.ValueFrom != nil {
			var err error
			if value, err = k.valueFrom(ctx, v.ValueFrom); err != nil {
				return nil, err
			}
		}
		set(v.Name, value)
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + k.root}
	for _, name := range order {
		env = append(env, name+"="+values[name])
	}
	return env, nil
}

func (k *kubelet) sourceData(ctx context.Context, src corev1.EnvFromSource) (map[string]string, error) {
	out := map[string]string{}
	switch {
	case src.ConfigMapRef != nil:
		cm, err := k.client.CoreV1().ConfigMaps(k.ns).Get(ctx, src.ConfigMapRef.Name, metav1.GetOptions{})
		if err != nil {
			return nil, err
		}
		out = cm.Data
	case src.SecretRef != nil:
		s, err := k.client.CoreV1().Secrets(k.ns).Get(ctx, src.SecretRef.Name, metav1.GetOptions{})
		if err != nil {
			return nil, err
		}
		for key, v := range s.Data {
			out[key] = string(v)
		}
	}
	return out, nil
}

func (k *kubelet) valueFrom(ctx context.Context, src *corev1.EnvVarSource) (string, error) {
	switch {
	case src.SecretKeyRef != nil:
		s, err := k.client.CoreV1().Secrets(k.ns).Get(ctx, src.SecretKeyRef.Name, metav1.GetOptions{})
		if err != nil {
			return "", err
		}
		return string(s.Data[src.SecretKeyRef.Key]), nil
	case src.ConfigMapKeyRef != nil:
		cm, err := k.client.CoreV1().ConfigMaps(k.ns).Get(ctx, src.ConfigMapKeyRef.Name, metav1.GetOptions{})
		if err != nil {
			return "", err
		}
		return cm.Data[src.ConfigMapKeyRef.Key], nil
	}
	return "", fmt.Errorf("unsupported env source %+v", src)
}

// runShell runs argv in its own process group, killed with the group when
// ctx ends, and returns its exit status (-1 when killed).
func runShell(ctx context.Context, argv, env []string, stdin []byte, stdout, stderr *bytes.Buffer) (int, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, stdout, stderr
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		case <-done:
		}
	}()
	err := cmd.Wait()
	close(done)
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &exitErr):
		return exitErr.ExitCode(), nil
	}
	return 0, err
}
