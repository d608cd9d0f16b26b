package job

import (
	"context"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// namespaceFor is the namespace of a task's Job: Options.Namespace, else
// the owner's.
func (d *Driver) namespaceFor(t *drivers.Task) string {
	if d.opts.Namespace != "" {
		return d.opts.Namespace
	}
	return t.Owner.Namespace
}

func (d *Driver) remember(id, namespace string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.namespaces[id] = namespace
}

func (d *Driver) forget(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.namespaces, id)
}

// getJob returns the Job of task id, from the cache when the driver
// watches (see cachedJob), else from the API server (readJob). No Job is a
// NotFound error.
func (d *Driver) getJob(ctx context.Context, id string) (*batchv1.Job, error) {
	if d.watch != nil {
		return d.cachedJob(ctx, id)
	}
	return d.readJob(ctx, id)
}

// readJob returns the Job of task id from the API server. Without
// Options.Namespace, a task this process has not seen is looked up by its
// v1alpha1.LabelTaskID in every namespace. No Job is a NotFound error.
func (d *Driver) readJob(ctx context.Context, id string) (*batchv1.Job, error) {
	d.mu.Lock()
	ns, known := d.namespaces[id]
	d.mu.Unlock()
	if d.opts.Namespace != "" {
		ns, known = d.opts.Namespace, true
	}
	if known {
		job, err := d.client.BatchV1().Jobs(ns).Get(ctx, id, metav1.GetOptions{})
		if err != nil {
			return nil, apiError(err, "get Job %s/%s", ns, id)
		}
		return job, nil
	}
	list, err := d.client.BatchV1().Jobs(metav1.NamespaceAll).List(ctx, metav1.ListOptions{
		LabelSelector: labels.Set{v1alpha1.LabelTaskID: id}.String(),
	})
	if err != nil {
		return nil, apiError(err, "find the Job of task %q", id)
	}
	var found []*batchv1.Job
	for i := range list.Items {
		if j := &list.Items[i]; j.Name == id {
			found = append(found, j)
		}
	}
	return d.oneJob(id, found)
}

// oneJob returns the one Job of found, Jobs named id: none is a NotFound
// error, more than one (in several namespaces) a FailedPrecondition error.
func (d *Driver) oneJob(id string, found []*batchv1.Job) (*batchv1.Job, error) {
	switch len(found) {
	case 0:
		return nil, drivers.Errorf(drivers.NotFound, "job driver: no Job for task %q", id)
	case 1:
		d.remember(id, found[0].Namespace)
		return found[0], nil
	}
	return nil, drivers.Errorf(drivers.FailedPrecondition,
		"job driver: Jobs of task %q in namespaces %s and %s: task IDs must be unique; set Options.Namespace",
		id, found[0].Namespace, found[1].Namespace)
}
