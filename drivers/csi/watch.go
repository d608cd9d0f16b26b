package csi

import (
	"context"
	"sort"

	snapshotv1 "github.com/kubernetes-csi/external-snapshotter/client/v6/apis/volumesnapshot/v1"
	snapshotinformers "github.com/kubernetes-csi/external-snapshotter/client/v6/informers/externalversions"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/taskwatch"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Informers hands a host's informers to the driver: a host that already
// runs informers on VolumeSnapshots or PersistentVolumeClaims shares their
// caches instead of the driver holding a second copy. They must hold at
// least the objects labelled v1alpha1.LabelTaskID, in every namespace. The
// host starts them and stops them after the driver's Close; the driver
// adds an indexer and an event handler to each (Close removes the handler)
// and waits for them to sync before it reads. A nil field leaves that kind
// to an informer of the driver's own.
type Informers struct {
	VolumeSnapshots, PersistentVolumeClaims Informer
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
// unset): the VolumeSnapshots and claims its tasks made, indexed by task.
type watching struct {
	w      *taskwatch.Watch
	snaps  *taskwatch.Kind[*snapshotv1.VolumeSnapshot]
	claims *taskwatch.Kind[*corev1.PersistentVolumeClaim]
}

// newWatching sets up the informers of the objects labelled with a task
// ID, the host's or the driver's own (not started yet).
func newWatching(d *Driver) (*watching, error) {
	w := &watching{w: taskwatch.New("csi", d.opts.SyncTimeout)}
	var hostSnaps, hostClaims Informer
	if h := d.opts.Informers; h != nil {
		hostSnaps, hostClaims = h.VolumeSnapshots, h.PersistentVolumeClaims
	}
	tweak := func(o *metav1.ListOptions) { o.LabelSelector = v1alpha1.LabelTaskID }
	var err error
	if w.snaps, err = taskwatch.Add[*snapshotv1.VolumeSnapshot](w.w, hostSnaps, func() (cache.SharedIndexInformer, error) {
		f := snapshotinformers.NewSharedInformerFactoryWithOptions(d.snap, 0, snapshotinformers.WithTweakListOptions(tweak))
		return f.Snapshot().V1().VolumeSnapshots().Informer(), nil
	}); err != nil {
		return nil, err
	}
	if w.claims, err = taskwatch.Add[*corev1.PersistentVolumeClaim](w.w, hostClaims, func() (cache.SharedIndexInformer, error) {
		f := informers.NewSharedInformerFactoryWithOptions(d.kube, 0, informers.WithTweakListOptions(tweak))
		return f.Core().V1().PersistentVolumeClaims().Informer(), nil
	}); err != nil {
		return nil, err
	}
	return w, nil
}

// Notify calls fn with a task's ID whenever one of its VolumeSnapshots or
// restored claims changes (created, ready, failed, deleted), until ctx
// ends or Close (see drivers.Notifier); the driver's informers start.
// Hook and status-update tasks, run by pod exec, are not notified: the
// engine polls them. With Options.DirectReads it returns an Unimplemented
// error.
func (d *Driver) Notify(ctx context.Context, fn func(taskID string)) error {
	if d.watch == nil {
		return drivers.Errorf(drivers.Unimplemented, "csi: Options.DirectReads is set: nothing watches the VolumeSnapshots")
	}
	return d.watch.w.Notify(ctx, fn)
}

// Close stops the driver's informers and removes its handlers from the
// host's (Options.Informers). Reads then fail; Close is idempotent.
func (d *Driver) Close() error {
	if d.watch == nil {
		return nil
	}
	return d.watch.w.Close()
}

// statusSnapshots lists the VolumeSnapshots of task id for Status: from
// the cache (and the driver's own writes it has not seen yet) when the
// driver watches, in the order of the task's claims.
func (d *Driver) statusSnapshots(ctx context.Context, id, ns string) ([]snapshotv1.VolumeSnapshot, error) {
	if d.watch == nil {
		return d.taskSnapshots(ctx, id, ns)
	}
	if err := d.watch.w.Ready(ctx); err != nil {
		return nil, err
	}
	cached, err := d.watch.snaps.ByTask(id)
	if err != nil {
		return nil, drivers.WithCode(drivers.Internal, err)
	}
	snaps := make([]snapshotv1.VolumeSnapshot, 0, len(cached))
	for _, vs := range cached {
		if ns == allNamespaces || vs.Namespace == ns {
			snaps = append(snaps, *vs.DeepCopy())
		}
	}
	sortSnapshots(snaps)
	return snaps, nil
}

// statusClaims lists the claims of restore task id for Status: from the
// cache when the driver watches.
func (d *Driver) statusClaims(ctx context.Context, id, ns string) ([]corev1.PersistentVolumeClaim, error) {
	if d.watch == nil {
		return d.taskClaims(ctx, id, ns)
	}
	if err := d.watch.w.Ready(ctx); err != nil {
		return nil, err
	}
	cached, err := d.watch.claims.ByTask(id)
	if err != nil {
		return nil, drivers.WithCode(drivers.Internal, err)
	}
	claims := make([]corev1.PersistentVolumeClaim, 0, len(cached))
	for _, c := range cached {
		if ns == allNamespaces || c.Namespace == ns {
			claims = append(claims, *c.DeepCopy())
		}
	}
	sort.Slice(claims, func(i, j int) bool { return claims[i].Name < claims[j].Name })
	return claims, nil
}

// wroteSnapshot and wroteClaim record what the driver created, so that
// its reads see it before its informers do.
func (d *Driver) wroteSnapshot(vs *snapshotv1.VolumeSnapshot) {
	if d.watch != nil {
		d.watch.snaps.Wrote(vs)
	}
}

func (d *Driver) wroteClaim(c *corev1.PersistentVolumeClaim) {
	if d.watch != nil {
		d.watch.claims.Wrote(c)
	}
}
