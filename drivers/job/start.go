package job

import (
	"context"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// startJob creates the Job of task t, or adopts it when it exists.
func (d *Driver) startJob(ctx context.Context, t *drivers.Task) error {
	ns := d.namespaceFor(t)
	if err := checkTargetNamespace(t, ns); err != nil {
		return err
	}
	jobs := d.client.BatchV1().Jobs(ns)
	existing, err := d.existingJob(ctx, ns, t.ID)
	switch {
	case err == nil:
		return d.adopt(existing, t)
	case !drivers.IsNotFound(err):
		return err
	}
	plan := jobPlan{namespace: ns, now: d.opts.Clock.Now()}
	if plan.claimMissing, err = d.prepareClaim(ctx, ns, t); err != nil {
		return err
	}
	if plan.envFromSecrets, err = d.envFromSecretNames(ctx, t, ns); err != nil {
		return err
	}
	created, err := jobs.Create(ctx, d.buildJob(t, plan), metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		if existing, err = jobs.Get(ctx, t.ID, metav1.GetOptions{}); err != nil {
			return apiError(err, "get Job %s/%s", ns, t.ID)
		}
		return d.adopt(existing, t)
	}
	if err != nil {
		return apiError(err, "create Job %s/%s", ns, t.ID)
	}
	d.remember(t.ID, ns)
	d.wrote(created)
	d.opts.Logger.Info("created Job", "task", t.ID, "kind", t.Kind, "namespace", ns, "uid", created.UID)
	return nil
}

// existingJob returns the Job named id in ns: from the cache when the
// driver watches (a Job the cache has not seen yet is found by Create's
// AlreadyExists, then read), else from the API server.
func (d *Driver) existingJob(ctx context.Context, ns, id string) (*batchv1.Job, error) {
	if d.watch != nil {
		job, err := d.cachedJob(ctx, id)
		if err == nil && job.Namespace != ns {
			return nil, drivers.Errorf(drivers.NotFound, "job driver: no Job %s/%s", ns, id)
		}
		return job, err
	}
	job, err := d.client.BatchV1().Jobs(ns).Get(ctx, id, metav1.GetOptions{})
	if err != nil {
		return nil, apiError(err, "get Job %s/%s", ns, id)
	}
	return job, nil
}

// adopt takes an existing Job as the task's when it carries the task's ID.
func (d *Driver) adopt(job *batchv1.Job, t *drivers.Task) error {
	if job.Labels[v1alpha1.LabelTaskID] != t.ID {
		return drivers.Errorf(drivers.AlreadyExists, "job driver: Job %s/%s exists and is not the Job of task %q",
			job.Namespace, job.Name, t.ID)
	}
	d.remember(t.ID, job.Namespace)
	d.wrote(job)
	return nil
}

// prepareClaim makes sure the claim a task mounts is there: a backup's is
// created when missing (see ensureClaim), a restore's must exist, and a
// delete-artifacts task whose claim is gone has nothing to delete
// (claimMissing).
func (d *Driver) prepareClaim(ctx context.Context, ns string, t *drivers.Task) (claimMissing bool, err error) {
	if staged(t) {
		return false, nil // no claim: an emptyDir
	}
	switch t.Kind {
	case drivers.KindBackup:
		return false, d.ensureClaim(ctx, ns, t.Storage)
	case drivers.KindRestore:
		s := *t.Storage
		s.Create = nil
		return false, d.ensureClaim(ctx, ns, &s)
	case drivers.KindDeleteArtifacts:
		exists, err := d.claimExists(ctx, ns, t.Storage.ClaimName)
		return !exists, err
	}
	return false, nil
}

// checkTargetNamespace returns a FailedPrecondition error for a backup
// whose target's claims are in another namespace than its Job: a pod can
// only mount claims of its own namespace.
func checkTargetNamespace(t *drivers.Task, ns string) error {
	if t.Kind != drivers.KindBackup || t.Target.Namespace == "" || t.Target.Namespace == ns {
		return nil
	}
	for _, v := range t.Target.Volumes {
		if v.PersistentVolumeClaim != nil || v.Ephemeral != nil {
			return drivers.Errorf(drivers.FailedPrecondition,
				"job driver: task %q: the target %s/%s has claims, which a Job in namespace %s cannot mount",
				t.ID, t.Target.Namespace, t.Target.Name, ns)
		}
	}
	return nil
}
