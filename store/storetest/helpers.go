package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// createBackup creates a Backup and fails the test on error.
func (e *env) createBackup(b *v1alpha1.Backup) *v1alpha1.Backup {
	e.t.Helper()
	got, err := e.s.Backups().Create(e.ctx, b)
	require.NoError(e.t, err)
	return got
}

// getBackup reads a Backup and fails the test on error.
func (e *env) getBackup(namespace, name string) *v1alpha1.Backup {
	e.t.Helper()
	got, err := e.s.Backups().Get(e.ctx, namespace, name)
	require.NoError(e.t, err)
	return got
}

// requireGone checks that the Backup does not exist.
func (e *env) requireGone(namespace, name string) {
	e.t.Helper()
	_, err := e.s.Backups().Get(e.ctx, namespace, name)
	require.True(e.t, apierrors.IsNotFound(err), "want NotFound, got %v", err)
}

// watchBackups starts a watch of namespace's Backups, stopped at the end of
// the subtest.
func (e *env) watchBackups(namespace string) watch.Interface {
	e.t.Helper()
	w, err := e.s.Backups().Watch(e.ctx, namespace)
	require.NoError(e.t, err)
	e.t.Cleanup(w.Stop)
	return w
}

// nextEvent returns the next event of w that belongs to the subtest (other
// subtests may share a cluster-wide watch), failing after EventTimeout.
func (e *env) nextEvent(w watch.Interface) watch.Event {
	e.t.Helper()
	deadline := time.After(EventTimeout)
	for {
		select {
		case ev, ok := <-w.ResultChan():
			require.True(e.t, ok, "the watch ended early")
			obj, isObj := ev.Object.(store.Object)
			require.True(e.t, isObj, "event %s carries %T", ev.Type, ev.Object)
			if obj.GetLabels()[LabelID] == e.id {
				return ev
			}
		case <-deadline:
			e.t.Fatalf("no watch event within %s", EventTimeout)
		}
	}
}

// expectEvent checks that the next event is of type typ for the named
// Backup, and returns its object.
func (e *env) expectEvent(w watch.Interface, typ watch.EventType, namespace, name string) *v1alpha1.Backup {
	e.t.Helper()
	ev := e.nextEvent(w)
	b, ok := ev.Object.(*v1alpha1.Backup)
	require.True(e.t, ok, "event object is %T", ev.Object)
	require.Equal(e.t, []string{string(typ), namespace, name},
		[]string{string(ev.Type), b.Namespace, b.Name}, "unexpected event")
	requireTypeMeta(e.t, b, "Backup")
	return b
}

// requireEnded waits until w's channel is closed, draining events, and
// fails after EventTimeout.
func requireEnded(t *testing.T, w watch.Interface) {
	t.Helper()
	deadline := time.After(EventTimeout)
	for {
		select {
		case _, ok := <-w.ResultChan():
			if !ok {
				return
			}
		case <-deadline:
			t.Fatalf("the watch did not end within %s", EventTimeout)
		}
	}
}

// requireTypeMeta checks the apiVersion and kind of a returned object.
func requireTypeMeta(t *testing.T, obj store.Object, kind string) {
	t.Helper()
	gvk := obj.GetObjectKind().GroupVersionKind()
	require.Equal(t, v1alpha1.SchemeGroupVersion.WithKind(kind), gvk, "apiVersion and kind of a returned %s", kind)
}

// requireReason checks err's API status reason, naming the wanted one.
func requireReason(t *testing.T, want func(error) bool, err error, what string) {
	t.Helper()
	require.Error(t, err, "want %s", what)
	require.True(t, want(err), "want %s, got %v (reason %s)", what, err, apierrors.ReasonForError(err))
}

// names returns the namespace/name of objects, in order.
func names[T store.Object](objs []T) []string {
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = o.GetNamespace() + "/" + o.GetName()
	}
	return out
}
