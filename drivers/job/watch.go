package job

import (
	"context"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/taskwatch"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Informers hands a host's informers to the driver: a host that already
// runs informers on Jobs or Pods (a SharedInformerFactory's, or a
// controller-runtime cache's) shares their caches instead of the driver
// holding a second copy. They must hold at least the objects labelled
// v1alpha1.LabelTaskID in Options.Namespace (every namespace when it is
// empty). The host starts them and stops them after the driver's Close;
// the driver adds an indexer and an event handler to each (Close removes
// the handler) and waits for them to sync before it reads. A nil field
// leaves that kind to an informer of the driver's own.
type Informers struct {
	Jobs, Pods Informer
}

// Informer is what the driver needs of a host's informer:
// cache.SharedIndexInformer has it.
type Informer interface {
	AddEventHandler(handler cache.ResourceEventHandler) (cache.ResourceEventHandlerRegistration, error)
	RemoveEventHandler(handle cache.ResourceEventHandlerRegistration) error
	AddIndexers(indexers cache.Indexers) error
	GetIndexer() cache.Indexer
}

// watching is the driver's read side when it watches (Options.DirectReads
// unset): Jobs and their pods, indexed by task.
type watching struct {
	w    *taskwatch.Watch
	jobs *taskwatch.Kind[*batchv1.Job]
	pods *taskwatch.Kind[*corev1.Pod]
}

// newWatching sets up the informers of the Jobs and pods labelled with a
// task ID, the host's or the driver's own (not started yet).
func newWatching(d *Driver) (*watching, error) {
	w := &watching{w: taskwatch.New("job driver", d.opts.SyncTimeout)}
	var hostJobs, hostPods Informer
	if h := d.opts.Informers; h != nil {
		hostJobs, hostPods = h.Jobs, h.Pods
	}
	factory := informers.NewSharedInformerFactoryWithOptions(d.client, 0,
		informers.WithNamespace(d.opts.Namespace),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = v1alpha1.LabelTaskID }))
	var err error
	if w.jobs, err = taskwatch.Add[*batchv1.Job](w.w, hostJobs, func() (cache.SharedIndexInformer, error) {
		return factory.Batch().V1().Jobs().Informer(), nil
	}); err != nil {
		return nil, err
	}
	if w.pods, err = taskwatch.Add[*corev1.Pod](w.w, hostPods, func() (cache.SharedIndexInformer, error) {
		return factory.Core().V1().Pods().Informer(), nil
	}); err != nil {
		return nil, err
	}
	return w, nil
}

// Notify calls fn with a task's ID whenever its Job changes (created,
// running, finished, suspended, deleted), until ctx ends or Close (see
// drivers.Notifier); the driver's informers start. With
// Options.DirectReads it returns an Unimplemented error: the engine polls.
func (d *Driver) Notify(ctx context.Context, fn func(taskID string)) error {
	if d.watch == nil {
		return drivers.Errorf(drivers.Unimplemented, "job driver: Options.DirectReads is set: nothing watches the Jobs")
	}
	return d.watch.w.Notify(ctx, fn)
}

// Close stops the driver's informers and removes its handlers from the
// host's (Options.Informers). Reads then fail; Close is idempotent. A
// driver with Options.DirectReads holds nothing to close.
func (d *Driver) Close() error {
	if d.watch == nil {
		return nil
	}
	return d.watch.w.Close()
}

// cachedJob returns the Job of task id from the cache (and the driver's own
// writes the cache has not seen yet). No Job is a NotFound error: the
// engine then starts the task, and Start reads the API server and adopts
// a Job the cache has not seen.
func (d *Driver) cachedJob(ctx context.Context, id string) (*batchv1.Job, error) {
	if err := d.watch.w.Ready(ctx); err != nil {
		return nil, err
	}
	jobs, err := d.watch.jobs.ByTask(id)
	if err != nil {
		return nil, drivers.WithCode(drivers.Internal, err)
	}
	var found []*batchv1.Job
	for _, j := range jobs {
		if j.Name == id && (d.opts.Namespace == "" || j.Namespace == d.opts.Namespace) {
			found = append(found, j)
		}
	}
	return d.oneJob(id, found)
}

// cachedPods returns the pods of job from the cache.
func (d *Driver) cachedPods(job *batchv1.Job) ([]*corev1.Pod, error) {
	pods, err := d.watch.pods.ByTask(job.Labels[v1alpha1.LabelTaskID])
	if err != nil {
		return nil, drivers.WithCode(drivers.Internal, err)
	}
	out := pods[:0:0]
	for _, p := range pods {
		if p.Namespace == job.Namespace && p.Labels[batchv1.ControllerUidLabel] == string(job.UID) {
			out = append(out, p)
		}
	}
	return out, nil
}

// wrote records a Job the driver created, adopted or changed, so that its
// reads see it before its informer does.
func (d *Driver) wrote(job *batchv1.Job) {
	if d.watch != nil {
		d.watch.jobs.Wrote(job)
	}
}

// deleted records a Job the driver deleted.
func (d *Driver) deleted(job *batchv1.Job) {
	if d.watch != nil {
		d.watch.jobs.Deleted(job)
	}
}
