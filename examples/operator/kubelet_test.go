//go:build unix

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"

	"github.com/dpsdk/dataprotection/internal/envvar"
)

// kubelet plays the Job controller and the kubelet, which do not run in the
// test environment, for the Jobs of one namespace: for each new Job it
// creates the pod, marks the Job running, runs the container's script on
// this machine with `sh -c` (every claim mapped to the directory
// root/<claim>, the termination message to a file), and writes the pod's
// and the Job's final status, with the script's JSON result as the
// termination message. It works as the administrator, not as the
// operator's identity.
type kubelet struct {
	t      testing.TB
	client kubernetes.Interface
	ns     string
	root   string

	mu   sync.Mutex
	seen map[types.UID]bool
	wg   sync.WaitGroup
}

// startKubelet plays the kubelet for the Jobs of ns until the test ends.
func startKubelet(t testing.TB, client kubernetes.Interface, ns, root string) *kubelet {
	ctx, cancel := context.WithCancel(context.Background())
	k := &kubelet{t: t, client: client, ns: ns, root: root, seen: map[types.UID]bool{}}
	factory := informers.NewSharedInformerFactoryWithOptions(client, 0, informers.WithNamespace(ns))
	jobs := factory.Batch().V1().Jobs().TypedInformer()
	_, err := jobs.AddTypedEventHandler(cache.TypedResourceEventHandlerFuncs[*batchv1.Job]{
		AddFunc: func(job *batchv1.Job) { k.start(ctx, job) },
	})
	if err != nil {
		t.Fatal(err)
	}
	factory.StartWithContext(ctx)
	if err := factory.WaitForCacheSyncWithContext(ctx).AsError(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		k.wg.Wait()
		factory.Shutdown()
	})
	return k
}

// start runs a new Job once, in the background.
func (k *kubelet) start(ctx context.Context, job *batchv1.Job) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.seen[job.UID] || ptr.Deref(job.Spec.Suspend, false) || len(job.Status.Conditions) > 0 {
		return
	}
	k.seen[job.UID] = true
	k.wg.Go(func() {
		// A Job deleted meanwhile (the engine cleaned it up) is not an error.
		if err := k.run(ctx, job.DeepCopy()); err != nil && ctx.Err() == nil && !apierrors.IsNotFound(err) {
			k.t.Errorf("kubelet: Job %s: %v", job.Name, err)
		}
	})
}

// run plays one Job to its end.
func (k *kubelet) run(ctx context.Context, job *batchv1.Job) error {
	pod, err := k.client.CoreV1().Pods(job.Namespace).Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{GenerateName: job.Name + "-", Namespace: job.Namespace, Labels: job.Spec.Template.Labels,
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "Job", Name: job.Name, UID: job.UID,
				Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}}},
		Spec: *job.Spec.Template.Spec.DeepCopy(),
	}, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	err = k.updateJob(ctx, job, func(s *batchv1.JobStatus) {
		now := metav1.Now()
		s.StartTime, s.Active, s.Ready = &now, 1, ptr.To[int32](1)
	})
	if err != nil {
		return err
	}
	code, message, err := k.execute(ctx, job)
	if err != nil {
		return err
	}
	if err := k.terminate(ctx, pod, code, message); err != nil {
		return err
	}
	return k.updateJob(ctx, job, func(s *batchv1.JobStatus) { finish(s, code == 0) })
}

// execute runs the Job's script here and returns its exit status and
// termination message.
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
	paths := k.mounts(job.Spec.Template.Spec.Volumes, c.VolumeMounts)
	paths = append(paths, c.TerminationMessagePath, msgFile)
	replacer := strings.NewReplacer(paths...)
	env, err := k.env(ctx, c.Env, replacer)
	if err != nil {
		return 0, "", err
	}
	cmd := exec.CommandContext(ctx, "sh", "-c", replacer.Replace(c.Args[0]))
	var log bytes.Buffer
	cmd.Env, cmd.Dir, cmd.Stdout, cmd.Stderr = env, dir, &log, &log
	code := 0
	if err := cmd.Run(); err != nil {
		exitErr, ok := err.(*exec.ExitError)
		if !ok {
			return 0, "", err
		}
		code = exitErr.ExitCode()
	}
	msg, _ := os.ReadFile(msgFile)
	if len(bytes.TrimSpace(msg)) == 0 && code != 0 { // terminationMessagePolicy FallbackToLogsOnError
		msg = log.Bytes()
	}
	return code, string(msg), nil
}

// mounts maps each claim's mount path to root/<claim name>, as pairs for a
// strings.Replacer.
func (k *kubelet) mounts(volumes []corev1.Volume, mounts []corev1.VolumeMount) []string {
	claims := map[string]string{}
	for _, v := range volumes {
		if v.PersistentVolumeClaim != nil {
			claims[v.Name] = v.PersistentVolumeClaim.ClaimName
		}
	}
	var pairs []string
	for _, m := range mounts {
		if claim, ok := claims[m.Name]; ok {
			dir := filepath.Join(k.root, claim)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				k.t.Error(err)
			}
			pairs = append(pairs, m.MountPath, dir)
		}
	}
	return pairs
}

// env resolves the container's environment as the kubelet does: in order,
// $(VAR) references expanded, secretKeyRefs read from the namespace.
func (k *kubelet) env(ctx context.Context, vars []corev1.EnvVar, paths *strings.Replacer) ([]string, error) {
	values := map[string]string{}
	out := []string{"PATH=" + os.Getenv("PATH")}
	for _, v := range vars {
		value := envvar.Expand(v.Value, func(n string) (string, bool) { s, ok := values[n]; return s, ok })
		if src := v.ValueFrom; src != nil {
			if src.SecretKeyRef == nil {
				return nil, fmt.Errorf("env %s: unsupported source", v.Name)
			}
			s, err := k.client.CoreV1().Secrets(k.ns).Get(ctx, src.SecretKeyRef.Name, metav1.GetOptions{})
			if err != nil {
				return nil, err
			}
			value = string(s.Data[src.SecretKeyRef.Key])
		}
		values[v.Name] = paths.Replace(value)
		out = append(out, v.Name+"="+values[v.Name])
	}
	return out, nil
}

// terminate writes the pod's status: its container terminated with code
// and the termination message.
func (k *kubelet) terminate(ctx context.Context, pod *corev1.Pod, code int, message string) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		p, err := k.client.CoreV1().Pods(pod.Namespace).Get(ctx, pod.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		now := metav1.Now()
		reason := "Completed"
		p.Status.Phase = corev1.PodSucceeded
		if code != 0 {
			p.Status.Phase, reason = corev1.PodFailed, "Error"
		}
		p.Status.ContainerStatuses = []corev1.ContainerStatus{{
			Name: p.Spec.Containers[0].Name, Image: p.Spec.Containers[0].Image, ImageID: "docker.io/library/test@sha256:00",
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: int32(code), Reason: reason, Message: message, StartedAt: now, FinishedAt: now}},
		}}
		_, err = k.client.CoreV1().Pods(pod.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{})
		return err
	})
}

// finish writes a finished Job's status as the Job controller does.
func finish(s *batchv1.JobStatus, succeeded bool) {
	now := metav1.Now()
	cond := func(t batchv1.JobConditionType, reason string) batchv1.JobCondition {
		return batchv1.JobCondition{Type: t, Status: corev1.ConditionTrue, Reason: reason, LastProbeTime: now, LastTransitionTime: now}
	}
	s.Active, s.Ready = 0, ptr.To[int32](0)
	if succeeded {
		s.Succeeded, s.CompletionTime = 1, &now
		s.Conditions = append(s.Conditions, cond(batchv1.JobSuccessCriteriaMet, "CompletionsReached"),
			cond(batchv1.JobComplete, "CompletionsReached"))
		return
	}
	s.Failed = 1
	s.Conditions = append(s.Conditions, cond(batchv1.JobFailureTarget, batchv1.JobReasonBackoffLimitExceeded),
		cond(batchv1.JobFailed, batchv1.JobReasonBackoffLimitExceeded))
}

func (k *kubelet) updateJob(ctx context.Context, job *batchv1.Job, mutate func(*batchv1.JobStatus)) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cur, err := k.client.BatchV1().Jobs(job.Namespace).Get(ctx, job.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		mutate(&cur.Status)
		_, err = k.client.BatchV1().Jobs(job.Namespace).UpdateStatus(ctx, cur, metav1.UpdateOptions{})
		return err
	})
}
