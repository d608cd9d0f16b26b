package testenv

import (
	"context"
	"fmt"
	"path/filepath"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/internal/testenv/internal/harness"
)

// Controllers is the value of kube-controller-manager's --controllers flag:
// the only controllers StartControllers runs.
const Controllers = "job-controller,garbage-collector-controller,ttl-after-finished-controller"

// probeNamespace holds the Job with which StartControllers checks that the
// controllers work.
const probeNamespace = "testenv-controllers"

// controllerManagerArgs returns kube-controller-manager's flags: the
// controllers of Controllers, authenticated as the administrator through
// kubeconfig, no leader election, no serving port, and a client rate limit
// high enough that Jobs are not paced by it.
func controllerManagerArgs(f pkiFiles, kubeconfig string) []string {
	return []string{
		"--kubeconfig=" + kubeconfig,
		"--controllers=" + Controllers,
		"--leader-elect=false",
		// Every controller uses the kubeconfig's identity; no service
		// accounts or tokens are needed.
		"--use-service-account-credentials=false",
		"--bind-address=127.0.0.1",
		"--secure-port=0",
		// The controllers' client rate limit (20 requests/s by default)
		// would pace every test and benchmark with many Jobs; the tests
		// measure the engine and the drivers, not that limit.
		"--kube-api-qps=1000",
		"--kube-api-burst=2000",
		"--service-account-private-key-file=" + f.saPrivate,
		"--root-ca-file=" + f.caCert,
	}
}

// StartControllers starts kube-controller-manager with the Job, garbage
// collector and TTL-after-finished controllers (see Controllers) against the
// Env, and waits until the Job controller has created the Pod of a probe Job
// (in the namespace testenv-controllers). It needs the executable
// kube-controller-manager in DP_TESTENV_BIN. StartControllers gives up when
// ctx ends or after two minutes; on failure nothing is left running and the
// error includes the end of the controller manager's log.
//
// Only the first call starts the controller manager; later calls wait for it
// and return the same result. Stop stops it. Tests usually call
// RequireControllers instead.
func (e *Env) StartControllers(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped {
		return fmt.Errorf("testenv: start controllers: the Env is stopped")
	}
	if !e.controllersTried {
		e.controllersTried = true
		e.controllerManager, e.controllersErr = e.startControllerManager(ctx)
		if e.controllersErr != nil {
			e.controllersErr = fmt.Errorf("testenv: %w", e.controllersErr)
		}
	}
	return e.controllersErr
}

// ControllersRunning reports whether StartControllers has started
// kube-controller-manager and the Env is not stopped: then Jobs get Pods,
// owner references are garbage collected and finished Jobs with
// ttlSecondsAfterFinished are deleted.
func (e *Env) ControllersRunning() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.controllerManager != nil && !e.stopped
}

// startControllerManager starts kube-controller-manager and waits until the
// Job controller works.
func (e *Env) startControllerManager(ctx context.Context) (*harness.Process, error) {
	path, err := harness.Binary("kube-controller-manager")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	p, err := harness.StartProcess("kube-controller-manager", path,
		filepath.Join(e.dir, "kube-controller-manager.log"), nil, controllerManagerArgs(e.files, e.kubeconfig)...)
	if err != nil {
		return nil, err
	}
	if err := e.probeJobController(ctx, p); err != nil {
		p.Stop(0)
		return nil, err
	}
	return p, nil
}

// probeJobController creates a Job and waits until the Job controller has
// created its Pod, then deletes the Job in the background (the garbage
// collector removes the Pod).
func (e *Env) probeJobController(ctx context.Context, p *harness.Process) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: probeNamespace}}
	if _, err := e.Client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create namespace %s: %w", probeNamespace, err)
	}
	job, err := e.Client.BatchV1().Jobs(probeNamespace).Create(ctx, probeJob(), metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create probe job: %w", err)
	}
	selector := batchv1.ControllerUidLabel + "=" + string(job.UID)
	err = harness.WaitFor(ctx, p, "the job controller created no pod for job "+probeNamespace+"/"+job.Name,
		func(ctx context.Context) (bool, string) {
			pods, err := e.Client.CoreV1().Pods(probeNamespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
			if err != nil {
				return false, err.Error()
			}
			return len(pods.Items) > 0, fmt.Sprintf("%d pods", len(pods.Items))
		})
	if err != nil {
		return err
	}
	background := metav1.DeletePropagationBackground
	err = e.Client.BatchV1().Jobs(probeNamespace).Delete(ctx, job.Name, metav1.DeleteOptions{PropagationPolicy: &background})
	if err != nil {
		return fmt.Errorf("delete probe job: %w", err)
	}
	return nil
}

// probeJob returns a Job whose one Pod is never scheduled (no scheduler
// runs) and so never runs.
func probeJob() *batchv1.Job {
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "probe-"},
		Spec: batchv1.JobSpec{
			Template: corev1.PodTemplateSpec{
				Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyNever,
					Containers:    []corev1.Container{{Name: "probe", Image: "testenv.invalid/probe"}},
				},
			},
		},
	}
}
