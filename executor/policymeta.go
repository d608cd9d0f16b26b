package executor

import (
	"maps"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// policyMeta is what a change of a BackupPolicy must touch for its
// reconcile to have something new to do: not its status, which only the
// engine writes.
type policyMeta struct {
	uid                 types.UID
	generation          int64
	deleting            bool
	labels, annotations map[string]string
}

func policyMetaOf(p *v1alpha1.BackupPolicy) policyMeta {
	return policyMeta{uid: p.UID, generation: p.Generation, deleting: p.DeletionTimestamp != nil,
		labels: p.Labels, annotations: p.Annotations}
}

func (m policyMeta) equal(o policyMeta) bool {
	return m.uid == o.uid && m.generation == o.generation && m.deleting == o.deleting &&
		maps.Equal(m.labels, o.labels) && maps.Equal(m.annotations, o.annotations)
}

// policyChanged reports whether a change of a policy from old to obj
// concerns its reconcile.
func policyChanged(old, obj *v1alpha1.BackupPolicy) bool {
	return !policyMetaOf(old).equal(policyMetaOf(obj))
}

// policyMetas are the metas of the policies Run's feed has seen, so that
// its watch events, which carry no previous state, route as narrowly as an
// informer's updates. Used by one goroutine.
type policyMetas map[types.NamespacedName]policyMeta

// route returns the Requests of a watch event of a BackupPolicy.
func (m policyMetas) route(ev watch.Event) []Request {
	p, ok := object(ev.Object).(*v1alpha1.BackupPolicy)
	if !ok {
		return nil
	}
	key := types.NamespacedName{Namespace: p.Namespace, Name: p.Name}
	old, known := m[key]
	meta := policyMetaOf(p)
	if ev.Type == watch.Deleted {
		delete(m, key)
	} else {
		m[key] = meta
	}
	if known && ev.Type == watch.Modified && old.equal(meta) {
		return nil
	}
	return []Request{{Kind: KindBackupPolicy, Key: key}}
}
