package executor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Run's feed remembers the views of unfinished Backups, so a watch event,
// which has no previous state, routes as narrowly as an informer update.
func TestTheFeedRoutesABackupsLifecycleToItsPolicyOnPhaseChanges(t *testing.T) {
	v := backupViews{}
	b := &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "b1"},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "pg"}}
	var freed []bool
	step := func(typ watch.EventType, mutate func(*v1alpha1.Backup)) int {
		mutate(b)
		reqs, f := v.route(watch.Event{Type: typ, Object: b.DeepCopy()})
		freed = append(freed, f)
		return len(reqs)
	}
	same := func(*v1alpha1.Backup) {}
	assert.Equal(t, 2, step(watch.Added, same), "created: itself and its policy")
	assert.Equal(t, 1, step(watch.Modified, func(b *v1alpha1.Backup) { b.Finalizers = []string{v1alpha1.Finalizer} }))
	assert.Equal(t, 1, step(watch.Modified, func(b *v1alpha1.Backup) { b.Annotations = map[string]string{"a": "b"} }))
	assert.Equal(t, 2, step(watch.Modified, func(b *v1alpha1.Backup) { b.Status.Phase = v1alpha1.BackupInProgress }))
	assert.Equal(t, 1, step(watch.Modified, func(b *v1alpha1.Backup) { b.Status.TotalSize = "1Ki" }))
	assert.Equal(t, 2, step(watch.Modified, func(b *v1alpha1.Backup) { b.Status.Phase = v1alpha1.BackupCompleted }))
	assert.Empty(t, v, "a finished Backup is not remembered")
	assert.Equal(t, 2, step(watch.Modified, func(b *v1alpha1.Backup) { b.Labels = map[string]string{"x": "y"} }),
		"a finished Backup's change routes as one of an unknown state")
	assert.Equal(t, 2, step(watch.Deleted, same))
	assert.Equal(t, []bool{false, false, false, false, false, true, true, true}, freed,
		"a running Backup that finishes frees a slot; a finished one's changes may have")
}

func TestTheFeedIgnoresAPolicysStatusWrites(t *testing.T) {
	m := policyMetas{}
	p := &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "pg", Generation: 1}}
	route := func(typ watch.EventType) int { return len(m.route(watch.Event{Type: typ, Object: p.DeepCopy()})) }
	assert.Equal(t, 1, route(watch.Added))
	p.Status.Phase = v1alpha1.PolicyAvailable
	assert.Zero(t, route(watch.Modified), "the engine's status write")
	p.Generation = 2
	assert.Equal(t, 1, route(watch.Modified), "a spec change")
	p.Annotations = map[string]string{v1alpha1.AnnotationRepository: "s3"}
	assert.Equal(t, 1, route(watch.Modified), "an annotation")
	assert.Equal(t, 1, route(watch.Deleted))
	assert.Empty(t, m)
}
