package testkubelet

import (
	"context"
	"errors"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"
)

// Node runs a pod's container to its end, on whatever plays the node.
type Node interface {
	// Run runs pod's first container and returns how it terminated; it
	// returns promptly when ctx ends (the pod was deleted, or its Job
	// suspended or past its deadline).
	Run(ctx context.Context, pod *corev1.Pod) (Termination, error)
}

// NodeFunc is a Node that is a function.
type NodeFunc func(ctx context.Context, pod *corev1.Pod) (Termination, error)

// Run implements Node.
func (f NodeFunc) Run(ctx context.Context, pod *corev1.Pod) (Termination, error) { return f(ctx, pod) }

// Options tune a Controller.
type Options struct {
	// Workers bounds the Jobs run at once; 0 means no bound.
	Workers int
	// SkipRunning leaves out the status write that marks a Job running
	// (benchmarks count the control plane's writes; a Job that ends at
	// once needs none).
	SkipRunning bool
	// Logf receives the errors of Jobs it could not play; nil drops them.
	Logf func(format string, args ...any)
}

// Controller plays the Job controller for the Jobs of one namespace, with
// node running their pods: see the package documentation. Retries
// (backoffLimit) are not played: a failed pod fails its Job.
type Controller struct {
	client kubernetes.Interface
	node   Node
	opts   Options
	runs   *runs
}

// Start plays the Job controller for the Jobs of namespace until ctx ends
// or Stop is called.
func Start(ctx context.Context, client kubernetes.Interface, namespace string, node Node, opts Options) (*Controller, error) {
	ctx, cancel := context.WithCancel(ctx)
	c := &Controller{client: client, node: node, opts: opts, runs: newRuns(cancel, opts.Workers, opts.Logf)}
	factory := informers.NewSharedInformerFactoryWithOptions(client, 0, informers.WithNamespace(namespace))
	_, err := factory.Batch().V1().Jobs().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { c.sync(ctx, obj.(*batchv1.Job)) },
		UpdateFunc: func(_, obj any) { c.sync(ctx, obj.(*batchv1.Job)) },
		DeleteFunc: func(obj any) {
			if job, ok := obj.(*batchv1.Job); ok {
				c.runs.kill(job.UID)
			}
		},
	})
	if err != nil {
		cancel()
		return nil, err
	}
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	c.runs.wg.Go(func() { <-ctx.Done(); factory.Shutdown() })
	return c, nil
}

// Stop stops playing: the pods that run are stopped, and nothing is
// written any more. It returns the first error of a Job it could not play.
func (c *Controller) Stop() error { return c.runs.stop() }

// sync starts a new Job and stops a suspended or deleted one.
func (c *Controller) sync(ctx context.Context, job *batchv1.Job) {
	if ptr.Deref(job.Spec.Suspend, false) || job.DeletionTimestamp != nil {
		c.runs.kill(job.UID)
		return
	}
	if len(job.Status.Conditions) > 0 {
		return
	}
	c.runs.start(ctx, job.UID, "Job "+job.Namespace+"/"+job.Name, func(ctx context.Context) error { return c.play(ctx, job.DeepCopy()) })
}

// play plays one Job to its end.
func (c *Controller) play(ctx context.Context, job *batchv1.Job) error {
	pod, err := CreatePod(ctx, c.client, job)
	if err == nil && !c.opts.SkipRunning {
		err = MarkRunning(ctx, c.client, job)
	}
	if err != nil {
		return err
	}
	runCtx := ctx
	if s := job.Spec.ActiveDeadlineSeconds; s != nil {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, time.Duration(*s)*time.Second)
		defer cancel()
	}
	term, err := c.node.Run(runCtx, pod)
	switch {
	case ctx.Err() != nil:
		return nil // stopped: the pod is gone, or the Job suspended
	case errors.Is(runCtx.Err(), context.DeadlineExceeded):
		term, err = Termination{ExitCode: 137, Reason: "DeadlineExceeded"}, nil
	case err != nil:
		return err
	}
	return c.finish(context.WithoutCancel(ctx), job, pod, term, runCtx.Err() != nil)
}

// finish writes the pod's and the Job's final status.
func (c *Controller) finish(ctx context.Context, job *batchv1.Job, pod *corev1.Pod, term Termination, pastDeadline bool) error {
	if err := TerminatePod(ctx, c.client, pod, term); err != nil {
		return err
	}
	o := Outcome{Succeeded: term.ExitCode == 0, Reason: batchv1.JobReasonBackoffLimitExceeded,
		Message: "Job has reached the specified backoff limit"}
	if pastDeadline {
		o = Outcome{Reason: batchv1.JobReasonDeadlineExceeded, Message: "Job was active longer than specified deadline"}
	}
	return FinishJob(ctx, c.client, job, o)
}
