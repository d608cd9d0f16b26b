package taskwatch

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/cache"

	"github.com/dpsdk/dataprotection/internal/slim"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// IndexTaskID is the name of the informers' index by the task label
// v1alpha1.LabelTaskID.
const IndexTaskID = v1alpha1.LabelTaskID

// Object is what a Kind holds: a Kubernetes object, such as *batchv1.Job.
type Object interface {
	metav1.Object
	runtime.Object
}

// Kind is one kind of object a Watch watches: its informer's cache of the
// objects labelled with a task ID, and the overlay of the driver's own
// writes.
type Kind[T Object] struct {
	w        *Watch
	informer Informer
	overlay  overlay[T]
}

// Add adds a kind to w, read from host when it is not nil, else from the
// informer own returns (which the Watch starts and stops).
func Add[T Object](w *Watch, host Informer, own func() (cache.SharedIndexInformer, error)) (*Kind[T], error) {
	k := &Kind[T]{w: w, overlay: overlay[T]{entries: map[string]*entry[T]{}}}
	var run func(context.Context)
	inf := host
	if host == nil {
		si, err := own()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", w.name, err)
		}
		if err := si.SetTransform(slim.ManagedFields); err != nil {
			return nil, fmt.Errorf("%s: %w", w.name, err)
		}
		inf, run = si, si.RunWithContext
	}
	k.informer = inf
	return k, w.add(inf, run, k.observe, k.overlay.clear)
}

// ByTask returns the objects labelled with task id, as the cache holds
// them or, when the driver wrote one since, as it wrote it: the newer of
// the two (by resourceVersion); an object the driver deleted is left out.
// The objects are shared: callers copy before they change one. Call
// Watch.Ready first.
func (k *Kind[T]) ByTask(id string) ([]T, error) {
	pending := k.overlay.snapshot() // before the cache (overlay.snapshot)
	items, err := k.informer.GetIndexer().ByIndex(IndexTaskID, id)
	if err != nil {
		return nil, fmt.Errorf("%s: read the cache: %w", k.w.name, err)
	}
	cached := make([]T, 0, len(items))
	for _, it := range items {
		if obj, ok := it.(T); ok {
			cached = append(cached, obj)
		}
	}
	return pending.merge(id, cached), nil
}

// Wrote records obj as the driver just wrote it (what the API server
// returned), so that reads see it before the informer does.
func (k *Kind[T]) Wrote(obj T) { k.overlay.record(obj, false) }

// Deleted records that the driver deleted obj.
func (k *Kind[T]) Deleted(obj T) { k.overlay.record(obj, true) }

// observe settles the overlay with an informer's event and returns the
// object's task ID.
func (k *Kind[T]) observe(obj any, deleted bool) string {
	o, ok := obj.(T)
	if !ok {
		return ""
	}
	k.overlay.observe(o, deleted)
	return o.GetLabels()[v1alpha1.LabelTaskID]
}

// indexTaskID indexes an object by its task label.
func indexTaskID(obj any) ([]string, error) {
	if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = d.Obj
	}
	m, ok := obj.(metav1.Object)
	if !ok {
		return nil, nil
	}
	if id := m.GetLabels()[v1alpha1.LabelTaskID]; id != "" {
		return []string{id}, nil
	}
	return nil, nil
}
