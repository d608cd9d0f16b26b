package podexec

import (
	"context"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/util/retry"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// get reads the record of task id in namespace ns: NotFound when there is
// none, AlreadyExists when a ConfigMap of that name is not a record of it.
func (r *Runner) get(ctx context.Context, ns, id string) (*record, error) {
	cm, err := r.client.CoreV1().ConfigMaps(ns).Get(ctx, id, metav1.GetOptions{})
	if err != nil {
		return nil, apiError(err, "get the record of task %s in %s", id, ns)
	}
	if cm.Labels[v1alpha1.LabelTaskID] != id {
		return nil, drivers.Errorf(drivers.AlreadyExists, "ConfigMap %s/%s exists and is not the record of task %s", ns, id, id)
	}
	return recordOf(cm), nil
}

// find reads the record of task id: in Options.Namespace when set, else
// in any namespace, by its label.
func (r *Runner) find(ctx context.Context, id string) (*record, error) {
	if r.opts.Namespace != "" {
		return r.get(ctx, r.opts.Namespace, id)
	}
	list, err := r.client.CoreV1().ConfigMaps(metav1.NamespaceAll).List(ctx, metav1.ListOptions{
		LabelSelector: labels.Set{v1alpha1.LabelTaskID: id}.String()})
	if err != nil {
		return nil, apiError(err, "find the record of task %s", id)
	}
	var found []*record
	for i := range list.Items {
		if list.Items[i].Name == id {
			found = append(found, recordOf(&list.Items[i]))
		}
	}
	switch len(found) {
	case 0:
		return nil, drivers.Errorf(drivers.NotFound, "pod exec: no task %s", id)
	case 1:
		return found[0], nil
	}
	return nil, drivers.Errorf(drivers.FailedPrecondition, "pod exec: records of task %s in namespaces %s and %s: task IDs must be unique",
		id, found[0].namespace, found[1].namespace)
}

// create records task t as rec says; a record that exists is an error.
func (r *Runner) create(ctx context.Context, t *drivers.Task, rec *record) error {
	cm := rec.configMap(t, r.opts.OwnerReferences)
	_, err := r.client.CoreV1().ConfigMaps(rec.namespace).Create(ctx, cm, metav1.CreateOptions{})
	if err != nil {
		return apiError(err, "record task %s in %s", t.ID, rec.namespace)
	}
	r.opts.Logger.V(1).Info("recorded a pod exec task", "task", t.ID, "namespace", rec.namespace, "pod", rec.pod)
	return nil
}

// save writes rec, the final record of task id, unless the record in the
// cluster is terminal already (the first end wins) or gone (cleaned up).
func (r *Runner) save(ctx context.Context, id string, rec *record) error {
	_, err := r.update(ctx, rec.namespace, id, func(cur *record) bool {
		*cur = *rec
		return true
	})
	if drivers.IsNotFound(err) {
		return nil
	}
	return err
}

// endOrphan ends the record of a task that no run of this process backs,
// with o, unless it ended meanwhile; it returns the record as it is then.
func (r *Runner) endOrphan(ctx context.Context, id string, o outcome) (*record, error) {
	rec, err := r.find(ctx, id)
	if err != nil {
		return nil, err
	}
	now := r.now()
	return r.update(ctx, rec.namespace, id, func(cur *record) bool { return cur.end(o, now) })
}

// update applies change to the record of task id in ns, unless it is
// terminal; it returns the record as it is after.
func (r *Runner) update(ctx context.Context, ns, id string, change func(*record) bool) (*record, error) {
	var out *record
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cm, err := r.client.CoreV1().ConfigMaps(ns).Get(ctx, id, metav1.GetOptions{})
		if err != nil {
			return err
		}
		out = recordOf(cm)
		if out.phase.IsTerminal() || !change(out) {
			return nil
		}
		cm.Data = out.data()
		_, err = r.client.CoreV1().ConfigMaps(ns).Update(ctx, cm, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		return nil, apiError(err, "update the record of task %s in %s", id, ns)
	}
	return out, nil
}

// remove deletes the record of task id (in ns when known); gone is fine.
func (r *Runner) remove(ctx context.Context, ns, id string) error {
	if ns == "" {
		rec, err := r.find(ctx, id)
		if drivers.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		ns = rec.namespace
	}
	err := r.client.CoreV1().ConfigMaps(ns).Delete(ctx, id, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return apiError(err, "delete the record of task %s in %s", id, ns)
	}
	return nil
}

// apiError wraps an error of the API server once, with its code.
func apiError(err error, format string, args ...any) error {
	var de *drivers.Error
	if errors.As(err, &de) {
		return err
	}
	return &drivers.Error{Code: drivers.ErrorCode(err), Msg: "pod exec: " + fmt.Sprintf(format, args...), Err: err}
}
